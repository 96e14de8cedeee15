"""Administrators download the dashboard's figures as CSV, XLSX and a PDF cohort report, from
the dashboard and from `flask report`; a learner's name is never run as a spreadsheet formula."""

import csv
import io
from datetime import date, datetime

import pytest
from assessment_helpers import assess, submitted
from flask import render_template
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import event

from portfolio.extensions import db
from portfolio.models import AuditEntry, Cohort
from portfolio.services.reports import exports
from portfolio.services.reports.figures import DashboardQuery, LearnerStatus

FORMULA = '=HYPERLINK("http://x","y")'
HEADINGS = [column.heading for column in exports.COLUMNS]


@pytest.fixture
def riverside(make_provider, make_user, make_enrolment, standard):
    """A cohort of three learners (one named like a formula, one with work assessed, one with
    work waiting), an administrator, and another provider's learner who must never appear."""
    provider = make_provider("Riverside Arts")
    admin = make_user("admin", provider=provider, name="Ada Admin")
    assessor = make_user("assessor", provider=provider, name="Ash Assessor")
    cohort = Cohort(
        provider=provider,
        standard=standard,
        name="Spring 2026",
        start_date=date(2026, 1, 5),
        planned_end_date=date(2026, 12, 18),
    )
    db.session.add(cohort)
    db.session.commit()

    def enrol(name, uln=None):
        learner = make_user("learner", provider=provider, name=name, uln=uln)
        return make_enrolment(cohort=cohort, learner=learner, assessor=assessor)

    formula = enrol(FORMULA, uln="1234567890")
    assess(submitted(formula, "PC1", "PC2", "K1"))
    omar = enrol("Omar Ontrack")
    assess(submitted(omar, "PC1", "K1"))
    submitted(omar, "PC3", title="Evaluation form")  # waiting
    enrol("Nadia Nothing")
    make_enrolment(learner=make_user("learner", name="Olga Otherprovider"))
    return {"provider": provider, "admin": admin, "cohort": cohort, "assessor": assessor}


@pytest.fixture
def admin_client(client, login_as, riverside):
    login_as(riverside["admin"])
    return client


def download(client, extension, **args):
    """Download one format; the PDF is asked for, made on the (inline) worker, then fetched."""
    if extension == "pdf":
        asked = client.post("/admin/reports/export.pdf", query_string=args)
        assert asked.status_code == 303, asked.get_data(as_text=True)[:500]
        status = client.get(f"{asked.location}/status").json
        assert status["status"] == "ready", status
        with client.get(status["download_url"]) as response:
            response.get_data()  # read, so the stored file is closed
    else:
        response = client.get(f"/admin/reports/export.{extension}", query_string=args)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response


# ------------------------------------------------------------------------------------- CSV


