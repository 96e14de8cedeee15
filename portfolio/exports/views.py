"""Asking for a portfolio PDF or archive bundle, waiting for it, and downloading it.

The work happens on a worker (services/export/jobs.py through portfolio/tasks.py); these pages
only read the Export row, so any web process can answer them.
"""

import re

from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from .. import policy
from ..errors import human_size
from ..extensions import db
from ..files.serving import send_stored
from ..models import Enrolment, Export, ExportKind, ExportStatus
from ..services import audit
from ..services.export import jobs

bp = Blueprint("exports", __name__)

#: what each kind is called on the page, its file's type and extension
KINDS = {
    ExportKind.PORTFOLIO_PDF: ("Portfolio PDF", "PDF", "application/pdf", "pdf"),
    ExportKind.ARCHIVE: ("Archive bundle (ZIP)", "archive bundle", "application/zip", "zip"),
}


def _ask(enrolment_id: int, kind: ExportKind):
    enrolment = policy.require("export", db.session.get(Enrolment, enrolment_id))
    export = jobs.request(enrolment, kind, current_user._get_current_object())
    return redirect(url_for(".progress", export_id=export.id), code=303)


@bp.post("/portfolio/<int:enrolment_id>/exports/pdf")
@login_required
def request_pdf(enrolment_id):
    return _ask(enrolment_id, ExportKind.PORTFOLIO_PDF)


@bp.post("/portfolio/<int:enrolment_id>/exports/archive")
@login_required
def request_archive(enrolment_id):
    return _ask(enrolment_id, ExportKind.ARCHIVE)


def _load(export_id: int) -> Export:
    return policy.require("view", db.session.get(Export, export_id))


def describe(export: Export) -> dict:
    """Where the export stands, in words, for the page and for its script alike."""
    _, noun, _, extension = KINDS[export.kind]
    ready = jobs.ready(export)
    size = f", {human_size(export.size)}" if ready and export.size else ""
    if export.status == ExportStatus.DONE:
        state = "ready" if ready else "replaced"
        message = (
            f"The {noun} is ready."
            if ready
            else f"This {noun} was replaced by a newer one because the portfolio changed."
        )
    elif export.status == ExportStatus.FAILED:
        state, message = "failed", export.error
    elif export.status == ExportStatus.RUNNING:
        state, message = "running", f"{export.stage or 'Making it'}: {export.progress}% done."
    else:
        state, message = "queued", f"Waiting to start making the {noun}."
    return {
        "status": state,
        "progress": 100 if ready else export.progress,
        "stage": export.stage,
        "message": message,
        "finished": state in {"ready", "replaced", "failed"},
        "download_url": url_for(".download", export_id=export.id) if ready else None,
        "download_label": f"Download the {noun} ({extension.upper()}{size})",
    }


@bp.get("/exports/<int:export_id>")
@login_required
def progress(export_id):
    export = _load(export_id)
    return render_template(
        "exports/progress.html",
        export=export,
        enrolment=export.enrolment,
        title=KINDS[export.kind][0],
        state=describe(export),
    )


@bp.get("/exports/<int:export_id>/status")
@login_required
def status(export_id):
    response = jsonify(describe(_load(export_id)))
    response.cache_control.no_store = True
    return response


@bp.get("/exports/<int:export_id>/download")
@login_required
def download(export_id):
    export = _load(export_id)
    if not jobs.ready(export):
        return redirect(url_for(".progress", export_id=export.id))
    enrolment = export.enrolment
    audit.record(
        "export.downloaded",
        export,
        provider_id=enrolment.cohort.provider_id,
        kind=export.kind.value,
        sha256=export.sha256,
    )
    db.session.commit()
    _, _, content_type, extension = KINDS[export.kind]
    return send_stored(
        export.storage_key,
        content_type=content_type,
        name=download_name(enrolment, extension),
        inline=False,
        etag=export.sha256,
    )


def download_name(enrolment: Enrolment, extension: str) -> str:
    """portfolio-<learner>-<standard URN>.<extension>, in characters any system accepts."""
    learner = re.sub(r"[^a-z0-9]+", "-", enrolment.learner.name.lower()).strip("-") or "learner"
    urn = re.sub(r"[^A-Za-z0-9-]+", "-", enrolment.standard.urn).strip("-")
    return f"portfolio-{learner}-{urn}.{extension}"
