"""A learner leaving their cohort, and coming back.

A withdrawn learner keeps their portfolio: nothing in it is removed. They leave the "in progress"
figures on the provider dashboard and show as withdrawn there, on the cohort page and on their
portfolio. Reinstating them clears the withdrawal; the audit trail keeps both.
"""

from datetime import date

from ..extensions import db
from ..models import Enrolment, User
from . import audit
from .assessment.state import sign_off_in_force
from .evidence import today
from .problems import Problem

MAX_REASON = 2000


def withdraw(enrolment: Enrolment, by: User, *, on: date | None, reason: str) -> None:
    """Mark the learner withdrawn from ``on``, for ``reason``, and commit."""
    learner = enrolment.learner
    if enrolment.withdrawn_on is not None:
        raise Problem(
            f"{learner.name} was already withdrawn on {enrolment.withdrawn_on:%-d %B %Y}. "
            "Reinstate them first if the date or reason must change."
        )
    if sign_off_in_force(enrolment) is not None:
        raise Problem(
            f"{learner.name}'s unit is signed off, so they have completed it and cannot "
            "withdraw. If the sign-off was a mistake, their assessor reopens the unit first."
        )
    if on is None:
        raise Problem("Enter the date the learner withdrew.", "withdrawn_on")
    if on > today():
        raise Problem("The date of withdrawal must be today or in the past.", "withdrawn_on")
    start = enrolment.cohort.start_date
    if on < start:
        raise Problem(
            f"The date of withdrawal must be on or after the cohort's start, {start:%-d %B %Y}.",
            "withdrawn_on",
        )
    reason = reason.strip()
    if not reason:
        raise Problem("Give the reason the learner withdrew.", "reason")
    if len(reason) > MAX_REASON:
        raise Problem(f"Keep the reason to {MAX_REASON:,} characters.", "reason")
    enrolment.withdrawn_on = on
    enrolment.withdrawal_reason = reason
    enrolment.withdrawn_by = by
    audit.record(
        "enrolment_withdrawn",
        enrolment,
        actor=by,
        provider_id=enrolment.cohort.provider_id,
        learner=learner.email,
        cohort=enrolment.cohort.name,
        withdrawn_on=on.isoformat(),
        reason=reason,
    )
    db.session.commit()


def reinstate(enrolment: Enrolment, by: User) -> None:
    """Undo a withdrawal: the learner is back in the in-progress figures."""
    if enrolment.withdrawn_on is None:
        raise Problem(f"{enrolment.learner.name} has not withdrawn, so there is nothing to undo.")
    audit.record(
        "enrolment_reinstated",
        enrolment,
        actor=by,
        provider_id=enrolment.cohort.provider_id,
        learner=enrolment.learner.email,
        cohort=enrolment.cohort.name,
        was_withdrawn_on=enrolment.withdrawn_on.isoformat(),
        reason_was=enrolment.withdrawal_reason,
    )
    enrolment.withdrawn_on = None
    enrolment.withdrawal_reason = ""
    enrolment.withdrawn_by = None
    db.session.commit()
