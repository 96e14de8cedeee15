"""Reading the review page's form: the four rules of evidence, a decision on each mapping and a
judgement on each mapped criterion. The fields are made from the evidence's mappings, so they
are read from the posted data here (as learner/mapping.py reads the mapping form)."""

from dataclasses import dataclass, field

from ..models import RULES_OF_EVIDENCE, Evidence, Outcome
from ..services.assessment.review import JudgementChoice, MappingChoice


def _yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


@dataclass
class ReviewAnswers:
    """What the assessor chose, kept to fill the form again when something is refused."""

    rules: dict[str, bool | None] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    decisions: dict[int, MappingChoice] = field(default_factory=dict)
    judgements: dict[int, JudgementChoice] = field(default_factory=dict)
    seen: int | None = None

    @classmethod
    def from_record(cls, evidence: Evidence) -> "ReviewAnswers":
        """The form as the saved review left it (empty for evidence not yet reviewed)."""
        answers = cls(seen=evidence.enrolment.revision)
        review = evidence.review
        for rule in RULES_OF_EVIDENCE:
            answers.rules[rule] = getattr(review, rule) if review else None
            answers.notes[rule] = (review.notes or {}).get(rule, "") if review else ""
        for mapping in evidence.mappings:
            decision = mapping.decision
            answers.decisions[mapping.id] = MappingChoice(
                decision.accepted if decision else None, decision.reason if decision else ""
            )
            answers.judgements[mapping.criterion_id] = JudgementChoice(None, "")
        return answers

    @classmethod
    def from_form(cls, form, evidence: Evidence) -> "ReviewAnswers":
        answers = cls(seen=_int(form.get("revision")))
        for rule in RULES_OF_EVIDENCE:
            answers.rules[rule] = _yes_no(form.get(f"rule-{rule}"))
            answers.notes[rule] = form.get(f"note-{rule}", "")
        for mapping in evidence.mappings:
            code = mapping.criterion.code
            answers.decisions[mapping.id] = MappingChoice(
                _yes_no(form.get(f"mapping-{code}")), form.get(f"reason-{code}", "")
            )
            outcome = form.get(f"outcome-{code}", "")
            answers.judgements[mapping.criterion_id] = JudgementChoice(
                Outcome(outcome) if outcome in {o.value for o in Outcome} else None,
                form.get(f"feedback-{code}", ""),
            )
        return answers


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
