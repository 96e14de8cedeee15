"""Forms a learner fills in about their evidence."""

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    MultipleFileField,
    RadioField,
    SelectChoice,
    StringField,
    TextAreaField,
)
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, StopValidation, ValidationError

from ..models import ConsentStatus, Method
from ..services.evidence import today

ACCOUNT_MAX = 20_000


class DateInputField(Field):
    """Day, month and year in three boxes (the GOV.UK date input), read as one date."""

    PARTS = ("day", "month", "year")

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        self.raw_data = None
        self.object_data = None if data is unset_value else data
        self.data = self.object_data
        self.parts = {}
        if self.data:
            self.parts = {"day": self.data.day, "month": self.data.month, "year": self.data.year}
        names = [f"{self.name}-{part}" for part in self.PARTS]
        if formdata is not None and any(name in formdata for name in names):
            self.parts = {p: formdata.get(f"{self.name}-{p}", "").strip() for p in self.PARTS}
            self.raw_data = list(self.parts.values())
            self.data = None
            if any(self.parts.values()):
                try:
                    self.data = date(*(int(self.parts[p]) for p in ("year", "month", "day")))
                except ValueError:
                    self.process_errors.append(
                        f"{self.label.text} must be a real date, for example 27 3 2026."
                    )

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()
        if self.data is None:
            raise StopValidation(f"Enter {self.label.text.lower()}.")


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
    activity_date = DateInputField("The date of the activity", id="activity_date-day")
    method = RadioField("Assessment method", choices=_choices(Method), validate_choice=False)
    account_md = TextAreaField(
        "Description or reflective account",
        validators=[
            Length(max=ACCOUNT_MAX, message=f"Keep the account to {ACCOUNT_MAX:,} characters.")
        ],
    )
    consent = RadioField(
        "Do the files show people who can be identified?",
        choices=_choices(ConsentStatus),
        validate_choice=False,
    )
    files = MultipleFileField("Files (optional)")

    def validate_activity_date(self, field):
        if field.data > today():
            raise ValidationError("The date of the activity must be today or in the past.")

    def validate_method(self, field):
        if field.data not in {m.value for m in Method}:
            raise ValidationError("Select the assessment method.")

    def validate_consent(self, field):
        if field.data is not None and consent_value(field) is None:
            raise ValidationError("Select one of the answers about consent.")

    def values(self) -> dict:
        return {
            "title": self.title.data,
            "activity_date": self.activity_date.data,
            "method": Method(self.method.data),
            "account_md": self.account_md.data or "",
            "consent": consent_value(self.consent),
        }


class UploadForm(FlaskForm):
    consent = RadioField(
        "Do the files show people who can be identified?",
        choices=_choices(ConsentStatus),
        validate_choice=False,
    )
    files = MultipleFileField("Choose files")


class SubmitForm(FlaskForm):
    full_name = StringField("Your full name", validators=[InputRequired("Enter your full name.")])
    confirm = BooleanField("I confirm the declaration is true")


def consent_value(field) -> ConsentStatus | None:
    return ConsentStatus(field.data) if field.data in {c.value for c in ConsentStatus} else None
