"""Enrolling a cohort from a CSV file: every row is checked first, and a file with any bad row
imports nothing, so a provider never has to work out which half of a file went in.

The file has a header row naming its columns: ``name`` and ``email`` are required, ``uln`` is
optional, others are ignored. UTF-8 with or without a byte-order mark (Excel's "CSV UTF-8").
"""

import csv
import io
from dataclasses import dataclass, field

from ..extensions import db
from ..models import Cohort, User
from . import audit
from .enrolments import Enrolled, add_learner, check_assignment, learner_problems
from .people import normalise_email

REQUIRED = ("name", "email")
KNOWN = (*REQUIRED, "uln")


@dataclass
class Row:
    line: int
    name: str
    email: str
    uln: str


@dataclass
class Report:
    """What an upload found: problems (line, sentence) or, when there are none, what it made."""

    problems: list[tuple[int, str]] = field(default_factory=list)
    enrolled: list[Enrolled] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def read_rows(data: bytes, report: Report) -> list[Row]:
    """Decode and split the file; file-level problems go in ``report`` with line numbers."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.problems.append(
            (0, "The file is not UTF-8 text. In your spreadsheet, save it as "
                "'CSV UTF-8 (comma delimited)' and upload it again.")
        )  # fmt: skip
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next((row for row in reader if any(cell.strip() for cell in row)), None)
    if header is None:
        report.problems.append((0, "The file is empty. Add a header row and one row a learner."))
        return []
    columns = [cell.strip().lower() for cell in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        report.problems.append(
            (reader.line_num, "The first row must name the columns: name, email and "
                              f"optionally uln. Missing: {', '.join(missing)}.")
        )  # fmt: skip
        return []
    report.ignored_columns = [c for c in columns if c and c not in KNOWN]
    where = {name: columns.index(name) for name in KNOWN if name in columns}
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            value = {
                name: cells[index].strip() if index < len(cells) else ""
                for name, index in where.items()
            }
            rows.append(Row(reader.line_num, value["name"], value["email"], value.get("uln", "")))
    except csv.Error as error:
        report.problems.append((reader.line_num, f"The file is not valid CSV here: {error}."))
    if not rows and report.ok:
        report.problems.append((0, "The file has a header row but no learners under it."))
    return rows


def check(cohort: Cohort, rows: list[Row], report: Report, staff: list[User]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        for problem in learner_problems(cohort, row.name, row.email, row.uln):
            report.problems.append((row.line, problem.message))
        email = normalise_email(row.email)
        for person in staff:
            if email == person.email:
                report.problems.append(
                    (row.line, f"{email} is the assessor or IQA you chose for this upload: "
                               "nobody can judge their own work.")
                )  # fmt: skip
        if email and email in seen:
            report.problems.append(
                (row.line, f"{email} appears twice in the file (also on line {seen[email]}).")
            )
        seen.setdefault(email, row.line)


def import_file(
    cohort: Cohort, data: bytes, assessor: User | None = None, iqa: User | None = None
) -> Report:
    """Enrol every learner in ``data`` on ``cohort``, or nobody if any row is wrong."""
    check_assignment(cohort, None, assessor, iqa)
    report = Report()
    rows = read_rows(data, report)
    if report.ok:
        check(cohort, rows, report, [person for person in (assessor, iqa) if person])
    if not report.ok:
        report.problems.sort(key=lambda problem: problem[0])
        return report
    try:
        for row in rows:
            report.enrolled.append(add_learner(cohort, row.name, row.email, row.uln, assessor, iqa))
        audit.record(
            "enrolments_imported",
            cohort,
            provider_id=cohort.provider_id,
            count=len(rows),
            new_people=sum(1 for e in report.enrolled if e.created_person),
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
