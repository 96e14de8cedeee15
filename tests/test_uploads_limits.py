"""How much a learner may upload: each file up to MAX_UPLOAD_BYTES, and in one plain form post
up to MAX_REQUEST_BYTES altogether (four files' worth unless set), with a page that says which
limit was met."""

import html

import pytest
from evidence_samples import make_draft, stored_files

from portfolio import create_app
from portfolio.extensions import db
from portfolio.models import EvidenceFile

MIB = 1024 * 1024


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MAX_UPLOAD_BYTES": MIB}


@pytest.fixture
def draft(make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    return make_draft(enrolment)


def pdf_of(size: int) -> bytes:
    return b"%PDF-1.7\n" + bytes(size - 9)


def page_text(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def assert_nothing_kept(app):
    assert db.session.scalars(db.select(EvidenceFile)).all() == []
    assert stored_files(app) == []


def post(client, draft, *files, as_json=False):
    """Upload as one multipart body held in memory (given a form, the test client spools a
    large body to a temporary file it leaves open when the app refuses to read it)."""
    boundary = "evidence-limits-boundary"
    body = b'--%s\r\nContent-Disposition: form-data; name="consent"\r\n\r\nno_people\r\n' % (
        boundary.encode()
    )
    for content, name in files:
        body += (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
                f'filename="{name}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    body += f"--{boundary}--\r\n".encode()
    return client.post(
        f"/evidence/{draft.id}/files",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Accept": "application/json"} if as_json else {},
    )


def test_several_files_each_under_the_limit_upload_in_one_plain_form_post(app, client, draft):
    files = [(pdf_of(900 * 1024), f"session {n} notes.pdf") for n in (1, 2, 3)]
    response = post(client, draft, *files)
    assert response.status_code == 302
    page = page_text(client.get(response.location))
    assert "Uploaded: session 1 notes.pdf, session 2 notes.pdf, session 3 notes.pdf" in page
    assert len(db.session.scalars(db.select(EvidenceFile)).all()) == 3


def test_a_file_over_the_limit_is_named_on_the_too_large_page(app, client, draft):
    response = post(
        client,
        draft,
        (pdf_of(100 * 1024), "agenda.pdf"),
        (pdf_of(MIB + 1), "whole day recording notes.pdf"),
    )
    assert response.status_code == 413
    page = page_text(response)
    assert "That file is too large" in page
    assert "whole day recording notes.pdf is larger than 1 MiB, the most one file can be." in page
    assert_nothing_kept(app)


def test_the_uploader_is_told_which_file_was_too_large(app, client, draft):
    response = post(client, draft, (pdf_of(MIB + 1), "big plan.pdf"), as_json=True)
    assert response.status_code == 413
    assert response.json["detail"].startswith("big plan.pdf is larger than 1 MiB")
    assert_nothing_kept(app)


def test_too_much_at_once_explains_both_limits(app, client, draft):
    files = [(pdf_of(900 * 1024), f"part {n}.pdf") for n in range(5)]  # 4.4 MiB > 4 MiB
    response = post(client, draft, *files)
    assert response.status_code == 413
    page = page_text(response)
    assert "Each file can be at most 1 MiB, and the files you upload at once can be at most " in (
        page
    )
    assert "4 MiB altogether." in page and "Upload fewer files at a time" in page
    assert_nothing_kept(app)


def test_the_form_says_how_much_can_go_at_once_without_javascript(client, draft):
    page = page_text(client.get(f"/evidence/{draft.id}"))
    assert "up to 1 MiB each. You can choose several at once" in page
    assert "(up to 4 MiB altogether)" in page


def test_the_request_limit_is_four_files_worth_unless_set(tmp_path, monkeypatch):
    monkeypatch.delenv("MAX_REQUEST_BYTES", raising=False)
    monkeypatch.delenv("MAX_UPLOAD_BYTES", raising=False)
    base = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x"}
    assert create_app(base).config["MAX_REQUEST_BYTES"] == 4 * 1024**3
    assert create_app({**base, "MAX_UPLOAD_BYTES": MIB}).config["MAX_REQUEST_BYTES"] == 4 * MIB
    monkeypatch.setenv("MAX_REQUEST_BYTES", str(10 * MIB))
    configured = create_app({**base, "MAX_UPLOAD_BYTES": MIB}).config
    assert configured["MAX_REQUEST_BYTES"] == 10 * MIB
    # every other route takes a form's worth, whatever the upload limits
    assert configured["MAX_CONTENT_LENGTH"] == 2 * MIB
