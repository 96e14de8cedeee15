"""Limits on failed sign-ins, kept in the database so they hold across worker processes.

A person (an email address) gets ``SIGNIN_MAX_FAILURES`` failures within
``SIGNIN_WINDOW_SECONDS``; one network address gets ``SIGNIN_MAX_FAILURES_PER_IP`` (four times
as many by default, because a college's learners often share one address).
"""

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import SignInAttempt
from ..models._types import utcnow


def _window() -> timedelta:
    return timedelta(seconds=int(current_app.config["SIGNIN_WINDOW_SECONDS"]))


def _limits() -> tuple[int, int]:
    per_email = int(current_app.config["SIGNIN_MAX_FAILURES"])
    per_ip = int(current_app.config.get("SIGNIN_MAX_FAILURES_PER_IP") or 4 * per_email)
    return per_email, per_ip


def seconds_to_wait(email: str, ip: str) -> int:
    """0 when a sign-in may be tried now; otherwise how long until the oldest counted failure
    leaves the window."""
    now = utcnow()
    since = now - _window()
    per_email, per_ip = _limits()
    wait = 0
    for column, value, limit in ((SignInAttempt.email, email, per_email),
                                 (SignInAttempt.ip, ip, per_ip)):  # fmt: skip
        recent = select(SignInAttempt.at).where(column == value, SignInAttempt.at > since)
        count = db.session.scalar(select(func.count()).select_from(recent.subquery()))
        if count >= limit:
            # The failure that must expire before the count drops below the limit.
            freed_at = db.session.scalar(
                recent.order_by(SignInAttempt.at.desc()).offset(limit - 1).limit(1)
            )
            wait = max(wait, math.ceil((freed_at + _window() - now).total_seconds()))
    return wait


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def record_failure(email: str, ip: str) -> None:
    db.session.add(SignInAttempt(email=email, ip=ip))


def forget_failures(email: str) -> None:
    """A successful sign-in clears that person's failures (not the address's)."""
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.email == email))
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.at < utcnow() - 2 * _window()))
