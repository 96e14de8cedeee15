"""Forms for sampling records, the assessor's response and the countersignature. The services
in services/quality check every rule and say what is wrong; these forms only read the input."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice, TextAreaField
from wtforms.validators import Optional

from ..assessor.forms import SignOffForm
from ..forms import DateInputField
from ..models import SampleOutcome


class RecordForm(FlaskForm):
    outcome = RadioField(
        "Do you agree with the assessor’s decision?",
        choices=[SelectChoice(o.value, o.label) for o in SampleOutcome],
        validate_choice=False,
    )
    rules_comment = TextAreaField("Your comments on the rules of evidence")
    feedback_comment = TextAreaField("Your comments on the quality of the assessor’s feedback")
    action = TextAreaField("Action for the assessor")
    action_due = DateInputField(
        "Action due by",
        validators=[Optional()],
        invalid_message="The date the action is due must be a real date, for example 27 3 2026.",
    )

    def chosen_outcome(self) -> SampleOutcome | None:
        try:
            return SampleOutcome(self.outcome.data)
        except ValueError:
            return None


class RespondForm(FlaskForm):
    response = TextAreaField("Your response to the action")


class CountersignForm(SignOffForm):
    """The password, the typed name and the declaration, as the assessor signs; with the
    portfolio's revision, so the countersignature is of exactly what the IQA was shown."""
