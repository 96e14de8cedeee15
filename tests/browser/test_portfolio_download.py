"""A learner and their assessor each download the portfolio PDF from the page, watching its
progress while a real worker (a Huey consumer in its own process, not the web server) makes it.

So that the progress can be seen every time, this test's worker holds each PDF at "Laying out
the pages" until the test has looked at the page, then lets it finish. The app is not changed:
the worker wraps the progress callback the PDF maker is given.
"""

import re

import pytest
from assessment_helpers import submitted
from playwright.sync_api import expect
from test_exports_worker import Worker

pytestmark = pytest.mark.browser


@pytest.fixture
def app_config(app_config, tmp_path):
    app_config.update(
        TASK_QUEUE_IMMEDIATE=False, TASK_QUEUE_URL=f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    )
    return app_config


@pytest.fixture
def gates(tmp_path):
    folder = tmp_path / "gates"
    folder.mkdir()
    return folder


@pytest.fixture
def worker(app, app_config, gates, tmp_path):
    worker = Worker.holding(app_config, tmp_path / "worker.log", gates, "thread")
    yield worker
    worker.stop()


def watch_and_download(page, gate, assert_accessible, worker):
    """On the progress page: the bar and the stage while the PDF is made, then the download."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Portfolio PDF")
    status = page.get_by_role("status")
    try:
        expect(status).to_have_text("Laying out the pages: 30% done.", timeout=60_000)
    except AssertionError:
        raise AssertionError(f"no progress shown; the worker said:\n{worker.output()}") from None
    bar = page.get_by_role("progressbar", name="How far it has got")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", "30")
    download_button = page.get_by_role("button", name=re.compile(r"^Download the PDF"))
    expect(download_button).to_be_hidden()
    assert_accessible(page)

    gate.touch()  # let the worker finish

    expect(status).to_have_text("The PDF is ready.", timeout=60_000)
    expect(bar).to_be_hidden()
    with page.expect_download() as info:
        download_button.click()
    download = info.value
    assert re.fullmatch(r"portfolio-[a-z0-9-]+-[A-Za-z0-9-]+\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as handle:
        assert handle.read(5) == b"%PDF-"
    assert_accessible(page)
    return download


def test_a_learner_and_their_assessor_each_download_the_portfolio(
    new_page, sign_in, assert_accessible, enrolment, worker, gates
):
    learner_page = new_page()
    sign_in(learner_page, enrolment.learner)
    learner_page.goto(f"/portfolio/{enrolment.id}")
    learner_page.get_by_role("button", name="Download portfolio (PDF)").click()
    expect(learner_page).to_have_url(re.compile(r"/exports/\d+$"))
    watch_and_download(learner_page, gates / "open-1", assert_accessible, worker)

    # New evidence changes the portfolio, so the assessor's PDF is made afresh.
    submitted(enrolment, "PC1", title="Residents' storytelling evening")
    assessor_page = new_page()
    sign_in(assessor_page, enrolment.assessor)
    assessor_page.goto("/caseload")
    assert_accessible(assessor_page)
    assessor_page.get_by_role(
        "button", name=f"Download portfolio (PDF) for {enrolment.learner.name}"
    ).click()
    expect(assessor_page).to_have_url(re.compile(r"/exports/\d+$"))
    watch_and_download(assessor_page, gates / "open-2", assert_accessible, worker)

    # Asked again with nothing changed, the PDF already made is offered at once.
    assessor_page.goto(f"/portfolio/{enrolment.id}")
    assessor_page.get_by_role("button", name="Download portfolio (PDF)").click()
    expect(assessor_page.get_by_role("status")).to_have_text("The PDF is ready.")
    ready = assessor_page.get_by_role("button", name=re.compile(r"^Download the PDF"))
    expect(ready).to_be_visible()
