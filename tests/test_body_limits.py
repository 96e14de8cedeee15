"""A request body is sized by its route: every page takes a form's worth (2 MiB), and only
an upload page the signed-in person may add files to, or a witness link that works, takes
more. A refused body is not read: nothing reaches the disk."""

import io
import tempfile

import pytest
from evidence_samples import make_draft, stored_files
from people_helpers import page_text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

MIB = 1024 * 1024
BOUNDARY = "attack"


class Body(io.RawIOBase):
    """A multipart body of ``size`` bytes, made up as it is read; counts what the app read."""

    def __init__(self, size: int):
        head = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"'
            "\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\n"
        ).encode()
        self.head, self.size, self.position, self.read_so_far = head, size, 0, 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.position

    def seek(self, offset, whence=0):
        self.position = {0: 0, 1: self.position, 2: self.size}[whence] + offset
        return self.position

    def readinto(self, buffer):
        count = max(0, min(len(buffer), self.size - self.position))
        start = self.position
        buffer[:count] = self.head[start : start + count].ljust(count, b"x")
        self.position += count
        self.read_so_far += count
        return count


@pytest.fixture
def spool(tmp_path, monkeypatch):
    """Where Werkzeug would spool a form's files: watched, so a test can say it stayed empty."""
    folder = tmp_path / "spool"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def pdf_file(size: int) -> FileStorage:
    return FileStorage(io.BytesIO(b"%PDF-1.7\n" + bytes(size)), "notes.pdf", "files")


def post_multipart(client, path, form, **kwargs):
    """Encoded in memory: the test client's own encoder leaves a temporary file open."""
    boundary, body = encode_multipart(form)
    return client.post(
        path, data=body, content_type=f"multipart/form-data; boundary={boundary}", **kwargs
    )


def post_huge(client, path, size=50 * MIB):
    body = Body(size)
    response = client.post(
        path,
        input_stream=body,
        content_length=size,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    return response, body


@pytest.mark.parametrize("path", ["/sign-in", "/forgot-password", "/witness/not-a-real-link"])
def test_a_50_mb_anonymous_post_is_refused_unread_and_leaves_nothing(make_app, spool, path):

    # CSRF protection on, as in production: it is what would read the body first
    app = make_app(WTF_CSRF_ENABLED=True)
    response, body = post_huge(app.test_client(), path)

    assert response.status_code == 413
    assert "That was more than this page accepts" in page_text(response)
    assert "at most 2 MiB" in page_text(response)
    assert body.read_so_far == 0
    assert list(spool.iterdir()) == []
    assert stored_files(app) == []


def test_a_signed_in_learner_cannot_send_a_large_body_to_someone_elses_evidence(
    app, client, spool, make_enrolment, login_as
):
    theirs = make_draft(make_enrolment())
    login_as(make_enrolment().learner)

    response, body = post_huge(client, f"/evidence/{theirs.id}/files", size=5 * MIB)

    # 413 from the form limit, or (CSRF off here) the view's 404 first: unread either way
    assert response.status_code in {404, 413}
    assert body.read_so_far == 0
    assert stored_files(app) == []


def test_a_learner_uploads_a_file_larger_than_a_form_to_their_own_evidence(
    app, client, make_enrolment, login_as
):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    draft = make_draft(enrolment)

    response = post_multipart(
        client,
        f"/evidence/{draft.id}/files",
        {"consent": "no_people", "files": pdf_file(3 * MIB)},
        headers={"Accept": "application/json"},
    )

    assert response.status_code == 201
    assert [file["size"] for file in response.json["files"]] == [3 * MIB + 9]
    assert len(stored_files(app)) == 1


def test_a_working_witness_link_takes_files_larger_than_a_form(app, make_enrolment):
    from test_witness_testimony import ask, written_testimony

    _, token = ask(make_enrolment())
    form = {**written_testimony(consent="no_people"), "files": pdf_file(3 * MIB)}

    response = post_multipart(app.test_client(), f"/witness/{token}", form)

    assert response.status_code == 302, page_text(response)
    assert len(stored_files(app)) == 1
