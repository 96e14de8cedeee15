"""The dashboard's figures as files to download: CSV, XLSX and a PDF cohort report.

Each reads the figures once (``figures.learner_rows`` with no paging and
``figures.cohort_summaries``: two queries, however many learners), then writes:

- CSV as a stream of encoded chunks, UTF-8 with a byte-order mark so spreadsheet programs read
  the names right;
- XLSX with openpyxl's write-only workbook into a temporary file (memory stays flat however
  many rows), typed cells (numbers, dates), a frozen header row, filters and column widths;
- PDF through ``portfolio.pdf.renderer``, laid out by templates/pdf/cohort_report.html, on
  the task queue's worker (``pdf_jobs``), never in a request.

No text a person typed becomes a formula in a spreadsheet (CSV injection, OWASP): a CSV cell
that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``; an
XLSX cell is always a string, marked "quote prefix" as Excel marks text typed after a ``'``.
"""

import csv
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from flask import render_template
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select

from ...extensions import db
from ...models import Cohort, Provider
from ...models._types import utcnow
from ...pdf import renderer
from .. import audit
from . import figures
from .figures import CohortSummary, DashboardQuery, LearnerRow

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "CSV"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel (XLSX)"),
    "pdf": ("application/pdf", "PDF"),
}
#: OWASP's list of characters that make a spreadsheet read a cell as a formula
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_BYTES = 64 * 1024
CSV_ROWS_A_CHUNK = 200


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[LearnerRow], object]
    #: width in characters in the XLSX
    width: int
    #: "text", "number", "date" or "datetime"
    kind: str = "text"


def _local(value: datetime | None) -> datetime | None:
    """A time as the dashboard shows it: where the provider works, without a zone (spreadsheets
    have no time zones)."""
    return value.astimezone(figures.LOCAL_TIME).replace(tzinfo=None) if value else None


COLUMNS = (
    Column("Learner", lambda r: r.learner_name, 28),
    Column("Email", lambda r: r.learner_email, 34),
    Column("ULN", lambda r: r.uln or "", 12),
    Column("Cohort", lambda r: r.cohort_name, 28),
    Column("Assessor", lambda r: r.assessor_name or "", 24),
    Column("Status", lambda r: r.status.label, 12),
    Column("Performance criteria met", lambda r: r.performance_met, 12, "number"),
    Column("Performance criteria", lambda r: r.performance_total, 12, "number"),
    Column("Knowledge items met", lambda r: r.knowledge_met, 12, "number"),
    Column("Knowledge items", lambda r: r.knowledge_total, 12, "number"),
    Column("Evidence waiting", lambda r: r.waiting, 10, "number"),
    Column("Waiting since (UK time)", lambda r: _local(r.waiting_since), 17, "datetime"),
    Column("Last activity (UK time)", lambda r: _local(r.last_activity), 17, "datetime"),
    Column("Planned end", lambda r: r.planned_end_date, 12, "date"),
    Column("Signed off (UK time)", lambda r: _local(r.signed_off_at), 17, "datetime"),
    Column("Withdrawn on", lambda r: r.withdrawn_on, 12, "date"),
)
DATE_FORMAT, DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd hh:mm"


@dataclass
class Figures:
    """What an export shows: the learners the dashboard's filters select (every page of them),
    the one cohort the filters name (if they do), and the summaries of the cohorts shown."""

    provider: Provider
    query: DashboardQuery
    rows: list[LearnerRow]
    cohorts: list[CohortSummary]
    made_at: datetime
    cohort: Cohort | None = None

    @property
    def summary(self) -> CohortSummary | None:
        """The summary of the one cohort the export is about."""
        if self.cohort is None:
            return None
        return next((c for c in self.cohorts if c.cohort_id == self.cohort.id), None)


def gather(provider: Provider, query: DashboardQuery, *, summaries: bool = True) -> Figures:
    """The figures an export needs; ``summaries=False`` leaves out the cohorts' summaries (a
    CSV has no room for them), which cost a query over every learner of the provider."""
    now = utcnow()
    cohort = None
    if query.cohort_id is not None:
        cohort = db.session.scalar(
            select(Cohort).where(Cohort.id == query.cohort_id, Cohort.provider_id == provider.id)
        )
    rows = figures.learner_rows(provider, query, page_size=None, now=now)
    cohorts = figures.cohort_summaries(provider, now=now) if summaries else []
    if query.cohort_id is not None:
        cohorts = [c for c in cohorts if c.cohort_id == query.cohort_id]
    return Figures(provider, query, rows, cohorts, now, cohort)


def record(found: Figures, extension: str, actor=None, **details) -> None:
    """The audit entry for a download of learners' names and progress; the caller commits."""
    audit.record(
        "report.exported",
        found.provider,
        actor=actor,
        provider_id=found.provider.id,
        format=extension,
        cohort=found.cohort.name if found.cohort else None,
        filters=found.query.to_args(),
        learners=len(found.rows),
        **details,
    )


