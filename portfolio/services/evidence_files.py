"""Attach uploaded files to a draft, or remove them, leaving nothing half-written.

A request's uploads are all kept or all refused: the files are checked from their content, photos
get display copies, and only then are the bytes committed to storage and the rows written. If
anything fails on the way (a refused file, an unreadable photo, a database error), every stored
byte from this request is deleted again and the transaction rolled back.
"""

from sqlalchemy import func, or_, select
from werkzeug.datastructures import FileStorage

from ..extensions import db
from ..models import ConsentStatus, Evidence, EvidenceFile
from ..storage import get_storage
from . import images, uploads
from .audit import record
from .evidence import EvidenceProblem, provider_id, require_draft
from .uploads import UploadRefused


def attach(
    evidence: Evidence, files: list[FileStorage], consent: ConsentStatus | None
) -> list[EvidenceFile]:
    require_draft(evidence)
    storage = get_storage()
    stored: list[str] = []
    try:
        rows = _store(evidence, uploads.chosen_files(files), consent, storage, stored)
        db.session.commit()
        return rows
    except BaseException:
        db.session.rollback()  # also drops an evidence row created in this transaction
        for key in stored:
            storage.delete(key)
        raise


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
    copies, problems = {}, []
    for upload in checked:
        if upload.type.mime in images.DERIVABLE:
            try:
                with upload.staged.open() as source:
                    made = images.make_copies(source, upload.name, upload.type.mime, storage)
            except images.ImageRefused as refused:
                problems.append(str(refused))
                continue
            stored.extend(made.keys)
            copies[id(upload)] = made
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
        if made := copies.get(id(upload)):
            set_copies(row, made)
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
    """Give photos uploaded before shared copies existed (or HEIC photos from before they could
    be decoded) their display and shared copies. Returns how many stored photos got copies,
    and a sentence for each that could not be opened. Versions share stored bytes, so every
    row of one stored photo gets the same copies."""
    storage = get_storage()
    missing = db.session.scalars(
        select(EvidenceFile).where(
            EvidenceFile.shared_name.is_(None),
            EvidenceFile.content_type.in_(sorted(images.DERIVABLE)),
        )
    ).all()
    by_original: dict[str, list[EvidenceFile]] = {}
    for row in missing:
        by_original.setdefault(row.stored_name, []).append(row)
    done, problems = 0, []
    for key, rows in by_original.items():
        first = rows[0]
        try:
            with storage.open(key) as source:
                made = images.make_copies(source, first.original_name, first.content_type, storage)
        except images.ImageRefused as refused:
            problems.append(str(refused))
            continue
        replaced = {row.derivative_name for row in rows} - {None}
        for row in rows:
            set_copies(row, made)
        db.session.commit()
        for old in replaced:
            if not _still_used(old):
                storage.delete(old)
        done += 1
    return done, problems


def set_copies(row: EvidenceFile, made: images.Copies) -> None:
    row.derivative_name = made.display.key
    row.derivative_width, row.derivative_height = made.display.width, made.display.height
    row.shared_name = made.shared.key
    row.shared_content_type = made.shared.content_type
    row.shared_size = made.shared.size


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
        if not _still_used(key):
            storage.delete(key)


def _still_used(key: str) -> bool:
    uses = db.session.scalar(
        select(func.count())
        .select_from(EvidenceFile)
        .where(
            or_(
                EvidenceFile.stored_name == key,
                EvidenceFile.derivative_name == key,
                EvidenceFile.shared_name == key,
            )
        )
    )
    return bool(uses)
