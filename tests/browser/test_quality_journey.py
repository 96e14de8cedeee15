"""Internal quality assurance in a real browser, each person starting from the home page: the
IQA opens their sampling plan, samples a signed-off unit, agrees with the sign-off and not with
one judgement; the assessor responds to the action; the IQA closes it and countersigns. The
learner's certification is on hold while the action is open. Every page passes axe-core."""

import re
from datetime import timedelta

import pytest
from assessment_helpers import fully_met, sign
from people_helpers import PASSWORD
from playwright.sync_api import expect

from portfolio.extensions import db
from portfolio.models._types import utcnow


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def signed_off(enrolment):
    enrolment.learner.name = "Lee Learner"
    enrolment.assessor.name = "Sam Assessor"
    enrolment.iqa.name = "Jo Quality"
    db.session.commit()
    fully_met(enrolment)
    sign(enrolment)
    return enrolment


def sign_in_from_home(page, person):
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def test_the_iqa_samples_disagrees_the_assessor_responds_and_the_iqa_countersigns(
    new_page, assert_accessible, signed_off
):
    learner, assessor, iqa = signed_off.learner, signed_off.assessor, signed_off.iqa
    due = utcnow().date() + timedelta(days=14)

    # The IQA opens their plan and has the strategy propose a sample: the signed-off unit.
    staff = new_page()
    staff.goto("/")
    assert_accessible(staff)
    sign_in_from_home(staff, iqa)
    expect(staff).to_have_url(re.compile("/caseload$"))
    assert_accessible(staff)
    staff.get_by_role("link", name="Quality assurance").click()
    expect(staff.locator("[data-compliance-summary]")).to_have_text("Planned 0 of the 1 required")
    expect(staff.locator("[data-unmet]")).to_contain_text("Nothing by Sam Assessor sampled")
    assert_accessible(staff)
    staff.get_by_role("button", name="Propose a sample by the strategy").click()
    expect(staff.locator("[data-compliance]")).to_have_attribute("data-compliance", "complies")
    expect(staff.locator("[data-plan-items]")).to_contain_text("Sign-off of the unit")
    assert_accessible(staff)

    # They add one of the judgements the sign-off rests on by hand.
    staff.get_by_text("Lee Learner,", exact=False).last.click()
    staff.get_by_role("button", name="Add judgement of PC3 (met) for Lee Learner").click()
    expect(staff.locator("[data-plan-items]")).to_contain_text("Judgement of PC3 (met)")
    assert_accessible(staff)

    # They agree with the sign-off...
    staff.get_by_role("link", name="Sign-off of the unit for Lee Learner").click()
    expect(staff.locator("[data-sampled-decision]")).to_contain_text(signed_off.assessor.name)
    assert_accessible(staff)
    staff.get_by_label("Agreed", exact=True).check()
    staff.get_by_label("Your comments on the rules of evidence").fill(
        "Valid, authentic, current and sufficient throughout."
    )
    staff.get_by_label("quality of the assessor").fill("Feedback is specific and encouraging.")
    staff.get_by_role("button", name="Save the sampling record").click()
    expect(staff.locator("[data-sample-outcome]")).to_contain_text("Agreed, recorded by Jo Quality")
    assert_accessible(staff)

    # ...but not with PC3: first without a due date, which is refused in words.
    staff.get_by_role("link", name="Back to your sampling plan").click()
    staff.get_by_role("link", name="Judgement of PC3 (met) for Lee Learner").click()
    staff.get_by_label("Not agreed", exact=True).check()
    staff.get_by_label("Your comments on the rules of evidence").fill(
        "PC3 rests on the project plan, not on what Lee did."
    )
    staff.get_by_label("quality of the assessor").fill("The feedback does not say what is missing.")
    staff.get_by_label("Action for the assessor").fill(
        "Ask Lee for evidence of PC3 in practice and judge it again."
    )
    staff.get_by_role("button", name="Save the sampling record").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text(
        "Enter the date the assessor must act by."
    )
    assert_accessible(staff)
    staff.locator("#action_due-day").fill(str(due.day))
    staff.locator("#action_due-month").fill(str(due.month))
    staff.locator("#action_due-year").fill(str(due.year))
    staff.get_by_role("button", name="Save the sampling record").click()
    expect(staff.locator("[data-sample-outcome]")).to_contain_text("Not agreed")
    expect(staff.locator("[data-waiting-for-response]")).to_be_visible()
    assert_accessible(staff)

    # Certification is on hold, and countersigning waits for the action.
    staff.goto(f"/portfolio/{signed_off.id}")
    expect(staff.locator("[data-certification-blocked-reasons]")).to_contain_text(
        "did not agree with Sam Assessor’s judgement of PC3 (met)"
    )
    assert_accessible(staff)
    staff.get_by_role("link", name="Quality assurance").click()
    staff.get_by_role("link", name="Countersign Lee Learner’s unit").click()
    expect(staff.locator("[data-missing-list]")).to_contain_text("waiting for the assessor")
    assert_accessible(staff)
    sign_out(staff)

    # The learner sees that certification is on hold.
    page = new_page()
    sign_in_from_home(page, learner)
    expect(page.locator("[data-certification-blocked]")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The assessor finds the action on their caseload and responds.
    sign_in_from_home(page, assessor)
    expect(page.locator("[data-quality-actions]")).to_contain_text("Judgement of PC3 (met)")
    assert_accessible(page)
    page.get_by_role("link", name="Judgement of PC3 (met) for Lee Learner").click()
    expect(page.locator("[data-sample-action]")).to_contain_text("evidence of PC3 in practice")
    assert_accessible(page)
    page.get_by_label("Your response to the action").fill(
        "Lee's witness statement shows PC3 in practice; I judged it again on that."
    )
    page.get_by_role("button", name="Send your response").click()
    expect(page.locator("[data-quality-actions]")).to_contain_text("Response sent")
    assert_accessible(page)
    sign_out(page)

    # The IQA reads the response, agrees and closes the action, then countersigns.
    sign_in_from_home(staff, iqa)
    staff.get_by_role("link", name="Quality assurance").click()
    staff.get_by_role("link", name="Judgement of PC3 (met) for Lee Learner").click()
    expect(staff.locator("[data-sample-response]")).to_contain_text("witness statement")
    assert_accessible(staff)
    staff.get_by_role("button", name="Agree and close the action").click()
    expect(staff.locator("[data-sample-action-status]")).to_contain_text("Closed on")
    assert_accessible(staff)
    staff.get_by_role("link", name="Back to your sampling plan").click()
    staff.get_by_role("link", name="Countersign Lee Learner’s unit").click()
    assert_accessible(staff)
    staff.get_by_label("Your password").fill("not my password")
    staff.get_by_label("Your full name").fill(iqa.name)
    staff.get_by_label("I confirm the declaration above").check()
    staff.get_by_role("button", name="Countersign the unit").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("The password is not right.")
    assert_accessible(staff)
    staff.get_by_label("Your password").fill(PASSWORD)
    staff.get_by_label("I confirm the declaration above").check()
    staff.get_by_role("button", name="Countersign the unit").click()
    expect(staff.locator('[data-countersignature="in-force"]')).to_contain_text("Countersigned on")
    expect(staff.locator('[data-countersignature="in-force"]')).to_contain_text("by Jo Quality")
    expect(staff.locator("[data-certification-blocked]")).to_have_count(0)
    assert_accessible(staff)


def test_an_administrator_sets_the_sampling_strategy_and_a_rating(
    new_page, assert_accessible, make_user, signed_off
):
    admin = make_user("admin", provider=signed_off.cohort.provider, name="Ada Admin")
    page = new_page()
    sign_in_from_home(page, admin)
    page.goto("/admin/sampling")
    assert_accessible(page)
    page.get_by_label("Medium risk").fill("a quarter")
    page.get_by_role("button", name="Save the strategy").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter the share of a medium assessor's learners as a whole number"
    )
    assert_accessible(page)
    page.get_by_label("Medium risk").fill("30")
    page.get_by_role("button", name="Save the strategy").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("strategy is saved")
    page.get_by_label("Risk rating for Sam Assessor").select_option("high")
    page.get_by_role("button", name="Save the rating for Sam Assessor").click()
    expect(page.locator('[data-rating-for="Sam Assessor"] [data-rating]')).to_have_text("High")
    assert_accessible(page)
