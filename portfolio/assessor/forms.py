"""Forms for signing off a unit and reopening it. Both carry the portfolio's revision, so a
sign-off is of exactly what the assessor was shown."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class _Revisioned(FlaskForm):
    revision = HiddenField()

    def seen(self) -> int | None:
        try:
            return int(self.revision.data)
        except (TypeError, ValueError):
            return None


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
