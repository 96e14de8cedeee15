"""A learner uploads files to their evidence: what is accepted, and what is refused and how.

Every refusal must name the file, and leave neither a database row nor a stored file behind.
"""

import html

import pytest
import werkzeug.wrappers.request
from evidence_samples import (
    bomb_png,
    docx_document,
    linux_program,
    make_draft,
    mp4_video,
    odt_document,
    pdf_document,
    photo_jpeg,
    plain_zip,
    stored_files,
    upload,
    wav_recording,
    windows_program,
)

from portfolio.extensions import db
from portfolio.models import AuditEntry, ConsentStatus, EvidenceFile


@pytest.fixture
def draft(make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    return make_draft(enrolment)


def files_in_database():
    return db.session.scalars(db.select(EvidenceFile)).all()


def assert_nothing_kept(app):
    assert files_in_database() == []
    assert stored_files(app) == []


@pytest.mark.parametrize(
    ("content", "name", "stored_type"),
    [
        (pdf_document(), "plan.pdf", "application/pdf"),
        (
            docx_document(),
            "letter of agreement.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (odt_document(), "notes.odt", "application/vnd.oasis.opendocument.text"),
        (photo_jpeg(), "session.JPG", "image/jpeg"),
        (wav_recording(), "community meeting.wav", "audio/wav"),
        (mp4_video(), "workshop.mp4", "video/mp4"),
    ],
)
def test_learner_uploads_documents_photos_audio_and_video(
    app, client, draft, content, name, stored_type
):
    response = upload(client, draft, (content, name))
    assert response.status_code == 201
    assert response.json["files"][0]["name"] == name
    [row] = files_in_database()
    assert (row.original_name, row.content_type, row.size) == (name, stored_type, len(content))
    assert len(row.stored_name) == 32 and name not in row.stored_name
    assert row.stored_name.lower() not in name.lower()
    assert f"{row.stored_name[:2]}/{row.stored_name}" in stored_files(app)


def test_a_voice_recording_from_an_android_phone_is_kept_as_audio_and_plays(app, client, draft):
    import struct

    ftyp = b"ftypmp42" + struct.pack(">I", 0) + b"isommp42"
    m4a = struct.pack(">I", len(ftyp) + 4) + ftyp + bytes(300)
    response = upload(client, draft, (m4a, "Voice 001.m4a"))
    assert response.status_code == 201
    [row] = files_in_database()
    assert row.content_type == "audio/mp4"
    page = client.get(f"/evidence/{draft.id}").get_data(as_text=True)
    assert f'<audio controls preload="metadata" src="/files/{row.id}"' in page


def test_the_digest_is_computed_while_the_file_streams_in(app, client, draft):
    import hashlib

    content = pdf_document()
    upload(client, draft, (content, "plan.pdf"))
    [row] = files_in_database()
    assert row.sha256 == hashlib.sha256(content).hexdigest()


def test_uploads_stream_into_storage_without_a_temporary_copy(app, client, draft, monkeypatch):
    def no_spooling(*args, **kwargs):
        raise AssertionError("the upload was spooled to a temporary file")

    monkeypatch.setattr(werkzeug.wrappers.request, "default_stream_factory", no_spooling)
    response = upload(client, draft, (wav_recording(), "meeting.wav"))
    assert response.status_code == 201


def test_nobody_signed_in_can_write_to_evidence_storage(app, client, draft, monkeypatch):
    client.post("/sign-out")
    monkeypatch.setattr(werkzeug.wrappers.request, "default_stream_factory", None)
    # CSRF protection reads the form before the view runs, so the body is parsed early:
    app.config["WTF_CSRF_ENABLED"] = True
    response = upload(client, draft, (pdf_document(), "plan.pdf"), as_json=False)
    assert response.status_code == 403
    assert "You cannot do that" in response.get_data(as_text=True)
    assert_nothing_kept(app)


def test_several_files_at_once_without_javascript(app, client, draft):
    response = upload(
        client,
        draft,
        (photo_jpeg(), "a.jpg"),
        (wav_recording(), "b.wav"),
        (pdf_document(), "c.pdf"),
        as_json=False,
    )
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Uploaded: a.jpg, b.wav, c.pdf" in page
    assert len(files_in_database()) == 3


def test_the_consent_answer_is_recorded_with_each_file_and_audited(app, client, draft):
    upload(client, draft, (photo_jpeg(), "children.jpg"), consent="obtained")
    [row] = files_in_database()
    assert row.consent == ConsentStatus.OBTAINED
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "evidence.file_added")
    ).one()
    assert entry.details["name"] == "children.jpg"
    assert entry.details["consent"] == "obtained"


