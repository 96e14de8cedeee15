"""The dashboard's figures to download: CSV, XLSX and the PDF cohort report, at
/admin/reports/export.csv (.xlsx, .pdf) with the dashboard's own query string, so a download
holds exactly the learners the page is filtered to (every page of them).

CSV and XLSX stream from the request. The PDF is laid out on the task queue's worker
(services/reports/pdf_jobs.py): posting to export.pdf queues it and answers with a page that
shows its progress and offers the file when it is ready, like the portfolio PDF's.
"""

from urllib.parse import parse_qsl

from flask import Response, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from ..errors import human_size
from ..extensions import db
from ..files.serving import send_stored
from ..models import CohortReport, ExportStatus
from ..services.reports import exports, pdf_jobs
from ..services.reports.figures import DashboardQuery
from .blueprint import bp, my_provider


def _export(extension: str):
    provider = my_provider()
    query = DashboardQuery.from_args(request.args)
    found = exports.gather(provider, query, summaries=extension != "csv")
    if query.cohort_id is not None and found.cohort is None:
        abort(404)  # not one of this provider's cohorts
    exports.record(found, extension)
    db.session.commit()
    if extension == "csv":
        body = exports.csv_chunks(found.rows)
    else:
        body = exports.file_chunks(exports.xlsx_file(found))
    response = Response(body, content_type=exports.FORMATS[extension][0])
    response.headers.set(
        "Content-Disposition", "attachment", filename=exports.filename(found, extension)
    )
    response.cache_control.no_store = True  # learners' names and progress
    response.cache_control.private = True
    return response


# One endpoint a format, with no URL parameter to fill (tests/test_permissions.py walks them).
@bp.get("/reports/export.csv")
def report_export_csv():
    return _export("csv")


@bp.get("/reports/export.xlsx")
def report_export_xlsx():
    return _export("xlsx")


@bp.route("/reports/export.pdf", methods=["GET", "POST"])
def report_export_pdf():
    provider = my_provider()
    query = DashboardQuery.from_args(request.args)
    if query.cohort_id is None:
        flash("Choose a cohort, then download its PDF report.")
        return redirect(url_for("admin.reports", **query.to_args()) + "#learners")
    if not any(cohort.id == query.cohort_id for cohort in provider.cohorts):
        abort(404)  # not one of this provider's cohorts
    if request.method == "GET":  # a link from before the report was made on the worker
        return redirect(url_for("admin.reports", **query.to_args()) + "#report-exports")
    report = pdf_jobs.request(provider, query, current_user._get_current_object())
    return redirect(url_for("admin.report_pdf_progress", report_id=report.id), code=303)


def _report(report_id: int) -> CohortReport:
    """One of the signed-in administrator's provider's reports (404 for any other)."""
    provider = my_provider()
    report = db.session.get(CohortReport, report_id)
    if report is None or report.provider_id != provider.id:
        abort(404)
    return report


def describe(report: CohortReport) -> dict:
    """Where the report stands, in words, for the page and its script alike."""
    ready = pdf_jobs.ready(report)
    size = f", {human_size(report.size)}" if ready and report.size else ""
    if report.status == ExportStatus.DONE:
        state = "ready" if ready else "replaced"
        message = (
            "The PDF cohort report is ready."
            if ready
            else "This report is over a day old and was removed. Make it again to see the "
            "figures as they are now."
        )
    elif report.status == ExportStatus.FAILED:
        state, message = "failed", report.error
    elif report.status == ExportStatus.RUNNING:
        state, message = "running", f"{report.stage or 'Making it'}: {report.progress}% done."
    else:
        state, message = "queued", "Waiting to start making the PDF cohort report."
    return {
        "status": state,
        "progress": 100 if ready else report.progress,
        "stage": report.stage,
        "message": message,
        "finished": state in {"ready", "replaced", "failed"},
        "download_url": url_for(".report_pdf_download", report_id=report.id) if ready else None,
        "download_label": f"Download the PDF cohort report (PDF{size})",
    }


@bp.get("/reports/pdf/<int:report_id>")
def report_pdf_progress(report_id):
    report = _report(report_id)
    args = dict(parse_qsl(report.query))
    return render_template(
        "admin/report_progress.html",
        report=report,
        state=describe(report),
        back_url=url_for(".reports", **args) + "#report-exports",
        again_url=url_for(".report_export_pdf", **args),
    )


@bp.get("/reports/pdf/<int:report_id>/status")
def report_pdf_status(report_id):
    response = jsonify(describe(_report(report_id)))
    response.cache_control.no_store = True
    return response


@bp.get("/reports/pdf/<int:report_id>/download")
def report_pdf_download(report_id):
    report = _report(report_id)
    if not pdf_jobs.ready(report):
        return redirect(url_for(".report_pdf_progress", report_id=report.id))
    pdf_jobs.record_download(report, current_user._get_current_object())
    db.session.commit()
    response = send_stored(
        report.storage_key,
        content_type="application/pdf",
        name=pdf_jobs.filename(report),
        inline=False,
        etag=report.sha256,
    )
    response.cache_control.no_store = True  # learners' names and progress
    return response
