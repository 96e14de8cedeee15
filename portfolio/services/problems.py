"""The one exception services raise when a person's request breaks a rule.

It carries a plain-English sentence saying what to do next and, when the problem belongs to one
form field, that field's name, so a view can put the message beside the field.
"""


class Problem(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def attach(form, problem: Problem) -> None:
    """Show ``problem`` beside its field on ``form`` (or the first field when it names none),
    so the error summary links to it."""
    field = getattr(form, problem.field, None) if problem.field else None
    if field is None:
        field = next(f for f in form if f.type not in {"CSRFTokenField", "HiddenField"})
    field.errors = [*field.errors, problem.message]
