"""In the browser: the uploader asks about the people shown for every batch of files, and a
learner records consent later for a file on a draft."""

import re

import pytest
from evidence_samples import make_draft, pdf_document, photo_jpeg
from playwright.sync_api import expect


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def test_each_batch_is_asked_about_consent_and_consent_can_be_recorded_later(
    sign_in, page, assert_accessible, enrolment, tmp_path
):
    evidence = make_draft(enrolment)
    (tmp_path / "children at the workshop.jpg").write_bytes(photo_jpeg())
    (tmp_path / "plan.pdf").write_bytes(pdf_document())
    sign_in(page, enrolment.learner)
    page.goto(f"/evidence/{evidence.id}")

    # First batch: a photo of children whose parents have not yet agreed.
    page.get_by_label("Identifiable people are shown and consent was not obtained").check()
    page.get_by_label("Choose files").set_input_files(tmp_path / "children at the workshop.jpg")
    expect(page.locator('.app-upload-item[data-state="complete"]')).to_have_count(1)
    # The answer was for that batch: the next one is asked again.
    expect(page.locator('input[name="consent"]:checked')).to_have_count(0)
    page.get_by_label("Choose files").set_input_files(tmp_path / "plan.pdf")
    expect(page.locator("#consent-error")).to_contain_text("Say whether the files show people")
    page.get_by_label("No identifiable people are shown").check()
    page.get_by_label("Choose files").set_input_files(tmp_path / "plan.pdf")
    expect(page.locator('.app-upload-item[data-state="complete"]')).to_have_count(2)
    assert_accessible(page)

    page.get_by_role("link", name="Show the uploaded files").click()
    consent = page.locator("[data-file-consent]")
    expect(consent.nth(0)).to_contain_text("consent was not obtained")
    expect(consent.nth(1)).to_contain_text("No identifiable people are shown")
    expect(page.locator("[data-submit-blocked]")).to_contain_text(
        "children at the workshop.jpg shows people who can be identified and did not give consent"
    )
    assert_accessible(page)

    # The parents agreed after all: the learner records it on the draft.
    page.get_by_role("link", name="Change consent for children at the workshop.jpg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "People shown in children at the workshop.jpg"
    )
    assert_accessible(page)
    page.get_by_label("Identifiable people are shown and consent was obtained").check()
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/evidence/{evidence.id}#evidence-files$"))
    expect(consent.nth(0)).to_contain_text("consent was obtained")
    expect(page.locator("[data-submit-blocked]")).to_have_count(0)
    assert_accessible(page)
