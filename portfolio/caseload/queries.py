"""Who is in a person's caseload: the enrolments they assess or quality-assure."""

from sqlalchemy import select

from ..extensions import db
from ..models import Cohort, Enrolment, Role, User


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


def assessing(person: User) -> list[Enrolment]:
    return _enrolments(Enrolment.assessor_id, person, Role.ASSESSOR)


def quality_assuring(person: User) -> list[Enrolment]:
    return _enrolments(Enrolment.iqa_id, person, Role.IQA)
