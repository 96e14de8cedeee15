"""In the browser: an assessor sees submitted work and a resubmitted correction come back on
their caseload, and opens it."""

import re

from evidence_samples import make_draft
from playwright.sync_api import expect

from portfolio.services import evidence as evidence_service

PASSWORD = "an assessor's own long passphrase"


def submit(evidence):
    criterion = evidence.enrolment.standard.criterion("PC3")
    evidence_service.set_mappings(evidence, {criterion: "The panel set the objectives."})
    evidence_service.submit(evidence, full_name=evidence.enrolment.learner.name, confirmed=True)


def test_the_assessor_sees_a_correction_come_back_and_opens_it(
    sign_in, page, assert_accessible, make_enrolment, make_cohort, make_user
):
    cohort = make_cohort(name="Autumn cohort")
    assessor = make_user("assessor", provider=cohort.provider, password=PASSWORD)
    enrolment = make_enrolment(cohort=cohort, assessor=assessor)
    first = make_draft(enrolment, title="Planning day with the youth panel")
    submit(first)
    submit(make_draft(enrolment, title="Feedback survey"))
    submit(evidence_service.revise(first))  # a corrected version 2
    make_draft(enrolment, title="Still being written")

    sign_in(page, assessor, PASSWORD)
    expect(page).to_have_url(re.compile(r"/caseload$"))
    row = page.locator(f'tr[data-learner="{enrolment.learner.name}"]')
    expect(row.locator("[data-waiting]")).to_have_text("2")
    expect(row.locator("[data-corrections]")).to_have_text("1 resubmitted")
    assert_accessible(page)

    row.get_by_role("link", name=re.compile("portfolio")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{enrolment.learner.name}’s portfolio"
    )
    expect(page.get_by_text("Still being written")).to_have_count(0)  # a draft is private
    assert_accessible(page)

    page.get_by_role("link", name="Planning day with the youth panel").click()
    expect(page.locator(".govuk-caption-l")).to_have_text("Evidence, version 2")
    expect(page.locator("[data-evidence-status]")).to_have_text("Submitted")
    assert_accessible(page)