def test_the_csv_opens_in_the_csv_module_after_its_byte_order_mark(admin_client, riverside):
    response = download(admin_client, "csv", cohort=riverside["cohort"].id)

    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "cohort-report-spring-2026-" in response.headers["Content-Disposition"]
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body[3:].decode("utf-8"))))
    assert rows[0] == HEADINGS
    # times are where the provider works, and the heading says so (a spreadsheet has no zone)
    times = [c.heading for c in exports.COLUMNS if c.kind == "datetime"]
    assert times == ["Waiting since (UK time)", "Last activity (UK time)", "Signed off (UK time)"]
    by_name = {row[0]: dict(zip(HEADINGS, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"'" + FORMULA, "Omar Ontrack", "Nadia Nothing"}
    omar = by_name["Omar Ontrack"]
    assert (omar["Performance criteria met"], omar["Knowledge items met"]) == ("1", "1")
    assert omar["Evidence waiting"] == "1"
    assert omar["Waiting since (UK time)"]  # a date and time, as the dashboard's
    assert by_name["Nadia Nothing"]["Status"] == LearnerStatus.NOT_STARTED.label


def test_numbers_in_the_csv_are_numbers_and_text_is_quoted(admin_client, riverside):
    body = download(admin_client, "csv", cohort=riverside["cohort"].id).get_data()
    text = body.decode("utf-8-sig")

    reader = csv.reader(io.StringIO(text), quoting=csv.QUOTE_NONNUMERIC)
    next(reader)
    row = next(r for r in reader if r[0] == "Omar Ontrack")
    assert row[HEADINGS.index("Performance criteria met")] == 1.0  # written bare
    assert row[HEADINGS.index("Performance criteria")] == 13.0


def test_a_name_like_a_formula_stays_text_in_the_csv(admin_client, riverside):
    body = download(admin_client, "csv", cohort=riverside["cohort"].id).get_data()

    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    names = [row[0] for row in rows[1:]]
    assert "'" + FORMULA in names
    assert FORMULA not in names


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_character_that_starts_a_formula_is_neutralised(start):
    assert exports.neutralised(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize("text", ["Ada Lovelace", "O'Brien", "", "1+1", "a=b"])
def test_ordinary_text_is_left_alone(text):
    assert exports.neutralised(text) == text


# ------------------------------------------------------------------------------------ XLSX


def workbook_of(response):
    assert response.mimetype == exports.FORMATS["xlsx"][0]
    return load_workbook(io.BytesIO(response.get_data()))


def test_the_xlsx_has_typed_cells_a_frozen_header_filters_and_widths(admin_client, riverside):
    book = workbook_of(download(admin_client, "xlsx", cohort=riverside["cohort"].id))
    sheet = book["Learners"]

    assert [cell.value for cell in sheet[1]] == HEADINGS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:P{sheet.max_row}"
    assert sheet.max_row == 4  # the header and three learners
    assert sheet.column_dimensions["A"].width == 28
    assert sheet.column_dimensions["B"].width == 34
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    omar = {h: cell for h, cell in zip(HEADINGS, rows["Omar Ontrack"], strict=True)}
    for heading in ("Performance criteria met", "Performance criteria", "Evidence waiting"):
        assert type(omar[heading].value) is int, heading
    assert omar["Performance criteria"].value == 13
    assert isinstance(omar["Planned end"].value, date | datetime)
    assert omar["Planned end"].value.date() == date(2026, 12, 18)
    assert isinstance(omar["Waiting since (UK time)"].value, datetime)
    assert omar["Planned end"].number_format == "yyyy-mm-dd"
    assert "Cohorts" in book.sheetnames
    cohorts = book["Cohorts"]
    assert cohorts["A2"].value == "Spring 2026"
    assert cohorts["E2"].value == 3


def test_a_name_like_a_formula_stays_text_in_the_xlsx(admin_client, riverside):
    sheet = workbook_of(download(admin_client, "xlsx", cohort=riverside["cohort"].id))["Learners"]

    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if FORMULA in str(row[0].value))
    assert cell.data_type == "s"  # a string, not "f" for a formula
    assert cell.value == FORMULA  # exactly the name, shown as text
    assert cell.quotePrefix  # and Excel keeps it text when the cell is edited


# ------------------------------------------------------------------------------------- PDF


def test_the_pdf_cohort_report_lists_the_cohorts_learners(admin_client, riverside):
    response = download(admin_client, "pdf", cohort=riverside["cohort"].id)

    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.get_data()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for name in (FORMULA, "Omar Ontrack", "Nadia Nothing", "Spring 2026", "Riverside Arts"):
        assert name in text
    assert "Olga Otherprovider" not in text
    assert f"Page 1 of {len(reader.pages)}" in text
    box = reader.pages[0].mediabox
    assert box.width > box.height  # A4 landscape
    assert round(float(box.width)) == 842


def test_a_pdf_report_is_of_one_cohort(admin_client):
    response = admin_client.get("/admin/reports/export.pdf")

    assert response.status_code == 302
    assert "/admin/reports" in response.location
    page = admin_client.get(response.location).get_data(as_text=True)
    assert "Choose a cohort, then download its PDF report." in page


def test_the_pdf_renderer_fetches_nothing(riverside, app):
    from portfolio.pdf import renderer

    calls = []
    original = renderer.render

    def spy(html, **kwargs):
        rendered = original(html, **kwargs)
        calls.append(rendered.fetcher.refused)
        return rendered

    renderer.render = spy
    try:
        with app.test_request_context():
            found = exports.gather(
                riverside["provider"], DashboardQuery(cohort_id=riverside["cohort"].id)
            )
            exports.pdf_report(found)
    finally:
        renderer.render = original
    assert calls == [[]]


# -------------------------------------------------------------------- filters and access


def test_a_download_holds_the_learners_the_dashboard_is_filtered_to(admin_client, riverside):
    body = download(
        admin_client, "csv", cohort=riverside["cohort"].id, status="not_started"
    ).get_data()

    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["Nadia Nothing"]


def test_every_cohort_without_a_cohort_filter_but_never_another_providers(admin_client):
    body = download(admin_client, "csv").get_data().decode("utf-8-sig")

    assert "Omar Ontrack" in body
    assert "Olga Otherprovider" not in body


def test_another_providers_cohort_is_not_found(admin_client, make_cohort):
    theirs = make_cohort()
    for extension in exports.FORMATS:
        response = admin_client.get(f"/admin/reports/export.{extension}?cohort={theirs.id}")
        assert response.status_code == 404, extension


@pytest.mark.parametrize("role", ["assessor", "iqa", "learner"])
def test_only_administrators_download_reports(client, login_as, make_user, riverside, role):
    login_as(make_user(role, provider=riverside["provider"]))
    for extension in exports.FORMATS:
        response = client.get(f"/admin/reports/export.{extension}")
        assert response.status_code == 404, extension


@pytest.mark.parametrize("extension", ["xlsx", "pdf"])
def test_each_download_is_in_the_audit_trail(admin_client, riverside, extension):
    download(admin_client, extension, cohort=riverside["cohort"].id)

    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "report.exported")
    ).one()
    assert entry.actor_id == riverside["admin"].id
    assert entry.details["format"] == extension
    assert entry.details["cohort"] == "Spring 2026"
    assert entry.details["learners"] == 3
    assert entry.details["filters"] == {"cohort": riverside["cohort"].id}


