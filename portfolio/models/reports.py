"""PDF cohort reports, made on the task queue: their progress while a worker makes them, and
where the finished file is stored (services/reports/pdf_jobs.py)."""

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, str_enum, utcnow
from .exports import ExportStatus


class CohortReport(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"))
    #: the dashboard's filters, as its query string: the report holds the learners they select
    query: Mapped[str] = mapped_column(String(2000), default="")
    status: Mapped[ExportStatus] = mapped_column(
        str_enum(ExportStatus), default=ExportStatus.QUEUED
    )
    #: 0 to 100, with the stage in words, for the page that waits for it
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    storage_key: Mapped[str | None] = mapped_column(String(128), default=None)
    size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    #: how many learners the report lists, for the audit entry of its download
    learners: Mapped[int | None] = mapped_column(default=None)
    error: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: the worker's lease (services/leases.py); a queued report is queued again after it
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    attempt: Mapped[int] = mapped_column(default=0)

    provider = relationship("Provider")
    cohort = relationship("Cohort")
    requested_by = relationship("User")
