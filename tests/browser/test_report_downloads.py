"""An administrator downloads the dashboard's figures in a real browser: CSV, Excel and the PDF
cohort report, each holding the learners the dashboard is filtered to."""

import csv
import io
import re

from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from portfolio.extensions import db
from portfolio.models import Cohort

FORMULA = '=HYPERLINK("http://x","y")'


def test_an_administrator_downloads_each_export_from_the_dashboard(
    page, sign_in, assert_accessible, make_user, make_enrolment, make_cohort, tmp_path
):
    admin = make_user("admin", name="Ada Admin")
    spring = make_cohort(provider=admin.provider, name="Spring 2026")
    autumn = make_cohort(provider=admin.provider, name="Autumn 2026")
    for name, cohort in ((FORMULA, spring), ("Omar Ontrack", spring), ("Ava Autumn", autumn)):
        learner = make_user("learner", provider=admin.provider, name=name)
        make_enrolment(cohort=db.session.get(Cohort, cohort.id), learner=learner)
    sign_in(page, admin)

    page.goto("/admin/reports")
    exports = page.locator("#report-exports")
    expect(exports).to_contain_text("To download a PDF cohort report, choose a cohort above.")
    page.get_by_label("Cohort", exact=True).select_option(label="Spring 2026")
    page.get_by_role("button", name="Filter learners").click()
    expect(page.locator("#result-count")).to_contain_text("2 learners matching the filters")
    assert_accessible(page)

    files = {}
    for link, extension in (
        ("CSV", "csv"),
        ("Excel (XLSX)", "xlsx"),
        ("PDF cohort report", "pdf"),
    ):
        if extension == "pdf":  # made on the worker, offered on a page that waits for it
            exports.get_by_role("button", name=re.compile(r"^PDF cohort report")).click()
            expect(page.get_by_role("status")).to_have_text("The PDF cohort report is ready.")
            assert_accessible(page)
            with page.expect_download() as started:
                page.get_by_role(
                    "button", name=re.compile("^Download the PDF cohort report")
                ).click()
        else:
            with page.expect_download() as started:
                exports.get_by_role("link", name=re.compile(rf"^{re.escape(link)}")).click()
        download = started.value
        named = rf"cohort-report-spring-2026-\d{{4}}-\d\d-\d\d\.{extension}"
        assert re.fullmatch(named, download.suggested_filename)
        files[extension] = tmp_path / download.suggested_filename
        download.save_as(files[extension])

    data = files["csv"].read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    names = [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig")))][1:]
    assert sorted(names) == ["'" + FORMULA, "Omar Ontrack"]  # Autumn's learner filtered out

    sheet = load_workbook(files["xlsx"])["Learners"]
    cells = sorted(row[0].value for row in sheet.iter_rows(min_row=2))
    assert cells == [FORMULA, "Omar Ontrack"]
    assert all(row[0].data_type == "s" for row in sheet.iter_rows(min_row=2))

    text = "\n".join(p.extract_text() for p in PdfReader(files["pdf"]).pages)
    assert "Spring 2026" in text and "Omar Ontrack" in text and FORMULA in text
    assert "Ava Autumn" not in text
