"""Assessor-led evidence: an observation, a professional discussion or a questioning record the
assessor writes, mapped and submitted like a learner's evidence (services/evidence.py does
that part), and confirmed by the learner as an accurate record."""

from datetime import date

from ...extensions import db
from ...models import Enrolment, Evidence, Method, User
from ...models._types import utcnow
from ..audit import record
from ..evidence import EvidenceProblem
from ..evidence import create as create_evidence
from ..notifications import notify
from . import revision, state

#: the kinds of evidence an assessor records themselves
ASSESSOR_METHODS = (Method.OBSERVATION, Method.PROFESSIONAL_DISCUSSION, Method.QUESTIONING)
MAX_CONTEXT = 500


def create_record(
    enrolment: Enrolment,
    assessor: User,
    *,
    title: str,
    activity_date: date,
    method: Method,
    context: str,
    account_md: str,
    commit: bool = True,
) -> Evidence:
    """A draft record, the assessor's own until they submit it."""
    if method not in ASSESSOR_METHODS:
        raise EvidenceProblem(
            "Choose observation, professional discussion or questioning.", "method"
        )
    if not context.strip():
        raise EvidenceProblem("Say where this took place, or in what context.", "context")
    if len(context) > MAX_CONTEXT:
        raise EvidenceProblem(f"Keep the place or context to {MAX_CONTEXT} characters.", "context")
    return create_evidence(
        enrolment,
        title=title,
        activity_date=activity_date,
        method=method,
        account_md=account_md,
        recorded_by=assessor,
        context=context.strip(),
        commit=commit,
    )


def confirm(evidence: Evidence, learner: User, *, agreed: bool) -> None:
    """The learner agrees the assessor's record is accurate."""
    if not evidence.awaits_learner_confirmation:
        raise EvidenceProblem("This record is not waiting for your confirmation.")
    if not agreed:
        raise EvidenceProblem(
            "Tick the box to confirm the record is accurate. If it is not, say what is wrong "
            "under “I do not agree”.",
            "agree",
        )
    revision.move_on(evidence.enrolment)  # holds the portfolio: a confirmation meanwhile shows
    db.session.refresh(evidence, ["learner_confirmed_at", "disputes"])
    if not evidence.awaits_learner_confirmation:
        raise EvidenceProblem("This record is not waiting for your confirmation.")
    if evidence.open_dispute is not None:
        raise EvidenceProblem(
            "You said you do not agree with this record. Wait for your assessor to amend it or "
            "answer you, then confirm it."
        )
    state.require_open(evidence.enrolment)
    evidence.learner_confirmed_at = utcnow()
    record(
        "evidence.record_confirmed",
        evidence,
        actor=learner,
        provider_id=evidence.enrolment.cohort.provider_id,
        version=evidence.version,
    )
    notify(
        evidence.recorded_by,
        "record_confirmed",
        f"{learner.name} confirmed your record “{evidence.title}” is accurate.",
        f"/evidence/{evidence.id}",
    )
    db.session.commit()
