"""Work a worker holds under a lease it keeps renewing, so work whose worker vanished (killed,
its machine gone) is taken over within a couple of minutes rather than never or after an hour.

A row of work carries a status, the time its lease runs out and the number of the attempt that
holds it. A worker *claims* the row with one conditional UPDATE (waiting, or running with a
lease that has run out), renews the lease while it works (``heartbeat``), and writes its result
only where the row is still held by its own attempt, so a worker that was thought lost and
comes back cannot overwrite the work of the one that took over. ``abandoned`` finds the rows
the periodic task (``portfolio.tasks.retry_abandoned``) queues again.
"""

import logging
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, func, or_, select, update

from ..extensions import db
from ..models._types import utcnow

log = logging.getLogger(__name__)

#: a running task's lease: renewed every HEARTBEAT_SECONDS while its worker lives
LEASE = timedelta(seconds=60)
HEARTBEAT_SECONDS = 15.0
#: a queued task that no worker has claimed after this is queued again (its message was lost)
QUEUED_GRACE = timedelta(minutes=10)
#: a task whose worker vanished this many times is given up (it may be what kills them)
MAX_ATTEMPTS = 3


@dataclass(frozen=True)
class Work:
    """Where a table keeps the state of its work."""

    model: type
    status: object
    lease_until: object
    attempt: object
    waiting: object  # the status of work queued and not started
    running: object

    def held(self, where: tuple, attempt: int) -> tuple:
        """``where``, narrowed to rows still held by ``attempt``."""
        return (*where, self.status == self.running, self.attempt == attempt)


def queued_values(work: Work) -> dict:
    """The values of a row of work just queued."""
    return {
        work.status.key: work.waiting,
        work.lease_until.key: utcnow() + QUEUED_GRACE,
    }


def claim(work: Work, where: tuple) -> int | None:
    """Take the work matching ``where``, if it waits or its lease has run out, and commit;
    the number of this attempt, or None if someone else holds it or it is done."""
    now = utcnow()
    attempt = (db.session.scalar(select(func.max(work.attempt)).where(*where)) or 0) + 1
    claimed = db.session.execute(
        update(work.model)
        .where(
            *where,
            or_(
                work.status == work.waiting,
                and_(work.status == work.running, work.lease_until < now),
            ),
        )
        .values({work.status: work.running, work.lease_until: now + LEASE, work.attempt: attempt})
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return attempt if claimed else None


@contextmanager
def heartbeat(work: Work, where: tuple, attempt: int):
    """Renew the lease every HEARTBEAT_SECONDS while the block runs, in transactions of their
    own (the worker's session is left alone)."""
    stop = threading.Event()
    engine = db.engine

    def beat() -> None:
        while not stop.wait(HEARTBEAT_SECONDS):
            try:
                with engine.begin() as connection:
                    connection.execute(
                        update(work.model)
                        .where(*work.held(where, attempt))
                        .values({work.lease_until: utcnow() + LEASE})
                    )
            except Exception:  # the next beat tries again; the lease is a minute long
                log.exception("could not renew a lease")

    thread = threading.Thread(target=beat, name="lease-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def abandoned(work: Work) -> tuple:
    """Rows queued or running whose lease has run out: their message or worker was lost."""
    now = utcnow()
    return (
        work.status.in_((work.waiting, work.running)),
        or_(work.lease_until.is_(None), work.lease_until < now),
    )
