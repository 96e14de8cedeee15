"""The whole assessment journey in a real browser, each person starting from the home page:
the learner submits; the assessor checks the rules of evidence, rejects one mapping and marks
one criterion not yet met with feedback, then changes their assessment of another; the
learner replies and resubmits; the assessor marks
everything met and signs off; the learner sees the signed-off unit and cannot change it."""

import re

import pytest
from evidence_samples import make_draft
from people_helpers import PASSWORD
from playwright.sync_api import expect

from portfolio.services import evidence as evidence_service


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def sign_in_from_home(page, person):
    """As a newcomer does: the home page, its sign-in link, the form."""
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(person.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()


def status_of(page, code):
    return page.locator(f'[data-criterion="{code}"]').inner_text().strip()


def assess_everything(page, assert_accessible, reject=None, not_yet=None):
    """Fill the review form, by keyboard for the rules of evidence."""
    assert_accessible(page)
    for rule in ("valid", "authentic", "current", "sufficient"):
        page.locator(f"#rule-{rule}-1").focus()
        page.keyboard.press("Space")
    for row in page.locator("[data-review-criterion]").all():
        code = row.get_attribute("data-review-criterion")
        if reject and code in reject:
            page.locator(f"#mapping-{code}-2").check()
            page.locator(f"#reason-{code}").fill(reject[code])
            page.locator(f"#outcome-{code}-3").check()
        elif not_yet and code in not_yet:
            page.locator(f"#mapping-{code}-1").check()
            page.locator(f"#outcome-{code}-2").check()
            page.locator(f"#feedback-{code}").fill(not_yet[code])
        else:
            page.locator(f"#mapping-{code}-1").check()
            page.locator(f"#outcome-{code}-1").check()
    page.get_by_role("button", name="Save assessment").focus()
    page.keyboard.press("Enter")
    # saved: the assessor is back on their queue (wait for it before going anywhere else)
    expect(page).to_have_url(re.compile(r"/caseload/queue$"))


def test_the_whole_assessment_journey(new_page, assert_accessible, enrolment):
    learner, assessor = enrolment.learner, enrolment.assessor
    draft = make_draft(enrolment, title="Co-production festival, start to finish")
    evidence_service.set_mappings(
        draft, {c: f"The festival shows {c.code}." for c in enrolment.standard.criteria}
    )

    # The learner signs in from the home page and submits their evidence.
    page = new_page()
    page.goto("/")
    assert_accessible(page)
    sign_in_from_home(page, learner)
    page.get_by_role("link", name="Co-production festival, start to finish").click()
    page.get_by_role("button", name="Submit for assessment").click()
    assert_accessible(page)
    page.get_by_label("Your full name").fill(learner.name)
    page.get_by_label("I confirm the declaration is true").check()
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.locator("[data-evidence-status]")).to_have_text("Submitted")
    sign_out(page)

    # The assessor sees it waiting on their caseload and in the queue.
    staff = new_page()
    sign_in_from_home(staff, assessor)
    expect(staff).to_have_url(re.compile("/caseload$"))
    expect(staff.locator("[data-notification-count]")).to_have_attribute(
        "data-notification-count", "1"
    )
    assert_accessible(staff)
    staff.get_by_role("link", name="Evidence to assess").first.click()
    expect(staff.locator("[data-waiting-time]")).to_have_text("less than a day")
    assert_accessible(staff)
    staff.get_by_role("link", name="Co-production festival, start to finish").click()
    assess_everything(
        staff,
        assert_accessible,
        reject={"K1": "This describes the plan, not your own understanding of co-production."},
        not_yet={"PC2": "Say **who** agreed the expectations, and how you recorded them."},
    )
    expect(staff.locator("[data-queue-empty]")).to_be_visible()

    # On second thoughts the assessor changes the assessment: the form starts from the
    # decision in force, and saving says what changed.
    staff.get_by_role("link", name="Caseload", exact=True).click()
    staff.get_by_role("link", name=learner.name).first.click()
    staff.get_by_role("link", name="Co-production festival, start to finish").first.click()
    staff.get_by_role("button", name="Change your assessment").click()
    assert_accessible(staff)
    expect(staff.locator("#outcome-PC2-2")).to_be_checked()
    expect(staff.locator("#feedback-PC2")).to_have_value(
        "Say **who** agreed the expectations, and how you recorded them."
    )
    expect(staff.locator("#outcome-PC3-1")).to_be_checked()
    expect(staff.locator("#rule-sufficient-1")).to_be_checked()
    staff.locator("#outcome-PC3-2").check()
    staff.locator("#feedback-PC3").fill("Show how the partners shared the decisions.")
    staff.get_by_role("button", name="Save assessment").click()
    expect(staff.locator(".govuk-notification-banner")).to_contain_text("What changed: PC3")
    assert_accessible(staff)
    sign_out(staff)

    # The learner sees PC2 not yet met with the feedback, replies, and resubmits.
    sign_in_from_home(page, learner)
    assert status_of(page, "PC1") == "Met"
    assert status_of(page, "PC2") == "Not yet met"
    assert status_of(page, "PC3") == "Not yet met"  # as re-assessed
    assert status_of(page, "K1") == "Mapping not accepted"  # the assessor rejected it
    assert_accessible(page)
    page.locator('a[href$="/criteria/PC2"]').click()
    expect(page.locator("[data-feedback] strong")).to_have_text("who")
    assert_accessible(page)
    page.get_by_label("Reply to this feedback").fill("It was the youth panel; I kept minutes.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("[data-reply]")).to_contain_text("I kept minutes.")
    page.get_by_role("link", name="Co-production festival, start to finish (version 1)").click()
    expect(page.locator('[data-mapping-decision="K1"]')).to_contain_text("Rejected")
    assert_accessible(page)
    page.get_by_role("button", name="Make a new version").click()
    page.get_by_role("link", name="Change the details or account").click()
    page.get_by_label("Description or reflective account").fill(
        "The youth panel agreed the expectations on 3 September; the minutes are attached."
    )
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("button", name="Submit for assessment").click()
    page.get_by_label("Your full name").fill(learner.name)
    page.get_by_label("I confirm the declaration is true").check()
    page.get_by_role("button", name="Submit for assessment").click()
    sign_out(page)

    # The assessor sees the resubmission, marks everything met and signs off.
    sign_in_from_home(staff, assessor)
    staff.get_by_role("link", name="Evidence to assess").first.click()
    expect(staff.locator("[data-resubmission]")).to_have_text("Resubmission (version 2)")
    staff.get_by_role("link", name="Co-production festival, start to finish").click()
    assess_everything(staff, assert_accessible)
    staff.goto(f"/portfolio/{enrolment.id}")
    assert_accessible(staff)
    staff.get_by_role("button", name="Sign off the unit").click()
    assert_accessible(staff)
    staff.get_by_label("Your password").fill("not my password")
    staff.get_by_label("Your full name").fill(assessor.name)
    staff.get_by_label("I confirm the declaration above").check()
    staff.get_by_role("button", name="Sign off the unit").click()
    expect(staff.locator(".govuk-error-summary")).to_contain_text("The password is not right.")
    assert_accessible(staff)
    staff.get_by_label("Your password").fill(PASSWORD)
    staff.get_by_label("I confirm the declaration above").check()
    staff.get_by_role("button", name="Sign off the unit").click()
    expect(staff.locator('[data-sign-off="in-force"]')).to_contain_text(f"by {assessor.name}.")
    sign_out(staff)

    # The learner sees the signed-off unit; the evidence offers no change, and a change sent
    # anyway is refused in words.
    sign_in_from_home(page, learner)
    expect(page.locator('[data-sign-off="in-force"]')).to_contain_text("Signed off on")
    assert_accessible(page)
    expect(page.locator("[data-met]")).to_have_text(
        "13 of 13 performance criteria met, 14 of 14 knowledge items met"
    )
    page.get_by_role("link", name="Co-production festival, start to finish").first.click()
    expect(page.locator("[data-signed-off]")).to_be_visible()
    expect(page.get_by_role("button", name="Make a new version")).to_have_count(0)
    assert_accessible(page)
    evidence_id = page.url.rsplit("/", 1)[1]
    token = page.locator('input[name="csrf_token"]').first.input_value()
    page.goto(f"/evidence/{evidence_id}")
    response = page.request.post(
        f"/evidence/{evidence_id}/revise", form={"csrf_token": token}, max_redirects=0
    )
    assert response.status == 302, response.status
    page.goto(f"/evidence/{evidence_id}")
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "so nothing in it can change"
    )


