"""Tell people about their work: a row they see in the app (every worker process sees it) and,
when a mail server is configured, an email queued once the change that caused it is committed.

Email is queued after the commit so nobody is told about something that was then rolled back,
and a worker sends it, so a mail server that is down never slows or undoes the change: the
failure is logged and the in-app notification stays.
"""

import logging

from flask import has_app_context
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Notification, User
from ..models._types import utcnow
from ..public_address import absolute
from . import mail

log = logging.getLogger(__name__)
OUTBOX = "portfolio_outbox"


def notify(user: User | None, kind: str, message: str, link: str = "") -> Notification | None:
    """Add a notification for ``user`` to the current transaction (none for nobody)."""
    if user is None or not user.active:
        return None
    row = Notification(user=user, kind=kind, message=message, link=link)
    db.session.add(row)
    if has_app_context() and mail.configured():
        full_link = absolute(link)
        db.session.info.setdefault(OUTBOX, []).append((user.email, message, full_link))
    return row


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def recent(user: User, limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_read(user: User) -> int:
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return result.rowcount


@event.listens_for(Session, "after_commit")
def _queue_outbox(session):
    for address, message, link in session.info.pop(OUTBOX, []):
        body = f"{message}\n\n{link}" if link else message
        try:
            mail.send_later(address, "NOS evidence portfolio: " + message[:60], body)
        except Exception:  # noqa: BLE001 - the queue is down: log it, keep the notification
            log.exception("could not queue an email of a notification to %s", address)


@event.listens_for(Session, "after_rollback")
def _drop_outbox(session):
    session.info.pop(OUTBOX, None)
