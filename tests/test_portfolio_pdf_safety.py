"""Rendering learner-written content never lets anyone read files or reach hosts through the
PDF engine: hostile Markdown and file names against a local listener that must receive no
request and a local file whose text must not appear; huge values still render."""

import http.server
import io
import threading

import pytest
from assessment_helpers import assess
from evidence_samples import make_draft, photo_jpeg, upload
from people_helpers import PASSWORD
from pypdf import PdfReader

from portfolio.pdf.fetcher import RefusedURL, StoredFilesOnly, file_url
from portfolio.services import evidence as evidence_service
from portfolio.services.export import portfolio_pdf

CANARY = "CANARY-7f3a-DO-NOT-LEAK"


@pytest.fixture
def listener():
    """A local HTTP server that records every request it gets."""
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            requests.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { background: red }")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.requests = requests
    server.url = f"http://127.0.0.1:{server.server_port}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(CANARY)
    return path


def hostile(url, secret) -> str:
    return f"""# Heading

![remote]({url}/image.png) ![local](file://{secret})
<img src="{url}/raw.png"><img src="file://{secret}">
<link rel="stylesheet" href="{url}/style.css">
<style>@import url("{url}/import.css"); body {{ background: url("file://{secret}") }}</style>
<p style="background-image: url('{url}/inline.png')">styled</p>
<svg xmlns="http://www.w3.org/2000/svg"><image href="file://{secret}"/>
<use href="{url}/s.svg#x"/></svg>
<iframe src="file://{secret}"></iframe><object data="{url}/o"></object><embed src="{url}/e">
[a link]({url}/link) [local](file://{secret}) <a href="data:text/html,hi">data</a>
<base href="{url}/">![relative](relative.png)
"""


def test_hostile_content_reaches_no_host_and_reads_no_file(
    make_enrolment, client, listener, secret_file
):
    enrolment = make_enrolment()
    markdown = hostile(listener.url, secret_file)
    draft = make_draft(
        enrolment, title=f'<img src="{listener.url}/title.png">', account_md=markdown
    )
    client.post("/sign-in", data={"email": enrolment.learner.email, "password": PASSWORD})
    names = [
        f'"><img src="{listener.url}/name.png">.jpg',
        f"file:{secret_file}.jpg",
        "../../../../etc/passwd.jpg",
    ]
    for name in names:
        assert upload(client, draft, (photo_jpeg(), name)).status_code == 201
    evidence_service.set_mappings(
        draft,
        {enrolment.standard.criterion("PC1"): f'<link rel=stylesheet href="{listener.url}/j">'},
    )
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)
    assess(draft, outcomes={"PC1": "not_yet_met"}, feedback={"PC1": markdown})

    made = portfolio_pdf.make(enrolment)

    assert listener.requests == []
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(made.pdf)).pages)
    assert CANARY not in text
    assert CANARY.encode() not in made.pdf
    assert "../../../../etc/passwd.jpg" in text  # shown as text, never used as a path
    # the three photos' print copies were the only things fetched
    assert all(url.startswith(("http", "file", "data", "portfolio:")) for url in made.refused_urls)


def test_the_fetcher_serves_only_the_files_it_was_given(app, secret_file, listener):
    from portfolio.storage import get_storage

    writer = get_storage().writer()
    writer.write(b"\xff\xd8 a photo")
    key = writer.commit()
    fetcher = StoredFilesOnly({key: "image/jpeg"})
    response = fetcher.fetch(file_url(key))
    assert response.read() == b"\xff\xd8 a photo"
    response.close()
    other = get_storage().writer()
    other.write(b"someone else's file")
    other_key = other.commit()
    for url in (
        f"file://{secret_file}",
        f"{listener.url}/x.css",
        "https://example.org/x.png",
        "data:image/png;base64,iVBORw0KGgo=",
        file_url(other_key),
        "portfolio:file/../../secret",
        "portfolio:/etc/passwd",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert listener.requests == []


def test_huge_values_still_render(make_enrolment):
    enrolment = make_enrolment()
    word = "co" * 5_000  # one 10,000-character word
    rows = "\n".join(f"| row {n} | value {n} |" for n in range(5_000))
    account = f"{word}\n\n| A | B |\n| --- | --- |\n{rows}\n"
    draft = make_draft(enrolment, title="x" * 200, account_md=account)
    evidence_service.set_mappings(draft, {enrolment.standard.criterion("K3"): word[:1000]})
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)

    made = portfolio_pdf.make(enrolment)

    reader = PdfReader(io.BytesIO(made.pdf))
    assert len(reader.pages) > 50
    text = "".join(page.extract_text() for page in reader.pages[-40:])
    assert "row 4999" in text.replace("\n", " ")


def test_a_long_unbroken_url_in_a_fact_wraps_inside_the_page(make_enrolment):
    """A 200-character URL with no place to break as an item's place or context is printed in
    full, broken over lines inside the fact's column, not run off the edge of the page."""
    enrolment = make_enrolment()
    url = "https://communityhall.example.org/" + "bookingreference" * 12
    url = url[:200]
    draft = make_draft(enrolment, title="Booking the hall", context=url)
    evidence_service.set_mappings(draft, {enrolment.standard.criterion("PC1"): "The booking."})
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)

    made = portfolio_pdf.make(enrolment)

    reader = PdfReader(io.BytesIO(made.pdf))
    page = next(p for p in reader.pages if "Place or context" in p.extract_text())
    assert url in "".join(page.extract_text().split())  # all of it, over several lines
    lines = []  # (where each line of the URL starts, its text)

    def visit(text, cm, tm, font, size):
        if len(text.strip()) > 3 and text.strip() in url:
            lines.append((tm[4] * cm[0] + cm[4], text.strip()))

    page.extract_text(visitor_text=visit)
    assert "".join(text for _, text in lines) == url
    # 178 mm of A4 inside the margins, less the 45 mm of the fact's name: about 70 characters
    # a line, each starting at the fact's column (16 mm margin + 45 mm)
    assert len(lines) >= 3 and max(len(text) for _, text in lines) <= 80
    column = (16 + 45) * 72 / 25.4
    assert all(abs(x - column) < 1 for x, _ in lines), lines
