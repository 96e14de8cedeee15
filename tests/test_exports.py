"""Downloading a portfolio as a PDF (or an archive bundle) from its page.

Tasks run inline here (TASK_QUEUE_IMMEDIATE, see conftest.py); tests/test_exports_worker.py
runs the same requests on real Huey workers with SQLite and Redis stores.
"""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from assessment_helpers import submitted
from people_helpers import audit_actions, page_text

from portfolio import tasks
from portfolio.extensions import db
from portfolio.models import Export, ExportKind, ExportStatus
from portfolio.models._types import utcnow
from portfolio.services.export import jobs, portfolio_pdf
from portfolio.storage import get_storage


@pytest.fixture
def enrolment(make_enrolment, make_user, make_cohort):
    cohort = make_cohort()
    learner = make_user("learner", provider=cohort.provider, name="Lee O'Learner")
    return make_enrolment(cohort=cohort, learner=learner)


def ask_for_pdf(client, enrolment):
    response = client.post(f"/portfolio/{enrolment.id}/exports/pdf")
    assert response.status_code == 303, page_text(response)
    match = re.fullmatch(r"/exports/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return db.session.get(Export, int(match.group(1)))


def stored_bytes(export) -> bytes:
    with get_storage().open(export.storage_key) as handle:
        return handle.read()


def fetch(client, url):
    """GET ``url`` and read the whole body (closing the stored file it streams from)."""
    with client.get(url) as response:
        response.get_data()
        return response


def exports_of(enrolment) -> list[Export]:
    return db.session.scalars(
        db.select(Export).where(Export.enrolment_id == enrolment.id).order_by(Export.id)
    ).all()


def test_a_learner_downloads_their_portfolio_as_a_pdf(client, login_as, enrolment):
    login_as(enrolment.learner)
    page = page_text(client.get(f"/portfolio/{enrolment.id}"))
    assert "Download portfolio (PDF)" in page and "Download archive bundle (ZIP)" in page

    export = ask_for_pdf(client, enrolment)

    assert export.status == ExportStatus.DONE and export.progress == 100
    pdf = stored_bytes(export)
    assert pdf.startswith(b"%PDF")
    assert export.size == len(pdf) and len(export.sha256) == 64
    waiting = page_text(client.get(f"/exports/{export.id}"))
    assert "The PDF is ready." in waiting and "Download the PDF (PDF," in waiting

    response = fetch(client, f"/exports/{export.id}/download")

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    urn = enrolment.standard.urn
    assert f"filename=portfolio-lee-o-learner-{urn}.pdf" in disposition
    assert response.data == pdf
    assert response.headers["ETag"].strip('"') == export.sha256
    assert {"export.requested", "export.downloaded"} <= set(audit_actions())


def test_asking_again_with_nothing_changed_gives_the_same_pdf(client, login_as, enrolment):
    login_as(enrolment.learner)
    first = ask_for_pdf(client, enrolment)
    first_id, made_at, key = first.id, first.created_at, first.storage_key

    again = ask_for_pdf(client, enrolment)

    assert again.id == first_id and again.created_at == made_at and again.storage_key == key
    assert len(exports_of(enrolment)) == 1
    assert audit_actions().count("export.requested") == 1


def test_new_evidence_makes_a_new_pdf_and_the_old_file_goes(client, login_as, enrolment):
    login_as(enrolment.learner)
    old = ask_for_pdf(client, enrolment)
    old_id, old_key = old.id, old.storage_key

    submitted(enrolment, "PC1", title="Residents' workshop")
    new = ask_for_pdf(client, enrolment)

    assert new.id != old_id and new.status == ExportStatus.DONE
    assert b"Residents" in portfolio_text(stored_bytes(new))
    old = db.session.get(Export, old_id)
    assert old.content_key != new.content_key
    assert old.storage_key is None and not get_storage().exists(old_key)
    # whoever still has the old page is told why and offered the current portfolio
    page = page_text(client.get(f"/exports/{old_id}"))
    assert "replaced by a newer one because the portfolio changed" in page
    assert client.get(f"/exports/{old_id}/download").status_code == 302


def portfolio_text(pdf: bytes) -> bytes:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return text.encode()


def test_a_pdf_that_cannot_be_made_says_so_and_can_be_tried_again(
    client, login_as, enrolment, monkeypatch, caplog
):
    def broken(enrolment, progress=None):
        progress(30, "Laying out the pages")
        raise RuntimeError("WeasyPrint fell over")

    monkeypatch.setattr(portfolio_pdf, "make", broken)
    login_as(enrolment.learner)

    export = ask_for_pdf(client, enrolment)

    assert export.status == ExportStatus.FAILED
    assert export.error.startswith("Sorry, the portfolio PDF could not be made")
    assert "WeasyPrint" not in export.error  # the details are logged, not shown
    assert "WeasyPrint fell over" in caplog.text
    page = page_text(client.get(f"/exports/{export.id}"))
    assert export.error in page and "Try again" in page
    status = client.get(f"/exports/{export.id}/status").get_json()
    assert status["status"] == "failed" and status["finished"] and not status["download_url"]
    assert client.get(f"/exports/{export.id}/download").status_code == 302

    monkeypatch.undo()
    again = ask_for_pdf(client, enrolment)

    assert again.id == export.id and again.status == ExportStatus.DONE and not again.error


def test_progress_is_written_to_the_export_while_the_pdf_is_made(
    client, login_as, enrolment, monkeypatch
):
    """Read from another connection, as another web process would see it."""
    seen, real_make = [], portfolio_pdf.make

    def watched(enrolment, progress):
        def report(percent, stage):
            progress(percent, stage)
            with db.engine.connect() as connection:
                row = connection.execute(
                    db.select(Export.status, Export.progress, Export.stage)
                ).one()
            seen.append(tuple(row))

        return real_make(enrolment, report)

    monkeypatch.setattr(portfolio_pdf, "make", watched)
    login_as(enrolment.learner)

    ask_for_pdf(client, enrolment)

    assert seen[0] == (ExportStatus.RUNNING, 5, "Gathering the portfolio")


def test_the_waiting_page_shows_progress_and_works_without_javascript(client, login_as, enrolment):
    export = Export(
        enrolment=enrolment,
        kind=ExportKind.PORTFOLIO_PDF,
        content_key="a" * 64,
        status=ExportStatus.RUNNING,
        progress=40,
        stage="Laying out the pages",
    )
    db.session.add(export)
    db.session.commit()
    login_as(enrolment.assessor)

    response = client.get(f"/exports/{export.id}")

    page = page_text(response)
    assert 'role="status"' in page and "Laying out the pages: 40% done." in page
    assert re.search(r'<label class="govuk-label" for="export-progress">', page)
    assert re.search(r'<progress id="export-progress"[^>]* value="40"', page)
    assert f'href="/exports/{export.id}">Check again</a>' in page
    assert "export-progress.js" in page
    status = client.get(f"/exports/{export.id}/status").get_json()
    assert status == {
        "status": "running",
        "progress": 40,
        "stage": "Laying out the pages",
        "message": "Laying out the pages: 40% done.",
        "finished": False,
        "download_url": None,
        "download_label": "Download the PDF (PDF)",
    }
    assert fetch(client, "/assets/js/export-progress.js").status_code == 200


@pytest.mark.parametrize("who", ["assessor", "iqa", "admin"])
def test_staff_who_may_see_the_portfolio_can_download_it(
    client, login_as, make_user, enrolment, who
):
    person = (
        make_user("admin", provider=enrolment.cohort.provider)
        if who == "admin"
        else getattr(enrolment, who)
    )
    login_as(person)

    export = ask_for_pdf(client, enrolment)
    response = fetch(client, f"/exports/{export.id}/download")

    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert export.requested_by_id == person.id


def test_the_caseload_has_a_download_button_for_each_learner(client, login_as, enrolment):
    login_as(enrolment.assessor)

    page = page_text(client.get("/caseload"))

    assert f'action="/portfolio/{enrolment.id}/exports/pdf"' in page
    assert "Download portfolio (PDF)" in page


def test_nobody_else_can_ask_for_or_download_the_pdf(
    client, login_as, make_user, make_enrolment, enrolment
):
    login_as(enrolment.learner)
    export = ask_for_pdf(client, enrolment)
    client.post("/sign-out")
    elsewhere = make_enrolment()
    for person in (
        make_user("learner", provider=enrolment.cohort.provider),
        make_user("assessor", provider=enrolment.cohort.provider),
        elsewhere.assessor,
        make_user("admin", provider=elsewhere.cohort.provider),
    ):
        login_as(person)
        assert client.post(f"/portfolio/{enrolment.id}/exports/pdf").status_code == 404
        assert client.post(f"/portfolio/{enrolment.id}/exports/archive").status_code == 404
        for url in ("", "/status", "/download"):
            assert client.get(f"/exports/{export.id}{url}").status_code == 404, url
        client.post("/sign-out")
    assert len(exports_of(enrolment)) == 1


def test_a_learner_downloads_the_archive_bundle(client, login_as, enrolment):
    submitted(enrolment, "PC1")
    login_as(enrolment.learner)

    response = client.post(f"/portfolio/{enrolment.id}/exports/archive")
    export = db.session.get(Export, int(response.headers["Location"].rsplit("/", 1)[1]))
    download = fetch(client, f"/exports/{export.id}/download")

    assert export.kind == ExportKind.ARCHIVE and export.status == ExportStatus.DONE
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert (
        f"portfolio-lee-o-learner-{enrolment.standard.urn}.zip"
        in (download.headers["Content-Disposition"])
    )
    names = zipfile.ZipFile(io.BytesIO(download.data)).namelist()
    assert {"portfolio.pdf", "manifest.json", "SHA256SUMS"} <= set(names)
    # the PDF and the bundle are separate exports of the same content
    pdf = ask_for_pdf(client, enrolment)
    assert pdf.id != export.id and pdf.content_key == export.content_key


def test_an_export_whose_worker_was_lost_is_queued_again(client, login_as, enrolment):
    from portfolio.services.export import contents, manifest

    lost = Export(
        enrolment=enrolment,
        kind=ExportKind.PORTFOLIO_PDF,
        content_key=manifest.content_key(contents.gather(enrolment)),
        status=ExportStatus.RUNNING,
        progress=30,
        created_at=utcnow() - jobs.ABANDONED_AFTER - timedelta(minutes=1),
    )
    db.session.add(lost)
    db.session.commit()
    login_as(enrolment.learner)

    export = ask_for_pdf(client, enrolment)

    assert export.id == lost.id and export.status == ExportStatus.DONE


def test_when_the_queue_cannot_be_reached_the_export_fails_with_a_message(
    app, enrolment, login_as, client, unused_port
):
    tasks.bind(tasks.QueueSettings(f"redis://127.0.0.1:{unused_port}/0"))
    try:
        login_as(enrolment.learner)
        export = ask_for_pdf(client, enrolment)
    finally:
        tasks.init_app(app)

    assert export.status == ExportStatus.FAILED
    assert "could not be started" in export.error


@pytest.fixture
def unused_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# ------------------------------------------------------------------------ the queue's settings


def test_the_queue_is_sqlite_in_the_instance_folder_unless_told_otherwise(tmp_path):
    assert tasks.QueueSettings.of({}, tmp_path).url == f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    settings = tasks.QueueSettings.of({"TASK_QUEUE_URL": "redis://queue.internal:6380/2"}, tmp_path)
    storage_class, options = tasks._storage(settings.url)
    assert storage_class.__name__ == "RedisStorage" and options["url"].endswith(":6380/2")
    with pytest.raises(ValueError, match="TASK_QUEUE_URL should be"):
        tasks._storage("amqp://rabbit/")


def test_the_worker_reads_the_same_configuration_as_the_app(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTFOLIO_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("TASK_QUEUE_URL", raising=False)
    assert tasks.configured_settings().url == f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    (tmp_path / "config.py").write_text('TASK_QUEUE_URL = "redis://from-the-file:6379/0"\n')
    assert tasks.configured_settings().url == "redis://from-the-file:6379/0"
    monkeypatch.setenv("TASK_QUEUE_URL", "redis://from-the-environment:6379/1")
    assert tasks.configured_settings().url == "redis://from-the-environment:6379/1"


def test_a_worker_refuses_an_app_configured_for_another_queue(app, monkeypatch):
    monkeypatch.setattr(tasks, "_in_worker", True)

    with pytest.raises(RuntimeError, match="same TASK_QUEUE_URL as the web server"):
        tasks.bind(tasks.QueueSettings("redis://somewhere-else:6379/0"))
    tasks.init_app(app)  # the app's own settings: nothing to change, nothing refused


# ----------------------------------------------------------- made when the unit is signed off


def sign_off_through_the_page(client, login_as, enrolment):
    from assessment_helpers import fully_met
    from people_helpers import PASSWORD

    fully_met(enrolment)
    login_as(enrolment.assessor)
    db.session.refresh(enrolment)
    response = client.post(
        f"/portfolio/{enrolment.id}/sign-off",
        data={
            "revision": str(enrolment.revision),
            "password": PASSWORD,
            "full_name": enrolment.assessor.name,
            "confirm": "y",
        },
    )
    assert response.status_code == 302, page_text(response)
    client.post("/sign-out")


def test_signing_off_makes_the_pdf_so_the_first_download_is_instant(client, login_as, enrolment):
    sign_off_through_the_page(client, login_as, enrolment)

    [made] = exports_of(enrolment)  # tasks run inline here: made during the sign-off
    assert made.kind == ExportKind.PORTFOLIO_PDF and made.status == ExportStatus.DONE
    assert made.requested_by == enrolment.assessor and jobs.ready(made)
    assert audit_actions().count("export.requested") == 1

    for person in (enrolment.learner, enrolment.assessor):
        login_as(person)
        export = ask_for_pdf(client, enrolment)
        assert export.id == made.id  # the same PDF: nothing made again
        assert fetch(client, f"/exports/{export.id}/download").status_code == 200
        client.post("/sign-out")
    assert exports_of(enrolment) == [made]
    assert audit_actions().count("export.requested") == 1


@pytest.fixture
def queue(app, tmp_path):
    from queue_helpers import held_queue

    yield from held_queue(app, tmp_path)


def test_signing_off_queues_the_pdf_for_the_worker(client, login_as, enrolment, queue):
    from queue_helpers import work

    sign_off_through_the_page(client, login_as, enrolment)

    [queued] = exports_of(enrolment)
    assert queued.status == ExportStatus.QUEUED and queued.storage_key is None
    assert queue.pending_count() == 1  # the web process made nothing: a worker will

    work(queue)
    login_as(enrolment.learner)
    export = ask_for_pdf(client, enrolment)

    assert export.id == queued.id and export.status == ExportStatus.DONE
    assert queue.pending_count() == 0 and exports_of(enrolment) == [queued]
    assert stored_bytes(export).startswith(b"%PDF")
