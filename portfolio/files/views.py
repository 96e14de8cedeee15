"""Evidence files, served only to people allowed to see the evidence, with safe headers.

Audio, video and PDF open inline (browsers play or show them); everything else downloads as an
attachment. Pages show photos through their display copy (upright, small, no metadata). A
photo, video or recording is sent as uploaded only to the learner who uploaded it; everyone
else gets its copy without metadata (full resolution, or the same sound and pictures), so
nobody else receives where it was made or on what device. Without such a copy they get nothing:
while a worker is still making it (services/copies.py), a page that says it is being prepared,
answered with 202 Accepted and Retry-After; if it could not be made, 404.
"""

from flask import Blueprint, abort, render_template
from flask_login import current_user, login_required

from .. import policy
from ..extensions import db
from ..models import EvidenceFile
from ..services.evidence_files import PRIVATE_KINDS
from ..services.uploads import download_name
from .serving import send_stored

bp = Blueprint("files", __name__)

INLINE_KINDS = {"audio", "video", "pdf"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


def load_file(file_id: int) -> EvidenceFile:
    return policy.require("view", db.session.get(EvidenceFile, file_id))


def receives_original(file: EvidenceFile) -> bool:
    """Whether the signed-in person downloads this file as it was uploaded."""
    return file.kind not in PRIVATE_KINDS or policy.can(current_user, "download_original", file)


@bp.get("/files/<int:file_id>")
@login_required
def download(file_id):
    file = load_file(file_id)
    if receives_original(file):
        return send_stored(
            file.stored_name,
            content_type=file.content_type,
            name=download_name(file.original_name),
            inline=file.kind in INLINE_KINDS,
            etag=file.sha256,
        )
    if not file.shared_name:
        return _not_ready(file)  # never the original instead
    name = download_name(file.original_name)
    if file.kind == "image":  # a HEIC photo's copy is a JPEG
        name = f"{name.rsplit('.', 1)[0]}.{EXTENSIONS[file.shared_content_type]}"
    return send_stored(
        file.shared_name,
        content_type=file.shared_content_type,
        name=name,
        inline=file.kind in INLINE_KINDS,
        etag=file.shared_name,
    )


@bp.get("/files/<int:file_id>/display")
@login_required
def display(file_id):
    file = load_file(file_id)
    if not file.derivative_name:
        return _not_ready(file)
    stem = download_name(file.original_name).rsplit(".", 1)[0]
    return send_stored(
        file.derivative_name,
        content_type="image/jpeg",
        name=f"{stem}-display.jpg",
        inline=True,
        etag=file.derivative_name,
    )


#: how long a client waiting for a copy is asked to wait before asking again
RETRY_AFTER_SECONDS = 5


def _not_ready(file: EvidenceFile):
    if not file.copies_waiting:
        abort(404)
    response = render_template("files/being_prepared.html", file=file), 202
    return (*response, {"Retry-After": str(RETRY_AFTER_SECONDS), "Cache-Control": "no-store"})


from . import cli  # noqa: E402, F401  (adds `flask files ...` commands)
