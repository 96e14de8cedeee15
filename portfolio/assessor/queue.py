"""The assessor's queue: submitted evidence not yet assessed, oldest first, in one query."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..extensions import db
from ..models import Cohort, Enrolment, Evidence, EvidenceStatus, User
from ..models._types import utcnow


@dataclass
class QueueFilter:
    learner_id: int | None = None
    cohort_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "QueueFilter":
        return cls(args.get("learner", type=int), args.get("cohort", type=int))


def waiting_for(assessor: User, only: QueueFilter | None = None) -> list[Evidence]:
    """Latest submitted versions in ``assessor``'s caseload with no review yet, oldest first."""
    only = only or QueueFilter()
    query = (
        select(Evidence)
        .join(Evidence.enrolment)
        .join(Enrolment.cohort)
        .join(Enrolment.learner)
        .where(
            Enrolment.assessor_id == assessor.id,
            Cohort.provider_id == assessor.provider_id,
            Evidence.status == EvidenceStatus.SUBMITTED,
            ~Evidence.review.has(),
        )
        .options(
            contains_eager(Evidence.enrolment).contains_eager(Enrolment.cohort),
            contains_eager(Evidence.enrolment).contains_eager(Enrolment.learner),
        )
        .order_by(Evidence.submitted_at, Evidence.id)
    )
    if only.learner_id:
        query = query.where(Enrolment.learner_id == only.learner_id)
    if only.cohort_id:
        query = query.where(Enrolment.cohort_id == only.cohort_id)
    return list(db.session.scalars(query))


def filter_choices(assessor: User) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The learners and cohorts of the assessor's caseload, by name, for the queue's filters:
    one query, however large the caseload."""
    rows = db.session.execute(
        select(Enrolment.learner_id, User.name, Enrolment.cohort_id, Cohort.name)
        .join(Enrolment.cohort)
        .join(Enrolment.learner)
        .where(Enrolment.assessor_id == assessor.id, Cohort.provider_id == assessor.provider_id)
    ).all()
    learners = sorted({(r[0], r[1]) for r in rows}, key=lambda pair: (pair[1], pair[0]))
    cohorts = sorted({(r[2], r[3]) for r in rows}, key=lambda pair: (pair[1], pair[0]))
    return learners, cohorts


def waiting_days(submitted_at: datetime, now: datetime | None = None) -> int:
    return ((now or utcnow()) - submitted_at).days


def waiting_text(submitted_at: datetime, now: datetime | None = None) -> str:
    """How long something has waited, as people say it: "today", "1 day", "12 days"."""
    days = waiting_days(submitted_at, now)
    if days < 1:
        return "less than a day"
    return f"{days} day" + ("s" if days != 1 else "")
