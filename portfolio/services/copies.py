"""The copies without metadata of uploaded photos, video and audio, made on a worker.

An upload answers once the original is stored and its cheap checks have passed (size, type
from the content, a photo's header); the file is then *pending*. ``run`` (on a worker, through
``portfolio.tasks.make_copies``) makes the photo's display, print and shared copies or the
recording's shared copy (ffmpeg and exiftool) and records them on every row that uses the same
stored bytes (versions share them). Until then staff get a "being prepared" answer, never the
original; its learner keeps receiving their original as always.

A file whose copies cannot be made (picture data damaged past its header, a recording ffmpeg
cannot follow) is marked *failed* with a sentence for its learner saying what to do; whatever
copies were half made are deleted. The work is held under a lease (services/leases.py), so a
worker killed half way leaves it to be taken over within a couple of minutes.
"""

import logging

from sqlalchemy import select, update

from ..extensions import db
from ..models import CopyStatus, EvidenceFile
from ..models._types import utcnow
from ..storage import MissingFile, get_storage
from . import images, leases, media_metadata

log = logging.getLogger(__name__)

WORK = leases.Work(
    EvidenceFile,
    EvidenceFile.copy_status,
    EvidenceFile.copy_lease_until,
    EvidenceFile.copy_attempt,
    waiting=CopyStatus.PENDING,
    running=CopyStatus.RUNNING,
)
OUR_PROBLEM = (
    "We could not prepare {name} for other people to see, because of a problem on our side. "
    "You do not need to upload it again: tell your assessor, and our administrators will try "
    "again."
)
RECORDING_PROBLEM = (
    "We could not prepare {name} for other people to play: it may be damaged or cut short. "
    "Only you can play it. Play it through on your device and save or export it again, then "
    "remove this file and upload the new one."
)


def needed(content_type: str) -> bool:
    """Whether a file of this type gets copies without metadata."""
    return content_type in images.DERIVABLE or content_type in media_metadata.CONTAINERS


def mark_pending(row: EvidenceFile) -> None:
    """A new file's copies are to be made (the caller queues them after its commit)."""
    if needed(row.content_type):
        for name, value in leases.queued_values(WORK).items():
            setattr(row, name, value)


def queue(rows: list[EvidenceFile]) -> None:
    """Ask a worker for the copies of committed rows; run inline (tests), they are made now."""
    from .. import tasks

    for row in rows:
        if row.copy_status == CopyStatus.PENDING:
            file_id = row.id
            try:
                tasks.make_copies(file_id)
            except Exception:  # the periodic retry queues it again
                log.exception("could not queue the copies of file %s", file_id)
            db.session.expire(row)


# ------------------------------------------------------------------------------ on a worker


def run(file_id: int) -> None:
    """Make the copies of one stored file and record them; never leaves it running."""
    row = db.session.get(EvidenceFile, file_id)
    if row is None:
        return  # removed before a worker got to it
    key, name, content_type = row.stored_name, row.original_name, row.content_type
    where = (EvidenceFile.stored_name == key,)
    attempt = leases.claim(WORK, where)
    if attempt is None:
        log.info("the copies of file %s are made or being made; nothing to do", file_id)
        return
    storage = get_storage()
    try:
        with leases.heartbeat(WORK, where, attempt), storage.open(key) as source:
            values, keys = _make(source, name, content_type, storage)
    except MissingFile:
        _finish(where, attempt, {"copy_status": CopyStatus.FAILED})  # removed meanwhile
        return
    except images.ImageRefused as refused:
        _failed(where, attempt, f"{refused} Remove this one from the evidence when you have.")
        return
    except media_metadata.MediaCopyFailed as failure:
        log.warning("No copy without metadata of upload %r: %s", name, failure)
        problem = OUR_PROBLEM if failure.ours else RECORDING_PROBLEM
        _failed(where, attempt, problem.format(name=name))
        return
    except Exception:
        log.exception("the copies of file %s failed", file_id)
        _failed(where, attempt, OUR_PROBLEM.format(name=name))
        return
    except BaseException:  # the worker is stopping: leave it for the next one, at once
        db.session.rollback()
        _finish(where, attempt, {"copy_status": CopyStatus.PENDING, "copy_lease_until": utcnow()})
        raise
    values.update(copy_status=CopyStatus.READY, copy_problem="")
    if not _finish(where, attempt, values):
        log.info("file %s was removed or taken over while its copies were made", file_id)
        for made in keys:
            if not _still_used(made):
                storage.delete(made)


def _make(source, name: str, content_type: str, storage) -> tuple[dict, list[str]]:
    """Store the copies; the columns that record them, and their keys."""
    if content_type in media_metadata.CONTAINERS:
        shared = media_metadata.make_shared_copy(source, content_type, storage)
        return _shared_values(shared), [shared.key]
    made = images.make_copies(source, name, content_type, storage)
    values = {
        "derivative_name": made.display.key,
        "derivative_width": made.display.width,
        "derivative_height": made.display.height,
        "print_name": made.print_copy.key,
        "print_width": made.print_copy.width,
        "print_height": made.print_copy.height,
        **_shared_values(made.shared),
    }
    return values, made.keys


def _shared_values(shared) -> dict:
    return {
        "shared_name": shared.key,
        "shared_content_type": shared.content_type,
        "shared_size": shared.size,
        "shared_sha256": None,  # noted when a manifest first lists this copy
    }


def _failed(where: tuple, attempt: int, problem: str) -> None:
    _finish(where, attempt, {"copy_status": CopyStatus.FAILED, "copy_problem": problem})


def _finish(where: tuple, attempt: int, values: dict) -> bool:
    """Write the outcome where this attempt still holds the work; whether it did."""
    db.session.rollback()
    if values.get("copy_status") != CopyStatus.PENDING:
        values.setdefault("copy_lease_until", None)
    done = db.session.execute(
        update(EvidenceFile)
        .where(*WORK.held(where, attempt))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(done)


def _still_used(key: str) -> bool:
    from .evidence_files import still_used

    return still_used(key)


# ------------------------------------------------------------------ work whose worker was lost


def retry_abandoned() -> int:
    """Queue again the copies whose message or worker was lost; give up (as our problem) on
    those whose worker vanished MAX_ATTEMPTS times. Returns how many were queued."""
    rows = db.session.scalars(select(EvidenceFile).where(*leases.abandoned(WORK))).all()
    again: dict[str, EvidenceFile] = {}
    for row in rows:
        if row.copy_attempt >= leases.MAX_ATTEMPTS:
            row.copy_status = CopyStatus.FAILED
            row.copy_lease_until = None
            row.copy_problem = OUR_PROBLEM.format(name=row.original_name)
            log.error("gave up the copies of file %s after %s attempts", row.id, row.copy_attempt)
            continue
        for name, value in leases.queued_values(WORK).items():
            setattr(row, name, value)
        again.setdefault(row.stored_name, row)
    db.session.commit()
    queue(list(again.values()))
    return len(again)
