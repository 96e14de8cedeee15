"""Forms for asking a witness for testimony, and the witness's own form."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import DateInputField
from ..models import ConsentStatus
from ..services.witness import WITNESS_FIELDS


class CriteriaField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WitnessRequestForm(FlaskForm):
    """Who the witness is, which criteria the testimony concerns, and what is asked. Each
    missing answer is named at once; the service checks everything again."""

    name = StringField(
        "Witness’s full name", validators=[InputRequired("Enter the witness's name.")]
    )
    email = StringField(
        "Witness’s email address",
        validators=[InputRequired("Enter an email address.")],
    )
    role = StringField("Their role", validators=[InputRequired(WITNESS_FIELDS["role"])])
    organisation = StringField(
        "Their organisation or community group",
        validators=[InputRequired(WITNESS_FIELDS["organisation"])],
    )
    relationship = StringField(
        "How they know the learner", validators=[InputRequired(WITNESS_FIELDS["relationship"])]
    )
    criteria = CriteriaField(
        "Which criteria is the testimony about?",
        validators=[InputRequired("Choose at least one criterion the testimony is about.")],
    )
    message = TextAreaField(
        "What would you like them to tell you?",
        validators=[InputRequired("Write what you would like the witness to tell you.")],
    )

    def for_enrolment(self, enrolment) -> "WitnessRequestForm":
        self.criteria.choices = [
            SelectChoice(c.code, f"{c.code}: {c.text}") for c in enrolment.standard.criteria
        ]
        return self

    def values(self, enrolment) -> dict:
        standard = enrolment.standard
        return {
            "name": self.name.data,
            "email": self.email.data,
            "role": self.role.data,
            "organisation": self.organisation.data,
            "relationship": self.relationship.data,
            "criteria": [standard.criterion(code) for code in self.criteria.data or []],
            "message": self.message.data,
        }


class TestimonyForm(FlaskForm):
    """What the witness writes, the files they add and their declaration."""

    witness_role = StringField("Your role")
    #: required, not in the future, not before the course began: the service says so
    seen_on = DateInputField("When did you see the work?")
    testimony_md = TextAreaField("Your testimony")
    consent = RadioField(
        "Do the files show people who can be identified?",
        choices=[SelectChoice(c.value, c.label) for c in ConsentStatus],
        validate_choice=False,
    )
    files = MultipleFileField("Files (optional)")
    confirm = BooleanField("I confirm this testimony is true")

    def consent_value(self) -> ConsentStatus | None:
        valid = {c.value for c in ConsentStatus}
        return ConsentStatus(self.consent.data) if self.consent.data in valid else None
