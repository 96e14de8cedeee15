"""An external quality assurer's read-only access: granted by an administrator to chosen
learners or a whole cohort, for a limited time; it ends by itself at its expiry and can be
ended early. What the EQA may see is decided in ``policy`` through ``covers``."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select

from ..extensions import db
from ..models import Cohort, Enrolment, EqaGrant, Provider, Role, User
from ..models._types import utcnow
from ..models.quality import eqa_grant_enrolment
from ..uk_time import LONDON
from .audit import record
from .problems import Problem

MAX_DAYS = 365


def grant(
    provider: Provider,
    admin: User,
    *,
    eqa: User | None,
    cohort: Cohort | None,
    enrolments: list[Enrolment],
    expires_on: date | None,
    today: date,
) -> EqaGrant:
    if eqa is None or eqa.provider_id != provider.id or not eqa.has_role(Role.EQA):
        raise Problem("Choose the external quality assurer.", "eqa")
    if cohort is not None and cohort.provider_id != provider.id:
        raise Problem("Choose one of your cohorts.", "cohort")
    if any(e.cohort.provider_id != provider.id for e in enrolments):
        raise Problem("Choose learners of your own cohorts.", "learners")
    if cohort is None and not enrolments:
        raise Problem("Choose a cohort or at least one learner.", "cohort")
    if cohort is not None and enrolments:
        raise Problem("Choose either a whole cohort or learners, not both.", "learners")
    if expires_on is None:
        raise Problem("Enter the date access ends.", "expires_on")
    if expires_on <= today:
        raise Problem("The date access ends must be after today.", "expires_on")
    if expires_on > today + timedelta(days=MAX_DAYS):
        raise Problem(f"Access can last at most {MAX_DAYS} days.", "expires_on")
    row = EqaGrant(
        provider_id=provider.id,
        eqa=eqa,
        granted_by=admin,
        cohort=cohort,
        enrolments=list(enrolments),
        # access lasts to the end of the day it ends in the UK, summer time or not
        expires_at=datetime.combine(expires_on, time(23, 59, 59), tzinfo=LONDON).astimezone(UTC),
    )
    db.session.add(row)
    db.session.flush()
    record(
        "eqa_access_granted",
        eqa,
        actor=admin,
        provider_id=provider.id,
        grant_id=row.id,
        cohort=cohort.name if cohort else None,
        learners=[e.learner.email for e in enrolments],
        expires_on=expires_on.isoformat(),
    )
    db.session.commit()
    return row


def end(row: EqaGrant, admin: User) -> None:
    if row.ended_at is not None or not row.in_force(utcnow()):
        raise Problem("This access has already ended.")
    row.ended_at, row.ended_by_id = utcnow(), admin.id
    record("eqa_access_ended", row.eqa, actor=admin, provider_id=row.provider_id, grant_id=row.id)
    db.session.commit()


def _in_force(user: User):
    return (
        EqaGrant.eqa_id == user.id,
        EqaGrant.ended_at.is_(None),
        EqaGrant.expires_at > utcnow(),
    )


def covers(user: User, enrolment: Enrolment) -> bool:
    """Whether a grant in force lets ``user`` see this enrolment (one query)."""
    listed = (
        select(eqa_grant_enrolment.c.grant_id)
        .where(eqa_grant_enrolment.c.enrolment_id == enrolment.id)
        .scalar_subquery()
    )
    found = db.session.scalar(
        select(EqaGrant.id)
        .where(
            *_in_force(user),
            EqaGrant.provider_id == enrolment.cohort.provider_id,
            or_(EqaGrant.cohort_id == enrolment.cohort_id, EqaGrant.id.in_(listed)),
        )
        .limit(1)
    )
    return found is not None


def grants_for(user: User) -> list[EqaGrant]:
    """The EQA's grants in force, soonest to end first."""
    return list(
        db.session.scalars(select(EqaGrant).where(*_in_force(user)).order_by(EqaGrant.expires_at))
    )


def enrolments_for(row: EqaGrant) -> list[Enrolment]:
    if row.cohort_id is not None:
        return list(row.cohort.enrolments)
    return sorted(row.enrolments, key=lambda e: e.learner.name)


def provider_grants(provider: Provider) -> list[EqaGrant]:
    return list(
        db.session.scalars(
            select(EqaGrant)
            .where(EqaGrant.provider_id == provider.id)
            .order_by(EqaGrant.created_at.desc())
        )
    )


def record_view(
    user: User, path: str, endpoint: str | None, method: str = "GET", status: int = 200
) -> None:
    """Every page an EQA opens is in the audit trail (how, when it was not a plain GET)."""
    how = {} if (method, status) == ("GET", 200) else {"answer": f"{method} {status}"}
    record(
        "eqa_viewed",
        user,
        actor=user,
        provider_id=user.provider_id,
        path=path[:500],
        endpoint=endpoint or "",
        **how,
    )
    db.session.commit()
