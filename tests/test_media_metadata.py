"""Nobody but the learner who recorded a video or a voice memo receives where, or on what, it was
recorded: assessors, IQAs, administrators (and bundles) get a copy with the same pictures and
sound and no location or device tags, which still plays and seeks. exiftool, a different tool
from the one that makes the copy, is the judge."""

import html
import io
import json
import logging
import re
import subprocess

import pytest
from evidence_samples import (
    ISO6709,
    TAGGED_MEDIA,
    drone_video,
    make_draft,
    mp4_video,
    phone_recording,
    phone_video,
    stored_files,
    tagged_media,
    upload,
)

from portfolio.errors import human_size
from portfolio.extensions import db
from portfolio.models import CopyStatus, EvidenceFile
from portfolio.services import evidence as evidence_service
from portfolio.services import filetypes, media_metadata
from portfolio.storage import get_storage

#: tag names that say where a recording was made or on what device (exiftool -G1 names)
PRIVATE = re.compile(r"GPS|Location|Coordinates|Make|Model|Serial|Artist|Comment|^Description$")
#: the values the samples were tagged with ("Apple" is left out: ffmpeg names Apple's iTunes
#: metadata handler in every MP4 it writes, and the Make tag is checked by name)
PRIVATE_VALUES = ("51.5074", "51 deg 30", "iPhone", "Example Street", "PhoneMaker")


@pytest.fixture
def enrolment(make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    return enrolment


def submitted_with(client, enrolment, content, name) -> EvidenceFile:
    """The learner uploads one file to a draft and submits it, then signs out."""
    draft = make_draft(enrolment)
    assert upload(client, draft, (content, name)).status_code == 201
    evidence_service.set_mappings(draft, {enrolment.standard.criterion("PC3"): "Objectives."})
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)
    client.post("/sign-out")
    return db.session.scalars(db.select(EvidenceFile)).one()


