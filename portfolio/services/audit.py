"""Append entries to the audit trail, each in the caller's transaction.

The chain itself (keyed hashes, the seal, ``audit verify``) lives in ``audit_chain``.
"""

import json

from flask import has_request_context, request
from flask_login import current_user
from werkzeug.local import LocalProxy

from ..extensions import db
from ..models import AuditEntry, Enrolment, User
from ..models._types import utcnow
from . import audit_chain


def _unwrap(value):
    """The object behind a werkzeug proxy such as ``current_user``, so the entry names a User,
    not a LocalProxy."""
    return value._get_current_object() if isinstance(value, LocalProxy) else value


def _subject_of(obj) -> User | None:
    """The person an event about ``obj`` concerns: the person themselves, or the learner whose
    enrolment (or whose evidence, through its enrolment) it is."""
    if isinstance(obj, User):
        return obj
    enrolment = obj if isinstance(obj, Enrolment) else getattr(obj, "enrolment", None)
    return enrolment.learner if isinstance(enrolment, Enrolment) else None


def record(
    action: str, obj=None, *, actor=None, subject=None, provider_id=None, **details
) -> AuditEntry:
    """Add an audit entry to the current transaction; the caller commits with its own change.

    ``actor`` defaults to the signed-in person; ``obj`` may be any model with an ``id``;
    ``subject`` (the person the event is about) defaults to ``obj`` when it is a person, or the
    learner when it is an enrolment or belongs to one.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    obj, actor, subject = _unwrap(obj), _unwrap(actor), _unwrap(subject)
    if provider_id is None and actor is not None:
        provider_id = actor.provider_id
    if has_request_context():
        details.setdefault("ip", request.remote_addr or "")
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()  # a new object gets its id, so the entry names it
    if subject is None and obj is not None:
        subject = _subject_of(obj)
    audit_chain.lock()
    last_id, last_hash = audit_chain.newest()
    entry = AuditEntry(
        id=last_id + 1,
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        subject_id=subject.id if subject is not None else None,
        provider_id=provider_id,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.id) if obj is not None and obj.id is not None else "",
        details=json.loads(json.dumps(details, default=str)),
        prev_hash=last_hash,
    )
    entry.hash = audit_chain.digest(entry)
    db.session.add(entry)
    audit_chain.reseal(entry)
    return entry


#: How each event reads to people (the audit page, the portfolio PDF); others show their name.
LABELS = {
    "signed_in": "Signed in",
    "signed_out": "Signed out",
    "sign_in_failed": "Failed sign-in",
    "sign_in_blocked": "Sign-in refused: too many attempts",
    "invitation_sent": "Invitation sent",
    "password_reset_link_sent": "Password reset link sent",
    "password_set": "Password set from invitation",
    "password_set_at_command_line": "Password set at the command line",
    "password_reset": "Password reset",
    "password_changed": "Password changed",
    "signed_out_elsewhere": "Signed out on every other device",
    "password_reset_requested": "Password reset asked for",
    "password_reset_request_over_limit": "Password reset asked for too often (none sent)",
    "signing_password_wrong": "Wrong password entered to sign",
    "session_ended": "Session ended (too old, or used from elsewhere)",
    "person_added": "Person added",
    "roles_changed": "Roles changed",
    "person_deactivated": "Person deactivated",
    "person_reactivated": "Person reactivated",
    "provider_created": "Provider created",
    "cohort_created": "Cohort created",
    "enrolment_created": "Learner enrolled",
    "enrolment_assigned": "Assessor or IQA changed",
    "enrolments_imported": "Learners enrolled from a CSV file",
    "evidence.created": "Evidence started",
    "evidence.updated": "Evidence changed",
    "evidence.mappings_changed": "Evidence mapped to criteria",
    "evidence.submitted": "Evidence submitted",
    "evidence.revised": "New version of evidence started",
    "evidence.file_added": "File added to evidence",
    "evidence.file_consent_changed": "Consent for a file changed",
    "evidence.file_removed": "File removed from evidence",
    "evidence.record_confirmed": "Learner confirmed an assessor's record",
    "evidence.record_disputed": "Learner disputed an assessor's record",
    "evidence.record_dispute_answered": "Assessor answered a dispute and kept the record",
    "evidence.record_dispute_amended": "Assessor amended a disputed record",
    "assessment.evidence_reviewed": "Rules of evidence checked",
    "assessment.mappings_decided": "Mappings accepted or rejected",
    "assessment.judged": "Criterion judged",
    "assessment.feedback_replied": "Reply to feedback",
    "assessment.signed_off": "Unit signed off",
    "assessment.reopened": "Unit reopened, sign-off voided",
    "enrolment_withdrawn": "Learner withdrawn",
    "enrolment_reinstated": "Learner reinstated",
    "risk_thresholds_changed": "At-risk thresholds changed",
    "report.exported": "Cohort report downloaded",
    "audit.exported": "Audit trail downloaded",
    "demo.scale_people_added": "Scale demo: people added",
    "demo.scale_learners_added": "Scale demo: learners added",
    "export.requested": "Portfolio PDF or bundle asked for",
    "export.downloaded": "Portfolio PDF or bundle downloaded",
    "witness_requested": "Witness testimony requested",
    "witness_link_revoked": "Witness link withdrawn",
    "witness_link_refused": "Witness link refused",
    "witness_testimony_given": "Witness testimony given",
    "eqa_access_granted": "External quality assurer given access",
    "eqa_access_ended": "External quality assurer's access ended",
    "eqa_viewed": "Page viewed by an external quality assurer",
    "quality.strategy_changed": "Sampling strategy changed",
    "quality.assessor_rated": "Assessor's risk rating set",
    "quality.sample_added": "Added to the sampling plan",
    "quality.sample_removed": "Removed from the sampling plan",
    "quality.sample_recorded": "Sampling outcome recorded",
    "quality.action_responded": "Assessor responded to an action",
    "quality.action_closed": "Sampling action closed",
    "quality.countersigned": "Unit countersigned by the IQA",
    "quality.countersignature_voided": "Countersignature voided",
}


def label(action: str) -> str:
    return LABELS.get(action, action.replace("_", " ").replace(".", ": ").capitalize())