def test_consent_must_be_answered_when_files_are_attached(app, client, draft):
    response = upload(client, draft, (photo_jpeg(), "children.jpg"), consent=None)
    assert response.status_code == 422
    assert "whether they consented" in response.json["errors"][0]
    assert_nothing_kept(app)


# ----------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (windows_program(), "minutes.pdf", "minutes.pdf is not a type of file you can upload"),
        (linux_program(), "photo.jpg", "photo.jpg is not a type of file you can upload"),
        (windows_program(), "setup.exe", "setup.exe is not a type of file you can upload"),
        (plain_zip(), "archive.docx", "archive.docx is not a type of file you can upload"),
        (b"just some text", "notes.txt", "notes.txt is not a type of file you can upload"),
        (
            photo_jpeg(),
            "report.pdf",
            "report.pdf is named as a .pdf file but its content is a JPEG photo",
        ),
        (
            pdf_document(),
            "plan.docx",
            "plan.docx is named as a .docx file but its content is a PDF",
        ),
        (b"", "empty.pdf", "empty.pdf is empty (0 bytes)"),
        (
            pdf_document(),
            "voice.m4a",
            "voice.m4a is named as a .m4a file but its content is a PDF",
        ),
    ],
)
def test_wrong_renamed_or_empty_files_are_refused_by_name(
    app, client, draft, content, name, message
):
    response = upload(client, draft, (content, name))
    assert response.status_code == 422
    assert any(error.startswith(message) for error in response.json["errors"])
    assert_nothing_kept(app)


def test_one_bad_file_refuses_the_whole_batch_and_says_which(app, client, draft):
    response = upload(
        client,
        draft,
        (photo_jpeg(), "good.jpg"),
        (windows_program(), "bad.pdf"),
        (pdf_document(), "fine.pdf"),
        as_json=False,
    )
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert "<title>Error: " in page
    assert "bad.pdf is not a type of file you can upload" in page
    assert "good.jpg" not in page.split("There is a problem")[1].split("</ul>")[0]
    assert_nothing_kept(app)


def test_a_decompression_bomb_is_refused_without_being_decoded(app, client, draft):
    response = upload(client, draft, (bomb_png(), "huge.png"))
    assert response.status_code == 422
    [message] = response.json["errors"]
    assert message.startswith("huge.png has too many pixels to open safely")
    assert_nothing_kept(app)


def test_a_damaged_photo_is_refused(app, client, draft):
    damaged = photo_jpeg()[:200]
    response = upload(client, draft, (damaged, "broken.jpg"))
    assert response.status_code == 422
    assert response.json["errors"][0].startswith("broken.jpg could not be opened as an image")
    assert_nothing_kept(app)


def test_path_characters_in_a_name_are_only_ever_a_label(app, client, draft):
    name = "../../../etc/passwd.pdf"
    response = upload(client, draft, (pdf_document(), name))
    assert response.status_code == 201
    [row] = files_in_database()
    assert row.original_name == name
    assert "/" not in row.stored_name
    assert all(path.count("/") == 1 and ".." not in path for path in stored_files(app))
    with client.get(f"/files/{row.id}") as download:
        assert download.headers["Content-Disposition"] == "inline; filename=passwd.pdf"


def test_a_script_in_a_file_name_is_shown_as_text(app, client, draft):
    name = '<img src=x onerror="alert(1)">.pdf'
    upload(client, draft, (pdf_document(), name))
    page = client.get(f"/evidence/{draft.id}").get_data(as_text=True)
    assert "&lt;img src=x onerror=" in page
    assert '<img src=x onerror="alert(1)">' not in page
    [row] = files_in_database()
    with client.get(f"/files/{row.id}") as download:
        disposition = download.headers["Content-Disposition"]
    assert "<" not in disposition and ">" not in disposition


def test_control_characters_and_direction_overrides_are_taken_out_of_names(app, client, draft):
    response = upload(client, draft, (pdf_document(), "invoice\u202efdp.exe\u200b.pdf"))
    assert response.status_code == 201
    [row] = files_in_database()
    assert row.original_name == "invoicefdp.exe.pdf"


def test_an_upload_with_no_file_chosen_asks_for_one(app, client, draft):
    response = upload(client, draft, (b"", ""), as_json=False)
    assert response.status_code == 422
    assert "Choose at least one file to upload." in response.get_data(as_text=True)
    assert_nothing_kept(app)


def test_a_database_error_while_saving_removes_the_stored_files(app, client, draft, monkeypatch):
    from portfolio.services import evidence_files

    def failing_record(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(evidence_files, "record", failing_record)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = upload(client, draft, (photo_jpeg(), "photo.jpg"), (pdf_document(), "plan.pdf"))
    assert response.status_code == 500
    assert_nothing_kept(app)
