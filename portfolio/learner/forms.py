"""Forms a learner fills in about their evidence."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from ..forms import DateInputField
from ..models import ConsentStatus, Method
from ..services.evidence import today

ACCOUNT_MAX = 20_000


def _choices(enum_cls):
    return [SelectChoice(member.value, member.label) for member in enum_cls]


class EvidenceForm(FlaskForm):
    title = StringField(
        "Title",
        validators=[
            InputRequired("Enter a title for the evidence."),
            Length(max=200, message="The title must be 200 characters or fewer."),
        ],
    )
    activity_date = DateInputField(
        "The date of the activity", validators=[DataRequired("Enter the date of the activity.")]
    )
    method = RadioField("Assessment method", choices=_choices(Method), validate_choice=False)
    account_md = TextAreaField(
        "Description or reflective account",
        validators=[
            Length(max=ACCOUNT_MAX, message=f"Keep the account to {ACCOUNT_MAX:,} characters.")
        ],
    )

    def validate_activity_date(self, field):
        if field.data > today():
            raise ValidationError("The date of the activity must be today or in the past.")

    def validate_method(self, field):
        if field.data not in {m.value for m in Method}:
            raise ValidationError("Select the assessment method.")

    def values(self) -> dict:
        return {
            "title": self.title.data,
            "activity_date": self.activity_date.data,
            "method": Method(self.method.data),
            "account_md": self.account_md.data or "",
        }


def _consent_field():
    return RadioField(
        "Do the files show people who can be identified?",
        choices=_choices(ConsentStatus),
        validate_choice=False,
    )


def _validate_consent(form, field):
    if field.data is not None and consent_value(field) is None:
        raise ValidationError("Select one of the answers about consent.")


class NewEvidenceForm(EvidenceForm):
    """Without JavaScript, files (and the consent answer for them) come with the details."""

    consent = _consent_field()
    files = MultipleFileField("Files (optional)")
    validate_consent = _validate_consent


class RecordForm(EvidenceForm):
    """An assessor's record of an observation, professional discussion or questioning."""

    method = RadioField(
        "Kind of record",
        choices=[
            SelectChoice(m.value, m.label)
            for m in (Method.OBSERVATION, Method.PROFESSIONAL_DISCUSSION, Method.QUESTIONING)
        ],
        validate_choice=False,
    )
    context = StringField(
        "Place or context",
        validators=[
            InputRequired("Say where this took place, or in what context."),
            Length(max=500, message="Keep the place or context to 500 characters."),
        ],
    )
    account_md = TextAreaField(
        "What you saw, asked and heard",
        validators=[
            InputRequired("Write what you saw, asked and heard."),
            Length(max=ACCOUNT_MAX, message=f"Keep the record to {ACCOUNT_MAX:,} characters."),
        ],
    )

    def validate_method(self, field):
        if field.data not in {"observation", "professional_discussion", "questioning"}:
            raise ValidationError("Choose observation, professional discussion or questioning.")

    def values(self) -> dict:
        return {**super().values(), "context": self.context.data.strip()}


class NewRecordForm(RecordForm):
    consent = _consent_field()
    files = MultipleFileField("Files (optional)")
    validate_consent = _validate_consent


class UploadForm(FlaskForm):
    """One batch of files; the consent answer is recorded for each file in it."""

    consent = _consent_field()
    files = MultipleFileField("Choose files")


class FileConsentForm(FlaskForm):
    consent = RadioField(
        "Does this file show people who can be identified?",
        choices=_choices(ConsentStatus),
        validate_choice=False,
    )

    def validate_consent(self, field):
        if consent_value(field) is None:
            raise ValidationError(
                "Select whether the file shows people who can be identified, and whether "
                "they consented."
            )


class SubmitForm(FlaskForm):
    full_name = StringField("Your full name", validators=[InputRequired("Enter your full name.")])
    confirm = BooleanField(
        "I confirm the declaration is true",
        validators=[DataRequired("Confirm that the declaration is true.")],
    )


def consent_value(field) -> ConsentStatus | None:
    return ConsentStatus(field.data) if field.data in {c.value for c in ConsentStatus} else None
