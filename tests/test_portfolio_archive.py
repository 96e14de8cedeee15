"""The archive bundle and ``verify``: a fresh bundle verifies with standard tools and the CLI,
and any changed byte of any file in it, an edited PDF or an edited manifest, is named."""

import hashlib
import io
import json
import subprocess
import zipfile

import pytest
from assessment_helpers import assess, sign
from evidence_samples import make_draft, pdf_document, photo_jpeg, upload
from people_helpers import PASSWORD

from portfolio.services import evidence as evidence_service


@pytest.fixture
def signed_off(enrolment_with_files):
    sign(enrolment_with_files)
    return enrolment_with_files


@pytest.fixture
def enrolment_with_files(make_enrolment, client):
    enrolment = make_enrolment()
    draft = make_draft(enrolment, title="Festival diary")
    client.post("/sign-in", data={"email": enrolment.learner.email, "password": PASSWORD})
    for content, name in ((photo_jpeg(), "stage.jpg"), (pdf_document(), "plan.pdf")):
        assert upload(client, draft, (content, name)).status_code == 201
    evidence_service.set_mappings(draft, {c: "All of it." for c in enrolment.standard.criteria})
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)
    assess(draft)
    return enrolment


@pytest.fixture
def bundle(runner, signed_off, tmp_path):
    path = tmp_path / "bundle.zip"
    result = runner.invoke(args=["archive", signed_off.learner.email, "-o", str(path)])
    assert result.exit_code == 0, result.output
    return path


def verify(runner, path):
    return runner.invoke(args=["verify", str(path)])


def rewrite(path, change):
    """Rewrite the bundle with ``change(name, data) -> data`` applied to each member."""
    with zipfile.ZipFile(path) as archive:
        members = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(name, change(name, data))


def test_a_fresh_bundle_verifies_with_the_cli_and_with_sha256sum(runner, bundle, tmp_path):
    result = verify(runner, bundle)
    assert result.exit_code == 0, result.output
    assert "verifies" in result.output
    with zipfile.ZipFile(bundle) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "out")
        manifest = json.loads(archive.read("manifest.json"))
    assert {"portfolio.pdf", "manifest.json", "SHA256SUMS", "sign-off.json"} <= set(names)
    assert {f["name"] for f in manifest["files"]} == {"stage.jpg", "plan.pdf"}
    check = subprocess.run(
        ["sha256sum", "-c", "SHA256SUMS"], cwd=tmp_path / "out", capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    signed = (tmp_path / "out" / "sign-off.json").read_bytes()
    assert hashlib.sha256(signed).hexdigest() == manifest["sign_off"]["sha256"]


def test_the_photo_in_a_bundle_has_no_location(bundle):
    from PIL import Image

    with zipfile.ZipFile(bundle) as archive:
        photo = next(n for n in archive.namelist() if n.endswith("stage.jpg"))
        image = Image.open(io.BytesIO(archive.read(photo)))
        assert 0x8825 not in image.getexif()  # no GPS block


def test_any_changed_byte_of_any_file_is_named(runner, bundle, tmp_path):
    with zipfile.ZipFile(bundle) as archive:
        evidence = [n for n in archive.namelist() if n.startswith("evidence/")]
    assert len(evidence) == 2
    for target in evidence:
        copy = tmp_path / f"changed-{len(target)}.zip"
        copy.write_bytes(bundle.read_bytes())
        rewrite(
            copy,
            lambda name, data, t=target: data[:-1] + bytes([data[-1] ^ 1]) if name == t else data,
        )
        result = verify(runner, copy)
        assert result.exit_code == 1
        assert f"{target}: does not match its SHA-256 or size in manifest.json" in result.output


def test_an_edited_pdf_fails(runner, bundle):
    def edit(name, data):
        if name != "portfolio.pdf":
            return data
        index = data.index(b"/Title")
        return data[:index] + b"/Titlf" + data[index + 6 :]

    rewrite(bundle, edit)
    result = verify(runner, bundle)
    assert result.exit_code == 1
    assert "portfolio.pdf" in result.output
    assert "changed after signing" in result.output or "does not match its SHA-256" in result.output


def test_an_edited_manifest_fails(runner, bundle):
    def edit(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["learner"]["name"] = "Somebody Else"
        return json.dumps(manifest).encode()

    rewrite(bundle, edit)
    result = verify(runner, bundle)
    assert result.exit_code == 1
    assert "manifest.json differs from the manifest attached to the signed PDF" in result.output


def test_a_pdf_verifies_alone_and_an_appended_change_is_caught(runner, signed_off, tmp_path):
    path = tmp_path / "portfolio.pdf"
    result = runner.invoke(args=["pdf", signed_off.learner.email, "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert verify(runner, path).exit_code == 0
    path.write_bytes(path.read_bytes() + b"\n% appended\n")
    result = verify(runner, path)
    assert result.exit_code == 1
    assert "something was added to the file after it was signed" in result.output


def test_a_draft_bundle_verifies_and_says_it_is_a_draft(runner, enrolment_with_files, tmp_path):
    path = tmp_path / "draft.zip"
    assert (
        runner.invoke(
            args=["archive", enrolment_with_files.learner.email, "-o", str(path)]
        ).exit_code
        == 0
    )
    result = verify(runner, path)
    assert result.exit_code == 0, result.output
    assert "a draft, not signed off" in result.output
