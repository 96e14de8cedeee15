"""The two numbers that decide when a learner is "at risk" on the provider dashboard, which each
provider's administrators tune (docs/reports.md)."""

from ...extensions import db
from ...models import Provider
from .. import audit
from ..problems import Problem

#: whole days without activity before a learner is at risk
INACTIVE_DAYS = range(1, 366)
#: percentage points behind the planned pace before a learner is at risk
BEHIND_POINTS = range(0, 101)


def change(provider: Provider, *, inactive_days: int, behind_points: int) -> bool:
    """Save the provider's thresholds; says whether anything changed."""
    if inactive_days not in INACTIVE_DAYS:
        raise Problem(
            f"Enter a number of days from {INACTIVE_DAYS.start} to {INACTIVE_DAYS.stop - 1}.",
            "inactive_days",
        )
    if behind_points not in BEHIND_POINTS:
        raise Problem(
            f"Enter a number of percentage points from {BEHIND_POINTS.start} to "
            f"{BEHIND_POINTS.stop - 1}.",
            "behind_points",
        )
    before = (provider.risk_inactive_days, provider.risk_behind_points)
    if before == (inactive_days, behind_points):
        return False
    provider.risk_inactive_days = inactive_days
    provider.risk_behind_points = behind_points
    audit.record(
        "risk_thresholds_changed",
        provider,
        provider_id=provider.id,
        inactive_days_before=before[0],
        inactive_days_after=inactive_days,
        behind_points_before=before[1],
        behind_points_after=behind_points,
    )
    db.session.commit()
    return True