def test_the_dashboards_download_links_carry_its_filters(app, riverside):
    query = DashboardQuery(cohort_id=riverside["cohort"].id, status=LearnerStatus.AT_RISK, page=3)
    summaries = [type("Summary", (), {"cohort_id": riverside["cohort"].id, "name": "Spring 2026"})]
    with app.test_request_context():
        html = render_template("admin/_report_exports.html", query=query, summaries=summaries)
    cohort = riverside["cohort"].id
    assert f"/admin/reports/export.csv?cohort={cohort}&amp;status=at_risk" in html
    assert f"/admin/reports/export.xlsx?cohort={cohort}&amp;status=at_risk" in html
    assert f"/admin/reports/export.pdf?cohort={cohort}&amp;status=at_risk" in html
    assert "page=" not in html  # every page of learners
    with app.test_request_context():
        html = render_template(
            "admin/_report_exports.html", query=DashboardQuery(), summaries=summaries
        )
    assert "export.pdf" not in html
    assert "choose a cohort" in html


# ----------------------------------------------------------------------------- query count


def test_an_export_runs_as_many_queries_for_twelve_learners_as_for_three(
    admin_client, riverside, make_user, make_enrolment
):
    cohort_id = riverside["cohort"].id

    def statements(extension) -> list[str]:
        seen = []

        def count(conn, cursor, statement, parameters, context, executemany):
            seen.append(statement.split("\n")[0])

        db.session.remove()  # requests in a test share the test's session and its identity map
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            download(admin_client, extension, cohort=cohort_id)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return seen

    three = {extension: statements(extension) for extension in exports.FORMATS}
    for n in range(9):
        learner = make_user("learner", provider=riverside["provider"], name=f"Learner {n}")
        enrolment = make_enrolment(
            cohort=db.session.get(Cohort, cohort_id),
            learner=learner,
            assessor=riverside["assessor"],
        )
        assess(submitted(enrolment, "PC1"))
    twelve = {extension: statements(extension) for extension in exports.FORMATS}

    assert {e: len(s) for e, s in twelve.items()} == {e: len(s) for e, s in three.items()}
    assert twelve == three


# ------------------------------------------------------------------------------ the command


def test_flask_report_writes_each_format(runner, riverside, tmp_path):
    for extension in exports.FORMATS:
        path = tmp_path / f"spring.{extension}"
        result = runner.invoke(
            args=["report", "Spring 2026", "--format", extension, "-o", str(path)]
        )
        assert result.exit_code == 0, result.output
        assert "Spring 2026 at Riverside Arts, 3 learners" in result.output
    assert (tmp_path / "spring.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    sheet = load_workbook(tmp_path / "spring.xlsx")["Learners"]
    assert sheet.freeze_panes == "A2"
    text = PdfReader(tmp_path / "spring.pdf").pages[0].extract_text()
    assert "Omar Ontrack" in text


def test_flask_report_says_when_no_cohort_has_the_name(runner, riverside, tmp_path):
    result = runner.invoke(args=["report", "Autumn 2031", "-o", str(tmp_path / "x.csv")])

    assert result.exit_code != 0
    assert "No cohort is called “Autumn 2031”" in result.output
    assert not (tmp_path / "x.csv").exists()


def test_flask_report_asks_which_provider_when_two_have_the_cohort(
    runner, riverside, make_cohort, make_provider, tmp_path
):
    make_cohort(provider=make_provider("Northern Arts"), name="Spring 2026")

    result = runner.invoke(args=["report", "Spring 2026", "-o", str(tmp_path / "x.csv")])
    assert result.exit_code != 0
    assert "add --provider NAME" in result.output

    chosen = runner.invoke(
        args=["report", "Spring 2026", "--provider", "Riverside Arts", "-o", "-"]
    )
    assert chosen.exit_code == 0, chosen.output
    assert "Omar Ontrack" in chosen.output
