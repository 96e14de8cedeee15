"""Attach uploaded files to a draft, or remove them, leaving nothing half-written.

A request's uploads are all kept or all refused: the files are checked from their content (and
a photo from its header: Pillow opens it without decoding a pixel), and only then are the bytes
committed to storage and the rows written. If anything fails on the way (a refused file, a
database error), every stored byte from this request is deleted again and the transaction
rolled back.

The copies without metadata that everyone but the learner receives (a photo's display, print
and shared copies, a recording's remux by ffmpeg) are made on a worker once the upload has
answered (services/copies.py); until then the file is pending and staff are told it is being
prepared. ``make_missing_copies`` (``flask files make-copies``) makes the copies a file lacks
for any other reason: uploaded before copies existed, or its copies failed.
"""

from sqlalchemy import and_, func, or_, select
from werkzeug.datastructures import FileStorage

from ..extensions import db
from ..models import ConsentStatus, CopyStatus, Evidence, EvidenceFile
from ..storage import get_storage
from . import copies, images, media_metadata, uploads
from .audit import record
from .evidence import EvidenceProblem, provider_id, require_draft
from .uploads import UploadRefused

#: kinds whose originals may say where they were made: everyone but their learner gets a copy
PRIVATE_KINDS = {"image", "audio", "video"}


def attach(
    evidence: Evidence, files: list[FileStorage], consent: ConsentStatus | None
) -> list[EvidenceFile]:
    require_draft(evidence)
    storage = get_storage()
    stored: list[str] = []
    try:
        rows = _store(evidence, uploads.chosen_files(files), consent, storage, stored)
        db.session.commit()
    except BaseException:
        db.session.rollback()  # also drops an evidence row created in this transaction
        for key in stored:
            storage.delete(key)
        raise
    copies.queue(rows)
    return rows


def _store(evidence, files, consent, storage, stored: list[str]) -> list[EvidenceFile]:
    """Check, derive, commit bytes and add rows; every key written is appended to ``stored``."""
    if not files:
        raise EvidenceProblem("Choose at least one file to upload.", "files")
    if consent is None:
        raise EvidenceProblem(
            "Say whether the files show people who can be identified, and whether they consented.",
            "consent",
        )
    checked = uploads.check(files)
    problems = []
    for upload in checked:
        if upload.type.mime in images.DERIVABLE:
            try:
                with upload.staged.open() as source:
                    images.check(source, upload.name, upload.type.mime)
            except images.ImageRefused as refused:
                problems.append(str(refused))
    if problems:
        raise UploadRefused(problems)
    rows = []
    for upload in checked:
        key = upload.staged.commit()
        stored.append(key)
        row = EvidenceFile(
            original_name=upload.name,
            stored_name=key,
            content_type=upload.type.mime,
            size=upload.staged.size,
            sha256=upload.staged.sha256,
            consent=consent,
        )
        copies.mark_pending(row)
        rows.append(row)
    evidence.files.extend(rows)
    db.session.flush()
    for row in rows:
        record(
            "evidence.file_added",
            evidence,
            provider_id=provider_id(evidence),
            file_id=row.id,
            name=row.original_name,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            consent=consent.value,
        )
    return rows


