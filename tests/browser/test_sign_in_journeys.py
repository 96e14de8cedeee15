"""Invitation to home page in a real browser, for every role; a wrong password; signing out."""

import re

import pytest
from people_helpers import PASSWORD
from playwright.sync_api import expect

NEW_PASSWORD = "my own long passphrase"
HOMES = {
    "learner": r"/portfolio/\d+$",
    "assessor": r"/caseload$",
    "iqa": r"/caseload$",
    "admin": r"/admin$",
}
HEADINGS = {
    "learner": "Your portfolio",
    "assessor": "Your learners",
    "iqa": "Your learners",
    "admin": "Cohorts",
}


def sign_in(page, email, password):
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.parametrize("role", ["learner", "assessor", "iqa", "admin"])
def test_an_invited_person_sets_a_password_and_lands_on_their_home_page(
    page, new_page, assert_accessible, make_user, make_cohort, role
):
    admin = make_user("admin", name="Ada Admin")
    make_cohort(provider=admin.provider, name="Autumn 2026")
    email = f"new.{role}@example.org"

    # The administrator signs in and invites the person.
    page.goto("/sign-in")
    assert_accessible(page)
    sign_in(page, admin.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin$"))
    assert_accessible(page)
    if role == "learner":
        page.get_by_role("link", name="Autumn 2026").click()
        assert_accessible(page)
        page.get_by_role("button", name="Enrol a learner").click()
        page.get_by_label("Full name").fill("Nia New")
        page.get_by_label("Email address").fill(email)
        page.get_by_role("button", name="Enrol learner").click()
    else:
        page.get_by_role("link", name="People").click()
        page.get_by_role("button", name="Add a person").click()
        page.get_by_label("Full name").fill("Nia New")
        page.get_by_label("Email address").fill(email)
        page.get_by_label({"assessor": "Assessor", "iqa": "Internal quality assurer",
                           "admin": "Provider administrator"}[role]).check()  # fmt: skip
        page.get_by_role("button", name="Add person and create invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Invitation for Nia New")
    assert_accessible(page)
    link = page.locator("#invitation-link").inner_text().strip()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/invitation/[\w-]+", link)

    # The newcomer opens the link in their own browser and sets a password.
    newcomer = new_page()
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("Set your password")
    assert_accessible(newcomer)
    newcomer.get_by_label("New password", exact=True).fill("too short")
    newcomer.get_by_label("Confirm new password").fill("too short")
    newcomer.get_by_role("button", name="Save password").click()
    expect(newcomer).to_have_title(re.compile(r"^Error: Set your password"))
    assert_accessible(newcomer)
    newcomer.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Save password").click()
    expect(newcomer.get_by_text("Your password is set.")).to_be_visible()

    # They sign in and land on the home page for their role.
    sign_in(newcomer, email, NEW_PASSWORD)
    expect(newcomer).to_have_url(re.compile(HOMES[role]))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(HEADINGS[role])
    assert_accessible(newcomer)

    # The link was single use.
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text("This link no longer works")


def test_a_wrong_password_shows_the_error_summary(page, assert_accessible, make_user):
    person = make_user("assessor")

    sign_in(page, person.email, "not my password")

    expect(page).to_have_title(re.compile(r"^Error: Sign in"))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The email address or password is not right")
    summary.get_by_role("link").click()
    expect(page.get_by_label("Password", exact=True)).to_be_focused()
    assert_accessible(page)


def test_signing_out_ends_the_session(page, make_user):
    person = make_user("iqa")
    sign_in(page, person.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/caseload$"))

    page.get_by_role("button", name="Sign out").click()

    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/caseload")
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))


def test_a_person_signs_out_everywhere_else_from_their_account_page(
    page, new_page, assert_accessible, make_user
):
    person = make_user("assessor", name="Asha Assessor")
    other_device = new_page()
    sign_in(other_device, person.email, PASSWORD)
    expect(other_device).to_have_url(re.compile(r"/caseload$"))
    sign_in(page, person.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/caseload$"))

    page.get_by_role("link", name=re.compile("your account")).click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Sign out everywhere else").click()

    expect(page.get_by_text("You have been signed out on every other device")).to_be_visible()
    assert_accessible(page)
    other_device.goto("/caseload")
    expect(other_device).to_have_url(re.compile(r"/sign-in\?next="))
    page.goto("/caseload")
    expect(page).to_have_url(re.compile(r"/caseload$"))
