"""Signing in and out and setting passwords, each with its audit entry.

Setting or changing a password gives the person a new session token, which ends every other
session they had (see ``auth/sessions.py``).
"""

import logging
import secrets
from dataclasses import dataclass
from functools import cache

from ..extensions import db
from ..models import OneTimeToken, User
from ..models._types import utcnow
from . import audit, invitations, mail, sign_in_limits
from .passwords import check_password, hash_password, password_problem
from .people import find_by_email, normalise_email
from .problems import Problem

log = logging.getLogger(__name__)


@cache
def _nobody() -> str:
    """Checked against when the email is unknown, so that takes as long as a known address."""
    return hash_password(secrets.token_hex(16))


@dataclass
class SignIn:
    user: User | None = None
    wait_seconds: int = 0


def authenticate(email: str, password: str, ip: str) -> SignIn:
    """Check a sign-in within the rate limits; record the failure or success in the audit."""
    email = normalise_email(email)
    user = find_by_email(email)
    provider_id = user.provider_id if user else None
    wait = sign_in_limits.seconds_to_wait(email, ip)
    if wait:
        audit.record("sign_in_blocked", user, provider_id=provider_id, email=email)
        db.session.commit()
        return SignIn(wait_seconds=wait)
    stored = user.password_hash if user is not None else None
    right = check_password(stored or _nobody(), password)
    if user is None or not user.active or not right:
        sign_in_limits.record_failure(email, ip)
        audit.record("sign_in_failed", user, provider_id=provider_id, email=email)
        db.session.commit()
        return SignIn()
    sign_in_limits.forget_failures(email)
    audit.record("signed_in", user, actor=user)
    db.session.commit()
    return SignIn(user=user)


def signed_out(user: User) -> None:
    """End every copy of this session, not just the cookie in this browser."""
    user.session_token = secrets.token_hex(16)
    audit.record("signed_out", user, actor=user)
    db.session.commit()


def _set_password(user: User, password: str, confirm: str, field: str = "password") -> None:
    problem = password_problem(password)
    if problem:
        raise Problem(problem, field)
    if password != confirm:
        raise Problem("The passwords do not match. Enter the same password twice.", "confirm")
    user.password_hash = hash_password(password)
    user.session_token = secrets.token_hex(16)


def set_password_from_link(row: OneTimeToken, password: str, confirm: str) -> User:
    """Use an invitation or reset link once to set the person's password."""
    user = row.user
    _set_password(user, password, confirm)
    row.used_at = utcnow()
    # "Too many attempts ... or reset your password": a reset really does let them in at once.
    sign_in_limits.forget_failures(user.email)
    action = "password_set" if row.purpose == invitations.INVITATION else "password_reset"
    audit.record(action, user, actor=user)
    db.session.commit()
    return user


def change_password(user: User, current: str, password: str, confirm: str) -> None:
    if not check_password(user.password_hash, current):
        raise Problem("Your current password is not right. Enter it again.", "current")
    _set_password(user, password, confirm)
    audit.record("password_changed", user, actor=user)
    db.session.commit()


def request_reset(email: str, ip: str) -> int:
    """Take a request from the forgotten-password page: 0 once it is taken, or the seconds to
    wait when ``ip`` has asked too often (the page may say so: that is about the network, not
    the address).

    The caller must answer the same way whether or not the address has an account, and this
    does the same work either way: it counts, records and queues a task without looking the
    address up, so even the time it takes says nothing. A worker looks it up and sends the link
    (``send_reset_link``). Over the address's own limit nothing is queued, and the page still
    answers as usual.
    """
    email = normalise_email(email)
    if wait := sign_in_limits.reset_wait(ip):
        log.warning("Refused a password reset request from %s: too many from there", ip)
        return wait
    allowed = sign_in_limits.reset_allowed_for(email)
    sign_in_limits.record_reset_request(email, ip, allowed)
    db.session.commit()
    if allowed and mail.configured():
        from .. import tasks

        try:
            tasks.send_reset_link(email)
        except Exception:  # noqa: BLE001 - the queue is down: the person can ask again
            log.exception("could not queue a password reset link")
    return 0


def send_reset_link(email: str) -> invitations.Link | None:
    """On a worker: email a reset link if an active person has this address.

    Without a mail server nobody would receive the link, so none is made (and nothing logged):
    the page tells the person to ask their administrator, whose link this can never cancel.
    """
    if not mail.configured():
        return None
    user = find_by_email(email)
    if user is None or not user.active:
        return None
    return invitations.issue(user, invitations.RESET, self_service=True)
