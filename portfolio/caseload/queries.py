"""Who is in a person's caseload (the enrolments they assess or quality-assure), with the
submitted work waiting in each portfolio."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from ..extensions import db
from ..models import Cohort, Enrolment, Evidence, EvidenceStatus, Role, User


@dataclass
class CaseloadRow:
    enrolment: Enrolment
    #: pieces of evidence submitted and waiting (the latest submitted version of each)
    waiting: int = 0
    #: of those, corrections the learner resubmitted (version 2 or later)
    corrections: int = 0
    #: when the learner last submitted anything
    latest_submission: datetime | None = None


def _enrolments(column, person: User, role: Role) -> list[Enrolment]:
    if not person.has_role(role):
        return []
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(Enrolment.cohort)
            .join(Enrolment.learner)
            .where(column == person.id, Cohort.provider_id == person.provider_id)
            .order_by(Cohort.name, User.name)
        )
    )


def with_submissions(enrolments: list[Enrolment]) -> list[CaseloadRow]:
    """One row per enrolment with its waiting evidence counted in a single query. Drafts never
    count: they are the learner's own until submitted."""
    rows = {e.id: CaseloadRow(e) for e in enrolments}
    if not rows:
        return []
    waiting = Evidence.status == EvidenceStatus.SUBMITTED
    counts = db.session.execute(
        select(
            Evidence.enrolment_id,
            func.sum(case((waiting, 1), else_=0)),
            func.sum(case((waiting & (Evidence.version > 1), 1), else_=0)),
            func.max(Evidence.submitted_at),
        )
        .where(Evidence.enrolment_id.in_(rows), Evidence.status != EvidenceStatus.DRAFT)
        .group_by(Evidence.enrolment_id)
    )
    for enrolment_id, submitted, corrections, latest in counts:
        row = rows[enrolment_id]
        row.waiting, row.corrections = int(submitted or 0), int(corrections or 0)
        row.latest_submission = latest  # max() keeps the column's type: aware UTC
    return list(rows.values())


def assessing(person: User) -> list[CaseloadRow]:
    return with_submissions(_enrolments(Enrolment.assessor_id, person, Role.ASSESSOR))


def quality_assuring(person: User) -> list[CaseloadRow]:
    return with_submissions(_enrolments(Enrolment.iqa_id, person, Role.IQA))
