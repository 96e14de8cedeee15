"""Forms for signing off a unit and reopening it. Both carry the portfolio's revision, so a
sign-off is of exactly what the assessor was shown."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, StopValidation

from ..services.assessment.revision import OUT_OF_DATE


def _sent_revision(field) -> int | None:
    """The revision the page sent. Not ``field.data``: a form missing the field keeps the
    current revision the view passed in, which would let it pass the compare-and-set."""
    try:
        return int((field.raw_data or [""])[0])
    except ValueError:
        return None


def _revision_sent(form, field) -> None:
    if _sent_revision(field) is None:
        raise StopValidation(OUT_OF_DATE)


class _Revisioned(FlaskForm):
    revision = HiddenField(validators=[_revision_sent])

    def seen(self) -> int | None:
        return _sent_revision(self.revision)


class SignOffForm(_Revisioned):
    password = PasswordField(
        "Your password", validators=[InputRequired("Enter your password to sign.")]
    )
    full_name = StringField(
        "Your full name", validators=[InputRequired("Type your full name to sign.")]
    )
    confirm = BooleanField("I confirm the declaration above")


class ReopenForm(_Revisioned):
    reason = TextAreaField(
        "Why are you reopening the unit?",
        validators=[
            InputRequired("Give the reason you are reopening the unit."),
            Length(max=2000, message="Keep the reason to 2,000 characters."),
        ],
    )
