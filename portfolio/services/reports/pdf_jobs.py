"""PDF cohort reports made on the task queue, as the portfolio PDF is (services/export/jobs.py).

``request`` (in the web process) records what the administrator asked for (their provider and
the dashboard's filters) and queues it; ``run`` (on a worker, through ``portfolio.tasks``)
reads the figures, lays the report out with WeasyPrint, reports its progress in the row and
stores the file. The work is held under a lease (services/leases.py), so a worker killed half
way leaves the report to be taken over within a couple of minutes. The download, not the
request, is what the audit trail records, with the same details as the CSV and XLSX.
"""

import logging
from datetime import timedelta
from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select, update
from werkzeug.datastructures import MultiDict

from ...extensions import db
from ...models import CohortReport, ExportStatus, Provider, User
from ...models._types import utcnow
from ...storage import get_storage
from .. import audit, leases
from . import exports
from .figures import DashboardQuery

log = logging.getLogger(__name__)

WORK = leases.Work(
    CohortReport,
    CohortReport.status,
    CohortReport.lease_until,
    CohortReport.attempt,
    waiting=ExportStatus.QUEUED,
    running=ExportStatus.RUNNING,
)
#: a finished report's file is kept this long (the figures it shows age by the hour)
KEPT_FOR = timedelta(days=1)


def request(provider: Provider, query: DashboardQuery, person: User) -> CohortReport:
    """The report of the dashboard as filtered: one this person asked for with the same
    filters and that is still being made (a second click), or a new one, queued."""
    args = urlencode(sorted(query.to_args().items()))
    waiting = db.session.scalar(
        select(CohortReport).where(
            CohortReport.provider_id == provider.id,
            CohortReport.requested_by_id == person.id,
            CohortReport.query == args,
            CohortReport.status.in_((ExportStatus.QUEUED, ExportStatus.RUNNING)),
            CohortReport.lease_until > utcnow(),
        )
    )
    if waiting is not None:
        return waiting
    report = CohortReport(
        provider=provider, cohort_id=query.cohort_id, query=args, requested_by=person
    )
    for name, value in leases.queued_values(WORK).items():
        setattr(report, name, value)
    db.session.add(report)
    db.session.commit()
    queue(report)
    return report


def queue(report: CohortReport) -> None:
    from ... import tasks

    report_id = report.id
    try:
        tasks.make_cohort_report(report_id)
    except Exception:  # the periodic retry queues it again
        log.exception("could not queue cohort report %s", report_id)
    db.session.expire(report)  # run inline (tests), the task changed it in its own session


def ready(report: CohortReport) -> bool:
    return (
        report.status == ExportStatus.DONE
        and bool(report.storage_key)
        and get_storage().exists(report.storage_key)
    )


def record_download(report: CohortReport, actor: User) -> None:
    """The audit entry of a download of learners' names and progress; the caller commits."""
    audit.record(
        "report.exported",
        report.provider,
        actor=actor,
        provider_id=report.provider_id,
        format="pdf",
        cohort=report.cohort.name,
        filters=_query(report).to_args(),
        learners=report.learners,
        sha256=report.sha256,
    )


def filename(report: CohortReport) -> str:
    return exports.filename_for(report.cohort.name, report.finished_at, "pdf")


def _query(report: CohortReport) -> DashboardQuery:
    return DashboardQuery.from_args(MultiDict(parse_qsl(report.query)))


# ------------------------------------------------------------------------------ on a worker


def run(report_id: int) -> None:
    """Make the report, keeping its row up to date; never leaves it running."""
    where = (CohortReport.id == report_id,)
    attempt = leases.claim(WORK, where)
    if attempt is None:
        log.info("cohort report %s is made or being made; nothing to do", report_id)
        return
    report = db.session.get(CohortReport, report_id)
    progress = _reporter(where, attempt)
    storage = get_storage()
    try:
        with leases.heartbeat(WORK, where, attempt):
            progress(10, "Reading the figures")
            found = exports.gather(report.provider, _query(report))
            progress(40, "Laying out the report")
            pdf = exports.pdf_report(found)
            progress(90, "Storing the report")
            writer = storage.writer()
            try:
                writer.write(pdf)
                size, digest = writer.size, writer.sha256
                key = writer.commit()
            finally:
                writer.abort()  # does nothing once committed
    except Exception:
        log.exception("cohort report %s failed", report_id)
        _finish(where, attempt, _failure(report_id))
        return
    except BaseException:  # the worker is stopping: leave it for the next one, at once
        _finish(where, attempt, {"status": ExportStatus.QUEUED, "lease_until": utcnow()})
        raise
    done = {
        "status": ExportStatus.DONE,
        "progress": 100,
        "stage": "Ready",
        "storage_key": key,
        "size": size,
        "sha256": digest,
        "learners": len(found.rows),
        "finished_at": utcnow(),
    }
    if not _finish(where, attempt, done):
        storage.delete(key)  # another worker took it over meanwhile
        return
    _remove_old(report_id)


def _failure(report_id: int) -> dict:
    return {
        "status": ExportStatus.FAILED,
        "error": (
            "Sorry, the PDF cohort report could not be made because of a problem on our side. "
            f"Try again in a few minutes; if it fails again, tell us (report {report_id})."
        ),
        "finished_at": utcnow(),
    }


def _reporter(where: tuple, attempt: int):
    """A progress callback writing to the row in a transaction of its own."""

    def report(percent: int, stage: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(
                update(CohortReport)
                .where(*WORK.held(where, attempt))
                .values(progress=percent, stage=stage)
            )

    return report


def _finish(where: tuple, attempt: int, values: dict) -> bool:
    db.session.rollback()
    if values["status"] != ExportStatus.QUEUED:
        values["lease_until"] = None
    done = db.session.execute(
        update(CohortReport)
        .where(*WORK.held(where, attempt))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(done)


def _remove_old(report_id: int) -> None:
    """Delete the files of the provider's reports finished over KEPT_FOR ago (their rows stay,
    as a record of what was asked for)."""
    report = db.session.get(CohortReport, report_id)
    old = db.session.scalars(
        select(CohortReport).where(
            CohortReport.provider_id == report.provider_id,
            CohortReport.storage_key.is_not(None),
            CohortReport.finished_at < utcnow() - KEPT_FOR,
        )
    ).all()
    storage = get_storage()
    for each in old:
        storage.delete(each.storage_key)
        each.storage_key = None
    db.session.commit()


# ------------------------------------------------------------------ work whose worker was lost


def retry_abandoned() -> int:
    """Queue again the reports whose message or worker was lost; give up on those whose worker
    vanished MAX_ATTEMPTS times. Returns how many were queued."""
    reports = db.session.scalars(select(CohortReport).where(*leases.abandoned(WORK))).all()
    again = []
    for report in reports:
        if report.attempt >= leases.MAX_ATTEMPTS:
            for name, value in _failure(report.id).items():
                setattr(report, name, value)
            report.lease_until = None
            continue
        for name, value in leases.queued_values(WORK).items():
            setattr(report, name, value)
        again.append(report)
    db.session.commit()
    for report in again:
        queue(report)
    return len(again)