def neutralised(text: str) -> str:
    """Text a spreadsheet will show as text, never run as a formula."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


# ------------------------------------------------------------------------------------ CSV


def _csv_value(column: Column, row: LearnerRow):
    value = column.value(row)
    if value is None:
        return ""
    if column.kind == "number":
        return value
    if column.kind == "date":
        return value.isoformat()
    if column.kind == "datetime":
        return value.strftime("%Y-%m-%d %H:%M")
    return neutralised(str(value))


def csv_chunks(rows: Iterable[LearnerRow]) -> Iterator[bytes]:
    """The CSV, a few hundred rows a chunk, for a streamed response: numbers bare, every other
    cell quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([column.heading for column in COLUMNS])
    yield "\ufeff".encode() + buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for n, row in enumerate(rows, 1):
        writer.writerow([_csv_value(column, row) for column in COLUMNS])
        if n % CSV_ROWS_A_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


# ----------------------------------------------------------------------------------- XLSX


def _text_cell(sheet, value: str, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl takes a string starting with "=" for a formula otherwise
    cell.quotePrefix = True
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def _xlsx_cell(sheet, column: Column, row: LearnerRow):
    value = column.value(row)
    if value is None or column.kind == "number":
        return value
    if column.kind in ("date", "datetime"):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMAT if column.kind == "date" else DATETIME_FORMAT
        return cell
    return _text_cell(sheet, str(value))


def _header(sheet, headings: list[str], widths: list[int], rows: int) -> None:
    """Widths, the frozen header row and its filters: set before any row is written, as a
    write-only sheet needs."""
    for n, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(headings))}{rows + 1}"
    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    sheet.append([_text_cell(sheet, h, font=bold, alignment=wrap) for h in headings])


COHORT_COLUMNS = (
    ("Cohort", 28, lambda c: c.name),
    ("Standard", 40, lambda c: c.standard_title),
    ("Start", 12, lambda c: c.start_date),
    ("Planned end", 12, lambda c: c.planned_end_date),
    ("Learners", 10, lambda c: c.learners),
    ("Not started", 10, lambda c: c.not_started),
    ("On track", 10, lambda c: c.on_track),
    ("At risk", 10, lambda c: c.at_risk),
    ("Signed off", 10, lambda c: c.signed_off),
    ("Withdrawn", 10, lambda c: c.withdrawn),
    ("Criteria met", 10, lambda c: c.criteria_met),
    ("Criteria possible", 10, lambda c: (c.learners - c.withdrawn) * c.criteria_total),
)


def xlsx_file(found: Figures):
    """The workbook in a temporary file, read from the start; close it when sent (it has no
    name on disk, so closing removes it). Sheets: Learners, then Cohorts."""
    workbook = Workbook(write_only=True)
    learners = workbook.create_sheet("Learners")
    _header(learners, [c.heading for c in COLUMNS], [c.width for c in COLUMNS], len(found.rows))
    for row in found.rows:
        learners.append([_xlsx_cell(learners, column, row) for column in COLUMNS])
    cohorts = workbook.create_sheet("Cohorts")
    _header(cohorts, [h for h, _, _ in COHORT_COLUMNS], [w for _, w, _ in COHORT_COLUMNS],
            len(found.cohorts))  # fmt: skip
    for summary in found.cohorts:
        values = []
        for _, _, value in COHORT_COLUMNS:
            value = value(summary)
            if isinstance(value, str):
                value = _text_cell(cohorts, value)
            elif isinstance(value, date):
                value = WriteOnlyCell(cohorts, value=value)
                value.number_format = DATE_FORMAT
            values.append(value)
        cohorts.append(values)
    handle = tempfile.TemporaryFile(prefix="report-", suffix=".xlsx")
    try:
        workbook.save(handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle


def file_chunks(handle) -> Iterator[bytes]:
    """A file's bytes for a streamed response, closing (so removing) it at the end."""
    try:
        while chunk := handle.read(CHUNK_BYTES):
            yield chunk
    finally:
        handle.close()


# ------------------------------------------------------------------------------------ PDF


def pdf_report(found: Figures) -> bytes:
    """The cohort report: the cohort's summary and every learner the filters select."""
    html = render_template(
        "pdf/cohort_report.html",
        provider=found.provider,
        cohort=found.summary,
        cohorts=found.cohorts,
        rows=found.rows,
        query=found.query,
        made_at=found.made_at.astimezone(figures.LOCAL_TIME),
        statuses=list(figures.LearnerStatus),
    )
    return renderer.render(html, files={}, attachments=[]).pdf


def filename(found: Figures, extension: str) -> str:
    """cohort-report-co-production-march-2026-2026-12-02.csv, or the provider's name when the
    export covers several cohorts."""
    subject = found.cohort.name if found.cohort else found.provider.name
    return filename_for(subject, found.made_at, extension)


def filename_for(subject: str, made_at: datetime, extension: str) -> str:
    slug = "".join(ch if ch.isalnum() else "-" for ch in subject.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:60] or "report"
    made = made_at.astimezone(figures.LOCAL_TIME).date().isoformat()
    return f"cohort-report-{slug}-{made}.{extension}"
