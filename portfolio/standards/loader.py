"""Loading ``criteria/`` files into the database: idempotent, all-or-nothing.

Every file is read and checked before anything is written, so one bad file leaves the database as
it was. A standard version portfolios may already use is never changed in place: the same URN and
version with different published content is refused; a new version is a new ``Standard`` record.
Guidance is the provider's own, not the published standard's, so it is updated in place.
"""

from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Criterion, CriterionKind, Standard
from ..services import audit
from .datafile import (
    SUFFIXES,
    StandardFileError,
    canonical,
    content_hash,
    differences,
    published,
    read_standard_file,
)
from .schema import StandardData


def load_directory(directory=None) -> list[str]:
    """Load every data file in ``directory`` (default ``CRITERIA_DIR``); one line per file."""
    folder = Path(directory or current_app.config["CRITERIA_DIR"])
    if not folder.is_dir():
        raise StandardFileError(folder, [("(folder)", "does not exist or is not a folder")])
    paths = sorted(p for p in folder.iterdir() if p.suffix in SUFFIXES and p.is_file())
    return load_files(paths)


def load_files(paths: list[Path]) -> list[str]:
    return load_checked([(path, read_standard_file(path)) for path in paths])


def load_checked(checked: list[tuple[Path, StandardData]]) -> list[str]:
    """Load files already read and checked (``read_standard_file``), in one transaction."""
    _refuse_duplicates(checked)
    messages, new, guided, same = [], [], [], []
    for path, data in checked:
        existing = find_standard(data.urn, data.version)
        label = f"{data.title} ({data.urn} v{data.version})"
        if existing is None:
            new.append((path, data))
            messages.append(f"Loaded {label}")
            continue
        loaded = standard_data(existing)
        _refuse_changed_content(path, existing, loaded, data)
        changed = [change for _, change in differences(canonical(loaded), canonical(data))]
        if changed:  # the published content is the same, so only guidance differs
            guided.append((path, data, existing, changed))
            messages.append(f"Updated guidance for {label}")
        else:
            messages.append(f"Already loaded {label}")
        same.append((existing, data))
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
        for path, data, standard, changed in guided:
            update_guidance(standard, data)
            audit.record(
                "standard_guidance_updated",
                standard,
                urn=data.urn,
                version=data.version,
                changed=changed,
                source_file=path.name,
            )
        for standard, data in same:
            standard.content_hash = content_hash(data)  # refreshes a hash of an older kind
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return messages


def _refuse_changed_content(path, existing: Standard, loaded: StandardData, data: StandardData):
    """The published content of a loaded version is never changed in place."""
    changed = differences(published(loaded), published(data))
    if not changed:
        return
    field, first = changed[0]
    others = len(changed) - 1
    more = f" (and {others} more change{'s' if others > 1 else ''})" if others else ""
    raise StandardFileError(
        path,
        [
            (
                "knowledge_items" if field == "knowledge" else field,
                f"{first}{more} from {data.urn} version {data.version} already loaded from "
                f"{existing.source_file or 'another file'}; a loaded version is never changed "
                "in place, so give the changed standard a new version",
            )
        ],
    )


def update_guidance(standard: Standard, data: StandardData) -> None:
    """Guidance is the provider's, not the published standard's: it may change in place."""
    standard.guidance_md = data.guidance
    notes = [note.model_dump() for note in data.guidance_notes]
    standard.details = {**(standard.details or {}), "guidance_notes": notes}
    guidance = {c.code: c.guidance for c in data.performance_criteria + data.knowledge_items}
    for criterion in standard.criteria:
        criterion.guidance_md = guidance[criterion.code]


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
