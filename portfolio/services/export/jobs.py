"""Portfolio PDFs and archive bundles made on the task queue, and kept while they are current.

``request`` (in the web process) finds or creates the ``Export`` for the portfolio's content as
it is now and queues it; ``run`` (on a worker, through ``portfolio.tasks``) makes the document,
reports its progress in the Export row and stores the file. Everything a waiting page needs is
in that row, so any web process can answer it, whichever worker does the work.
"""

import logging
import time
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Enrolment, Export, ExportKind, ExportStatus, User
from ...models._types import utcnow
from ...storage import get_storage
from .. import audit
from . import contents, manifest, portfolio_pdf

log = logging.getLogger(__name__)

#: a queued or running export not finished after this long lost its worker: queue it again
ABANDONED_AFTER = timedelta(hours=1)
#: a bundle reports every file it adds: a new stage at the same percentage is written at most
#: this often
PROGRESS_INTERVAL_SECONDS = 0.5

WHAT = {ExportKind.PORTFOLIO_PDF: "the portfolio PDF", ExportKind.ARCHIVE: "the archive bundle"}


def request(enrolment: Enrolment, kind: ExportKind, person: User) -> Export:
    """The export of the portfolio as it is now: one already made (or being made) for the same
    content, or a new one, queued."""
    key = manifest.content_key(contents.gather(enrolment))
    export = _find(enrolment.id, kind, key)
    if export is not None and _usable(export):
        return export
    try:
        if export is None:
            export = Export(enrolment=enrolment, kind=kind, content_key=key, requested_by=person)
            db.session.add(export)
            db.session.flush()
        else:  # it failed, its file is gone, or its worker was lost: make it again
            _start_again(export, person)
        audit.record(
            "export.requested",
            export,
            actor=person,
            provider_id=enrolment.cohort.provider_id,
            kind=kind.value,
            content_key=key,
        )
        db.session.commit()
    except IntegrityError:
        # Another web process created the same export a moment ago: use theirs.
        db.session.rollback()
        theirs = _find(enrolment.id, kind, key)
        if theirs is None:
            raise
        return theirs
    _enqueue(export)
    return export


def prepare_signed_off(enrolment: Enrolment, assessor: User) -> Export | None:
    """Queue the portfolio PDF of a unit just signed off, so its first download is instant.

    Called once the sign-off is committed (there is no after-commit hook to register it with):
    ``request`` as a download would, so the download finds this export by its content key. A
    worker makes it. Whatever goes wrong here is logged; the sign-off stands."""
    try:
        return request(enrolment, ExportKind.PORTFOLIO_PDF, assessor)
    except Exception:  # noqa: BLE001 - the signed-off unit's PDF is made on the first download
        log.exception("could not queue the PDF of signed-off portfolio %s", enrolment.id)
        db.session.rollback()
        return None


def _find(enrolment_id: int, kind: ExportKind, key: str) -> Export | None:
    return db.session.scalar(
        select(Export).where(
            Export.enrolment_id == enrolment_id, Export.kind == kind, Export.content_key == key
        )
    )


def ready(export: Export) -> bool:
    """Made, and its file still in storage (a newer export removes older ones' files)."""
    return (
        export.status == ExportStatus.DONE
        and bool(export.storage_key)
        and get_storage().exists(export.storage_key)
    )


def _usable(export: Export) -> bool:
    if export.status == ExportStatus.DONE:
        return ready(export)
    if export.status in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return utcnow() - export.created_at < ABANDONED_AFTER
    return False


def _start_again(export: Export, person: User) -> None:
    export.status = ExportStatus.QUEUED
    export.progress, export.stage, export.error = 0, "", ""
    export.storage_key = export.size = export.sha256 = export.finished_at = None
    export.requested_by = person
    export.created_at = utcnow()


def _enqueue(export: Export) -> None:
    from ... import tasks

    export_id = export.id
    try:
        tasks.run_export(export_id)
    except Exception:
        log.exception("could not queue export %s", export_id)
        db.session.rollback()
        _fail(export_id, "could not be started: the task queue is not answering")
    # Run inline (tests), the task changed the row through its own session.
    db.session.expire(export)


