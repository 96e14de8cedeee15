"""Loading ``criteria/`` files into the database: idempotent, all-or-nothing.

Every file is read and checked before anything is written, so one bad file leaves the database as
it was. A standard version portfolios may already use is never changed in place: the same URN and
version with different content is refused; a new version is a new ``Standard`` record.
"""

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Criterion, CriterionKind, Standard
from ..services import audit
from .datafile import SUFFIXES, StandardFileError, canonical, content_hash, read_standard_file
from .schema import StandardData


def load_directory(directory=None) -> list[str]:
    """Load every data file in ``directory`` (default ``CRITERIA_DIR``); one line per file."""
    folder = Path(directory or current_app.config["CRITERIA_DIR"])
    if not folder.is_dir():
        raise StandardFileError(folder, [("(folder)", "does not exist or is not a folder")])
    paths = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())
    return load_files(paths)


def load_files(paths: list[Path]) -> list[str]:
    checked = [(path, read_standard_file(path)) for path in paths]
    _refuse_duplicates(checked)
    messages, new = [], []
    for path, data in checked:
        existing = find_standard(data.urn, data.version)
        label = f"{data.title} ({data.urn} v{data.version})"
        if existing is None:
            new.append((path, data))
            messages.append(f"Loaded {label}")
        elif existing.content_hash != content_hash(data):
            source = existing.source_file or "another file"
            raise StandardFileError(
                path,
                [
                    (
                        field,
                        f"differs from {data.urn} version {data.version} already loaded from "
                        f"{source}; a loaded version is never changed in place, so give the "
                        "changed standard a new version",
                    )
                    for field in _changed_fields(existing, data)
                ],
            )
        else:
            messages.append(f"Already loaded {label}")
    try:
        for path, data in new:
            standard = build_standard(data, path.name)
            db.session.add(standard)
            db.session.flush()
            audit.record(
                "standard_loaded",
                standard,
                urn=data.urn,
                version=data.version,
                content_hash=standard.content_hash,
                source_file=path.name,
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return messages


def _changed_fields(existing: Standard, data: StandardData) -> list[str]:
    before, after = canonical(standard_data(existing)), canonical(data)
    changed = [key for key in after if before.get(key) != after[key]]
    return [("knowledge_items" if key == "knowledge" else key) for key in changed] or ["(content)"]


def find_standard(urn: str, version: str) -> Standard | None:
    return db.session.scalars(
        select(Standard).where(Standard.urn == urn, Standard.version == version)
    ).one_or_none()


def _refuse_duplicates(checked: list[tuple[Path, StandardData]]) -> None:
    seen: dict[tuple[str, str], Path] = {}
    for path, data in checked:
        key = (data.urn, data.version)
        if key in seen:
            raise StandardFileError(
                path,
                [("urn", f"{data.urn} version {data.version} is also in {seen[key].name}")],
            )
        seen[key] = path


def build_standard(data: StandardData, source_file: str = "") -> Standard:
    standard = Standard(
        urn=data.urn,
        version=data.version,
        title=data.title,
        suite=data.suite,
        developed_by=data.developed_by,
        approved_on=data.approved_on.isoformat() if data.approved_on else "",
        review_date=data.indicative_review_date.isoformat() if data.indicative_review_date else "",
        overview=data.overview,
        guidance_md=data.guidance,
        details={
            "keywords": data.keywords,
            "relevant_occupations": data.relevant_occupations,
            "guidance_notes": [note.model_dump() for note in data.guidance_notes],
            "sections": data.sections,
        },
        content_hash=content_hash(data),
        source_file=source_file,
    )
    kinds = [(CriterionKind.PERFORMANCE, data.performance_criteria)]
    kinds.append((CriterionKind.KNOWLEDGE, data.knowledge_items))
    position = 0
    for kind, items in kinds:
        for item in items:
            position += 1
            standard.criteria.append(
                Criterion(
                    kind=kind,
                    code=item.code,
                    text=item.text,
                    position=position,
                    group=item.group,
                    guidance_md=item.guidance,
                )
            )
    return standard


def standard_data(standard: Standard) -> StandardData:
    """The loaded record back as data: what ``standards show`` prints for a URN."""
    details = standard.details or {}

    def items(criteria):
        return [
            {"code": c.code, "text": c.text, "group": c.group, "guidance": c.guidance_md}
            for c in criteria
        ]

    return StandardData.model_validate(
        {
            "title": standard.title,
            "urn": standard.urn,
            "version": standard.version,
            "suite": standard.suite,
            "developed_by": standard.developed_by,
            "approved_on": standard.approved_on or None,
            "indicative_review_date": standard.review_date or None,
            "overview": standard.overview,
            "keywords": details.get("keywords", []),
            "relevant_occupations": details.get("relevant_occupations", []),
            "guidance": standard.guidance_md,
            "performance_criteria": items(standard.performance_criteria),
            "knowledge_items": items(standard.knowledge_items),
            "guidance_notes": details.get("guidance_notes", []),
            "sections": details.get("sections", {}),
        }
    )
