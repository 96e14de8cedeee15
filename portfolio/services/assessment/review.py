"""Assessing one evidence version: the rules of evidence, a decision on each mapping, and a
judgement on any criterion it is mapped to, saved together in one transaction.

A judgement rests on what the assessor had in front of them: this version, when they accept its
mapping to the criterion, and the versions accepted for it in earlier decisions that still stand
(``state.accepted_evidence``). It names those versions, so a later correction never changes what
an earlier judgement was based on, and evidence that arrived while the assessor was looking at
this one (a witness's testimony, say) is never among them until someone has assessed it.

The rules of evidence and the judgements cannot contradict each other: when a rule fails on
this version (valid, authentic, current or sufficient is No), no criterion is judged met on it.
That is refused rather than saved with an explanation, because an assessor who thinks the
evidence does show the criterion should say the rule holds; "met" on evidence they call
insufficient is a record an awarding body could not certify on.

Every problem with the form is reported at once (``AssessmentProblem.every``), each naming the
field it belongs to. A re-assessment starts from the current decision; a criterion whose
outcome, feedback and evidence are unchanged keeps its judgement, and any change adds a new
one beside the earlier ones.
"""

from dataclasses import dataclass

from ...extensions import db
from ...models import (
    RULES_OF_EVIDENCE,
    Evidence,
    EvidenceReview,
    EvidenceStatus,
    Judgement,
    MappingDecision,
    Outcome,
    User,
)
from ...models._types import utcnow
from ..audit import record
from ..notifications import notify
from ..problems import Problem
from . import revision, state

MAX_FEEDBACK = 10_000
MAX_NOTE = 2_000


