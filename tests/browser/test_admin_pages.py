"""An administrator's pages in a real browser: cohorts, CSV upload, people and the audit trail."""

import re

from people_helpers import PASSWORD
from playwright.sync_api import expect

from portfolio.models._types import utcnow


def sign_in(page, email):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def fill_date(page, legend, day, month, year):
    """Type a date into the three boxes of the date input called ``legend``."""
    boxes = page.get_by_role("group", name=legend)
    boxes.get_by_label("Day").fill(day)
    boxes.get_by_label("Month").fill(month)
    boxes.get_by_label("Year").fill(year)


def test_admin_creates_a_cohort_and_enrols_from_a_csv_file(
    page, assert_accessible, make_user, standard, tmp_path
):
    admin = make_user("admin")
    assessor = make_user("assessor", provider=admin.provider, name="Sam Assessor")
    iqa = make_user("iqa", provider=admin.provider, name="Indira Quality")
    sign_in(page, admin.email)

    # A cohort whose end comes before its start is refused, accessibly.
    page.get_by_role("button", name="Create a cohort").click()
    page.get_by_label("Cohort name").fill("Autumn 2026")
    fill_date(page, "Start date", "1", "9", "2026")
    fill_date(page, "Planned end date", "1", "8", "2026")
    page.get_by_role("button", name="Create cohort").click()
    expect(page).to_have_title(re.compile(r"^Error: Create a cohort"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The planned end date must be after the start date."
    )
    assert_accessible(page)
    end_day = page.get_by_role("group", name="Planned end date").get_by_label("Day")
    expect(end_day).to_have_value("1")  # what was typed stays, to be put right
    fill_date(page, "Planned end date", "31", "7", "2027")
    page.get_by_role("button", name="Create cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn 2026")
    assert_accessible(page)

    # A file with a bad row enrols nobody and says which line is wrong.
    bad = tmp_path / "bad.csv"
    bad.write_text("name,email,uln\nAmina Shah,amina@example.org,123\n")
    page.get_by_role("button", name="Enrol learners from a CSV file").click()
    page.get_by_label("CSV file").set_input_files(bad)
    page.get_by_role("button", name="Upload and enrol").click()
    expect(page.locator("#csv-problems")).to_contain_text(
        "Line 2: The ULN '123' must be exactly 10 digits, or left blank."
    )
    assert_accessible(page)

    good = tmp_path / "good.csv"
    good.write_text(
        "name,email,uln\nAmina Shah,amina@example.org,1234567890\nTom Price,tom@example.org,\n"
    )
    page.get_by_label("CSV file").set_input_files(good)
    page.get_by_label("Assessor").select_option(label=f"Sam Assessor ({assessor.email})")
    page.get_by_label("Internal quality assurer (IQA)").select_option(
        label=f"Indira Quality ({iqa.email})"
    )
    page.get_by_role("button", name="Upload and enrol").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2 learners enrolled")
    expect(page.locator(".app-invitation-link")).to_have_count(2)
    assert_accessible(page)

    page.get_by_role("link", name="Back to Autumn 2026").click()
    expect(page.get_by_role("row", name=re.compile("Amina Shah"))).to_contain_text("Sam Assessor")
    assert_accessible(page)


def test_admin_manages_people_and_browses_the_audit_trail(page, assert_accessible, make_user):
    admin = make_user("admin", name="Ada Admin")
    person = make_user("assessor", provider=admin.provider, name="Sam Assessor")
    sign_in(page, admin.email)

    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    assert_accessible(page)
    page.get_by_role("button", name="Add a person").click()
    page.get_by_role("button", name="Add person and create invitation").click()
    expect(page).to_have_title(re.compile(r"^Error: Add a person"))
    assert_accessible(page)

    page.goto(f"/admin/people/{person.id}")
    page.get_by_label("Internal quality assurer").check()
    page.get_by_role("button", name="Save roles").click()
    expect(page.get_by_text("Roles saved for Sam Assessor.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    assert_accessible(page)
    page.get_by_label("Event").select_option(label="Roles changed")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#audit-entries tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ada Admin")
    expect(rows.first).to_contain_text("Ada Admin changed Sam Assessor’s roles from assessor to")
    assert_accessible(page)

    # The dates go in the query string as day, month and year boxes.
    today = utcnow().date()
    fill_date(page, "From", str(today.day), str(today.month), str(today.year))
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(rf"date_from-year={today.year}"))
    expect(rows).to_have_count(1)
    fill_date(page, "To", "31", "2", "2026")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_title(re.compile(r"^Error: Audit trail"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "The 'to' date must be a real date, for example 27 3 2026."
    )
    assert_accessible(page)
