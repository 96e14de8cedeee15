"""Who is in a person's caseload (the enrolments they assess or quality-assure), with coverage
met so far and the submitted work waiting in each portfolio. A fixed number of queries whatever
the size of the caseload: one for the enrolments, one each for waiting work, judgements met,
the standards' sizes and sign-offs."""

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import (
    Cohort,
    Criterion,
    CriterionKind,
    Enrolment,
    Evidence,
    EvidenceStatus,
    Judgement,
    Outcome,
    Role,
    SignOff,
    User,
)
from ..services.assessment.state import current_judgement_ids


@dataclass
class CaseloadRow:
    enrolment: Enrolment
    #: submitted evidence not yet assessed (the latest submitted version of each)
    waiting: int = 0
    #: of those, corrections the learner resubmitted (version 2 or later)
    corrections: int = 0
    #: when the oldest of the waiting evidence was submitted
    waiting_since: datetime | None = None
    #: when the learner last submitted anything
    latest_submission: datetime | None = None
    performance_met: int = 0
    performance_total: int = 0
    knowledge_met: int = 0
    knowledge_total: int = 0
    signed_off_at: datetime | None = None

    @property
    def coverage_text(self) -> str:
        return (
            f"{self.performance_met} of {self.performance_total} performance criteria met, "
            f"{self.knowledge_met} of {self.knowledge_total} knowledge items met"
        )


def _enrolments(column, person: User, role: Role) -> list[Enrolment]:
    if not person.has_role(role):
        return []
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(Enrolment.cohort)
            .join(Cohort.standard)
            .join(Enrolment.learner)
            .where(column == person.id, Cohort.provider_id == person.provider_id)
            .options(
                contains_eager(Enrolment.cohort).contains_eager(Cohort.standard),
                contains_eager(Enrolment.learner),
            )
            .order_by(Cohort.name, User.name)
        )
    )


def with_submissions(enrolments: list[Enrolment]) -> list[CaseloadRow]:
    """One row per enrolment with its waiting evidence, coverage and sign-off, in four queries
    however many enrolments there are. Drafts never count: they are their author's own."""
    rows = {e.id: CaseloadRow(e) for e in enrolments}
    if not rows:
        return []
    waiting = (Evidence.status == EvidenceStatus.SUBMITTED) & ~Evidence.review.has()
    counts = db.session.execute(
        select(
            Evidence.enrolment_id,
            func.sum(case((waiting, 1), else_=0)),
            func.sum(case((waiting & (Evidence.version > 1), 1), else_=0)),
            func.min(case((waiting, Evidence.submitted_at), else_=None)),
            func.max(Evidence.submitted_at),
        )
        .where(Evidence.enrolment_id.in_(rows), Evidence.status != EvidenceStatus.DRAFT)
        .group_by(Evidence.enrolment_id)
    )
    for enrolment_id, submitted, corrections, oldest, latest in counts:
        row = rows[enrolment_id]
        row.waiting, row.corrections = int(submitted or 0), int(corrections or 0)
        row.waiting_since = _aware(oldest)
        row.latest_submission = _aware(latest)
    met = db.session.execute(
        select(Judgement.enrolment_id, Criterion.kind, func.count())
        .join(Judgement.criterion)
        .where(
            Judgement.id.in_(current_judgement_ids(rows)),
            Judgement.enrolment_id.in_(rows),
            Judgement.outcome == Outcome.MET,
        )
        .group_by(Judgement.enrolment_id, Criterion.kind)
    )
    for enrolment_id, kind, count in met:
        if kind == CriterionKind.PERFORMANCE:
            rows[enrolment_id].performance_met = count
        else:
            rows[enrolment_id].knowledge_met = count
    standard_ids = {e.cohort.standard_id for e in enrolments}
    sizes = {}
    for standard_id, kind, count in db.session.execute(
        select(Criterion.standard_id, Criterion.kind, func.count())
        .where(Criterion.standard_id.in_(standard_ids))
        .group_by(Criterion.standard_id, Criterion.kind)
    ):
        sizes[standard_id, kind] = count
    for row in rows.values():
        standard_id = row.enrolment.cohort.standard_id
        row.performance_total = sizes.get((standard_id, CriterionKind.PERFORMANCE), 0)
        row.knowledge_total = sizes.get((standard_id, CriterionKind.KNOWLEDGE), 0)
    for enrolment_id, signed_at in db.session.execute(
        select(SignOff.enrolment_id, SignOff.signed_at).where(
            SignOff.enrolment_id.in_(rows), SignOff.voided_at.is_(None)
        )
    ):
        rows[enrolment_id].signed_off_at = signed_at
    return list(rows.values())


def _aware(value):
    """Aggregates over a CASE lose the column's type on SQLite: give them back their UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def assessing(person: User) -> list[CaseloadRow]:
    return with_submissions(_enrolments(Enrolment.assessor_id, person, Role.ASSESSOR))


def quality_assuring(person: User) -> list[CaseloadRow]:
    return with_submissions(_enrolments(Enrolment.iqa_id, person, Role.IQA))
