"""The one place that answers "may this person do this to this object?".

Views name the permission they need and call ``require``; a refusal looks exactly like a missing
object (404), so nobody learns what exists by probing URLs.
"""

from flask import abort
from flask_login import current_user
from sqlalchemy import exists, select

from .extensions import db
from .models import (
    Cohort,
    Enrolment,
    EqaGrant,
    Evidence,
    EvidenceFile,
    EvidenceReview,
    EvidenceStatus,
    Export,
    Judgement,
    Provider,
    Role,
    SampleItem,
    SignOff,
    User,
    WitnessRequest,
)
from .services import eqa_access

# action -> (model, rule); each rule is rule(user, obj) -> bool


def _is_admin_of(user: User, provider_id: int) -> bool:
    return user.has_role(Role.ADMIN) and user.provider_id == provider_id


def _may_view_enrolment(user: User, enrolment: Enrolment) -> bool:
    return (
        enrolment.learner_id == user.id
        or (user.has_role(Role.ASSESSOR) and enrolment.assessor_id == user.id)
        or (user.has_role(Role.IQA) and enrolment.iqa_id == user.id)
        or _is_admin_of(user, enrolment.cohort.provider_id)
        # an external quality assurer, read-only, while an administrator's grant is in force
        or _eqa_covers(user, enrolment)
    )


def _eqa_covers(user: User, enrolment: Enrolment) -> bool:
    return user.has_role(Role.EQA) and eqa_access.covers(user, enrolment)


def _owns_enrolment(user: User, enrolment: Enrolment) -> bool:
    return user.has_role(Role.LEARNER) and enrolment.learner_id == user.id


def _assesses(user: User, enrolment: Enrolment) -> bool:
    return user.has_role(Role.ASSESSOR) and enrolment.assessor_id == user.id != enrolment.learner_id


def _is_author(user: User, evidence: Evidence) -> bool:
    """The learner wrote their own evidence; an assessor-led record belongs to the assessor who
    recorded it, while they still assess this learner."""
    if evidence.recorded_by_id is not None:
        return evidence.recorded_by_id == user.id and _assesses(user, evidence.enrolment)
    return _owns_enrolment(user, evidence.enrolment)


def _may_view_evidence(user: User, evidence: Evidence) -> bool:
    """A draft is its author's own until they submit it; then the learner, their assessor, IQA
    and administrators may see it (and every version submitted before it)."""
    if evidence.is_draft:
        return evidence.author_id == user.id
    return evidence.enrolment.learner_id == user.id or _may_view_enrolment(user, evidence.enrolment)


def _may_confirm_or_dispute(user: User, evidence: Evidence) -> bool:
    return (
        _owns_enrolment(user, evidence.enrolment)
        and evidence.awaits_learner_confirmation
        and evidence.status == EvidenceStatus.SUBMITTED
        and evidence.open_dispute is None
    )


def _may_request_witness(user: User, enrolment: Enrolment) -> bool:
    return _owns_enrolment(user, enrolment) or _assesses(user, enrolment)


def _made_decisions_on(user: User, enrolment: Enrolment) -> bool:
    """Whether ``user`` ever judged, reviewed or signed off anything in this portfolio, whatever
    their roles and assignments are today."""
    judged = exists().where(
        Judgement.enrolment_id == enrolment.id, Judgement.assessor_id == user.id
    )
    signed = exists().where(SignOff.enrolment_id == enrolment.id, SignOff.signer_id == user.id)
    reviewed = (
        select(EvidenceReview.id)
        .join(EvidenceReview.evidence)
        .where(Evidence.enrolment_id == enrolment.id, EvidenceReview.assessor_id == user.id)
        .exists()
    )
    return bool(db.session.scalar(select(judged | signed | reviewed)))


