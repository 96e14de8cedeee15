"""A learner disputes an assessor's record instead of confirming it, saying what is wrong; the
assessor amends the record (a new version, which the learner is asked to confirm) or answers
and keeps it (the learner reads the answer and may then confirm, or dispute again). While a
dispute waits for the assessor, the unit cannot be signed off (state.missing_for_sign_off)."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import DisputeOutcome, Enrolment, Evidence, EvidenceStatus, RecordDispute, User
from ...models._types import utcnow
from ..audit import record
from ..notifications import notify
from ..problems import Problem
from . import revision, state

MAX_WORDS = 5_000


class DisputeProblem(Problem):
    """A dispute or an answer that breaks a rule, as a sentence for the person at the form."""


def _text(value: str, field: str, missing: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DisputeProblem(missing, field)
    if len(value) > MAX_WORDS:
        raise DisputeProblem(f"Keep {what} to {MAX_WORDS:,} characters.", field)
    return value


def _digest(text: str) -> dict:
    from ..evidence import audit_value  # imported here: evidence.py imports this module

    return audit_value("account_md", text)


def dispute(evidence: Evidence, learner: User, reason: str) -> RecordDispute:
    """The learner does not agree the record is accurate, and says why."""
    reason = _text(
        reason,
        "reason",
        "Say what is wrong with the record, so your assessor can put it right.",
        "what is wrong",
    )
    revision.move_on(evidence.enrolment)  # holds the portfolio: a second send meanwhile shows
    db.session.refresh(evidence, ["learner_confirmed_at", "status", "disputes"])
    current = evidence.status == EvidenceStatus.SUBMITTED  # not a version since amended
    if not (current and evidence.awaits_learner_confirmation):
        raise DisputeProblem("This record is not waiting for your confirmation.")
    if evidence.open_dispute is not None:
        raise DisputeProblem(
            "You have already said you do not agree with this record. Your assessor will "
            "amend it or answer you."
        )
    state.require_open(evidence.enrolment)
    row = RecordDispute(evidence=evidence, learner=learner, reason=reason)
    db.session.add(row)
    db.session.flush()
    enrolment = evidence.enrolment
    record(
        "evidence.record_disputed",
        evidence,
        actor=learner,
        provider_id=enrolment.cohort.provider_id,
        dispute_id=row.id,
        version=evidence.version,
        reason=_digest(reason),
    )
    message = (
        f"{learner.name} does not agree with your record “{evidence.title}”: amend it or "
        "answer them."
    )
    for person in {evidence.recorded_by, enrolment.assessor} - {None}:
        notify(person, "record_disputed", message, f"/evidence/{evidence.id}#dispute")
    db.session.commit()
    return row


def answer(row: RecordDispute, assessor: User, text: str) -> None:
    """The assessor keeps the record as it is and tells the learner why."""
    text = _text(
        text,
        "answer",
        "Write your answer to the learner before you send it.",
        "your answer",
    )
    evidence = row.evidence
    revision.move_on(evidence.enrolment)
    db.session.refresh(row, ["resolved_at"])
    if not row.is_open:
        raise DisputeProblem("This disagreement has already been resolved.")
    state.require_open(evidence.enrolment)
    row.outcome = DisputeOutcome.ANSWERED
    row.resolved_at = utcnow()
    row.resolved_by = assessor
    row.answer = text
    record(
        "evidence.record_dispute_answered",
        evidence,
        actor=assessor,
        provider_id=evidence.enrolment.cohort.provider_id,
        dispute_id=row.id,
        version=evidence.version,
        answer=_digest(text),
    )
    notify(
        row.learner,
        "record_dispute_answered",
        f"{assessor.name} answered you about the record “{evidence.title}” and kept it as it "
        "is: read the answer, then confirm the record or say what is still wrong.",
        f"/evidence/{evidence.id}#dispute",
    )
    db.session.commit()


def amended(previous: Evidence, amendment: Evidence, assessor: User) -> None:
    """A new version of a disputed record was submitted: the dispute is resolved by it, and
    the learner is asked to confirm the new version (services/evidence.py tells them)."""
    for row in previous.disputes:
        if not row.is_open:
            continue
        row.outcome = DisputeOutcome.AMENDED
        row.resolved_at = utcnow()
        row.resolved_by = assessor
        row.amended_by = amendment
        record(
            "evidence.record_dispute_amended",
            previous,
            actor=assessor,
            provider_id=previous.enrolment.cohort.provider_id,
            dispute_id=row.id,
            amended_by_evidence_id=amendment.id,
            version=amendment.version,
        )


def raised_against(evidence: Evidence) -> list[RecordDispute]:
    """Every dispute of this record, in any of its versions, oldest first: what the record's
    page shows as its history."""
    ids = [version.id for version in evidence.versions]
    return list(
        db.session.scalars(
            select(RecordDispute)
            .where(RecordDispute.evidence_id.in_(ids))
            .order_by(RecordDispute.id)
            .options(selectinload(RecordDispute.learner), selectinload(RecordDispute.resolved_by))
        )
    )


def open_for_enrolment(enrolment: Enrolment) -> list[RecordDispute]:
    return list(
        db.session.scalars(
            select(RecordDispute)
            .join(RecordDispute.evidence)
            .where(Evidence.enrolment_id == enrolment.id, RecordDispute.resolved_at.is_(None))
            .order_by(RecordDispute.id)
        )
    )


def open_for_assessor(assessor: User) -> list[RecordDispute]:
    """Disputes waiting for this assessor: of their learners' records, oldest first."""
    return list(
        db.session.scalars(
            select(RecordDispute)
            .join(RecordDispute.evidence)
            .join(Evidence.enrolment)
            .where(Enrolment.assessor_id == assessor.id, RecordDispute.resolved_at.is_(None))
            .order_by(RecordDispute.raised_at)
            .options(
                selectinload(RecordDispute.learner),
                selectinload(RecordDispute.evidence),
            )
        )
    )
