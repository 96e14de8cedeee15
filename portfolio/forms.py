"""WTForms fields that more than one area of the product uses."""

from datetime import date

from wtforms import Field, SelectField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation


class DateInputField(Field):
    """Day, month and year in three boxes (the GOV.UK date input), read as one date.

    Whether the date may be left out is the validators' say, as for any field:
    ``DataRequired("Enter ...")`` or ``Optional()``. A date that cannot exist (31 2 2026, or
    letters) is always an error, with ``invalid_message`` or a sentence built from the label.
    The parts are read from any form data, so the field works in a GET form's query string.
    Render it with the ``date_input`` macro in templates/_macros.html.
    """

    PARTS = ("day", "month", "year")

    def __init__(self, label=None, validators=None, invalid_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.invalid_message = invalid_message or (
            f"{self.label.text} must be a real date, for example 27 3 2026."
        )
        if not kwargs.get("id"):
            # The error summary links to the day box, where a person starts putting it right.
            self.id = self.label.field_id = f"{self.name}-day"

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
                    self.process_errors.append(self.invalid_message)

    def pre_validate(self, form):
        if self.process_errors:
            raise StopValidation()


class ChoiceField(SelectField):
    """A drop-down whose "nothing chosen" or stale choice is an error in words: ``message``
    ("Choose the standard") instead of WTForms' "Not a valid choice"."""

    def __init__(self, label=None, validators=None, message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message or f"Choose the {self.label.text.lower()}"

    def pre_validate(self, form):
        if self.data is None or (self.choices and self.data not in {v for v, *_ in self.choices}):
            self.errors[:] = []
            raise StopValidation(self.message)
