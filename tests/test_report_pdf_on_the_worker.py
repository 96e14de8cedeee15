"""The PDF cohort report is laid out on the task queue's worker, not in the request: the
administrator's click queues it and answers with a page that shows its progress and offers the
file when it is ready; the download is audited as every report download is. A worker that
vanishes half way leaves the report to be taken over once its lease runs out.

These tests use a real queue in Huey's SQLite file, which a worker empties when the test says so.
"""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from queue_helpers import held_queue, work

from portfolio import tasks
from portfolio.extensions import db
from portfolio.models import AuditEntry, CohortReport, ExportStatus
from portfolio.models._types import utcnow
from portfolio.services import leases


@pytest.fixture
def queue(app, tmp_path):
    yield from held_queue(app, tmp_path)


@pytest.fixture
def spring(make_user, make_cohort, make_enrolment, login_as):
    admin = make_user("admin", name="Ada Admin")
    cohort = make_cohort(provider=admin.provider, name="Spring 2026")
    for name in ("Omar Ontrack", "Nadia Nothing"):
        make_enrolment(
            cohort=cohort, learner=make_user("learner", provider=admin.provider, name=name)
        )
    login_as(admin)
    return cohort


def ask(client, cohort) -> CohortReport:
    response = client.post(f"/admin/reports/export.pdf?cohort={cohort.id}")
    assert response.status_code == 303
    assert response.location.startswith("/admin/reports/pdf/")
    return db.session.get(CohortReport, int(response.location.rsplit("/", 1)[1]))


def exported() -> list[AuditEntry]:
    return db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "report.exported")
    ).all()


def test_the_report_is_made_on_the_worker_while_a_page_shows_how_far_it_has_got(
    app, client, spring, queue
):
    report = ask(client, spring)

    assert report.status == ExportStatus.QUEUED and report.storage_key is None
    assert queue.pending_count() == 1  # nothing was laid out in the request
    page = client.get(f"/admin/reports/pdf/{report.id}").get_data(as_text=True)
    assert "PDF cohort report: Spring 2026" in page
    assert 'role="status"' in page and "Waiting to start making the PDF cohort report." in page
    assert client.get(f"/admin/reports/pdf/{report.id}/status").json["status"] == "queued"
    early = client.get(f"/admin/reports/pdf/{report.id}/download")
    assert early.status_code == 302 and exported() == []  # not ready: back to the waiting page

    work(queue)

    status = client.get(f"/admin/reports/pdf/{report.id}/status").json
    assert status["status"] == "ready" and status["finished"]
    with client.get(status["download_url"]) as download:
        assert download.status_code == 200 and download.mimetype == "application/pdf"
        assert "cohort-report-spring-2026-" in download.headers["Content-Disposition"]
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(download.data)).pages)
    assert "Omar Ontrack" in text and "Nadia Nothing" in text
    [entry] = exported()
    assert entry.details["format"] == "pdf" and entry.details["learners"] == 2
    assert entry.details["cohort"] == "Spring 2026"


def test_a_second_click_while_the_report_is_made_gives_the_same_report(client, spring, queue):
    first = ask(client, spring)
    assert ask(client, spring).id == first.id
    assert queue.pending_count() == 1


def test_an_old_link_to_the_pdf_goes_to_the_dashboards_downloads(client, spring):
    response = client.get(f"/admin/reports/export.pdf?cohort={spring.id}")
    assert response.status_code == 302
    assert response.location.endswith(f"/admin/reports?cohort={spring.id}#report-exports")
    assert db.session.scalars(db.select(CohortReport)).all() == []


def test_a_report_whose_worker_was_killed_is_made_by_another_once_its_lease_runs_out(
    client, spring, queue
):
    report = ask(client, spring)
    queue.storage.flush_queue()  # the message went with the worker that took it
    report.status, report.attempt = ExportStatus.RUNNING, 1
    report.progress, report.stage = 40, "Laying out the report"
    report.lease_until = utcnow() - timedelta(seconds=1)
    db.session.commit()

    tasks.retry_abandoned()  # what the worker runs every minute
    work(queue)

    db.session.refresh(report)
    assert report.status == ExportStatus.DONE and report.attempt == 2
    assert client.get(f"/admin/reports/pdf/{report.id}/status").json["status"] == "ready"


def test_a_report_a_live_worker_holds_is_left_to_it(client, spring, queue):
    report = ask(client, spring)
    queue.storage.flush_queue()
    report.status, report.attempt = ExportStatus.RUNNING, 1
    report.lease_until = utcnow() + leases.LEASE
    db.session.commit()

    tasks.retry_abandoned()
    work(queue)

    db.session.refresh(report)
    assert report.status == ExportStatus.RUNNING
    status = client.get(f"/admin/reports/pdf/{report.id}/status").json
    assert status["status"] == "running" and not status["finished"]


def test_another_providers_report_is_not_found(client, spring, make_user, login_as, queue):
    report = ask(client, spring)
    client.post("/sign-out")
    login_as(make_user("admin", name="Someone Elsewhere"))
    for url in ("", "/status", "/download"):
        assert client.get(f"/admin/reports/pdf/{report.id}{url}").status_code == 404