def make_missing_copies() -> tuple[int, list[str]]:
    """Give files uploaded before their copies existed the copies they lack: photos their
    display, print and shared copies (or only the print copy, if the others exist), video and
    audio their shared copy. Returns how many stored files got copies, and a sentence for each
    that could not be copied. Versions share stored bytes, so every row of one stored file
    gets the same copies."""
    storage = get_storage()
    photos, media = sorted(images.DERIVABLE), sorted(media_metadata.CONTAINERS)
    missing = db.session.scalars(
        select(EvidenceFile).where(
            EvidenceFile.copy_status.not_in((CopyStatus.PENDING, CopyStatus.RUNNING)),
            or_(
                and_(
                    EvidenceFile.shared_name.is_(None),
                    EvidenceFile.content_type.in_(photos + media),
                ),
                and_(EvidenceFile.print_name.is_(None), EvidenceFile.content_type.in_(photos)),
            ),
        )
    ).all()
    by_original: dict[str, list[EvidenceFile]] = {}
    for row in missing:
        by_original.setdefault(row.stored_name, []).append(row)
    done, problems = 0, []
    for key, rows in by_original.items():
        before = {k for row in rows for k in row.stored_keys} - {key}
        try:
            with storage.open(key) as source:
                _add_missing_copies(source, rows, storage)
        except images.ImageRefused as refused:
            problems.append(str(refused))
            continue
        except media_metadata.MediaCopyFailed as failure:
            problems.append(f"{rows[0].original_name}: {failure}.")
            continue
        db.session.commit()
        for old in before - {k for row in rows for k in row.stored_keys}:
            if not still_used(old):
                storage.delete(old)
        done += 1
    return done, problems


def _add_missing_copies(source, rows: list[EvidenceFile], storage) -> None:
    first = rows[0]
    if first.content_type in media_metadata.CONTAINERS:
        shared = media_metadata.make_shared_copy(source, first.content_type, storage)
        for row in rows:
            set_shared(row, shared)
    elif any(row.shared_name is None for row in rows):
        made = images.make_copies(source, first.original_name, first.content_type, storage)
        for row in rows:
            set_copies(row, made)
    else:  # photos from before print copies
        print_copy = images.make_print_copy(
            source, first.original_name, first.content_type, storage
        )
        for row in rows:
            _set_print_copy(row, print_copy)


def set_copies(row: EvidenceFile, made: images.Copies) -> None:
    row.derivative_name = made.display.key
    row.derivative_width, row.derivative_height = made.display.width, made.display.height
    _set_print_copy(row, made.print_copy)
    set_shared(row, made.shared)


def _set_print_copy(row: EvidenceFile, print_copy: images.Derivative) -> None:
    row.print_name = print_copy.key
    row.print_width, row.print_height = print_copy.width, print_copy.height


def set_shared(row: EvidenceFile, shared: images.SharedCopy | media_metadata.MediaCopy) -> None:
    row.copy_status, row.copy_problem = CopyStatus.READY, ""
    row.shared_name = shared.key
    row.shared_content_type = shared.content_type
    row.shared_size = shared.size
    row.shared_sha256 = None  # noted when a manifest first lists this copy


def set_consent(file: EvidenceFile, consent: ConsentStatus) -> None:
    """Change what a draft's file says about the people it shows (say consent arrived later)."""
    evidence = file.evidence
    require_draft(evidence)
    if file.consent == consent:
        return
    record(
        "evidence.file_consent_changed",
        evidence,
        provider_id=provider_id(evidence),
        file_id=file.id,
        name=file.original_name,
        old=file.consent.value,
        new=consent.value,
    )
    file.consent = consent
    db.session.commit()


def remove(file: EvidenceFile) -> None:
    """Remove a file from a draft. Its bytes go too, unless an earlier version still uses them."""
    evidence = file.evidence
    require_draft(evidence)
    keys = file.stored_keys
    record(
        "evidence.file_removed",
        evidence,
        provider_id=provider_id(evidence),
        file_id=file.id,
        name=file.original_name,
        sha256=file.sha256,
    )
    evidence.files.remove(file)
    db.session.commit()
    storage = get_storage()
    for key in keys:
        if not still_used(key):
            storage.delete(key)


def still_used(key: str) -> bool:
    uses = db.session.scalar(
        select(func.count())
        .select_from(EvidenceFile)
        .where(
            or_(
                EvidenceFile.stored_name == key,
                EvidenceFile.derivative_name == key,
                EvidenceFile.shared_name == key,
                EvidenceFile.print_name == key,
            )
        )
    )
    return bool(uses)