RULES = {
    ("view", Enrolment): _may_view_enrolment,
    ("add_evidence", Enrolment): _owns_enrolment,
    ("view", Evidence): _may_view_evidence,
    ("edit", Evidence): lambda u, e: _is_author(u, e) and e.is_draft,
    # A witness's testimony is theirs: nobody makes a new version of it.
    ("revise", Evidence): lambda u, e: (
        _is_author(u, e) and not e.is_draft and e.witness_request_id is None
    ),
    ("view", EvidenceFile): lambda u, f: _may_view_evidence(u, f.evidence),
    # An original photo can say where it was taken: only the person who uploaded it gets it;
    # everyone else downloads the copy without metadata (files/views.py).
    # A witness's files were uploaded by someone without an account: nobody here gets them as
    # uploaded, the learner included.
    ("download_original", EvidenceFile): lambda u, f: (
        f.evidence.author_id == u.id and f.evidence.witness_request_id is None
    ),
    # Assessment (issue 8)
    ("assess", Evidence): lambda u, e: not e.is_draft and _assesses(u, e.enrolment),
    # While the learner's dispute of a record waits for the assessor, the learner neither
    # confirms nor disputes it again (issue 15); the assessor amends it or answers.
    # A version since amended is not the record any more: the learner confirms the new one.
    ("confirm_record", Evidence): lambda u, e: _may_confirm_or_dispute(u, e),
    ("dispute_record", Evidence): lambda u, e: _may_confirm_or_dispute(u, e),
    ("answer_dispute", Evidence): lambda u, e: (
        _assesses(u, e.enrolment) and e.open_dispute is not None
    ),
    ("view", Judgement): lambda u, j: _may_view_enrolment(u, j.enrolment),
    # Witness testimony (issue 11): the learner or their assessor asks; whoever asked (while
    # they still may ask) or the assessor withdraws the link.
    ("request_witness", Enrolment): _may_request_witness,
    ("revoke", WitnessRequest): lambda u, w: (
        _assesses(u, w.enrolment)
        or (w.requested_by_id == u.id and _may_request_witness(u, w.enrolment))
    ),
    ("reply", Judgement): lambda u, j: _owns_enrolment(u, j.enrolment) or _assesses(u, j.enrolment),
    ("manage", Cohort): lambda u, c: _is_admin_of(u, c.provider_id),
    ("manage", EqaGrant): lambda u, g: _is_admin_of(u, g.provider_id),
    ("manage", User): lambda u, p: _is_admin_of(u, p.provider_id),
    # What an administrator may do on a person's page (nobody deactivates themselves).
    ("deactivate", User): lambda u, p: _is_admin_of(u, p.provider_id) and p.active and u.id != p.id,
    ("reactivate", User): lambda u, p: _is_admin_of(u, p.provider_id) and not p.active,
    ("send_link", User): lambda u, p: _is_admin_of(u, p.provider_id) and p.active,
    # People and permissions (issue 4)
    ("administer", Provider): lambda u, p: _is_admin_of(u, p.id),
    ("manage", Enrolment): lambda u, e: _is_admin_of(u, e.cohort.provider_id),
    ("view_caseload", User): lambda u, p: (
        u.id == p.id and (u.has_role(Role.ASSESSOR) or u.has_role(Role.IQA))
    ),
    ("assess", Enrolment): _assesses,
    # Portfolio PDF and archive bundle: whoever may see the portfolio may take it away.
    ("export", Enrolment): _may_view_enrolment,
    ("view", Export): lambda u, x: _may_view_enrolment(u, x.enrolment),
    # An IQA never quality-assures their own assessment decisions: not as today's assessor,
    # and not where they judged, reviewed or signed off anything in the past.
    ("quality_assure", Enrolment): lambda u, e: (
        u.has_role(Role.IQA)
        and e.iqa_id == u.id
        and e.assessor_id != u.id
        and not _made_decisions_on(u, e)
    ),
    # Internal quality assurance (issue 11): the IQA samples and countersigns only where they
    # may quality-assure; the assessor answers only samples of their own decisions.
    ("sample", Enrolment): lambda u, e: can(u, "quality_assure", e),
    ("countersign", Enrolment): lambda u, e: can(u, "quality_assure", e),
    ("record", SampleItem): lambda u, s: (
        s.iqa_id == u.id and s.removed_at is None and can(u, "quality_assure", s.enrolment)
    ),
    ("respond", SampleItem): lambda u, s: (
        u.has_role(Role.ASSESSOR) and s.assessor_id == u.id and s.recorded_at is not None
    ),
    # External quality assurance (issue 15): the EQA reads the IQA's sampling records and
    # countersignatures of the learners their grant covers (pages that change nothing).
    ("read_quality_assurance", Enrolment): _eqa_covers,
    ("read_quality_assurance", SampleItem): lambda u, s: (
        s.recorded_at is not None and s.removed_at is None and _eqa_covers(u, s.enrolment)
    ),
    ("manage_sampling", Provider): lambda u, p: _is_admin_of(u, p.id),
    ("rate", User): lambda u, p: _is_admin_of(u, p.provider_id) and p.has_role(Role.ASSESSOR),
}


def can(user, action: str, obj) -> bool:
    if obj is None or user is None or not user.is_authenticated:
        return False
    rule = RULES.get((action, type(obj)))
    if rule is None:
        raise LookupError(f"no policy rule for {action!r} on {type(obj).__name__}")
    return bool(rule(user, obj))


def require(action: str, obj, user=None):
    """Return ``obj`` if the current (or given) person may do ``action`` to it, else 404."""
    if not can(user if user is not None else current_user, action, obj):
        abort(404)
    return obj


def require_role(role: Role, user=None) -> None:
    """For pages that list the person's own work (an assessor's caseload, say)."""
    person = user if user is not None else current_user
    if not person.is_authenticated or not person.has_role(role):
        abort(404)
