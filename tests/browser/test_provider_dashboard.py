"""The provider dashboard in a real browser: an administrator signs in from the home page, opens
the dashboard, sorts it by a column header, filters it by status and by cohort with the GET form,
opens a cohort's insights, tunes the at-risk settings and withdraws a learner. Every page is
checked for accessibility; nothing needs JavaScript, and every view has its own URL."""

import re
from datetime import date

import pytest
from assessment_helpers import assess, fully_met, sign, submitted
from people_helpers import PASSWORD
from playwright.sync_api import expect

from portfolio.extensions import db
from portfolio.models import Enrolment
from portfolio.services import withdrawals


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def provider(make_user, make_cohort):
    """Two cohorts: Spring with a learner who has not started, one assessed, one signed off and
    one withdrawn; Autumn with one learner assessed."""
    admin = make_user("admin", name="Ada Admin")
    assessor = make_user("assessor", provider=admin.provider, name="Sam Assessor")
    spring = make_cohort(provider=admin.provider, name="Spring 2026")
    autumn = make_cohort(provider=admin.provider, name="Autumn 2026")

    def enrol(name, cohort):
        learner = make_user("learner", provider=admin.provider, name=name)
        enrolment = Enrolment(cohort=cohort, learner=learner, assessor=assessor)
        db.session.add(enrolment)
        db.session.commit()
        return enrolment

    enrol("Nia Newcomer", spring)
    assess(submitted(enrol("Omar Busy", spring), "PC1", "K1"))
    signed = enrol("Sol Finished", spring)
    fully_met(signed)
    sign(signed)
    gone = enrol("Wes Gone", spring)
    withdrawals.withdraw(gone, admin, on=date(2026, 10, 1), reason="Moved abroad.")
    assess(submitted(enrol("Ava Autumn", autumn), "PC1"))
    return admin


def learner_names(page):
    return page.locator("#learner-table tbody th").evaluate_all(
        "cells => cells.map(cell => cell.querySelector('a').firstChild.textContent.trim())"
    )


def test_admin_sorts_and_filters_the_dashboard_and_opens_insights(
    page, assert_accessible, provider
):
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(provider.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cohorts")

    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Provider dashboard"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Provider dashboard")
    expect(page.locator("#result-count")).to_contain_text("5 learners")
    assert learner_names(page) == [
        "Ava Autumn",
        "Nia Newcomer",
        "Omar Busy",
        "Sol Finished",
        "Wes Gone",
    ]
    spring = page.locator("#cohort-summaries tr", has_text="Spring 2026")
    expect(spring).to_contain_text("4")  # learners
    assert_accessible(page)

    # Sorting is a link in the column heading; the second click turns it round.
    page.get_by_role("link", name=re.compile(r"^Status")).click()
    expect(page).to_have_url(re.compile(r"sort=status"))
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Status")
    assert learner_names(page)[0] == "Nia Newcomer"  # not started comes first
    assert learner_names(page)[-1] == "Wes Gone"  # withdrawn comes last
    page.get_by_role("link", name=re.compile(r"^Status")).click()
    expect(page).to_have_url(re.compile(r"sort=status&order=desc"))
    assert learner_names(page)[0] == "Wes Gone"
    assert_accessible(page)

    # Filtering is a GET form: the filters go in the URL, the sort stays.
    page.get_by_label("Status", exact=True).select_option(label="Signed off")
    page.get_by_role("button", name="Filter learners").click()
    expect(page).to_have_url(
        re.compile(r"/admin/reports\?status=signed_off&sort=status&order=desc")
    )
    assert learner_names(page) == ["Sol Finished"]
    expect(page.locator("#learner-table")).to_contain_text("Signed off")
    assert_accessible(page)

    page.get_by_label("Status", exact=True).select_option(label="Any status")
    page.get_by_label("Cohort", exact=True).select_option(label="Autumn 2026")
    page.get_by_role("button", name="Filter learners").click()
    assert learner_names(page) == ["Ava Autumn"]
    expect(page.locator("#result-count")).to_contain_text("1 learner matching the filters")
    assert_accessible(page)

    # A date that cannot exist is refused, accessibly, and what was typed stays.
    boxes = page.get_by_role("group", name="Last activity from")
    boxes.get_by_label("Day").fill("31")
    boxes.get_by_label("Month").fill("2")
    boxes.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Filter learners").click()
    expect(page).to_have_title(re.compile(r"^Error: Provider dashboard"))
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a real date")
    expect(boxes.get_by_label("Day")).to_have_value("31")
    assert_accessible(page)

    page.get_by_role("link", name="Clear filters").click()
    expect(page.locator("#result-count")).to_contain_text("5 learners")

    # Insights for one cohort: charts drawn on the server, each with a table.
    page.get_by_role("navigation", name="Reports").get_by_role("link", name="Insights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights")
    expect(page.get_by_text("Choose a cohort to see")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Cohort", exact=True).select_option(label="Spring 2026")
    page.get_by_role("button", name="Show insights").click()
    expect(page).to_have_url(re.compile(r"/admin/reports/insights\?cohort=\d+"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Insights: Spring 2026")
    heatmap = page.get_by_role("img", name=re.compile("have met each criterion, Spring 2026"))
    expect(heatmap).to_be_visible()
    expect(page.locator("#criteria-table tbody tr")).to_have_count(27)
    # Of the three who stayed, Omar and Sol have met PC1
    expect(page.locator("#criteria-table tbody tr").first).to_contain_text("67%")
    expect(page.get_by_role("img", name=re.compile("by assessment method"))).to_be_visible()
    expect(page.locator("#assessors-table")).to_contain_text("Sam Assessor")
    expect(page.locator("#iqa-sampling-table")).to_contain_text("Sam Assessor")
    assert_accessible(page)


def test_admin_tunes_the_settings_and_withdraws_a_learner(page, assert_accessible, provider):
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(provider.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="provider dashboard", exact=True).click()  # the home's text

    page.get_by_role("link", name="When a learner is at risk").click()
    expect(page.get_by_label("Days without activity")).to_have_value("30")
    page.get_by_label("Days without activity").fill("0")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("from 1 to 365")
    assert_accessible(page)
    page.get_by_label("Days without activity").fill("14")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved: the dashboard uses them now.")).to_be_visible()

    page.get_by_role("link", name="Cohorts", exact=True).click()
    page.get_by_role("link", name="Spring 2026").click()
    omar = page.get_by_role("row", name=re.compile("Omar Busy"))
    omar.get_by_role("link", name=re.compile("^Change")).click()
    page.get_by_role("link", name="Withdraw Omar Busy from Spring 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Withdraw Omar Busy")
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw Omar Busy").click()
    expect(page).to_have_title(re.compile(r"^Error: Withdraw Omar Busy"))
    assert_accessible(page)
    boxes = page.get_by_role("group", name="Date of withdrawal")
    boxes.get_by_label("Day").fill("2")
    boxes.get_by_label("Month").fill("10")
    boxes.get_by_label("Year").fill("2026")
    page.get_by_label("Reason").fill("Started a full-time job.")
    page.get_by_role("button", name="Withdraw Omar Busy").click()
    expect(page.get_by_text("Omar Busy is withdrawn from Spring 2026.")).to_be_visible()
    expect(page.locator("#withdrawal")).to_contain_text(
        "Withdrawn on 2 October 2026 because Started a full-time job."
    )
    assert_accessible(page)
    page.get_by_role("link", name="Open Omar Busy’s portfolio").click()
    expect(page.locator("#withdrawn")).to_contain_text("Withdrawn on 2 October 2026")
    assert_accessible(page)
