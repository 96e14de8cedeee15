"""The portfolio PDF: contents gathered, laid out by templates/pdf/portfolio.html, rendered by
portfolio/pdf (PDF/A-3b, tagged, the manifest attached), then signed with the provider's key.

``make`` takes a ``progress(percent, stage)`` callback, so a worker can report how far it got.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from flask import render_template

from ...models import Enrolment
from ...pdf import renderer, signature
from ...pdf.fetcher import file_url
from ..audit_sentences import sentence
from . import contents as contents_module
from . import manifest as manifest_module

Progress = Callable[[int, str], None]


@dataclass
class PortfolioPdf:
    pdf: bytes
    pages: int
    manifest: bytes
    content_key: str
    refused_urls: list[str]


def document_id(content_key: str) -> str:
    return "NOSP-" + content_key[:16].upper()


def _print_image(file) -> tuple[str, int, int] | None:
    """The print-sized copy of a photo (made at upload), or its display copy for photos uploaded
    before print copies existed; never the original, which may carry its location."""
    if file.print_name:
        return file.print_name, file.print_width, file.print_height
    if file.derivative_name:
        return file.derivative_name, file.derivative_width, file.derivative_height
    return None


def make(enrolment: Enrolment, progress: Progress = lambda percent, stage: None) -> PortfolioPdf:
    progress(5, "Gathering the portfolio")
    contents = contents_module.gather(enrolment)
    key = manifest_module.content_key(contents)
    progress(15, "Listing the evidence files")
    manifest = manifest_module.encode(manifest_module.build(contents))
    images = {}
    for item in contents.evidence:
        for file in item.evidence.files:
            if file.kind == "image" and (copy := _print_image(file)):
                images[file.id] = {
                    "url": file_url(copy[0]),
                    "key": copy[0],
                    "width": copy[1],
                    "height": copy[2],
                }
    html = render_template(
        "pdf/portfolio.html",
        contents=contents,
        enrolment=enrolment,
        images=images,
        document_id=document_id(key),
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
        audit_sentence=sentence,
    )
    progress(30, "Laying out the pages")
    rendered = renderer.render(
        html,
        files={image["key"]: "image/jpeg" for image in images.values()},
        attachments=[
            renderer.Attachment(
                "manifest.json",
                manifest,
                "Every evidence file's path, size and SHA-256, and "
                "the sign-off's canonical document (docs/archive-bundle.md)",
            )
        ],
    )
    progress(85, "Signing the PDF")
    signed = signature.sign(rendered.pdf)
    progress(100, "Ready")
    return PortfolioPdf(signed, rendered.pages, manifest, key, rendered.fetcher.refused)
