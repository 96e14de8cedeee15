"""Forms for the administrator's pages."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import ChoiceField, DateInputField
from ..models import Role

NOT_ASSIGNED = 0
NAME_LENGTH = "Enter a name of 200 characters or fewer"
EMAIL_LENGTH = "Enter an email address of 320 characters or fewer"
CSV_MAX_BYTES = 1024 * 1024


class RolesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def role_choices():
    return [SelectChoice(role.value, role.label) for role in Role]


def staff_choices(people):
    return [SelectChoice(NOT_ASSIGNED, "Not assigned yet")] + [
        SelectChoice(person.id, f"{person.name} ({person.email})") for person in people
    ]


class CohortForm(FlaskForm):
    name = StringField(
        "Cohort name",
        description="For example, Community co-production September 2026.",
        validators=[
            DataRequired("Enter a name for the cohort"),
            Length(max=200, message="Enter a cohort name of 200 characters or fewer"),
        ],
    )
    standard = ChoiceField(
        "Standard", coerce=int, message="Choose the standard the cohort works towards"
    )
    # The service checks that the planned end comes after the start.
    start_date = DateInputField("Start date", validators=[DataRequired("Enter the start date")])
    planned_end_date = DateInputField(
        "Planned end date", validators=[DataRequired("Enter the planned end date")]
    )


class AssignForm(FlaskForm):
    assessor = SelectField("Assessor", coerce=int, default=NOT_ASSIGNED)
    iqa = SelectField("Internal quality assurer (IQA)", coerce=int, default=NOT_ASSIGNED)


class EnrolForm(AssignForm):
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter the learner's name"), Length(max=200, message=NAME_LENGTH)],
    )
    email = EmailField(
        "Email address",
        description="We send the invitation to set a password here.",
        validators=[
            DataRequired("Enter the learner's email address"),
            Length(max=320, message=EMAIL_LENGTH),
            Email("Enter an email address in the correct format, like name@example.org"),
        ],
    )
    uln = StringField(
        "Unique Learner Number (ULN) (optional)",
        description="10 digits. Leave blank if the learner does not have one.",
        validators=[
            Optional(),
            Regexp(r"^\d{10}$", message="Enter the ULN as exactly 10 digits, or leave it blank"),
        ],
    )


class UploadForm(AssignForm):
    file = FileField(
        "CSV file",
        description=(
            "The first row names the columns: name, email and optionally uln. "
            "Save from your spreadsheet as CSV UTF-8."
        ),
        validators=[
            FileRequired("Choose a CSV file to upload"),
            FileSize(CSV_MAX_BYTES, message="The CSV file must be smaller than 1 MiB"),
        ],
    )


class PersonForm(FlaskForm):
    name = StringField(
        "Full name",
        validators=[DataRequired("Enter the person's name"), Length(max=200, message=NAME_LENGTH)],
    )
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter the person's email address"),
            Length(max=320, message=EMAIL_LENGTH),
            Email("Enter an email address in the correct format, like name@example.org"),
        ],
    )
    roles = RolesField(
        "Roles",
        choices=role_choices(),
        validators=[DataRequired("Choose at least one role")],
    )


class RolesForm(FlaskForm):
    roles = RolesField(
        "Roles",
        choices=role_choices(),
        validators=[DataRequired("Choose at least one role")],
    )


class AuditFilterForm(FlaskForm):
    """Filters for the audit trail: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    action = SelectField("Event", default="")
    person = SelectField("Person", coerce=int, default=0)
    date_from = DateInputField(
        "From",
        validators=[Optional()],
        invalid_message="The 'from' date must be a real date, for example 27 3 2026.",
    )
    date_to = DateInputField(
        "To",
        validators=[Optional()],
        invalid_message="The 'to' date must be a real date, for example 27 3 2026.",
    )

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The 'to' date must be the same as or after the 'from' date")


class LearnersField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EqaGrantForm(FlaskForm):
    """An external quality assurer's access to a cohort or to chosen learners, until a date."""

    eqa = ChoiceField(
        "External quality assurer", coerce=int, message="Choose the external quality assurer"
    )
    cohort = ChoiceField(
        "A whole cohort", coerce=int, message="Choose a whole cohort, or the chosen learners"
    )
    learners = LearnersField("Or chosen learners", coerce=int)
    expires_on = DateInputField(
        "Access ends on", validators=[DataRequired("Enter the date access ends")]
    )


