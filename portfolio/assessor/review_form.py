"""Reading the review page's form: the four rules of evidence, a decision on each mapping and a
judgement on each mapped criterion. The fields are made from the evidence's mappings, so they
are read from the posted data here (as learner/mapping.py reads the mapping form)."""

from dataclasses import dataclass, field

from ..models import RULES_OF_EVIDENCE, Evidence, Outcome
from ..services.assessment import state
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
        """The form as the saved review left it (empty for evidence not yet reviewed): a
        re-assessment starts from the current decision, each criterion's judgement in force with
        its feedback included."""
        answers = cls(seen=evidence.enrolment.revision)
        review = evidence.review
        current = state.current_judgements(evidence.enrolment) if review else {}
        for rule in RULES_OF_EVIDENCE:
            answers.rules[rule] = getattr(review, rule) if review else None
            answers.notes[rule] = (review.notes or {}).get(rule, "") if review else ""
        for mapping in evidence.mappings:
            decision = mapping.decision
            answers.decisions[mapping.id] = MappingChoice(
                decision.accepted if decision else None, decision.reason if decision else ""
            )
            judgement = current.get(mapping.criterion_id)
            answers.judgements[mapping.criterion_id] = (
                JudgementChoice(judgement.outcome, judgement.feedback_md)
                if judgement
                else JudgementChoice(None, "")
            )
        return answers

    def changes_to(self, after: "ReviewAnswers", evidence: Evidence) -> list[str]:
        """What a re-assessment changed, in the assessor's words: "sufficient: No, now Yes",
        "PC2: Not yet met, now Met", "the feedback on PC3"."""
        said = {True: "Yes", False: "No", None: "not answered"}
        changed = [
            f"{rule}: {said[self.rules[rule]]}, now {said[after.rules[rule]]}"
            for rule in RULES_OF_EVIDENCE
            if self.rules[rule] != after.rules[rule]
        ]
        for mapping in sorted(evidence.mappings, key=lambda m: m.criterion.position):
            code = mapping.criterion.code
            was, now = self.decisions[mapping.id], after.decisions[mapping.id]
            if was.accepted != now.accepted:
                decided = {True: "accepted", False: "rejected", None: "undecided"}
                changed.append(
                    f"the mapping to {code}: {decided[was.accepted]}, now {decided[now.accepted]}"
                )
            was, now = self.judgements[mapping.criterion_id], after.judgements[mapping.criterion_id]
            if was.outcome != now.outcome:
                label = was.outcome.label if was.outcome else "no judgement"
                changed.append(f"{code}: {label}, now {now.outcome.label if now.outcome else '-'}")
            elif was.feedback.strip() != now.feedback.strip():
                changed.append(f"the feedback on {code}")
        return changed

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
