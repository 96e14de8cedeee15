"""Limits on guessing and flooding, kept in the database so they hold across worker processes:
failed sign-ins, wrong passwords re-entered to sign, and forgotten-password requests.

A person (an email address) gets ``SIGNIN_MAX_FAILURES`` failures within
``SIGNIN_WINDOW_SECONDS``; one network address gets ``SIGNIN_MAX_FAILURES_PER_IP`` (four times
as many by default, because a college's learners often share one address). Re-entering a
password to sign off or countersign allows ``REAUTH_MAX_FAILURES`` wrong ones in that window.
The forgotten-password page takes ``RESET_REQUESTS_PER_HOUR`` requests for one address and
``RESET_REQUESTS_PER_IP_PER_HOUR`` from one network address.

Sign-ins are counted in their own table; the other two are counted from the audit entries
they leave (as witness links are), so every one of them is on the record as well.
"""

import math
from datetime import timedelta

from flask import current_app
from sqlalchemy import Select, delete, func, select

from ..extensions import db
from ..models import AuditEntry, SignInAttempt, User
from ..models._types import utcnow
from . import audit

#: the audit entries of a wrong password re-entered to sign, and of forgotten-password requests
#: (queued for a worker, or over the address's limit and so not)
REENTERED_WRONG = "signing_password_wrong"
RESET_REQUESTED = "password_reset_requested"
RESET_REQUEST_OVER_LIMIT = "password_reset_request_over_limit"


def _window() -> timedelta:
    return timedelta(seconds=int(current_app.config["SIGNIN_WINDOW_SECONDS"]))


def _limits() -> tuple[int, int]:
    per_email = int(current_app.config["SIGNIN_MAX_FAILURES"])
    per_ip = int(current_app.config.get("SIGNIN_MAX_FAILURES_PER_IP") or 4 * per_email)
    return per_email, per_ip


def _wait(times: Select, limit: int, window: timedelta, now) -> int:
    """0 when fewer than ``limit`` of the moments ``times`` selects (those within ``window``)
    have passed; otherwise the seconds until the one that must expire first has left it."""
    count = db.session.scalar(select(func.count()).select_from(times.subquery()))
    if count < limit:
        return 0
    at = times.selected_columns[0]
    freed_at = db.session.scalar(times.order_by(at.desc()).offset(limit - 1).limit(1))
    return max(1, math.ceil((freed_at + window - now).total_seconds()))


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
        wait = max(wait, _wait(recent, limit, _window(), now))
    return wait


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def record_failure(email: str, ip: str) -> None:
    db.session.add(SignInAttempt(email=email, ip=ip))


def forget_failures(email: str) -> None:
    """A successful sign-in clears that person's failures (not the address's)."""
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.email == email))
    db.session.execute(delete(SignInAttempt).where(SignInAttempt.at < utcnow() - 2 * _window()))


# ------------------------------------------------------------ a password re-entered to sign


def signing_wait(person: User) -> int:
    """0 when ``person`` may re-enter their password to sign now; otherwise how long until
    their oldest counted wrong password leaves the window."""
    now = utcnow()
    wrong = select(AuditEntry.at).where(
        AuditEntry.action == REENTERED_WRONG,
        AuditEntry.actor_id == person.id,
        AuditEntry.at > now - _window(),
    )
    return _wait(wrong, int(current_app.config["REAUTH_MAX_FAILURES"]), _window(), now)


def too_many_wrong_passwords(wait: int) -> str:
    count = minutes(wait)
    plural = "s" if count != 1 else ""
    return f"Too many wrong passwords. Wait {count} minute{plural} and try again."


def count_wrong_signing_password(person: User, signing: str, enrolment) -> None:
    """Record a wrong password re-entered to sign (``signing``: what they were signing), which
    ``signing_wait`` counts, and commit it: the caller has rolled back the signing itself."""
    audit.record(
        REENTERED_WRONG,
        actor=person,
        subject=person,
        signing=signing,
        enrolment_id=enrolment.id,
    )
    db.session.commit()


# ------------------------------------------------------------ the forgotten-password page

_HOUR = timedelta(hours=1)


def reset_wait(ip: str) -> int:
    """0 when the forgotten-password page takes a request from ``ip`` now; otherwise how long
    until the oldest counted request leaves the hour."""
    now = utcnow()
    requests = select(AuditEntry.at).where(
        AuditEntry.action.in_([RESET_REQUESTED, RESET_REQUEST_OVER_LIMIT]),
        AuditEntry.at > now - _HOUR,
        AuditEntry.details["ip"].as_string() == ip,
    )
    return _wait(requests, int(current_app.config["RESET_REQUESTS_PER_IP_PER_HOUR"]), _HOUR, now)


def reset_allowed_for(email: str) -> bool:
    """Whether a reset link may be sent to ``email`` now: fewer than ``RESET_REQUESTS_PER_HOUR``
    were in the last hour, so nobody can flood someone's inbox. Counted for every address,
    whether or not it has an account, so the answer says nothing about that."""
    sent = select(func.count(AuditEntry.id)).where(
        AuditEntry.action == RESET_REQUESTED,
        AuditEntry.at > utcnow() - _HOUR,
        AuditEntry.details["email"].as_string() == email,
    )
    return db.session.scalar(sent) < int(current_app.config["RESET_REQUESTS_PER_HOUR"])


def record_reset_request(email: str, ip: str, allowed: bool) -> None:
    """Add the audit entry of a forgotten-password request, which both limits count; the
    caller commits it."""
    audit.record(RESET_REQUESTED if allowed else RESET_REQUEST_OVER_LIMIT, email=email, ip=ip)
