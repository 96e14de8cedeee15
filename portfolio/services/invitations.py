"""Invitation and password-reset links: single use, expiring, stored only as a SHA-256 hash.

Without a mail server (the default) an invitation link is shown to the administrator who asked
for it and written to the application log, so a small provider can still onboard people.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import OneTimeToken, User
from ..models._types import utcnow
from ..public_address import external_url
from ..uk_time import uk_datetime
from . import audit, mail

INVITATION = "invitation"
RESET = "reset"
ENDPOINTS = {INVITATION: "auth.invitation", RESET: "auth.reset_password"}
SUBJECTS = {
    INVITATION: "Set your password for the NOS evidence portfolio",
    RESET: "Reset your password for the NOS evidence portfolio",
}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime(purpose: str) -> timedelta:
    key = "INVITATION_HOURS" if purpose == INVITATION else "RESET_HOURS"
    return timedelta(hours=int(current_app.config[key]))


@dataclass
class Link:
    user: User
    url: str
    purpose: str
    expires_at: object
    emailed: bool = False


def issue(user: User, purpose: str, *, actor: User | None = None, self_service=False) -> Link:
    """Create a new link for ``user``, audit it and commit, then queue its email when a mail
    server is configured.

    Earlier unused links of the same kind stop working, except that a link the person asked for
    themselves (``self_service``) only replaces their own earlier requests: an anonymous request
    on the forgotten-password page must never cancel the link an administrator just made.
    """
    now = utcnow()
    earlier = select(OneTimeToken).where(
        OneTimeToken.user_id == user.id,
        OneTimeToken.purpose == purpose,
        OneTimeToken.used_at.is_(None),
    )
    if self_service:
        earlier = earlier.where(OneTimeToken.self_service)
    for old in db.session.scalars(earlier):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    row = OneTimeToken(
        user=user,
        purpose=purpose,
        token_hash=_hash(token),
        expires_at=now + _lifetime(purpose),
        self_service=self_service,
    )
    db.session.add(row)
    db.session.flush()
    link = Link(user, external_url(ENDPOINTS[purpose], token=token), purpose, row.expires_at)
    link.emailed = mail.configured()
    audit.record(
        "invitation_sent" if purpose == INVITATION else "password_reset_link_sent",
        user,
        actor=actor,
        provider_id=user.provider_id,
        by_email=link.emailed,
        **({"asked_for_by": "the person, on the forgotten-password page"} if self_service else {}),
    )
    db.session.commit()
    _deliver(link)
    return link


def _deliver(link: Link) -> None:
    if link.emailed:
        try:
            mail.send_later(link.user.email, SUBJECTS[link.purpose], _body(link))
            return
        except Exception as error:  # noqa: BLE001 - the queue is down: show the link instead
            current_app.logger.error("Could not queue an email to %s: %s", link.user.email, error)
            link.emailed = False
    current_app.logger.warning(
        "%s link for %s (no email sent): %s",
        "Invitation" if link.purpose == INVITATION else "Password reset",
        link.user.email,
        link.url,
    )


def _body(link: Link) -> str:
    expires = uk_datetime(link.expires_at, zone=True)
    if link.purpose == INVITATION:
        opening = (
            f"Hello {link.user.name},\n\nYou have been invited to the NOS evidence portfolio "
            f"of {link.user.provider.name}. Set your password here:"
        )
    else:
        opening = f"Hello {link.user.name},\n\nTo choose a new password, open this link:"
    return (
        f"{opening}\n\n{link.url}\n\nThe link works once and expires on {expires}.\n"
        "If you did not expect this email, you can ignore it.\n"
    )


def find(token: str, purpose: str) -> OneTimeToken | None:
    """The unused, unexpired link for ``token``, or None (all failures look the same)."""
    row = db.session.scalar(select(OneTimeToken).where(OneTimeToken.token_hash == _hash(token)))
    if (
        row is None
        or row.purpose != purpose
        or row.used_at is not None
        or row.expires_at <= utcnow()
        or not row.user.active
    ):
        return None
    return row
