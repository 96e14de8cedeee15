"""Checking a portfolio PDF or an archive bundle, as an awarding body would, and saying in
words what fails. Used by ``flask --app portfolio verify FILE``; needs nothing but the file
(and, to say who signed it is trusted, the provider's certificate)."""

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass, field

from pypdf import PdfReader

from ...pdf import signature
from ..assessment import document as signoff_document
from .bundle import PDF_PATH


@dataclass
class Report:
    passed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed

    def check(self, condition: bool, good: str, bad: str) -> bool:
        (self.passed if condition else self.failed).append(good if condition else bad)
        return condition


def _attached_manifest(pdf: bytes) -> bytes | None:
    try:
        attachments = PdfReader(io.BytesIO(pdf)).attachments
    except Exception:  # noqa: BLE001 - an unreadable PDF has no manifest to read
        return None
    found = attachments.get("manifest.json")
    return found[0] if found else None


def check_pdf(pdf: bytes, report: Report, name: str = "the PDF", trusted_pem=None) -> bytes | None:
    """Signature intact over the whole file; the manifest attached; its digest printed on the
    cover. Returns the attached manifest when there is one."""
    result = signature.check(pdf, trusted_pem)
    if not result.signed:
        report.failed.append(f"{name}: not signed ({result.problem})")
        return None
    report.check(
        result.intact and result.valid,
        f"{name}: the provider's signature is intact ({result.signer})",
        f"{name}: the signature does not match the file: it was changed after signing",
    )
    report.check(
        result.covers_whole_file,
        f"{name}: the signature covers the whole file",
        f"{name}: something was added to the file after it was signed",
    )
    if trusted_pem is not None:
        report.check(
            result.trusted,
            f"{name}: signed with the provider's certificate",
            f"{name}: not signed with the certificate given",
        )
    manifest = _attached_manifest(pdf)
    if not report.check(
        manifest is not None,
        f"{name}: manifest.json is attached",
        f"{name}: has no manifest.json attached",
    ):
        return None
    digest = hashlib.sha256(manifest).hexdigest()
    cover = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\n", "").replace(" ", "")
    report.check(
        digest in cover,
        f"{name}: the manifest's SHA-256 is the one printed on the cover",
        f"{name}: the attached manifest's SHA-256 ({digest}) is not the one printed on the cover",
    )
    _check_sign_off(json.loads(manifest), report, name)
    return manifest


def _check_sign_off(manifest: dict, report: Report, name: str) -> None:
    sign_off = manifest.get("sign_off")
    if not sign_off:
        report.passed.append(f"{name}: a draft, not signed off (nothing to check there)")
        return
    report.check(
        signoff_document.digest(sign_off["document"]) == sign_off["sha256"],
        f"{name}: the sign-off document hashes to its recorded SHA-256 {sign_off['sha256']}",
        f"{name}: the sign-off document does not hash to its recorded SHA-256",
    )


def check_bundle(path, report: Report, trusted_pem=None) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        report.failed.append("the file is neither a PDF nor a ZIP archive bundle")
        return
    names = set(archive.namelist())
    if not report.check(
        "manifest.json" in names, "manifest.json is present", "the bundle has no manifest.json"
    ):
        return
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except ValueError:
        report.failed.append("manifest.json is not valid JSON")
        return
    pdf_entry = manifest.get("pdf") or {}
    listed = {PDF_PATH: pdf_entry} | {f["path"]: f for f in manifest.get("files", [])}
    for path, entry in listed.items():
        if path not in names:
            report.failed.append(f"{path}: listed in manifest.json but missing from the bundle")
            continue
        digest, size = hashlib.sha256(), 0
        with archive.open(path) as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
                size += len(chunk)
        report.check(
            digest.hexdigest() == entry.get("sha256") and size == entry.get("size"),
            f"{path}: matches the manifest",
            f"{path}: does not match its SHA-256 or size in manifest.json: it was changed",
        )
    expected = set(listed) | {
        "manifest.json",
        "SHA256SUMS",
        "sign-off.json",
        "signing-certificate.pem",
    }
    for extra in sorted(names - expected):
        report.failed.append(f"{extra}: in the bundle but not listed in manifest.json")
    if PDF_PATH not in names:
        return
    attached = check_pdf(archive.read(PDF_PATH), report, PDF_PATH, trusted_pem)
    if attached is None:
        return
    signed = json.loads(attached)
    same = {k: v for k, v in manifest.items() if k not in {"format", "pdf"}} == {
        k: v for k, v in signed.items() if k != "format"
    }
    report.check(
        same and pdf_entry.get("attached_manifest_sha256") == hashlib.sha256(attached).hexdigest(),
        "manifest.json says what the signed PDF's attached manifest says",
        "manifest.json differs from the manifest attached to the signed PDF: it was edited",
    )
    if "sign-off.json" in names and manifest.get("sign_off"):
        report.check(
            hashlib.sha256(archive.read("sign-off.json")).hexdigest()
            == manifest["sign_off"]["sha256"],
            "sign-off.json hashes to the recorded sign-off digest",
            "sign-off.json does not hash to the recorded sign-off digest",
        )


def verify(path, trusted_pem: bytes | None = None) -> Report:
    """Check the PDF or bundle at ``path`` (a bundle is read file by file, never whole)."""
    report = Report()
    with open(path, "rb") as handle:
        is_pdf = handle.read(5) == b"%PDF-"
    if is_pdf:
        with open(path, "rb") as handle:
            check_pdf(handle.read(), report, trusted_pem=trusted_pem)
    else:
        check_bundle(path, report, trusted_pem)
    return report
