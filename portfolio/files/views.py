"""Evidence files, served only to people allowed to see the evidence, with safe headers.

Originals download as attachments, except audio, video and PDF, which browsers play or show
inline. Photos are shown through their display copy (upright, small, no metadata), never the
original, so no location data reaches a page.
"""

from flask import Blueprint, abort
from flask_login import login_required

from .. import policy
from ..extensions import db
from ..models import EvidenceFile
from ..services.uploads import download_name
from .serving import send_stored

bp = Blueprint("files", __name__)

INLINE_KINDS = {"audio", "video", "pdf"}


def load_file(file_id: int) -> EvidenceFile:
    return policy.require("view", db.session.get(EvidenceFile, file_id))


@bp.get("/files/<int:file_id>")
@login_required
def download(file_id):
    file = load_file(file_id)
    return send_stored(
        file.stored_name,
        content_type=file.content_type,
        name=download_name(file.original_name),
        inline=file.kind in INLINE_KINDS,
        etag=file.sha256,
    )


@bp.get("/files/<int:file_id>/display")
@login_required
def display(file_id):
    file = load_file(file_id)
    if not file.derivative_name:
        abort(404)
    stem = download_name(file.original_name).rsplit(".", 1)[0]
    return send_stored(
        file.derivative_name,
        content_type="image/jpeg",
        name=f"{stem}-display.jpg",
        inline=True,
        etag=file.derivative_name,
    )


from . import cli  # noqa: E402, F401  (adds `flask files ...` commands)
