"""Nobody but the learner who took a photo receives where it was taken: the display copy, the
print copy the portfolio PDF embeds and the "Download" copy that assessors, IQAs and
administrators get carry no location or camera data; only the learner downloads their
untouched original. iPhone (HEIC) photos get copies too."""

import io
import json
import re
import subprocess

import pytest
from evidence_samples import (
    heic_photo,
    make_draft,
    multi_picture_jpeg,
    pdf_document,
    photo_jpeg,
    png_photo,
    stored_files,
    upload,
    webp_image,
)
from PIL import Image, ImageChops

from portfolio.extensions import db
from portfolio.models import EvidenceFile
from portfolio.services import evidence as evidence_service
from portfolio.storage import get_storage

GPS_IFD = 0x8825


@pytest.fixture
def enrolment(make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    return enrolment


def submitted_with(client, enrolment, content, name) -> EvidenceFile:
    """The learner uploads one photo to a draft and submits it, then signs out."""
    draft = make_draft(enrolment)
    assert upload(client, draft, (content, name), consent="no_people").status_code == 201
    evidence_service.set_mappings(draft, {enrolment.standard.criterion("PC3"): "Objectives."})
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)
    client.post("/sign-out")
    return db.session.scalars(db.select(EvidenceFile)).one()


def fetch(client, url):
    with client.get(url) as response:
        return response.status_code, response.headers, response.get_data()


def location_in(body: bytes) -> dict:
    """What an image file says about where it was taken (empty when nothing)."""
    image = Image.open(io.BytesIO(body))
    return dict(image.getexif().get_ifd(GPS_IFD))


def same_picture(first: bytes, second: bytes) -> bool:
    a, b = Image.open(io.BytesIO(first)), Image.open(io.BytesIO(second))
    return (
        a.size == b.size
        and ImageChops.difference(a.convert("RGB"), b.convert("RGB")).getbbox() is None
    )


@pytest.mark.parametrize(
    ("content", "name", "content_type"),
    [
        (photo_jpeg(orientation=1), "session.jpg", "image/jpeg"),
        (png_photo(), "flipchart.png", "image/png"),
    ],
    ids=["JPEG", "PNG"],
)
@pytest.mark.parametrize("who", ["assessor", "iqa", "admin"])
def test_staff_download_the_full_photo_without_where_it_was_taken(
    client, login_as, make_user, enrolment, content, name, content_type, who
):
    assert location_in(content)  # the phone recorded where the photo was taken
    photo = submitted_with(client, enrolment, content, name)
    person = {
        "assessor": enrolment.assessor,
        "iqa": enrolment.iqa,
        "admin": make_user("admin", provider=enrolment.cohort.provider),
    }[who]
    login_as(person)

    status, headers, body = fetch(client, f"/files/{photo.id}")
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert headers["Content-Disposition"] == f"attachment; filename={name}"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert location_in(body) == {}
    assert b"PhoneMaker" not in body and b"Example Street" not in body
    assert same_picture(body, content)  # full resolution, the same pixels
    assert body != content

    # Nothing the evidence page links to carries the location either.
    page = client.get(f"/evidence/{photo.evidence_id}").get_data(as_text=True)
    links = set(re.findall(r'(?:src|href)="(/files/[^"]+)"', page))
    assert links == {f"/files/{photo.id}", f"/files/{photo.id}/display"}
    for url in links:
        status, _, body = fetch(client, url)
        assert status == 200 and location_in(body) == {}, url


def test_the_learner_downloads_their_untouched_original(client, login_as, enrolment):
    original = photo_jpeg()
    photo = submitted_with(client, enrolment, original, "session.jpg")
    login_as(enrolment.learner)
    status, headers, body = fetch(client, f"/files/{photo.id}")
    assert status == 200 and body == original
    assert location_in(body)
    page = client.get(f"/evidence/{photo.evidence_id}").get_data(as_text=True)
    assert "When you download a photo you get your original" in page

    client.post("/sign-out")
    login_as(enrolment.assessor)
    page = client.get(f"/evidence/{photo.evidence_id}").get_data(as_text=True)
    assert "When you download a photo you get your original" not in page
    assert f"({photo.shared_size} bytes)" in page  # the size of what they will get


