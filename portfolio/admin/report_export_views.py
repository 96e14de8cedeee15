"""The dashboard's figures to download: CSV, XLSX and the PDF cohort report, at
/admin/reports/export.csv (.xlsx, .pdf) with the dashboard's own query string, so a download
holds exactly the learners the page is filtered to (every page of them)."""

from flask import Response, abort, flash, redirect, request, url_for

from ..extensions import db
from ..services.reports import exports
from ..services.reports.figures import DashboardQuery
from .blueprint import bp, my_provider


def _export(extension: str):
    provider = my_provider()
    query = DashboardQuery.from_args(request.args)
    if extension == "pdf" and query.cohort_id is None:
        flash("Choose a cohort, then download its PDF report.")
        return redirect(url_for("admin.reports", **query.to_args()) + "#learners")
    found = exports.gather(provider, query, summaries=extension != "csv")
    if query.cohort_id is not None and found.cohort is None:
        abort(404)  # not one of this provider's cohorts
    exports.record(found, extension)
    db.session.commit()
    if extension == "csv":
        body = exports.csv_chunks(found.rows)
    elif extension == "xlsx":
        body = exports.file_chunks(exports.xlsx_file(found))
    else:
        body = [exports.pdf_report(found)]
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


@bp.get("/reports/export.pdf")
def report_export_pdf():
    return _export("pdf")
