"""Assessing one evidence version: the rules of evidence, a decision on each mapping, and a
judgement on any criterion it is mapped to, saved together in one transaction.

A judgement rests on the latest submitted evidence mapped to its criterion whose mapping the
assessor has not rejected; it names those versions, so a later correction never changes what an
earlier judgement was based on.
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
    field it belongs to."""


@dataclass
class MappingChoice:
    accepted: bool | None  # None: not answered
    reason: str = ""


@dataclass
class JudgementChoice:
    outcome: Outcome | None  # None: no judgement on this criterion this time
    feedback: str = ""


def _check(evidence, rules, notes, decisions, judgements) -> None:
    if evidence.status != EvidenceStatus.SUBMITTED:
        raise AssessmentProblem(
            "Only the latest submitted version of evidence can be assessed: this one has been "
            "replaced by a newer version."
            if evidence.status == EvidenceStatus.SUPERSEDED
            else "This evidence has not been submitted yet."
        )
    for rule in RULES_OF_EVIDENCE:
        if rules.get(rule) is None:
            raise AssessmentProblem(f"Say whether the evidence is {rule}.", f"rule-{rule}")
        if rules[rule] is False and not (notes.get(rule) or "").strip():
            raise AssessmentProblem(
                f"Say why the evidence is not {rule}, so the learner can put it right.",
                f"note-{rule}",
            )
        if len(notes.get(rule) or "") > MAX_NOTE:
            raise AssessmentProblem(f"Keep the note to {MAX_NOTE:,} characters.", f"note-{rule}")
    for mapping in evidence.mappings:
        code = mapping.criterion.code
        choice = decisions.get(mapping.id)
        if choice is None or choice.accepted is None:
            raise AssessmentProblem(
                f"Accept or reject the learner's mapping to {code}.", f"mapping-{code}"
            )
        if not choice.accepted and not choice.reason.strip():
            raise AssessmentProblem(
                f"Give the reason this evidence does not show {code}.", f"reason-{code}"
            )
        if len(choice.reason) > MAX_NOTE:
            raise AssessmentProblem(
                f"Keep the reason to {MAX_NOTE:,} characters.", f"reason-{code}"
            )
    mapped = {m.criterion_id: m for m in evidence.mappings}
    for criterion_id, choice in judgements.items():
        if choice.outcome is None:
            continue
        mapping = mapped.get(criterion_id)
        if mapping is None:
            raise AssessmentProblem("You can only judge criteria this evidence is mapped to.")
        code = mapping.criterion.code
        if len(choice.feedback) > MAX_FEEDBACK:
            raise AssessmentProblem(
                f"Keep the feedback on {code} to {MAX_FEEDBACK:,} characters.", f"feedback-{code}"
            )
        if choice.outcome == Outcome.NOT_YET_MET and not choice.feedback.strip():
            raise AssessmentProblem(
                f"Tell the learner what is missing for {code}, so they can act on it.",
                f"feedback-{code}",
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
    _check(evidence, rules, notes, decisions, judgements)
    revision.advance(enrolment, seen)
    state.require_open(enrolment)
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
    db.session.flush()
    wanted = {cid: c for cid, c in judgements.items() if c.outcome is not None}
    supporting = state.supporting_evidence(enrolment, wanted)
    added = []
    for criterion_id, choice in wanted.items():
        resting_on = supporting.get(criterion_id, [])
        code = next(m.criterion.code for m in evidence.mappings if m.criterion_id == criterion_id)
        if choice.outcome == Outcome.MET and not resting_on:
            raise AssessmentProblem(
                f"You rejected this evidence for {code} and no other evidence shows it, so {code} "
                "cannot be met on it. Mark it not yet met with feedback, or leave it unjudged.",
                f"outcome-{code}",
            )
        judgement = Judgement(
            enrolment=enrolment,
            criterion_id=criterion_id,
            assessor=assessor,
            outcome=choice.outcome,
            feedback_md=choice.feedback.strip(),
            evidence=resting_on,
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