def test_a_sideways_photo_stays_upright_in_the_shared_copy(client, login_as, enrolment):
    original = photo_jpeg(width=80, height=40, orientation=6)
    photo = submitted_with(client, enrolment, original, "session.jpg")
    login_as(enrolment.assessor)
    _, _, body = fetch(client, f"/files/{photo.id}")
    shared = Image.open(io.BytesIO(body))
    assert dict(shared.getexif()) == {0x0112: 6}  # orientation, and nothing else
    assert same_picture(body, original)


def test_a_second_picture_hidden_in_a_photo_is_not_passed_on(client, login_as, enrolment):
    original = multi_picture_jpeg()
    assert original.count(b"PhoneMaker") == 2  # both pictures say where they were taken
    photo = submitted_with(client, enrolment, original, "burst.jpg")
    login_as(enrolment.assessor)
    _, _, body = fetch(client, f"/files/{photo.id}")
    assert body.count(b"\xff\xd8") == 1 and b"PhoneMaker" not in body
    assert location_in(body) == {}


def test_an_iphone_heic_photo_gets_a_display_copy_and_a_jpeg_for_others(
    client, login_as, enrolment
):
    original = heic_photo(width=80, height=40, orientation=6)
    photo = submitted_with(client, enrolment, original, "IMG_0001.HEIC")
    assert photo.content_type == "image/heic"
    login_as(enrolment.assessor)

    page = client.get(f"/evidence/{photo.evidence_id}").get_data(as_text=True)
    assert f'src="/files/{photo.id}/display" alt="Photo: IMG_0001.HEIC"' in page
    status, _, body = fetch(client, f"/files/{photo.id}/display")
    assert status == 200 and Image.open(io.BytesIO(body)).size == (40, 80)  # upright
    status, headers, body = fetch(client, f"/files/{photo.id}")
    assert status == 200
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["Content-Disposition"] == "attachment; filename=IMG_0001.jpg"
    shared = Image.open(io.BytesIO(body))
    assert shared.size == (40, 80) and location_in(body) == {} and b"PhoneMaker" not in body

    client.post("/sign-out")
    login_as(enrolment.learner)
    _, headers, body = fetch(client, f"/files/{photo.id}")
    assert body == original and headers["Content-Type"] == "image/heic"


def test_documents_are_served_to_staff_as_uploaded(client, login_as, enrolment):
    document = pdf_document()
    file = submitted_with(client, enrolment, document, "plan.pdf")
    login_as(enrolment.assessor)
    status, headers, body = fetch(client, f"/files/{file.id}")
    assert status == 200 and body == document
    assert headers["Content-Disposition"] == "inline; filename=plan.pdf"


def test_a_photo_without_a_shared_copy_is_never_sent_to_staff_as_the_original(
    app, client, login_as, enrolment, runner
):
    photo = submitted_with(client, enrolment, photo_jpeg(), "session.jpg")
    # As if uploaded before shared copies existed:
    photo.shared_name = photo.shared_content_type = photo.shared_size = None
    db.session.commit()
    login_as(enrolment.assessor)
    assert fetch(client, f"/files/{photo.id}")[0] == 404
    page = client.get(f"/evidence/{photo.evidence_id}").get_data(as_text=True)
    assert "This file cannot be downloaded yet." in page

    result = runner.invoke(args=["files", "make-copies"])
    assert "Made copies of 1 file(s)." in result.output
    db.session.refresh(photo)
    status, _, body = fetch(client, f"/files/{photo.id}")
    assert status == 200 and location_in(body) == {}


def test_removing_a_photo_removes_its_copies_too(app, client, enrolment):
    draft = make_draft(enrolment)
    upload(client, draft, (photo_jpeg(), "session.jpg"))
    assert len(stored_files(app)) == 4  # the original, the display, print and shared copies
    client.post(f"/evidence/{draft.id}/files/{draft.files[0].id}/delete")
    assert stored_files(app) == []


