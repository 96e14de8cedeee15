"""A learner gathers evidence in a real browser: uploads with progress, maps, submits."""

import re
from datetime import date, timedelta

import pytest
from evidence_samples import make_draft, pdf_document, photo_jpeg, wav_recording, windows_program
from playwright.sync_api import expect

WATCH_PROGRESS = """
() => {
  window.uploadStates = [];
  const list = document.querySelector('[data-upload-list]');
  new MutationObserver((changes) => {
    for (const change of changes) {
      if (change.type === 'attributes' && change.attributeName === 'data-state') {
        window.uploadStates.push(change.target.querySelector('.app-upload-item__name')
          .textContent + ':' + change.target.dataset.state);
      }
    }
  }).observe(list, {subtree: true, attributes: true, attributeFilter: ['data-state']});
}
"""


@pytest.fixture
def app_config(app_config):
    """As in production: every form and the uploader's requests carry a CSRF token."""
    return {**app_config, "WTF_CSRF_ENABLED": True}


def status_of(page, code):
    return page.locator(f'[data-criterion="{code}"]').inner_text().strip()


def test_learner_uploads_maps_and_submits_evidence(
    sign_in, page, assert_accessible, enrolment, tmp_path
):
    learner = enrolment.learner
    files = {
        "session photo.jpg": photo_jpeg(width=1200, height=800),
        "community meeting.wav": wav_recording(seconds=3),
        "project plan.pdf": pdf_document(),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)

    # The learner signs in and lands on their portfolio: the standard as a task list.
    sign_in(page, learner)
    expect(page).to_have_url(re.compile(rf"/portfolio/{enrolment.id}$"))
    expect(page.locator("[data-coverage]")).to_have_text(
        "0 of 13 performance criteria, 0 of 14 knowledge items"
    )
    assert status_of(page, "PC3") == "No evidence yet"
    assert_accessible(page)

    # They add evidence and write a reflective account, previewing the Markdown.
    page.get_by_role("button", name="Add evidence").first.click()
    assert_accessible(page)
    page.get_by_label("Title").fill("Planning day with the youth panel")
    day = date.today() - timedelta(days=3)
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))
    page.get_by_label("Reflective account", exact=True).check()
    page.get_by_label("Description or reflective account").fill(
        "## What we did\n\nThe panel chose the **objectives** themselves.\n\n"
        "- I listened first\n- We agreed a timetable"
    )
    expect(page.get_by_label("Choose files")).to_be_hidden()  # files come on the next page
    page.get_by_role("button", name="Preview the account").click()
    expect(page.locator("#preview strong")).to_have_text("objectives")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Planning day with the youth panel")
    assert_accessible(page)

    # They upload a photo, an audio recording and a PDF at once; each shows its progress.
    page.get_by_label("Identifiable people are shown and consent was obtained").check()
    page.evaluate(WATCH_PROGRESS)
    page.get_by_label("Choose files").set_input_files([tmp_path / name for name in files])
    items = page.locator(".app-upload-item")
    expect(items).to_have_count(3)
    expect(page.locator('.app-upload-item[data-state="complete"]')).to_have_count(3, timeout=15000)
    for index in range(3):
        item = items.nth(index)
        expect(item.locator(".app-upload-item__status")).to_have_text("Uploaded")
        progress = item.locator("progress")
        assert progress.evaluate("el => el.value") == 100
        assert progress.get_attribute("aria-labelledby")
    states = page.evaluate("window.uploadStates")
    for name in files:
        assert f"{name}:uploading" in states and f"{name}:complete" in states
    expect(page.locator("[data-upload-status]")).to_contain_text("uploaded")
    assert_accessible(page)

    page.get_by_role("link", name="Show the uploaded files").click()
    expect(page.get_by_role("img", name="Photo: session photo.jpg")).to_be_visible()
    expect(page.locator("audio[controls]")).to_have_count(1)
    assert page.locator("audio").evaluate("el => el.src").endswith("/files/2")
    expect(page.get_by_role("link", name="Open project plan.pdf")).to_be_visible()
    expect(page.locator("[data-account] h2")).to_have_text("What we did")
    assert_accessible(page)

    # They map it to three criteria, each with a justification.
    page.get_by_role("button", name="Map to criteria").click()
    assert_accessible(page)
    for code, why in {
        "PC3": "The panel set the objectives and format with me.",
        "PC9": "I kept the panel up to date after each session.",
        "K2": "Shows how the partnership helped the museum and the panel.",
    }.items():
        page.locator(f"#criterion-{code}").check()
        page.get_by_label(f"How does this evidence show {code}?").fill(why)
    page.get_by_role("button", name="Save the criteria").click()
    expect(page.locator("[data-mappings]")).to_contain_text("The panel set the objectives")
    assert_accessible(page)

    # The task list shows the criteria their draft maps; coverage counts only submitted work.
    page.get_by_role("link", name="Back to the portfolio").click()
    expect(page.locator("[data-coverage]")).to_have_text(
        "0 of 13 performance criteria, 0 of 14 knowledge items"
    )
    assert [status_of(page, c) for c in ("PC3", "PC9", "K2", "PC1")] == [
        "In a draft",
        "In a draft",
        "In a draft",
        "No evidence yet",
    ]
    assert_accessible(page)

    # They submit it with the declaration of authenticity.
    page.get_by_role("link", name="Planning day with the youth panel").click()
    page.get_by_role("button", name="Submit for assessment").click()
    assert_accessible(page)
    page.get_by_label("Your full name").fill(learner.name)
    page.get_by_label("I confirm the declaration is true").check()
    page.get_by_role("button", name="Submit for assessment").click()
    expect(page.locator("[data-evidence-status]")).to_have_text("Submitted")
    expect(page.get_by_text(f"Declared by {learner.name}")).to_be_visible()
    expect(page.get_by_role("button", name="Make a new version")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Back to the portfolio").click()
    assert status_of(page, "PC3") == "Submitted"
    expect(page.locator("[data-coverage]")).to_have_text(
        "2 of 13 performance criteria, 1 of 14 knowledge items"
    )
    assert_accessible(page)


def test_the_uploader_refuses_a_renamed_program_and_says_which_file(
    sign_in, page, assert_accessible, enrolment, tmp_path
):
    evidence = make_draft(enrolment)
    (tmp_path / "minutes.pdf").write_bytes(windows_program())
    sign_in(page, enrolment.learner)
    page.goto(f"/evidence/{evidence.id}")
    page.get_by_label("Choose files").set_input_files(tmp_path / "minutes.pdf")
    # Consent was not answered: the uploader asks first and sends nothing.
    expect(page.locator("#consent-error")).to_contain_text("Say whether the files show people")
    page.get_by_label("No identifiable people are shown").check()
    page.get_by_label("Choose files").set_input_files(tmp_path / "minutes.pdf")
    expect(page.locator('.app-upload-item[data-state="error"]')).to_contain_text(
        "minutes.pdf is not a type of file you can upload"
    )
    assert_accessible(page)
