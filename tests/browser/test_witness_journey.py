"""Witness testimony in a real browser: the learner asks a witness from their portfolio and
copies the link; the witness opens it in a fresh browser with no account, attaches a photo and
sends their testimony; the assessor judges it from the queue. Used, expired and withdrawn links
are refused with a page that says why. Every page is checked for accessibility."""

import re
from datetime import timedelta

import pytest
from evidence_samples import photo_jpeg
from playwright.sync_api import expect
from test_assessment_journey import assess_everything, sign_in_from_home, sign_out

from portfolio.extensions import db
from portfolio.models._types import utcnow
from portfolio.services import witness

QUESTION = "What did Sam do to make sure residents' ideas shaped the festival programme?"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def ask(enrolment, name, email):
    """A request made through the service (the journey test makes one through the pages)."""
    standard = enrolment.standard
    row, token = witness.request_testimony(
        enrolment,
        enrolment.learner,
        name=name,
        email=email,
        role="Youth worker",
        organisation="Harehills Residents’ Association",
        relationship="Ran the youth panel with the learner",
        criteria=[standard.criterion("PC1")],
        message=QUESTION,
    )
    return row, token


def test_a_witness_without_an_account_gives_testimony_that_the_assessor_judges(
    new_page, assert_accessible, enrolment, tmp_path
):
    learner, assessor = enrolment.learner, enrolment.assessor

    # The learner asks for testimony from their portfolio and copies the link shown.
    page = new_page()
    sign_in_from_home(page, learner)
    assert_accessible(page)
    page.get_by_role("link", name="Ask a witness for testimony").click()
    assert_accessible(page)
    page.get_by_role("button", name="Create the request").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter the witness's name.")
    assert_accessible(page)
    page.get_by_label("Witness’s full name").fill("Priya Shah")
    page.get_by_label("Witness’s email address").fill("priya@harehills.example.org")
    page.get_by_label("Their role").fill("Youth worker")
    page.get_by_label("Their organisation or community group").fill(
        "Harehills Residents’ Association"
    )
    page.get_by_label("How they know the learner").fill("Ran the youth panel with the learner")
    page.locator('input[name="criteria"][value="PC1"]').check()
    page.locator('input[name="criteria"][value="PC3"]').check()
    page.get_by_label("What would you like them to tell you?").fill(QUESTION)
    page.get_by_role("button", name="Create the request").click()
    link = page.locator("[data-witness-link]").inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/witness/[\w-]{40,}", link), link
    assert_accessible(page)
    page.get_by_role("link", name="See all witness requests").click()
    expect(page.locator('[data-witness-status="waiting"]')).to_contain_text("Waiting")
    assert_accessible(page)
    sign_out(page)

    # The witness opens the link in a browser of their own, with no account.
    visitor = new_page()
    visitor.goto(link)
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        f"Witness testimony about {learner.name}’s work"
    )
    expect(visitor.locator("[data-witness-message]")).to_contain_text(QUESTION)
    expect(visitor.locator("[data-witness-criteria] dt")).to_have_text(["PC1", "PC3"])
    expect(visitor.locator(".govuk-service-navigation")).to_have_count(0)
    assert_accessible(visitor)
    expect(visitor.locator("main")).not_to_contain_text("Ran the youth panel")
    visitor.locator("#seen_on-day").fill("14")
    visitor.locator("#seen_on-month").fill("10")
    visitor.locator("#seen_on-year").fill("2026")
    visitor.get_by_label("Your testimony").fill(
        "On 3 March Sam ran the **residents' workshop**: every idea went on the wall."
    )
    visitor.get_by_role("button", name="Preview your testimony").click()
    expect(visitor.locator("[data-preview] strong")).to_have_text("residents' workshop")
    assert_accessible(visitor)
    photo = tmp_path / "workshop.jpg"
    photo.write_bytes(photo_jpeg())
    visitor.locator("#files").set_input_files(str(photo))
    visitor.get_by_label("No identifiable people are shown").check()
    visitor.get_by_label("I confirm this testimony is true").check()
    visitor.get_by_role("button", name="Send your testimony").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Thank you for your testimony")
    assert_accessible(visitor)
    visitor.goto(link)
    expect(visitor.locator('[data-refusal="used"]')).to_contain_text("already been used")

    # The assessor finds it in the queue and judges it.
    staff = new_page()
    sign_in_from_home(staff, assessor)
    staff.get_by_role("link", name="Evidence to assess").first.click()
    assert_accessible(staff)
    staff.get_by_role("link", name="Witness testimony from Priya Shah").click()
    expect(staff.locator("[data-file-kind=image]")).to_have_count(1)
    # The assessor reads who the witness is, what they were asked and what they declared.
    context = staff.locator("[data-witness-context]")
    expect(context.locator("[data-witness-relationship]")).to_have_text(
        "Ran the youth panel with the learner"
    )
    expect(context.locator("[data-witness-seen-on]")).to_have_text("14 October 2026")
    expect(staff.locator("[data-witness-question]")).to_contain_text(QUESTION)
    expect(staff.locator("[data-witness-declaration]")).to_contain_text(
        "I am Youth worker at Harehills Residents’ Association"
    )
    assess_everything(staff, assert_accessible)
    expect(staff.locator("[data-queue-empty]")).to_be_visible()
    sign_out(staff)

    # The learner sees whose testimony it is, judged met, and cannot rewrite it.
    sign_in_from_home(page, learner)
    assert page.locator('[data-criterion="PC1"]').inner_text().strip() == "Met"
    page.get_by_role("link", name="Witness testimony from Priya Shah").click()
    expect(page.locator("[data-witness]")).to_have_text(
        "Witness testimony from Priya Shah, Youth worker at Harehills Residents’ Association "
        "(Ran the youth panel with the learner)."
    )
    expect(page.get_by_role("button", name="Make a new version")).to_have_count(0)
    assert_accessible(page)