# Reports (the provider dashboard) and withdrawals


class ReportFilterForm(FlaskForm):
    """The dashboard's filters: a GET form, so no CSRF token and every view has a URL. The
    names are the query string's that ``figures.DashboardQuery`` reads."""

    class Meta:
        csrf = False

    cohort = SelectField("Cohort", coerce=int, default=0)
    assessor = SelectField("Assessor", coerce=int, default=0)
    status = SelectField("Status", default="")
    active_from = DateInputField(
        "Last activity from",
        validators=[Optional()],
        invalid_message="The 'last activity from' date must be a real date, for example 1 6 2026.",
    )
    active_to = DateInputField(
        "Last activity to",
        validators=[Optional()],
        invalid_message="The 'last activity to' date must be a real date, for example 30 6 2026.",
    )

    def validate_active_to(self, field):
        if field.data and self.active_from.data and field.data < self.active_from.data:
            raise ValidationError(
                "The 'last activity to' date must be the same as or after the 'from' date"
            )


class WholeNumberField(IntegerField):
    """A whole number typed into a text box, with a sentence of our own when it is not one."""

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or f"Enter {label.lower()} as a whole number"

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = int(text) if text.isdigit() else None
        if text and self.data is None:
            raise ValueError(self.invalid_message)


class RiskSettingsForm(FlaskForm):
    inactive_days = WholeNumberField(
        "Days without activity",
        validators=[
            InputRequired("Enter the number of days without activity"),
            NumberRange(1, 365, "Enter a number of days from 1 to 365"),
        ],
        invalid_message="Enter the days without activity as a whole number, like 30",
    )
    behind_points = WholeNumberField(
        "Percentage points behind",
        validators=[
            InputRequired("Enter the number of percentage points behind"),
            NumberRange(0, 100, "Enter a number of percentage points from 0 to 100"),
        ],
        invalid_message="Enter the percentage points behind as a whole number, like 25",
    )


class WithdrawForm(FlaskForm):
    # The service checks the date is not in the future nor before the cohort starts.
    withdrawn_on = DateInputField(
        "Date of withdrawal",
        validators=[DataRequired("Enter the date the learner withdrew")],
    )
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Give the reason the learner withdrew"),
            Length(max=2000, message="Keep the reason to 2,000 characters"),
        ],
    )


class ReinstateForm(FlaskForm):
    """Only the CSRF token: reinstating asks for nothing else."""


# Sampling strategy and assessor ratings (issue 11)

PERIOD_CHOICES = [
    SelectChoice(1, "Every month"),
    SelectChoice(2, "Every two months"),
    SelectChoice(3, "Every quarter (three months)"),
    SelectChoice(4, "Every four months"),
    SelectChoice(6, "Every six months"),
    SelectChoice(12, "Every year"),
]
AUTOMATIC = "automatic"


class SamplingNumberField(IntegerField):
    """A whole number from ``low`` to ``high``, with sentences of our own when it is not."""

    def __init__(self, label, *, what: str, low: int, high: int, **kwargs):
        super().__init__(
            label,
            validators=[
                InputRequired(f"Enter {what}"),
                NumberRange(low, high, f"Enter {what} from {low} to {high}"),
            ],
            **kwargs,
        )
        self.what = what

    def process_formdata(self, valuelist):
        text = valuelist[0].strip() if valuelist else ""
        self.data = int(text) if text.isdigit() else None
        if text and self.data is None:
            raise ValueError(f"Enter {self.what} as a whole number, like 25")

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


def _share(risk: str) -> SamplingNumberField:
    what = f"the share of a {risk} assessor's learners"
    return SamplingNumberField(f"{risk.capitalize()} risk", what=what, low=0, high=100)


class SamplingStrategyForm(FlaskForm):
    percent_new = SamplingNumberField(
        "New assessors", what="the share of a new assessor's learners", low=0, high=100
    )
    percent_low = _share("low")
    percent_medium = _share("medium")
    percent_high = _share("high")
    new_months = SamplingNumberField(
        "Months an assessor counts as new",
        what="the months an assessor counts as new",
        low=0,
        high=60,
    )
    interim = BooleanField("Interim: sample decisions during assessment")
    summative = BooleanField("Summative: sample sign-offs after assessment")
    period_months = SelectField("Sampling period", coerce=int, choices=PERIOD_CHOICES)


class AssessorRatingForm(FlaskForm):
    rating = SelectField("Risk rating")
