"""An upload cut off half way (a phone losing signal) leaves no row and no file behind."""

import http.client
import io
import socket
import threading
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode

import pytest
from evidence_samples import make_draft, pdf_document, stored_files
from werkzeug.serving import make_server

from portfolio.extensions import db
from portfolio.models import EvidenceFile

PASSWORD = "a learner's own long passphrase"
BOUNDARY = "----evidence-boundary-7MA4YWxkTrZu0gW"


def multipart_body(content: bytes, name: str) -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            'Content-Disposition: form-data; name="consent"\r\n\r\nno_people\r\n'
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="files"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


@pytest.fixture
def draft(make_enrolment, make_cohort, make_user, login_as):
    cohort = make_cohort()
    learner = make_user("learner", provider=cohort.provider, password=PASSWORD)
    enrolment = make_enrolment(cohort=cohort, learner=learner)
    login_as(learner, password=PASSWORD)
    return make_draft(enrolment)


def test_a_body_that_stops_half_way_is_refused_and_nothing_is_kept(app, client, draft):
    body = multipart_body(pdf_document() + bytes(200_000), "minutes.pdf")
    response = client.post(
        f"/evidence/{draft.id}/files",
        input_stream=io.BytesIO(body[: len(body) // 2]),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        environ_overrides={"CONTENT_LENGTH": str(len(body))},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json["detail"].startswith("The upload stopped before it finished")
    assert db.session.scalars(db.select(EvidenceFile)).all() == []
    assert stored_files(app) == []


def test_a_connection_dropped_mid_upload_removes_the_partial_file(app, client, draft):
    """Over a real socket: the partial file exists while bytes arrive and goes when they stop."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        body = multipart_body(pdf_document() + bytes(6_000_000), "recording.pdf")
        cookie = sign_in(server.server_port, draft.enrolment.learner.email)
        head = (
            f"POST /evidence/{draft.id}/files HTTP/1.1\r\n"
            f"Host: 127.0.0.1:{server.server_port}\r\n"
            f"Cookie: session={cookie}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
            f"Content-Length: {len(body)}\r\n"
            "Accept: application/json\r\n\r\n"
        ).encode()
        with socket.create_connection(("127.0.0.1", server.server_port)) as connection:
            connection.sendall(head + body[:3_000_000])
            assert wait_for(lambda: any(".staging/" in p for p in stored_files(app)))
        assert wait_for(lambda: stored_files(app) == [])
    finally:
        server.shutdown()
        thread.join(timeout=5)
    assert db.session.scalars(db.select(EvidenceFile)).all() == []


def sign_in(port: int, email: str) -> str:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    connection.request(
        "POST",
        "/sign-in",
        body=urlencode({"email": email, "password": PASSWORD}),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    response = connection.getresponse()
    assert response.status == 302
    cookie = SimpleCookie(response.getheader("Set-Cookie"))["session"].value
    connection.close()
    return cookie


def wait_for(condition, seconds=5.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False
