"""An upload answers as soon as the original is stored; the copies without metadata that staff
receive are made afterwards on the task queue's worker. Meanwhile staff are told the file is
being prepared and never get the original; a worker that vanishes half way leaves the copies to
be taken over once its lease runs out.

These tests use a real queue in Huey's SQLite file, which a worker empties when the test says
so, and the real ffmpeg and exiftool on the worker.
"""

import subprocess
import time
from datetime import timedelta

import pytest
from evidence_samples import make_draft, phone_video, photo_jpeg, stored_files, upload
from queue_helpers import held_queue, work
from test_evidence_photo_privacy import location_in
from test_media_metadata import private_in, text_of

from portfolio import tasks
from portfolio.extensions import db
from portfolio.models import CopyStatus, EvidenceFile
from portfolio.models._types import utcnow
from portfolio.services import copies, leases
from portfolio.services import evidence as evidence_service


@pytest.fixture
def queue(app, tmp_path):
    yield from held_queue(app, tmp_path)


@pytest.fixture
def enrolment(make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    return enrolment


@pytest.fixture
def processes(monkeypatch):
    """Every program started (ffmpeg, exiftool ...), by name."""
    started, run = [], subprocess.run

    def counting(command, *args, **kwargs):
        started.append(str(command[0]).rsplit("/", 1)[-1])
        return run(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting)
    return started


def submitted(client, enrolment, content, name) -> tuple[EvidenceFile, dict]:
    """The learner uploads one file and submits the evidence, then signs out; the row, and
    the upload's answer."""
    draft = make_draft(enrolment)
    response = upload(client, draft, (content, name))
    assert response.status_code == 201, response.json
    evidence_service.set_mappings(draft, {enrolment.standard.criterion("PC3"): "Objectives."})
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)
    client.post("/sign-out")
    return db.session.scalars(db.select(EvidenceFile)).one(), response.json


def fetch(client, url):
    with client.get(url) as response:
        return response.status_code, response.headers, response.get_data()


def test_a_video_upload_answers_before_ffmpeg_or_exiftool_has_run(
    app, client, enrolment, queue, processes
):
    original = phone_video()  # made with ffmpeg
    processes.clear()
    video, answer = submitted(client, enrolment, original, "IMG_0042.MP4")

    assert processes == []  # neither ffmpeg nor exiftool ran in the request
    assert answer["files"][0]["being_prepared"] is True
    assert video.copy_status == CopyStatus.PENDING and video.shared_name is None
    assert len(stored_files(app)) == 1  # the original, written once
    assert queue.pending_count() == 1

    work(queue)

    db.session.refresh(video)
    assert video.copy_status == CopyStatus.READY and video.shared_name
    assert {"ffmpeg", "exiftool"} <= set(processes)
    assert len(stored_files(app)) == 2


def test_staff_are_told_a_video_is_being_prepared_and_never_get_the_original(
    client, login_as, enrolment, queue, tmp_path
):
    original = phone_video()
    video, _ = submitted(client, enrolment, original, "IMG_0042.MP4")
    login_as(enrolment.assessor)

    status, headers, body = fetch(client, f"/files/{video.id}")
    assert status == 202 and headers["Retry-After"]
    assert original not in body and b"ftyp" not in body
    assert "IMG_0042.MP4 is being prepared" in body.decode()
    page = text_of(client.get(f"/evidence/{video.evidence_id}"))
    assert "Being prepared This file can be opened once we have made a copy" in page
    assert f'src="/files/{video.id}"' not in client.get(f"/evidence/{video.evidence_id}").text

    work(queue)

    status, _, body = fetch(client, f"/files/{video.id}")
    assert status == 200 and body != original
    assert private_in(body, tmp_path) == {}  # exiftool finds no place or device in it
    assert "Being prepared" not in text_of(client.get(f"/evidence/{video.evidence_id}"))


def test_the_learner_plays_their_own_original_while_the_copy_is_prepared(
    client, login_as, enrolment, queue
):
    original = phone_video()
    video, _ = submitted(client, enrolment, original, "IMG_0042.MP4")
    login_as(enrolment.learner)

    assert fetch(client, f"/files/{video.id}")[2] == original
    page = text_of(client.get(f"/evidence/{video.evidence_id}"))
    assert "Being prepared Others will see this file once we have made a copy" in page


def test_a_photos_copies_are_made_on_the_worker_and_staff_wait_for_them(
    app, client, login_as, enrolment, queue
):
    original = photo_jpeg()
    photo, _ = submitted(client, enrolment, original, "session.jpg")
    assert photo.derivative_name is None and len(stored_files(app)) == 1
    login_as(enrolment.assessor)
    assert fetch(client, f"/files/{photo.id}")[0] == 202
    assert fetch(client, f"/files/{photo.id}/display")[0] == 202
    assert "Being prepared" in text_of(client.get(f"/evidence/{photo.evidence_id}"))

    work(queue)

    status, _, body = fetch(client, f"/files/{photo.id}")
    assert status == 200 and body != original and location_in(body) == {}
    assert fetch(client, f"/files/{photo.id}/display")[0] == 200
    assert len(stored_files(app)) == 4  # the original, display, print and shared copies