# ------------------------------------------------------------------------------ on a worker


def run(export_id: int) -> None:
    """Make the export, keeping its row up to date; never leaves it running."""
    claimed = db.session.execute(
        update(Export)
        .where(Export.id == export_id, Export.status == ExportStatus.QUEUED)
        .values(status=ExportStatus.RUNNING, progress=0, stage="Starting")
    ).rowcount
    db.session.commit()
    if not claimed:  # already made, or being made by another worker
        log.info("export %s is not queued; nothing to do", export_id)
        return
    export = db.session.get(Export, export_id)
    try:
        stored = _make(export, _reporter(export_id))
    except Exception:
        log.exception("export %s failed", export_id)
        db.session.rollback()
        _fail(export_id, "could not be made because of a problem on our side")
        return
    except BaseException:  # the worker is stopping (Huey interrupts running tasks)
        log.warning("export %s interrupted", export_id)
        db.session.rollback()
        _fail(export_id, "was interrupted because the service was restarting")
        raise
    export = db.session.get(Export, export_id)
    export.storage_key, export.size, export.sha256 = stored
    export.status, export.progress, export.stage = ExportStatus.DONE, 100, "Ready"
    export.finished_at = utcnow()
    db.session.commit()
    _remove_superseded(export)


def _make(export: Export, progress) -> tuple[str, int, str]:
    """Make the document into storage; (storage key, size, SHA-256)."""
    storage = get_storage()
    writer = storage.writer()
    try:
        if export.kind == ExportKind.PORTFOLIO_PDF:
            made = portfolio_pdf.make(export.enrolment, progress)
            if made.content_key != export.content_key:
                log.info("export %s: the portfolio changed while it was made", export.id)
            writer.write(made.pdf)
        else:
            from . import bundle

            bundle.write(export.enrolment, _WriteOnly(writer), progress)
        digest, size = writer.sha256, writer.size
        return writer.commit(), size, digest
    finally:
        writer.abort()  # does nothing once committed


class _WriteOnly:
    """The storage writer as a stream zipfile can only append to (it would otherwise seek
    back to fill in sizes, which a storage writer does not allow while writing)."""

    def __init__(self, writer):
        self._writer = writer

    def write(self, data) -> int:
        return self._writer.write(data)

    def flush(self) -> None:
        pass


def _reporter(export_id: int):
    """A progress callback that writes to the Export row in a transaction of its own, so the
    maker's session (and what it has loaded) is left alone. Every new percentage is written;
    a new stage at the same percentage (a bundle adding file after file) at most this often."""
    last = {"percent": None, "at": 0.0}

    def report(percent: int, stage: str) -> None:
        percent, now = max(0, min(int(percent), 99)), time.monotonic()
        if percent == last["percent"] and now - last["at"] < PROGRESS_INTERVAL_SECONDS:
            return
        last.update(percent=percent, at=now)
        with db.engine.begin() as connection:
            connection.execute(
                update(Export)
                .where(Export.id == export_id, Export.status == ExportStatus.RUNNING)
                .values(progress=percent, stage=stage[:200])
            )

    return report


def _fail(export_id: int, reason: str) -> None:
    export = db.session.get(Export, export_id)
    export.status = ExportStatus.FAILED
    export.error = (
        f"Sorry, {WHAT[export.kind]} {reason}. Try again in a few minutes; if it fails again, "
        f"tell your administrator (export {export.id})."
    )
    export.finished_at = utcnow()
    db.session.commit()


def _remove_superseded(export: Export) -> None:
    """Earlier exports of the same portfolio and kind show older content: delete their files
    (their rows stay, as a record of what was requested)."""
    storage = get_storage()
    older = db.session.scalars(
        select(Export).where(
            Export.enrolment_id == export.enrolment_id,
            Export.kind == export.kind,
            Export.id < export.id,
            Export.content_key != export.content_key,
            Export.status == ExportStatus.DONE,
            Export.storage_key.is_not(None),
        )
    ).all()
    for old in older:
        storage.delete(old.storage_key)
        old.storage_key = None
    if older:
        db.session.commit()
