"""Where a portfolio stands in assessment: the judgement in force for each criterion, the
sign-offs, and what a sign-off still needs. Read-only; each answer is one query."""

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    RULES_OF_EVIDENCE,
    Enrolment,
    Evidence,
    EvidenceReview,
    EvidenceStatus,
    Judgement,
    Mapping,
    MappingDecision,
    Outcome,
    RecordDispute,
    SignOff,
)
from ..problems import Problem


class SignedOff(Problem):
    """A change to something a sign-off in force covers."""

    def __init__(self, sign_off: SignOff):
        super().__init__(
            f"This portfolio was signed off on {sign_off.signed_at:%-d %B %Y} by "
            f"{sign_off.signer_name}, so nothing in it can change. If something must change, "
            "the assessor reopens the unit first, giving the reason."
        )


def current_judgement_ids(enrolment_ids):
    """The newest judgement of each criterion of these portfolios (a subquery of ids), so its
    cost follows the caseload, not every judgement in the database."""
    return (
        select(func.max(Judgement.id).label("id"))
        .where(Judgement.enrolment_id.in_(list(enrolment_ids)))
        .group_by(Judgement.enrolment_id, Judgement.criterion_id)
        .scalar_subquery()
    )


def current_judgements(enrolment: Enrolment) -> dict[int, Judgement]:
    """criterion id -> the judgement in force (the newest), with its evidence and replies."""
    newest = (
        select(func.max(Judgement.id))
        .where(Judgement.enrolment_id == enrolment.id)
        .group_by(Judgement.criterion_id)
    )
    rows = db.session.scalars(
        select(Judgement)
        .where(Judgement.id.in_(newest))
        .options(
            selectinload(Judgement.evidence),
            selectinload(Judgement.replies),
            selectinload(Judgement.assessor),
        )
    )
    return {row.criterion_id: row for row in rows}


def judgement_history(enrolment: Enrolment, criterion_id: int) -> list[Judgement]:
    """Every judgement on one criterion, newest first (earlier versions' stay in the history)."""
    return list(
        db.session.scalars(
            select(Judgement)
            .where(Judgement.enrolment_id == enrolment.id, Judgement.criterion_id == criterion_id)
            .order_by(Judgement.id.desc())
            .options(selectinload(Judgement.evidence), selectinload(Judgement.replies))
        )
    )


def judgements_resting_on(evidence: Evidence) -> list[Judgement]:
    """Judgements that name this evidence version, newest first."""
    return list(
        db.session.scalars(
            select(Judgement)
            .where(Judgement.evidence.any(Evidence.id == evidence.id))
            .order_by(Judgement.id.desc())
            .options(selectinload(Judgement.replies), selectinload(Judgement.criterion))
        )
    )


def sign_offs(enrolment: Enrolment) -> list[SignOff]:
    """Every sign-off of this portfolio, newest first, voided ones included."""
    return list(
        db.session.scalars(
            select(SignOff).where(SignOff.enrolment_id == enrolment.id).order_by(SignOff.id.desc())
        )
    )


def sign_off_in_force(enrolment: Enrolment) -> SignOff | None:
    return db.session.scalar(
        select(SignOff).where(SignOff.enrolment_id == enrolment.id, SignOff.voided_at.is_(None))
    )


class Withdrawn(Problem):
    """A change to the portfolio of a learner who has been withdrawn."""

    def __init__(self, enrolment: Enrolment):
        super().__init__(
            f"{enrolment.learner.name} was withdrawn from {enrolment.cohort.name} on "
            f"{enrolment.withdrawn_on:%-d %B %Y}, so the portfolio is kept as it is. The "
            "provider's administrator can reinstate them if they return."
        )


def is_open(enrolment: Enrolment) -> bool:
    """Whether the portfolio can take new work (pages offer it only then)."""
    return enrolment.withdrawn_on is None and sign_off_in_force(enrolment) is None


def require_open(enrolment: Enrolment) -> None:
    """Refuse any change to a portfolio whose unit is signed off, or whose learner has been
    withdrawn (their portfolio is kept, unchanged, until they are reinstated)."""
    if (sign_off := sign_off_in_force(enrolment)) is not None:
        raise SignedOff(sign_off)
    if enrolment.withdrawn_on is not None:
        raise Withdrawn(enrolment)


def accepted_evidence(
    enrolment: Enrolment, criterion_ids, *, besides: Evidence | None = None
) -> dict[int, list[Evidence]]:
    """criterion id -> the evidence versions an assessor has already accepted for it and that
    still stand: the latest submitted version, reviewed with every rule of evidence holding, its
    mapping to the criterion accepted. ``besides`` (the version being assessed now) is left out,
    since its decision is the one being made. Evidence nobody has reviewed is never here."""
    rows = db.session.scalars(
        select(Mapping)
        .join(Mapping.evidence)
        .join(Mapping.decision)
        .join(Evidence.review)
        .where(
            Evidence.enrolment_id == enrolment.id,
            Evidence.status == EvidenceStatus.SUBMITTED,
            Evidence.id != (besides.id if besides is not None else -1),
            Mapping.criterion_id.in_(list(criterion_ids)),
            MappingDecision.accepted.is_(True),
            *(getattr(EvidenceReview, rule).is_(True) for rule in RULES_OF_EVIDENCE),
        )
        .options(selectinload(Mapping.evidence))
        .order_by(Evidence.id)
    )
    found: dict[int, list[Evidence]] = {}
    for mapping in rows:
        found.setdefault(mapping.criterion_id, []).append(mapping.evidence)
    return found


def missing_for_sign_off(enrolment: Enrolment) -> list[str]:
    """What stops the unit being signed off, one sentence each (empty when nothing does)."""
    judgements = current_judgements(enrolment)
    missing = []
    for criterion in enrolment.standard.criteria:
        judgement = judgements.get(criterion.id)
        if judgement is None:
            missing.append(f"{criterion.code} has not been judged yet.")
        elif judgement.outcome != Outcome.MET:
            missing.append(f"{criterion.code} is not yet met.")
    waiting = db.session.scalars(
        select(Evidence).where(
            Evidence.enrolment_id == enrolment.id,
            Evidence.status == EvidenceStatus.SUBMITTED,
            ~Evidence.review.has(),
        )
    ).all()
    for evidence in waiting:
        missing.append(
            f"“{evidence.title}” (version {evidence.version}) is waiting for assessment."
        )
    signed_on = {e.id for j in judgements.values() for e in j.evidence}
    for evidence in db.session.scalars(select(Evidence).where(Evidence.id.in_(signed_on))):
        if evidence.awaits_learner_confirmation:
            missing.append(
                f"{enrolment.learner.name} has not yet confirmed that “{evidence.title}” is an "
                "accurate record."
            )
    disputed = select(RecordDispute).join(RecordDispute.evidence)  # services/assessment/disputes
    for dispute in db.session.scalars(
        disputed.where(Evidence.enrolment_id == enrolment.id, RecordDispute.resolved_at.is_(None))
    ):
        missing.append(
            f"{enrolment.learner.name} does not agree with the record “{dispute.evidence.title}”"
            f" (version {dispute.evidence.version}): amend it or answer them first."
        )
    return missing