def test_a_photo_damaged_past_its_header_is_refused_by_the_worker_with_what_to_do(
    app, client, login_as, enrolment, queue
):
    whole = photo_jpeg(400, 300)
    damaged = whole[: len(whole) * 2 // 3]  # opens (the header is whole), cannot be decoded
    photo, _ = submitted(client, enrolment, damaged, "broken.jpg")

    work(queue)

    db.session.refresh(photo)
    assert photo.copy_status == CopyStatus.FAILED
    assert stored_files(app) == [f"{photo.stored_name[:2]}/{photo.stored_name}"]  # no half copy
    login_as(enrolment.learner)
    page = text_of(client.get(f"/evidence/{photo.evidence_id}"))
    assert (
        "broken.jpg could not be opened as an image; it may be damaged. Open it on your device, "
        "save it again, then upload it again. Remove this one from the evidence when you have."
    ) in page
    client.post("/sign-out")
    login_as(enrolment.assessor)
    assert fetch(client, f"/files/{photo.id}")[0] == 404
    assert "This file cannot be downloaded yet" in text_of(
        client.get(f"/evidence/{photo.evidence_id}")
    )


def test_a_photo_removed_before_the_worker_gets_to_it_leaves_nothing_behind(
    app, client, enrolment, queue
):
    draft = make_draft(enrolment)
    upload(client, draft, (photo_jpeg(), "session.jpg"))
    client.post(f"/evidence/{draft.id}/files/{draft.files[0].id}/delete")

    work(queue)

    assert stored_files(app) == []


# ------------------------------------------------------------- a worker that vanished


def running_since(video: EvidenceFile, *, lease_ran_out: bool, attempt: int = 1) -> None:
    """As if a worker had claimed the copies and was killed (or is still working)."""
    video.copy_status = CopyStatus.RUNNING
    video.copy_attempt = attempt
    video.copy_lease_until = utcnow() + (-timedelta(seconds=1) if lease_ran_out else leases.LEASE)
    db.session.commit()


def test_copies_whose_worker_was_killed_are_made_by_another_once_its_lease_runs_out(
    client, login_as, enrolment, queue, tmp_path
):
    video, _ = submitted(client, enrolment, phone_video(), "IMG_0042.MP4")
    queue.storage.flush_queue()  # the message went with the worker that took it
    running_since(video, lease_ran_out=True)

    tasks.retry_abandoned()  # what the worker runs every minute
    work(queue)

    db.session.refresh(video)
    assert video.copy_status == CopyStatus.READY and video.copy_attempt == 2
    login_as(enrolment.assessor)
    status, _, body = fetch(client, f"/files/{video.id}")
    assert status == 200 and private_in(body, tmp_path) == {}


def test_copies_a_live_worker_holds_are_left_to_it(client, enrolment, queue):
    video, _ = submitted(client, enrolment, phone_video(), "IMG_0042.MP4")
    running_since(video, lease_ran_out=False)

    tasks.retry_abandoned()
    work(queue)  # the upload's own message, and nothing queued again

    db.session.refresh(video)
    assert video.copy_status == CopyStatus.RUNNING and video.copy_attempt == 1


def test_a_worker_that_lost_its_lease_does_not_overwrite_the_one_that_took_over(
    app, client, enrolment, queue
):
    photo, _ = submitted(client, enrolment, photo_jpeg(), "session.jpg")
    queue.storage.flush_queue()
    running_since(photo, lease_ran_out=True, attempt=1)
    copies.run(photo.id)  # the worker that took over: attempt 2
    db.session.refresh(photo)
    kept = photo.stored_keys

    written = copies._finish(
        (EvidenceFile.stored_name == photo.stored_name,), 1, {"shared_name": "0" * 32}
    )

    assert not written  # the first worker, back from the dead, writes nothing
    db.session.refresh(photo)
    assert photo.stored_keys == kept and len(stored_files(app)) == 4


def test_copies_whose_workers_keep_vanishing_are_given_up_with_a_message(
    client, login_as, enrolment, queue
):
    video, _ = submitted(client, enrolment, phone_video(), "IMG_0042.MP4")
    queue.storage.flush_queue()
    running_since(video, lease_ran_out=True, attempt=leases.MAX_ATTEMPTS)

    tasks.retry_abandoned()
    work(queue)

    db.session.refresh(video)
    assert video.copy_status == CopyStatus.FAILED
    login_as(enrolment.learner)
    assert "because of a problem on our side" in text_of(
        client.get(f"/evidence/{video.evidence_id}")
    )


def test_a_working_worker_keeps_renewing_its_lease(app, client, enrolment, queue, monkeypatch):
    video, _ = submitted(client, enrolment, phone_video(), "IMG_0042.MP4")
    monkeypatch.setattr(leases, "HEARTBEAT_SECONDS", 0.05)
    where = (EvidenceFile.stored_name == video.stored_name,)
    attempt = leases.claim(copies.WORK, where)
    db.session.refresh(video)
    first = video.copy_lease_until

    with leases.heartbeat(copies.WORK, where, attempt):
        time.sleep(0.3)

    db.session.refresh(video)
    assert video.copy_lease_until > first
    assert leases.claim(copies.WORK, where) is None  # nobody else can take it meanwhile
