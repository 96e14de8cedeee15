"""Creating cohorts: a group of learners working towards one standard version together."""

from datetime import date

from sqlalchemy import func, select

from ..extensions import db
from ..models import Cohort, Provider, Standard
from . import audit
from .people import too_long
from .problems import Problem

NAME_MAX = Cohort.__table__.c.name.type.length


def create_cohort(
    provider: Provider, name: str, standard: Standard, start: date, planned_end: date
) -> Cohort:
    name = name.strip()
    if not name:
        raise Problem("Enter a name for the cohort.", "name")
    if problem := too_long(name, NAME_MAX, "The cohort's name"):
        raise Problem(problem, "name")
    if planned_end <= start:
        raise Problem("The planned end date must be after the start date.", "planned_end_date")
    clash = db.session.scalar(
        select(Cohort.id).where(
            Cohort.provider_id == provider.id, func.lower(Cohort.name) == name.lower()
        )
    )
    if clash is not None:
        raise Problem(f"You already have a cohort called '{name}'. Choose another name.", "name")
    cohort = Cohort(
        provider=provider,
        name=name,
        standard=standard,
        start_date=start,
        planned_end_date=planned_end,
    )
    db.session.add(cohort)
    db.session.flush()
    audit.record(
        "cohort_created",
        cohort,
        provider_id=provider.id,
        name=name,
        standard=f"{standard.urn} v{standard.version}",
        start_date=start.isoformat(),
        planned_end_date=planned_end.isoformat(),
    )
    db.session.commit()
    return cohort


def standards_to_choose() -> list[Standard]:
    return list(db.session.scalars(select(Standard).order_by(Standard.title, Standard.version)))
