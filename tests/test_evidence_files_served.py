"""Files are served with safe headers; photos are shown upright and without location data."""

import io

import pytest
from evidence_samples import (
    make_draft,
    pdf_document,
    photo_jpeg,
    png_image,
    upload,
    wav_recording,
    webp_image,
)
from PIL import Image

from portfolio.extensions import db
from portfolio.models import EvidenceFile


@pytest.fixture
def draft(make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    return make_draft(enrolment)


def uploaded(client, draft, content, name) -> EvidenceFile:
    assert upload(client, draft, (content, name)).status_code == 201
    return db.session.scalars(db.select(EvidenceFile).order_by(EvidenceFile.id.desc())).first()


def fetch(client, url, **kwargs):
    with client.get(url, **kwargs) as response:
        return response.status_code, response.headers, response.get_data()


def test_a_photo_is_shown_upright_small_and_without_location_or_camera_data(client, draft):
    photo = uploaded(client, draft, photo_jpeg(width=80, height=40, orientation=6), "session.jpg")
    status, headers, body = fetch(client, f"/files/{photo.id}/display")
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Content-Disposition"].startswith("inline")
    shown = Image.open(io.BytesIO(body))
    assert shown.size == (40, 80)  # EXIF said "rotate 90°": the display copy is upright
    assert (photo.derivative_width, photo.derivative_height) == (40, 80)
    assert shown.getpixel((20, 5))[0] > 200  # the yellow half is now on top
    assert not shown.getexif()
    assert b"Exif" not in body and b"PhoneMaker" not in body and b"Example Street" not in body
    assert "exif" not in shown.info and "comment" not in shown.info


def test_a_large_photo_gets_a_display_copy_no_bigger_than_1600_pixels(client, draft):
    photo = uploaded(client, draft, photo_jpeg(width=4000, height=3000, orientation=1), "big.jpg")
    _, _, body = fetch(client, f"/files/{photo.id}/display")
    assert Image.open(io.BytesIO(body)).size == (1600, 1200)


def test_a_transparent_png_gets_a_white_background(client, draft):
    image = uploaded(client, draft, png_image(), "diagram.png")
    _, _, body = fetch(client, f"/files/{image.id}/display")
    assert Image.open(io.BytesIO(body)).mode == "RGB"


@pytest.mark.parametrize(
    ("webp", "size"),
    [
        (webp_image(60, 30, gps=True), (60, 30)),
        (webp_image(60, 30, alpha=True), (60, 30)),
        (webp_image(40, 20, frames=3), (40, 20)),
    ],
    ids=["with camera data", "with transparency", "animated"],
)
def test_a_webp_image_from_a_phone_gets_a_display_copy_without_its_location(
    client, draft, webp, size
):
    assert webp[12:16] == b"VP8X"  # the extended format that carries EXIF, alpha, animation
    image = uploaded(client, draft, webp, "shared from chat.webp")
    status, headers, body = fetch(client, f"/files/{image.id}/display")
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    shown = Image.open(io.BytesIO(body))
    assert shown.size == size and shown.mode == "RGB"
    assert not shown.getexif() and b"PhoneMaker" not in body


def test_the_original_photo_downloads_as_an_attachment_never_inline(client, draft):
    photo = uploaded(client, draft, photo_jpeg(), "session.jpg")
    status, headers, body = fetch(client, f"/files/{photo.id}")
    assert status == 200
    assert headers["Content-Disposition"] == "attachment; filename=session.jpg"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Content-Type"] == "image/jpeg"
    assert body == photo_jpeg()


def test_audio_plays_inline_with_the_detected_type_and_can_seek(client, draft):
    recording = wav_recording()
    audio = uploaded(client, draft, recording, "meeting.wav")
    status, headers, body = fetch(client, f"/files/{audio.id}")
    assert status == 200
    assert headers["Content-Type"] == "audio/wav"
    assert headers["Content-Disposition"].startswith("inline")
    assert headers["Accept-Ranges"] == "bytes"
    assert "sandbox" in headers["Content-Security-Policy"]
    status, headers, body = fetch(client, f"/files/{audio.id}", headers={"Range": "bytes=100-199"})
    assert status == 206
    assert headers["Content-Range"] == f"bytes 100-199/{len(recording)}"
    assert body == recording[100:200]


def test_a_range_beyond_the_end_is_refused(client, draft):
    audio = uploaded(client, draft, wav_recording(), "meeting.wav")
    status, _, _ = fetch(client, f"/files/{audio.id}", headers={"Range": "bytes=999999-"})
    assert status == 416


def test_a_pdf_opens_inline_and_a_repeat_request_is_answered_from_cache(client, draft):
    pdf = uploaded(client, draft, pdf_document(), "plan.pdf")
    status, headers, _ = fetch(client, f"/files/{pdf.id}")
    assert status == 200 and headers["Content-Disposition"] == "inline; filename=plan.pdf"
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Security-Policy"].endswith("; sandbox")  # its script runs nowhere
    assert "private" in headers["Cache-Control"]
    status, _, _ = fetch(client, f"/files/{pdf.id}", headers={"If-None-Match": headers["ETag"]})
    assert status == 304


def test_the_stored_type_comes_from_the_content_not_the_browser(client, draft):
    response = client.post(
        f"/evidence/{draft.id}/files",
        data={
            "consent": "no_people",
            "files": (io.BytesIO(pdf_document()), "plan.pdf", "text/html"),
        },
        content_type="multipart/form-data",
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 201
    file = db.session.scalars(db.select(EvidenceFile)).one()
    _, headers, _ = fetch(client, f"/files/{file.id}")
    assert headers["Content-Type"] == "application/pdf"


def test_documents_without_a_display_copy_have_no_display_route(client, draft):
    pdf = uploaded(client, draft, pdf_document(), "plan.pdf")
    status, _, _ = fetch(client, f"/files/{pdf.id}/display")
    assert status == 404


def test_the_evidence_page_plays_audio_and_shows_photos_in_the_page(client, draft):
    photo = uploaded(client, draft, photo_jpeg(), "session.jpg")
    audio = uploaded(client, draft, wav_recording(), "meeting.wav")
    page = client.get(f"/evidence/{draft.id}").get_data(as_text=True)
    assert f'<audio controls preload="metadata" src="/files/{audio.id}"' in page
    assert f'src="/files/{photo.id}/display" alt="Photo: session.jpg"' in page
    assert f'src="/files/{photo.id}"' not in page  # the original (with its metadata) is not shown


def test_a_missing_file_is_not_found(client, draft):
    assert fetch(client, "/files/999")[0] == 404


def test_a_file_that_only_looks_like_a_heic_photo_is_refused_by_name(client, draft):
    import struct

    box = b"ftypheic" + struct.pack(">I", 0) + b"mif1heic"
    fake = struct.pack(">I", len(box) + 4) + box + bytes(200)
    response = upload(client, draft, (fake, "IMG_0001.HEIC"))
    assert response.status_code == 422
    assert response.json["errors"][0].startswith("IMG_0001.HEIC could not be opened as an image")
