"""The provider's sampling strategy, each assessor's risk rating, and the sampling period.

An assessor's rating: the one the provider set (an ``AssessorRating`` row) if there is one;
without one, "new" while their account is younger than the strategy's ``new_months``, and
"low" after that. The period is a run of ``period_months`` months counted from January
(quarters by default), so every IQA at a provider plans against the same calendar.
"""

import math
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ...extensions import db
from ...models import AssessorRating, AssessorRisk, Provider, Role, SamplingStrategy, User
from ...models._types import utcnow
from ..audit import record
from ..problems import Problem

#: period lengths that divide the year, so periods never straddle one
PERIOD_MONTHS = (1, 2, 3, 4, 6, 12)
PERCENT_FIELDS = {
    AssessorRisk.NEW: "percent_new",
    AssessorRisk.LOW: "percent_low",
    AssessorRisk.MEDIUM: "percent_medium",
    AssessorRisk.HIGH: "percent_high",
}
MAX_NEW_MONTHS = 60


def _defaults() -> dict:
    """The model's column defaults, so an unsaved strategy reads like a saved one."""
    return {
        column.name: column.default.arg
        for column in SamplingStrategy.__table__.columns
        if column.default is not None and not callable(column.default.arg)
    }


def strategy_for(provider: Provider) -> SamplingStrategy:
    """The provider's strategy, or (until an administrator saves one) the defaults, unsaved."""
    found = db.session.scalar(
        select(SamplingStrategy).where(SamplingStrategy.provider_id == provider.id)
    )
    return found or SamplingStrategy(provider_id=provider.id, **_defaults())


def save_strategy(provider: Provider, admin: User, **values) -> SamplingStrategy:
    """Create or change the provider's strategy; every value is checked first."""
    for risk, name in PERCENT_FIELDS.items():
        value = values.get(name)
        if not isinstance(value, int) or not 0 <= value <= 100:
            raise Problem(
                f"Enter the share of a {risk.value} assessor's learners as a whole number "
                "from 0 to 100.",
                name,
            )
    new_months = values.get("new_months")
    if not isinstance(new_months, int) or not 0 <= new_months <= MAX_NEW_MONTHS:
        raise Problem(
            f"Enter how many months an assessor counts as new, from 0 to {MAX_NEW_MONTHS}.",
            "new_months",
        )
    if values.get("period_months") not in PERIOD_MONTHS:
        raise Problem("Choose how long each sampling period is.", "period_months")
    if not values.get("interim") and not values.get("summative"):
        raise Problem(
            "Sample during assessment, after sign-off, or both: choose at least one.", "interim"
        )
    strategy = strategy_for(provider)
    before = {name: getattr(strategy, name) for name in _defaults()}
    for name in before:
        setattr(strategy, name, values[name])
    if strategy.id is None:
        db.session.add(strategy)
    record(
        "quality.strategy_changed",
        provider,
        actor=admin,
        provider_id=provider.id,
        before=before,
        after={name: values[name] for name in before},
    )
    db.session.commit()
    return strategy


def add_months(when: date, months: int) -> date:
    month = when.month - 1 + months
    year, month = when.year + month // 12, month % 12 + 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28]
    days += [31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return date(year, month, min(when.day, days[month - 1]))


def ratings_of(assessors) -> dict[int, AssessorRating]:
    ids = {a.id for a in assessors}
    if not ids:
        return {}
    rows = db.session.scalars(select(AssessorRating).where(AssessorRating.assessor_id.in_(ids)))
    return {row.assessor_id: row for row in rows}


def rating_of(
    assessor: User,
    strategy: SamplingStrategy,
    rated: AssessorRating | None = None,
    now: datetime | None = None,
) -> AssessorRisk:
    """The rating the provider set; else new for ``new_months`` from the account's creation;
    else low."""
    if rated is not None:
        return rated.rating
    now = now or utcnow()
    if add_months(assessor.created_at.date(), strategy.new_months) > now.date():
        return AssessorRisk.NEW
    return AssessorRisk.LOW


def percent_for(strategy: SamplingStrategy, risk: AssessorRisk) -> int:
    return getattr(strategy, PERCENT_FIELDS[risk])


def required_learners(strategy: SamplingStrategy, risk: AssessorRisk, learners: int) -> int:
    """The share of an assessor's learners to sample, rounded up; at least one when they have
    any, since every assessor is sampled at least once a period."""
    if learners == 0:
        return 0
    return max(1, math.ceil(percent_for(strategy, risk) * learners / 100))


def set_rating(admin: User, assessor: User, rating: AssessorRisk | None) -> None:
    """Rate an assessor, or (``None``) go back to the automatic rating."""
    if not assessor.has_role(Role.ASSESSOR) or assessor.provider_id != admin.provider_id:
        raise Problem(f"{assessor.name} is not one of your assessors.", "rating")
    row = ratings_of([assessor]).get(assessor.id)
    before = row.rating.value if row else None
    if rating is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(AssessorRating(assessor=assessor, rating=rating, set_by_id=admin.id))
    else:
        row.rating, row.set_by_id, row.set_at = rating, admin.id, utcnow()
    record(
        "quality.assessor_rated",
        assessor,
        actor=admin,
        provider_id=admin.provider_id,
        before=before,
        after=rating.value if rating else None,
    )
    db.session.commit()


@dataclass(frozen=True)
class Period:
    """One sampling period: from ``start`` up to (not including) ``end``."""

    start: date
    end: date
    label: str
    months: int

    def holds(self, when: datetime | date | None) -> bool:
        if when is None:
            return False
        day = when.date() if isinstance(when, datetime) else when
        return self.start <= day < self.end

    @property
    def this(self) -> str:
        """How a sentence names it: "this quarter"."""
        return {1: "this month", 3: "this quarter", 12: "this year"}.get(self.months, "this period")

    @property
    def title(self) -> str:
        last = add_months(self.start, self.months - 1)
        if self.months == 1:
            return f"{self.start:%B %Y}"
        return f"{self.start:%B} to {last:%B %Y}"


def period_of(strategy: SamplingStrategy, day: date | None = None) -> Period:
    day = day or utcnow().date()
    months = strategy.period_months if strategy.period_months in PERIOD_MONTHS else 3
    number = (day.month - 1) // months + 1
    start = date(day.year, (number - 1) * months + 1, 1)
    label = {
        1: f"{day.year}-{start.month:02d}",
        3: f"{day.year}-Q{number}",
        6: f"{day.year}-H{number}",
        12: f"{day.year}",
    }.get(months, f"{day.year}-P{number}")
    return Period(start, add_months(start, months), label, months)