def test_used_expired_and_withdrawn_links_are_each_refused_with_a_clear_page(
    new_page, assert_accessible, enrolment
):
    used, used_token = ask(enrolment, "Una Used", "una@example.org")
    witness.submit_testimony(
        used,
        testimony_md="I saw it.",
        witness_role="Youth worker",
        seen_on=enrolment.cohort.start_date,
        confirmed=True,
    )
    expired, expired_token = ask(enrolment, "Ezra Expired", "ezra@example.org")
    expired.expires_at = utcnow() - timedelta(days=2)
    db.session.commit()
    withdrawn, withdrawn_token = ask(enrolment, "Wendy Withdrawn", "wendy@example.org")

    # The learner withdraws Wendy's link from the requests page.
    page = new_page()
    sign_in_from_home(page, enrolment.learner)
    page.get_by_role("link", name="Ask a witness for testimony").click()
    page.get_by_role("link", name="See the witness requests so far").click()
    expect(page.locator("[data-witness-status]")).to_have_count(3)
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw the link for Wendy Withdrawn").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "The link for Wendy Withdrawn is withdrawn"
    )
    status = page.locator(f'[data-witness-request="{withdrawn.id}"] [data-witness-status]')
    expect(status).to_contain_text("Withdrawn")
    assert_accessible(page)

    today = f"{utcnow():%-d %B %Y}"
    refusals = [
        (
            used_token,
            "This link has already been used",
            f"the testimony was received on {today}. If you need to add something, ask "
            f"{enrolment.learner.name} for a new link.",
        ),
        (
            expired_token,
            "This link has expired",
            f"This link expired on {expired.expires_at:%-d %B %Y}.",
        ),
        (
            withdrawn_token,
            "This link was withdrawn",
            f"This link was withdrawn by {enrolment.learner.name} on {today}",
        ),
        ("a" * 43, "This link is not valid", "Check that you copied the whole link"),
    ]
    for token, heading, sentence in refusals:
        visitor = new_page()
        response = visitor.goto(f"/witness/{token}")
        assert response.status in {404, 410}
        expect(visitor.get_by_role("heading", level=1)).to_have_text(heading)
        expect(visitor.locator("[data-refusal]")).to_contain_text(sentence)
        expect(visitor.locator("main form")).to_have_count(0)
        assert_accessible(visitor)
