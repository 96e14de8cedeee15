"""On a phone, a learner takes a photo or records a video straight from the upload form, with
JavaScript (the uploader) or without it (a plain form post)."""

import re
from datetime import date, timedelta

import pytest
from evidence_samples import make_draft, mp4_video, pdf_document, photo_jpeg
from playwright.sync_api import expect

PHOTO = "Take a photo (on a phone or tablet)"
VIDEO = "Record a video (on a phone or tablet)"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


@pytest.fixture
def recordings(tmp_path):
    files = {
        "workshop clip.mp4": mp4_video(),
        "room layout.jpg": photo_jpeg(),
        "agenda.pdf": pdf_document(),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    return {name: tmp_path / name for name in files}


def assert_opens_the_camera(page, label, accept):
    picker = page.get_by_label(label)
    assert picker.get_attribute("accept") == accept
    assert picker.get_attribute("capture") == "environment"


def test_with_javascript_a_recorded_video_uploads_with_its_progress(
    sign_in, page, assert_accessible, enrolment, recordings
):
    evidence = make_draft(enrolment)
    sign_in(page, enrolment.learner)
    expect(page).to_have_url(re.compile(r"/portfolio/\d+$"))
    page.goto(f"/evidence/{evidence.id}")
    assert_opens_the_camera(page, PHOTO, "image/*")
    assert_opens_the_camera(page, VIDEO, "video/*")
    assert_accessible(page)

    page.get_by_label("No identifiable people are shown").check()
    page.get_by_label(VIDEO).set_input_files(recordings["workshop clip.mp4"])
    item = page.locator(".app-upload-item")
    expect(item.locator(".app-upload-item__name")).to_have_text("workshop clip.mp4")
    expect(item).to_have_attribute("data-state", "complete")
    expect(item.locator("progress")).to_have_js_property("value", 100)

    page.get_by_role("link", name="Show the uploaded files").click()
    expect(page.locator("video[controls]")).to_have_count(1)
    expect(page.locator("video[controls]")).to_have_attribute("aria-labelledby", re.compile("name"))
    expect(page.get_by_role("link", name="Download workshop clip.mp4")).to_be_visible()
    assert_accessible(page)


def test_without_javascript_a_photo_a_video_and_a_document_go_in_one_post(
    sign_in, browser, live_server, assert_accessible, enrolment, recordings
):
    # The app's scripts never arrive (as on a flaky phone connection); the browser still runs
    # the accessibility checker, which a context with JavaScript switched off could not.
    context = browser.new_context(base_url=live_server, locale="en-GB")
    context.route("**/assets/js/**", lambda route: route.abort())
    try:
        page = context.new_page()
        sign_in(page, enrolment.learner)
        expect(page).to_have_url(re.compile(r"/portfolio/\d+$"))
        page.get_by_role("button", name="Add evidence").first.click()
        expect(page.get_by_label("Choose files")).to_be_visible()  # the plain form's own inputs
        assert_opens_the_camera(page, PHOTO, "image/*")
        assert_opens_the_camera(page, VIDEO, "video/*")
        assert_accessible(page)

        page.get_by_label("Title").fill("Room set-up for the workshop")
        day = date.today() - timedelta(days=1)
        page.get_by_label("Day").fill(str(day.day))
        page.get_by_label("Month").fill(str(day.month))
        page.get_by_label("Year").fill(str(day.year))
        page.get_by_label("Observation").check()
        page.get_by_label(PHOTO).set_input_files(recordings["room layout.jpg"])
        page.get_by_label(VIDEO).set_input_files(recordings["workshop clip.mp4"])
        page.get_by_label("Choose files").set_input_files(recordings["agenda.pdf"])
        page.get_by_label("No identifiable people are shown").check()
        page.get_by_role("button", name="Save and continue").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("Room set-up for the workshop")
        files = page.locator("[data-file-list] > li")
        expect(files).to_have_count(3)
        assert sorted(files.evaluate_all("items => items.map(i => i.dataset.fileKind)")) == [
            "image",
            "pdf",
            "video",
        ]
        assert_accessible(page)
    finally:
        context.close()
