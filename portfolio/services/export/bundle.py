"""The archive bundle: one ZIP an awarding body can check with standard tools.

It holds the signed portfolio PDF, every evidence file as staff receive it (photos, video and
audio only as copies without location or device metadata), ``manifest.json`` (every file's path,
size and SHA-256, the sign-off's canonical document and digest), ``sign-off.json`` (the exact
bytes that were signed, for ``sha256sum``), ``SHA256SUMS`` (for ``sha256sum -c``) and the
provider's signing certificate. docs/archive-bundle.md describes it.
"""

import hashlib
import json
import zipfile
from typing import BinaryIO

from ...models import Enrolment
from ...pdf import signature
from ...storage import get_storage
from . import contents as contents_module
from . import manifest as manifest_module
from . import portfolio_pdf

FORMAT = "nos-portfolio/bundle/1"
PDF_PATH = "portfolio.pdf"


def write(enrolment: Enrolment, out: BinaryIO, progress=lambda percent, stage: None) -> dict:
    """Write the bundle as a ZIP into ``out``; return its manifest."""
    made = portfolio_pdf.make(enrolment, lambda p, s: progress(int(p * 0.5), s))
    contents = contents_module.gather(enrolment)
    files, _ = manifest_module.shipped_files(contents)
    manifest = json.loads(made.manifest)
    manifest["format"] = FORMAT
    manifest["pdf"] = {
        "path": PDF_PATH,
        "size": len(made.pdf),
        "sha256": hashlib.sha256(made.pdf).hexdigest(),
        "attached_manifest_sha256": hashlib.sha256(made.manifest).hexdigest(),
    }
    sums = [(manifest["pdf"]["sha256"], PDF_PATH)]
    storage = get_storage()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        archive.writestr(PDF_PATH, made.pdf)
        for number, shipped in enumerate(files, start=1):
            progress(
                50 + int(45 * number / max(len(files), 1)), f"Adding file {number} of {len(files)}"
            )
            # already-compressed media gain nothing from deflate: store them as they are
            info = zipfile.ZipInfo(shipped.path)
            info.compress_type = (
                zipfile.ZIP_STORED
                if shipped.content_type.split("/")[0] in {"image", "video", "audio"}
                else zipfile.ZIP_DEFLATED
            )
            with (
                storage.open(shipped.key) as source,
                archive.open(info, "w", force_zip64=True) as target,
            ):
                for chunk in iter(lambda: source.read(1 << 20), b""):
                    target.write(chunk)
            sums.append((shipped.sha256, shipped.path))
        if manifest["sign_off"]:
            document = manifest["sign_off"]["document"].encode("utf-8")
            archive.writestr("sign-off.json", document)
            sums.append((hashlib.sha256(document).hexdigest(), "sign-off.json"))
        archive.writestr("signing-certificate.pem", signature.certificate_pem())
        encoded = manifest_module.encode(manifest)
        archive.writestr("manifest.json", encoded)
        sums.append((hashlib.sha256(encoded).hexdigest(), "manifest.json"))
        archive.writestr("SHA256SUMS", "".join(f"{digest}  {path}\n" for digest, path in sums))
    progress(100, "Ready")
    return manifest
