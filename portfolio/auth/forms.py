"""Sign-in, password and reset forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email

from ..services.passwords import MIN_LENGTH

EMAIL_FORMAT = "Enter an email address in the correct format, like name@example.org"
PASSWORD_HINT = (
    f"At least {MIN_LENGTH} characters. A few unrelated words are easy to remember and hard "
    "to guess."
)


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Email(EMAIL_FORMAT)],
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        "New password",
        description=PASSWORD_HINT,
        validators=[DataRequired("Enter a new password")],
    )
    confirm = PasswordField(
        "Confirm new password", validators=[DataRequired("Enter the new password again")]
    )


class ChangePasswordForm(SetPasswordForm):
    current = PasswordField(
        "Current password", validators=[DataRequired("Enter your current password")]
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired("Enter your email address"), Email(EMAIL_FORMAT)],
    )