# ------------------------------------------------- what exiftool, another reader, finds in them

CAMERA_TAG = re.compile(r"GPS|Location|Make|Model|Serial")


def camera_tags(app, key: str, tmp_path) -> dict:
    """The location and camera tags exiftool reads in a stored file (empty when none)."""
    path = tmp_path / key
    with get_storage(app).open(key) as stored:
        path.write_bytes(stored.read())
    described = subprocess.run(
        ["exiftool", "-j", "-G1", "-a", "-u", "-ee", str(path)], capture_output=True, check=True
    )
    [tags] = json.loads(described.stdout)
    return {k: v for k, v in tags.items() if CAMERA_TAG.search(k.rsplit(":", 1)[-1])}


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (photo_jpeg(), "session.jpg"),
        (png_photo(), "flipchart.png"),
        (webp_image(), "from chat.webp"),
        (multi_picture_jpeg(), "burst.jpg"),
        (heic_photo(), "IMG_0001.HEIC"),
    ],
    ids=["JPEG", "PNG", "WebP", "two pictures", "HEIC"],
)
def test_exiftool_finds_no_location_or_camera_in_any_copy_of_a_photo(
    app, client, enrolment, tmp_path, content, name
):
    upload(client, make_draft(enrolment), (content, name))
    photo = db.session.scalars(db.select(EvidenceFile)).one()
    assert camera_tags(app, photo.stored_name, tmp_path)  # the original says where and on what
    for key in (photo.shared_name, photo.derivative_name, photo.print_name):
        assert camera_tags(app, key, tmp_path) == {}


# --------------------------------------------------------------------------------- print copies


def print_copy_of(app, photo: EvidenceFile) -> Image.Image:
    with get_storage(app).open(photo.print_name) as stored:
        return Image.open(io.BytesIO(stored.read()))


@pytest.mark.parametrize(
    ("size", "printed"),
    [((4000, 3000), (1600, 1200)), ((800, 600), (800, 600))],
    ids=["large, made smaller", "small, never enlarged"],
)
def test_a_photo_gets_a_print_sized_copy_without_camera_data_when_uploaded(
    app, client, enrolment, size, printed
):
    upload(client, make_draft(enrolment), (photo_jpeg(*size, orientation=1), "session.jpg"))
    photo = db.session.scalars(db.select(EvidenceFile)).one()
    image = print_copy_of(app, photo)
    assert image.format == "JPEG" and image.size == printed
    assert (photo.print_width, photo.print_height) == printed
    assert not image.getexif() and "comment" not in image.info


def test_an_iphone_photo_gets_an_upright_print_copy(app, client, enrolment):
    upload(client, make_draft(enrolment), (heic_photo(80, 40, orientation=6), "IMG_0001.HEIC"))
    photo = db.session.scalars(db.select(EvidenceFile)).one()
    image = print_copy_of(app, photo)
    assert image.format == "JPEG" and image.size == (40, 80) and not image.getexif()


def test_photos_from_before_print_copies_get_one_and_keep_their_other_copies(
    app, client, enrolment, runner
):
    photo = submitted_with(client, enrolment, photo_jpeg(2000, 1000, orientation=6), "a.jpg")
    revised = evidence_service.revise(photo.evidence)  # a second version sharing the bytes
    rows = [photo, revised.files[0]]
    before = [(row.derivative_name, row.shared_name) for row in rows]
    get_storage(app).delete(photo.print_name)  # as if uploaded before print copies existed
    for row in rows:
        row.print_name = row.print_width = row.print_height = None
    db.session.commit()

    result = runner.invoke(args=["files", "make-copies"])
    assert result.output == "Made copies of 1 file(s).\n"
    for row in rows:
        db.session.refresh(row)
    assert [(row.derivative_name, row.shared_name) for row in rows] == before
    assert rows[0].print_name == rows[1].print_name
    assert print_copy_of(app, photo).size == (800, 1600)  # upright
    assert len(stored_files(app)) == 4  # nothing left over
    assert runner.invoke(args=["files", "make-copies"]).output == "Made copies of 0 file(s).\n"
