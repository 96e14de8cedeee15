"""``flask --app portfolio standards import|list|show``: other tools rely on these three."""

import re
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import Standard
from .datafile import (
    LISTS,
    SUFFIXES,
    StandardFileError,
    canonical,
    canonical_json,
    differences,
    file_name,
    is_standard_file,
    read_standard_file,
    write_standard_file,
)
from .importer import NosImportError, import_nos
from .loader import standard_data
from .schema import StandardData

standards_group = click.Group("standards", help="Import, list and show standards.")


@standards_group.command("import")
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the data file here instead of into CRITERIA_DIR.",
)
@click.option("--urn", help="The standard's URN, when the text has none (or to override it).")
@click.option("--version", "version", help="The version, when the text has none (default 1).")
@click.option("--force", is_flag=True, help="Overwrite the data file if it already exists.")
@with_appcontext
def import_command(source, output, urn, version, force):
    """Turn a NOS text as published (FILE.txt) into a criteria/ data file."""
    data = _import(source, urn, version)
    target = output or Path(current_app.config["CRITERIA_DIR"]) / file_name(data)
    if target.exists() and not force:
        _refuse_unless_same_standard(target, data)  # the same standard: leave its guidance be
    else:
        try:
            write_standard_file(data, target)
        except OSError as error:
            raise click.ClickException(f"Could not write {target}: {error.strerror}.") from None
    click.echo(
        f"Imported {data.title}: {len(data.performance_criteria)} performance criteria, "
        f"{len(data.knowledge_items)} knowledge items -> {target}"
    )


def _refuse_unless_same_standard(target: Path, data: StandardData) -> None:
    """An existing file may hold guidance added by hand: keep it when it is the same standard
    (URN, version, criteria and knowledge), refuse when it is not."""
    advice = "Use --force to overwrite it or -o to write somewhere else."
    try:
        existing = read_standard_file(target)
    except StandardFileError as error:
        raise click.ClickException(
            f"{target} already exists and cannot be read ({error.field}: {error.problem}). "
            + advice
        ) from None
    if (existing.urn, existing.version) != (data.urn, data.version):
        raise click.ClickException(
            f"{target} already exists and holds {existing.urn} version {existing.version}, "
            f"not {data.urn} version {data.version}. " + advice
        )
    changed = differences(canonical(existing), canonical(data), LISTS)
    if changed:
        raise click.ClickException(
            f"{target} already exists with different criteria ({changed[0][1]}). A loaded version "
            "is never changed in place: import the changed standard with a new --version, or "
            + advice[0].lower()
            + advice[1:]
        )


@standards_group.command("list")
@with_appcontext
def list_command():
    """List the standards loaded into the database."""
    rows = _rows(select(Standard).order_by(Standard.urn, Standard.id))
    if not rows:
        click.echo(
            "No standards are loaded. Run `flask --app portfolio upgrade` to load criteria/."
        )
        return
    for row in rows:
        click.echo(
            f"{row.urn}\tv{row.version}\t{row.title}\t"
            f"({len(row.performance_criteria)} performance criteria, "
            f"{len(row.knowledge_items)} knowledge items)"
        )


@standards_group.command("show")
@click.argument("target")
@click.option("--json", "as_json", is_flag=True, help="Print the canonical JSON document.")
@click.option("--version", "version", help="Which version of a URN (default: the latest).")
@with_appcontext
def show_command(target, as_json, version):
    """Show a loaded standard (by URN) or a data file or NOS text (by path)."""
    data = _from_path(Path(target)) if _is_path(target) else _from_database(target, version)
    click.echo(canonical_json(data) if as_json else _summary(data))


def _is_path(target: str) -> bool:
    path = Path(target)
    return path.exists() or path.suffix.lower() in SUFFIXES + (".txt",)


def _import(source: Path, urn=None, version=None) -> StandardData:
    try:
        raw = source.read_bytes()
    except OSError as error:
        raise click.ClickException(f"Could not read {source}: {error.strerror}.") from None
    try:
        return import_nos(raw, urn=urn, version=version)
    except NosImportError as error:
        raise click.ClickException(f"{source}: {error} Nothing was written.") from None


def _from_path(path: Path) -> StandardData:
    """A data file (by suffix or content: ``import -o`` may have written any name), else a
    published text, imported on the fly."""
    if is_standard_file(path):
        try:
            return read_standard_file(path)
        except StandardFileError as error:
            raise click.ClickException(str(error)) from None
    return _import(path)


def _from_database(urn: str, version: str | None) -> StandardData:
    query = select(Standard).where(func.lower(Standard.urn) == urn.lower())
    if version:
        query = query.where(Standard.version == version)
    rows = _rows(query)
    if not rows:
        which = f"{urn} version {version}" if version else urn
        raise click.ClickException(
            f"No standard {which} is loaded (and there is no such file). "
            "Run `flask --app portfolio standards list` to see the loaded standards."
        )
    exact = [row for row in rows if row.urn == urn]  # URNs match in any case; exact first
    return standard_data(max(exact or rows, key=lambda row: (version_key(row.version), row.id)))


def _rows(query) -> list[Standard]:
    try:
        return list(db.session.scalars(query).all())
    except SQLAlchemyError as error:
        first_line = str(error.orig if hasattr(error, "orig") else error).splitlines()[0]
        raise click.ClickException(
            f"Could not read the standards from the database ({first_line}). "
            "Run `flask --app portfolio upgrade` to create or migrate it."
        ) from None


def version_key(version: str) -> tuple:
    """ "10" after "9", "1.10" after "1.9"; text parts compare as text."""
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.\-_]", version)
    )


def _summary(data: StandardData) -> str:
    lines = [data.title, f"URN {data.urn}, version {data.version}"]
    for label, value in (
        ("Suite", data.suite),
        ("Developed by", data.developed_by),
        ("Approved on", data.approved_on),
        ("Indicative review date", data.indicative_review_date),
    ):
        if value:
            lines.append(f"{label}: {value}")
    for heading, items in (
        ("Performance criteria", data.performance_criteria),
        ("Knowledge and understanding", data.knowledge_items),
    ):
        lines += ["", f"{heading} ({len(items)}):"]
        group = ""
        for item in items:
            if item.group and item.group != group:
                group = item.group
                lines.append(f"  {group}")
            text = item.text.replace("\n", "\n        ")
            lines.append(f"  {item.code:<5} {text}")
    if data.guidance_notes:
        lines += ["", f"Guidance notes ({len(data.guidance_notes)}):"]
        lines += [f"  {n.title} -> {', '.join(n.criteria)}" for n in data.guidance_notes]
    return "\n".join(lines)