class AssessmentProblem(Problem):
    """A rule the assessment breaks, as a sentence for the assessor; ``field`` names the form
    field it belongs to. The one raised carries ``every`` problem found, in the page's order."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message, field)
        self.every = [self]


@dataclass
class MappingChoice:
    accepted: bool | None  # None: not answered
    reason: str = ""


@dataclass
class JudgementChoice:
    outcome: Outcome | None  # None: no judgement on this criterion this time
    feedback: str = ""


def _refuse(problems: list[AssessmentProblem]) -> None:
    if problems:
        first = problems[0]
        first.every = problems
        raise first


def _rules_problems(rules, notes) -> list[AssessmentProblem]:
    problems = []
    for rule in RULES_OF_EVIDENCE:
        if rules.get(rule) is None:
            problems.append(
                AssessmentProblem(f"Say whether the evidence is {rule}.", f"rule-{rule}")
            )
        elif rules[rule] is False and not (notes.get(rule) or "").strip():
            problems.append(
                AssessmentProblem(
                    f"Say why the evidence is not {rule}, so the learner can put it right.",
                    f"note-{rule}",
                )
            )
        if len(notes.get(rule) or "") > MAX_NOTE:
            problems.append(
                AssessmentProblem(f"Keep the note to {MAX_NOTE:,} characters.", f"note-{rule}")
            )
    return problems


def _failed_rules(rules) -> str:
    """'Sufficient is No', 'Valid and sufficient are No' (empty when every rule holds)."""
    failed = [rule for rule in RULES_OF_EVIDENCE if rules.get(rule) is False]
    if not failed:
        return ""
    names = failed[0] if len(failed) == 1 else ", ".join(failed[:-1]) + " and " + failed[-1]
    return f"{names.capitalize()} {'is' if len(failed) == 1 else 'are'} No"


def _mapping_problems(mapping, choice: MappingChoice | None) -> list[AssessmentProblem]:
    code = mapping.criterion.code
    if choice is None or choice.accepted is None:
        return [
            AssessmentProblem(
                f"Accept or reject the learner's mapping to {code}.", f"mapping-{code}"
            )
        ]
    if not choice.accepted and not choice.reason.strip():
        return [
            AssessmentProblem(
                f"Give the reason this evidence does not show {code}.", f"reason-{code}"
            )
        ]
    if len(choice.reason) > MAX_NOTE:
        return [AssessmentProblem(f"Keep the reason to {MAX_NOTE:,} characters.", f"reason-{code}")]
    return []


def _judgement_problems(
    evidence, mapping, accepted, choice, failed, standing, current
) -> list[AssessmentProblem]:
    """What is wrong with the judgement of one mapped criterion, given the mapping decision
    (``accepted``), the failed rules, the other evidence that stands for it and the judgement in
    force."""
    code = mapping.criterion.code
    outcome = choice.outcome if choice else None
    if outcome is None:
        rests_here = current is not None and current.is_met and evidence in current.evidence
        if rests_here and (accepted is False or failed):
            why = "you now reject it for it" if accepted is False else f"{failed} now"
            return [
                AssessmentProblem(
                    f"{code} is met on this evidence and {why}: judge {code} again.",
                    f"outcome-{code}",
                )
            ]
        return []
    problems = []
    if outcome == Outcome.MET and failed:
        problems.append(
            AssessmentProblem(
                f"{failed}, so {code} cannot be met on this evidence. Change the rule or judge "
                f"{code} not yet met.",
                f"outcome-{code}",
            )
        )
    elif outcome == Outcome.MET and accepted is False and not standing:
        problems.append(
            AssessmentProblem(
                f"You rejected this evidence for {code} and no other evidence shows it, so {code} "
                "cannot be met on it. Mark it not yet met with feedback, or leave it unjudged.",
                f"outcome-{code}",
            )
        )
    if len(choice.feedback) > MAX_FEEDBACK:
        problems.append(
            AssessmentProblem(
                f"Keep the feedback on {code} to {MAX_FEEDBACK:,} characters.", f"feedback-{code}"
            )
        )
    if outcome == Outcome.NOT_YET_MET and not choice.feedback.strip():
        problems.append(
            AssessmentProblem(
                f"Tell the learner what is missing for {code}, so they can act on it.",
                f"feedback-{code}",
            )
        )
    return problems


def _check(evidence, rules, notes, decisions, judgements, standing, current) -> None:
    if evidence.status != EvidenceStatus.SUBMITTED:
        raise AssessmentProblem(
            "Only the latest submitted version of evidence can be assessed: this one has been "
            "replaced by a newer version."
            if evidence.status == EvidenceStatus.SUPERSEDED
            else "This evidence has not been submitted yet."
        )
    mapped = {m.criterion_id for m in evidence.mappings}
    if any(c.outcome is not None and cid not in mapped for cid, c in judgements.items()):
        raise AssessmentProblem("You can only judge criteria this evidence is mapped to.")
    problems = _rules_problems(rules, notes)
    failed = _failed_rules(rules)
    for mapping in sorted(evidence.mappings, key=lambda m: m.criterion.position):
        choice = decisions.get(mapping.id)
        problems += _mapping_problems(mapping, choice)
        problems += _judgement_problems(
            evidence,
            mapping,
            choice.accepted if choice else None,
            judgements.get(mapping.criterion_id),
            failed,
            standing.get(mapping.criterion_id, []),
            current.get(mapping.criterion_id),
        )
    _refuse(problems)


def _unchanged(current: Judgement | None, choice: JudgementChoice, basis: list[Evidence]) -> bool:
    """The judgement in force already says this, on this evidence: it stands as it is."""
    return (
        current is not None
        and current.outcome == choice.outcome
        and current.feedback_md == choice.feedback.strip()
        and [e.id for e in current.evidence] == [e.id for e in basis]
    )


def assess(
    evidence: Evidence,
    assessor: User,
    *,
    seen: int,
    rules: dict[str, bool | None],
    notes: dict[str, str],
    decisions: dict[int, MappingChoice],
    judgements: dict[int, JudgementChoice],
) -> list[Judgement]:
    """Save the assessor's review of ``evidence``; returns the judgements it added."""
    enrolment = evidence.enrolment
    mapped = [m.criterion_id for m in evidence.mappings]
    standing = state.accepted_evidence(enrolment, mapped, besides=evidence)
    current = state.current_judgements(enrolment)
    _check(evidence, rules, notes, decisions, judgements, standing, current)
    revision.advance(enrolment, seen)
    state.require_open(enrolment)
    # read again under the portfolio's lock: what the judgements rest on is what stands now
    standing = state.accepted_evidence(enrolment, mapped, besides=evidence)
    current = state.current_judgements(enrolment)
    review = evidence.review or EvidenceReview(evidence=evidence)
    review.assessor = assessor
    review.reviewed_at = utcnow()
    for rule in RULES_OF_EVIDENCE:
        setattr(review, rule, bool(rules[rule]))
    review.notes = {r: notes[r].strip() for r in RULES_OF_EVIDENCE if not rules[r] and notes.get(r)}
    db.session.add(review)
    decided = []
    for mapping in evidence.mappings:
        choice = decisions[mapping.id]
        decision = mapping.decision or MappingDecision(mapping=mapping)
        decision.assessor, decision.decided_at = assessor, utcnow()
        decision.accepted = bool(choice.accepted)
        decision.reason = "" if choice.accepted else choice.reason.strip()
        db.session.add(decision)
        decided.append(
            {
                "code": mapping.criterion.code,
                "accepted": decision.accepted,
                "reason": decision.reason,
            }
        )
    added = []
    for mapping in sorted(evidence.mappings, key=lambda m: m.criterion.position):
        choice = judgements.get(mapping.criterion_id)
        if choice is None or choice.outcome is None:
            continue
        basis = standing.get(mapping.criterion_id, [])
        if mapping.decision.accepted:
            basis = sorted([*basis, evidence], key=lambda e: e.id)
        if _unchanged(current.get(mapping.criterion_id), choice, basis):
            continue
        judgement = Judgement(
            enrolment=enrolment,
            criterion_id=mapping.criterion_id,
            assessor=assessor,
            outcome=choice.outcome,
            feedback_md=choice.feedback.strip(),
            evidence=basis,
        )
        db.session.add(judgement)
        added.append(judgement)
    db.session.flush()
    record(
        "assessment.evidence_reviewed",
        evidence,
        actor=assessor,
        provider_id=enrolment.cohort.provider_id,
        version=evidence.version,
        rules={rule: getattr(review, rule) for rule in RULES_OF_EVIDENCE},
        notes=review.notes,
    )
    record(
        "assessment.mappings_decided",
        evidence,
        actor=assessor,
        provider_id=enrolment.cohort.provider_id,
        decisions=decided,
    )
    for judgement in added:
        record(
            "assessment.judged",
            judgement,
            actor=assessor,
            subject=enrolment.learner,
            provider_id=enrolment.cohort.provider_id,
            code=judgement.criterion.code,
            outcome=judgement.outcome.value,
            evidence=[e.id for e in judgement.evidence],
        )
    _tell_learner(evidence, added)
    db.session.commit()
    return added


def _tell_learner(evidence: Evidence, added: list[Judgement]) -> None:
    if added:
        outcomes = ", ".join(f"{j.criterion.code} {j.outcome.label.lower()}" for j in added)
        message = f"Your assessor judged “{evidence.title}”: {outcomes}."
    else:
        message = f"Your assessor reviewed “{evidence.title}”."
    notify(evidence.enrolment.learner, "judged", message, f"/evidence/{evidence.id}")
