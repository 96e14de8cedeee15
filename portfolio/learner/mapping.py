"""Reading the "which criteria does this show, and how" form: one checkbox and one explanation
per criterion, so a learner maps, changes and removes mappings in one place."""

from dataclasses import dataclass

from ..models import Criterion, Evidence
from ..services.evidence import MAX_JUSTIFICATION


@dataclass
class MappingChoice:
    criterion: Criterion
    checked: bool
    justification: str

    @property
    def field(self) -> str:
        return f"justification-{self.criterion.code}"

    @classmethod
    def for_evidence(cls, evidence: Evidence) -> list["MappingChoice"]:
        current = {m.criterion_id: m.justification for m in evidence.mappings}
        return [
            cls(c, c.id in current, current.get(c.id, ""))
            for c in evidence.enrolment.standard.criteria
        ]


def read_mappings(form, choices: list[MappingChoice]):
    """Update ``choices`` from the posted form; return ({criterion: text}, errors)."""
    ticked = set(form.getlist("criteria"))
    chosen, errors = {}, []
    for choice in choices:
        choice.checked = choice.criterion.code in ticked
        choice.justification = form.get(choice.field, "").strip()
        if not choice.checked:
            continue
        if not choice.justification:
            errors.append(
                (choice.field, f"Explain how this evidence shows {choice.criterion.code}.")
            )
        elif len(choice.justification) > MAX_JUSTIFICATION:
            errors.append(
                (
                    choice.field,
                    f"The explanation for {choice.criterion.code} must be "
                    f"{MAX_JUSTIFICATION} characters or fewer.",
                )
            )
        chosen[choice.criterion] = choice.justification
    return chosen, errors