def text_of(response) -> str:
    """A page's words as a person reads them: tags gone, spaces collapsed."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return " ".join(html.unescape(words).split())


def fetch(client, url, **kwargs):
    with client.get(url, **kwargs) as response:
        return response.status_code, response.headers, response.get_data()


def described(content: bytes, tmp_path, name="media") -> dict:
    """What exiftool reads in a file, embedded timed metadata included."""
    path = tmp_path / name
    path.write_bytes(content)
    result = subprocess.run(
        ["exiftool", "-j", "-G1", "-a", "-u", "-ee", str(path)], capture_output=True, check=True
    )
    return json.loads(result.stdout)[0]


def private_in(content: bytes, tmp_path) -> dict:
    """Every tag that says where or on what the file was recorded (empty when none)."""
    return {
        key: value
        for key, value in described(content, tmp_path).items()
        if PRIVATE.search(key.rsplit(":", 1)[-1]) or any(v in str(value) for v in PRIVATE_VALUES)
    }


def streams(content: bytes, tmp_path) -> list[str]:
    """The streams ffprobe finds and can read, as 'codec_type:codec_name'."""
    path = tmp_path / "probed"
    path.write_bytes(content)
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name",
         "-of", "json", str(path)],
        capture_output=True, check=True,
    )  # fmt: skip
    return [f"{s['codec_type']}:{s['codec_name']}" for s in json.loads(result.stdout)["streams"]]


def stored(app, key: str) -> bytes:
    with get_storage(app).open(key) as file:
        return file.read()


@pytest.mark.parametrize("who", ["assessor", "iqa", "admin"])
def test_staff_play_a_phone_video_without_where_or_on_what_it_was_filmed(
    client, login_as, make_user, enrolment, tmp_path, who
):
    original = phone_video()
    recorded = private_in(original, tmp_path)
    assert recorded["Keys:GPSCoordinates"] and recorded["Keys:Model"] == "iPhone 15"
    video = submitted_with(client, enrolment, original, "IMG_0042.MP4")
    login_as(
        {
            "assessor": enrolment.assessor,
            "iqa": enrolment.iqa,
            "admin": make_user("admin", provider=enrolment.cohort.provider),
        }[who]
    )

    status, headers, body = fetch(client, f"/files/{video.id}")
    assert status == 200 and body != original
    assert headers["Content-Type"] == "video/mp4"
    assert headers["Content-Disposition"] == "inline; filename=IMG_0042.MP4"
    assert private_in(body, tmp_path) == {}
    assert ISO6709.encode() not in body and b"iPhone" not in body
    assert streams(body, tmp_path) == streams(original, tmp_path) == ["video:mpeg4", "audio:aac"]
    tags = described(body, tmp_path)
    assert tags["QuickTime:Duration"] == "1.00 s"
    assert tags["Composite:Rotation"] == 90  # filmed upright, still shown upright


def test_the_learner_who_filmed_it_gets_their_original(client, login_as, enrolment, tmp_path):
    original = phone_video()
    video = submitted_with(client, enrolment, original, "IMG_0042.MP4")
    login_as(enrolment.learner)
    status, headers, body = fetch(client, f"/files/{video.id}")
    assert status == 200 and body == original and headers["Content-Type"] == "video/mp4"
    assert private_in(body, tmp_path)


def test_an_assessor_hears_a_voice_memo_without_its_tags_and_the_learner_keeps_them(
    client, login_as, enrolment, tmp_path
):
    original = phone_recording()
    memo = submitted_with(client, enrolment, original, "Voice memo.m4a")
    assert memo.content_type == "audio/mp4" and memo.shared_content_type == "audio/mp4"
    login_as(enrolment.assessor)
    status, headers, body = fetch(client, f"/files/{memo.id}")
    assert status == 200 and headers["Content-Type"] == "audio/mp4"
    assert headers["Content-Disposition"] == 'inline; filename="Voice memo.m4a"'
    assert private_in(body, tmp_path) == {}
    assert streams(body, tmp_path) == ["audio:aac"]
    assert described(body, tmp_path)["QuickTime:Duration"] == "1.00 s"

    page = client.get(f"/evidence/{memo.evidence_id}").get_data(as_text=True)
    assert f'<audio controls preload="metadata" src="/files/{memo.id}"' in page
    assert f"({human_size(memo.shared_size)})" in page  # the size of what they will get

    client.post("/sign-out")
    login_as(enrolment.learner)
    assert fetch(client, f"/files/{memo.id}")[2] == original


def test_the_copy_staff_play_can_seek(client, login_as, enrolment):
    video = submitted_with(client, enrolment, phone_video(), "IMG_0042.MP4")
    login_as(enrolment.assessor)
    _, headers, whole = fetch(client, f"/files/{video.id}")
    assert headers["Accept-Ranges"] == "bytes" and len(whole) == video.shared_size
    status, headers, part = fetch(client, f"/files/{video.id}", headers={"Range": "bytes=100-199"})
    assert status == 206
    assert headers["Content-Range"] == f"bytes 100-199/{video.shared_size}"
    assert part == whole[100:200]
    assert fetch(client, f"/files/{video.id}", headers={"Range": "bytes=99999999-"})[0] == 416


def test_every_audio_and_video_type_we_accept_has_a_way_to_be_copied():
    accepted = {mime for mime, t in filetypes.ACCEPTED.items() if t.kind in {"audio", "video"}}
    assert accepted == set(media_metadata.CONTAINERS) == set(TAGGED_MEDIA)


@pytest.mark.parametrize("content_type", sorted(TAGGED_MEDIA))
def test_each_type_of_recording_is_copied_without_its_tags_and_still_plays(
    app, client, enrolment, tmp_path, content_type
):
    original, name = tagged_media(content_type)
    upload(client, make_draft(enrolment), (original, name))
    row = db.session.scalars(db.select(EvidenceFile)).one()
    assert row.content_type == content_type and row.shared_content_type == content_type
    copy = stored(app, row.shared_name)
    if content_type == "audio/aac":  # exiftool cannot read raw AAC: nothing but sound frames
        assert copy == original
    else:
        assert private_in(copy, tmp_path) == {}
    assert streams(copy, tmp_path) == streams(original, tmp_path)


def test_a_subtitle_track_with_the_gps_of_each_moment_is_left_out(app, client, enrolment, tmp_path):
    original = drone_video()
    assert streams(original, tmp_path) == ["video:mpeg4", "subtitle:mov_text"]
    upload(client, make_draft(enrolment), (original, "DJI_0001.MP4"))
    copy = stored(app, db.session.scalars(db.select(EvidenceFile)).one().shared_name)
    assert streams(copy, tmp_path) == ["video:mpeg4"] and b"GPS(" not in copy


def test_a_damaged_video_is_kept_for_its_learner_but_nobody_else_can_download_it(
    app, client, login_as, enrolment, runner, caplog
):
    with caplog.at_level(logging.WARNING, logger="portfolio.services.copies"):
        video = submitted_with(client, enrolment, mp4_video(), "workshop.mp4")  # no pictures
    assert video.shared_name is None and video.copy_status == CopyStatus.FAILED
    assert "No copy without metadata of upload 'workshop.mp4'" in caplog.text
    assert len(stored_files(app)) == 1  # the original only
    login_as(enrolment.learner)
    page = text_of(client.get(f"/evidence/{video.evidence_id}"))
    assert (
        "We could not prepare workshop.mp4 for other people to play: it may be damaged or cut "
        "short. Only you can play it." in page
    )
    client.post("/sign-out")

    login_as(enrolment.assessor)
    assert fetch(client, f"/files/{video.id}")[0] == 404  # never the original instead
    page = text_of(client.get(f"/evidence/{video.evidence_id}"))
    assert "This file cannot be downloaded yet: a copy of it without the details" in page
    assert "workshop.mp4 for other people to play" not in page  # that is for the learner

    result = runner.invoke(args=["files", "make-copies"])
    assert result.output.startswith("Made copies of 0 file(s).\n")
    assert "Not done: workshop.mp4: ffmpeg failed" in result.output
    client.post("/sign-out")
    login_as(enrolment.learner)
    assert fetch(client, f"/files/{video.id}")[2] == mp4_video()


def test_videos_from_before_copies_existed_get_one_from_make_copies(
    app, client, login_as, enrolment, runner, tmp_path
):
    video = submitted_with(client, enrolment, phone_video(), "IMG_0042.MP4")
    get_storage(app).delete(video.shared_name)  # as if uploaded before shared copies existed
    video.shared_name = video.shared_content_type = video.shared_size = None
    db.session.commit()
    login_as(enrolment.assessor)
    assert fetch(client, f"/files/{video.id}")[0] == 404

    assert runner.invoke(args=["files", "make-copies"]).output == "Made copies of 1 file(s).\n"
    db.session.refresh(video)
    status, _, body = fetch(client, f"/files/{video.id}")
    assert status == 200 and private_in(body, tmp_path) == {}
    assert len(stored_files(app)) == 2


def test_removing_a_video_removes_its_copy_too(app, client, enrolment):
    draft = make_draft(enrolment)
    upload(client, draft, (phone_video(), "IMG_0042.MP4"))
    assert len(stored_files(app)) == 2  # the original and the copy without metadata
    client.post(f"/evidence/{draft.id}/files/{draft.files[0].id}/delete")
    assert stored_files(app) == []


def test_a_playlist_posing_as_a_video_cannot_make_ffmpeg_read_other_files(app, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("not for anyone")
    playlist = f"#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile://{secret}\n#EXT-X-ENDLIST\n"
    with pytest.raises(media_metadata.MediaCopyFailed):
        media_metadata.make_shared_copy(
            io.BytesIO(playlist.encode()), "video/mp4", get_storage(app)
        )
    assert stored_files(app) == []


def test_without_ffmpeg_a_recording_is_kept_without_a_copy(client, enrolment, monkeypatch):
    monkeypatch.setattr(media_metadata.shutil, "which", lambda name: None)
    upload(client, make_draft(enrolment), (phone_recording(), "memo.m4a"))
    assert db.session.scalars(db.select(EvidenceFile)).one().shared_name is None


def test_exiftool_tags_that_say_where_or_on_what_are_recognised():
    found = media_metadata.private_tags(
        {
            "Keys:GPSCoordinates": "…",
            "UserData:LocationInformation": "…",
            "Keys:AndroidMake": "…",
            "Keys:Model": "…",
            "Track1:HandlerDescription": "VideoHandler",
            "QuickTime:Duration": "1.00 s",
        }
    )
    assert found == {
        "Keys:GPSCoordinates",
        "UserData:LocationInformation",
        "Keys:AndroidMake",
        "Keys:Model",
    }