def test_the_review_page_stays_usable_with_twenty_files(
    app, new_page, assert_accessible, enrolment
):
    from evidence_samples import photo_jpeg, upload, wav_recording

    draft = make_draft(enrolment, title="Twenty-file festival diary")
    app.config["WTF_CSRF_ENABLED"] = False  # the setup posts files as the uploader would
    client = app.test_client()
    client.post("/sign-in", data={"email": enrolment.learner.email, "password": PASSWORD})
    files = [(photo_jpeg(width=640, height=480), f"day {n}.jpg") for n in range(1, 19)]
    files += [(wav_recording(), "interview.wav"), (wav_recording(), "feedback.wav")]
    for content, name in files:
        assert upload(client, draft, (content, name)).status_code == 201
    app.config["WTF_CSRF_ENABLED"] = True
    evidence_service.set_mappings(draft, {enrolment.standard.criterion("PC1"): "All of it."})
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)

    staff = new_page()
    sign_in_from_home(staff, enrolment.assessor)
    staff.goto(f"/evidence/{draft.id}/assess")
    expect(staff.locator("[data-file-kind]")).to_have_count(20)
    assert_accessible(staff)
    # A keyboard user skips the twenty files straight to the form.
    staff.get_by_role("link", name="Skip to the assessment form").focus()
    staff.keyboard.press("Enter")
    expect(staff).to_have_url(re.compile("#assessment$"))
    assess_everything(staff, assert_accessible)
    expect(staff.locator("[data-queue-empty]")).to_be_visible()
