"""A learner disputes an assessor's record in a real browser (issue 15): they say the
observation is wrong instead of confirming it; the assessor finds it on their caseload, answers
and keeps it; the learner, still unhappy, disagrees again; the assessor amends the record; the
learner confirms the new version. Every page is checked for accessibility."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect
from test_assessment_journey import sign_in_from_home, sign_out

from portfolio.models import Method
from portfolio.services import evidence as evidence_service
from portfolio.services.assessment import records

TITLE = "Observed: residents' panel"
REASON = "I did not chair the meeting: Sam did. I took the notes and ran the feedback round."
ANSWER = "You chaired the second half, after Sam left: the record stands."
AGAIN = "Sam stayed to the end. Please check with Sam."
AMENDED = "Sam chaired the panel. Lee took the notes and ran the feedback round."


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def observation(enrolment):
    record = records.create_record(
        enrolment,
        enrolment.assessor,
        title=TITLE,
        activity_date=date(2026, 10, 3),
        method=Method.OBSERVATION,
        context="Community hall, Leeds",
        account_md="Lee chaired the panel and summed up each residents' point.",
    )
    evidence_service.set_mappings(record, {enrolment.standard.criterion("PC1"): "Seen."})
    evidence_service.submit(record, full_name=enrolment.assessor.name, confirmed=True)
    return record


def test_a_learner_disputes_a_record_and_confirms_it_once_amended(
    new_page, assert_accessible, enrolment
):
    learner, assessor = enrolment.learner, enrolment.assessor
    record = observation(enrolment)
    learner_page, staff = new_page(), new_page()

    # The learner opens the record and says it is wrong, first forgetting the reason.
    sign_in_from_home(learner_page, learner)
    learner_page.goto(f"/evidence/{record.id}")
    assert_accessible(learner_page)
    learner_page.get_by_role("button", name="I do not agree").click()
    summary = learner_page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Say what is wrong with the record")
    assert_accessible(learner_page)
    summary.get_by_role("link").click()
    expect(learner_page.get_by_label("What is wrong with the record?")).to_be_focused()
    learner_page.get_by_label("What is wrong with the record?").fill(REASON)
    learner_page.get_by_role("button", name="I do not agree").click()
    expect(learner_page.locator("[data-dispute-sent]")).to_contain_text("will amend it or answer")
    expect(learner_page.get_by_role("button", name="Confirm the record")).to_have_count(0)
    assert_accessible(learner_page)

    # The assessor sees it needs attention on the caseload and answers, keeping the record.
    sign_in_from_home(staff, assessor)
    staff.goto("/caseload")
    banner = staff.locator("[data-disputed-records]")
    expect(banner).to_contain_text("1 record your learners do not agree with")
    assert_accessible(staff)
    banner.get_by_role("link", name=TITLE).click()
    expect(staff.locator("[data-dispute-reason]")).to_have_text(REASON)
    assert_accessible(staff)
    staff.get_by_label(f"Your answer to {learner.name}").fill(ANSWER)
    staff.get_by_role("button", name="Send your answer").click()
    expect(staff.locator("[data-dispute-answer]")).to_contain_text(ANSWER)
    assert_accessible(staff)

    # The learner reads the answer and disagrees again.
    learner_page.reload()
    expect(learner_page.locator("[data-dispute-answer]")).to_contain_text(ANSWER)
    expect(learner_page.get_by_role("button", name="Confirm the record")).to_be_visible()
    assert_accessible(learner_page)
    learner_page.get_by_label("What is wrong with the record?").fill(AGAIN)
    learner_page.get_by_role("button", name="I do not agree").click()
    expect(learner_page.locator("[data-dispute-state=open]")).to_contain_text(AGAIN)

    # The assessor amends the record: a new version, submitted with their declaration.
    staff.goto("/caseload/queue")
    expect(staff.locator("[data-disputed-records]")).to_contain_text(TITLE)
    assert_accessible(staff)
    staff.locator("[data-disputed-records]").get_by_role("link", name=TITLE).click()
    staff.get_by_role("button", name="Amend the record").click()
    staff.get_by_role("link", name="Change the details or account").click()
    assert_accessible(staff)
    staff.get_by_label("What you saw, asked and heard").fill(AMENDED)
    staff.get_by_role("button", name="Save changes").click()
    staff.get_by_role("button", name="Submit for assessment").click()
    assert_accessible(staff)
    staff.get_by_label("Your full name").fill(assessor.name)
    staff.get_by_label("I confirm the declaration is true").check()
    staff.get_by_role("button", name="Submit for assessment").click()
    staff.goto("/caseload")
    expect(staff.locator("[data-disputed-records]")).to_have_count(0)
    sign_out(staff)

    # The learner is told, reads the amended version with its history, and confirms it.
    learner_page.goto("/notifications")
    assert_accessible(learner_page)
    learner_page.get_by_role("link", name=re.compile("amended \\(version 2\\)")).first.click()
    expect(learner_page.locator("[data-account]")).to_contain_text(AMENDED)
    expect(learner_page.locator("[data-dispute-amended]")).to_contain_text("version 2")
    assert_accessible(learner_page)
    learner_page.get_by_label("I agree this is an accurate record of what happened").check()
    learner_page.get_by_role("button", name="Confirm the record").click()
    expect(learner_page.locator("[data-record]")).to_contain_text("confirmed it is an accurate")
    assert_accessible(learner_page)
