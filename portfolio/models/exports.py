"""Documents made from a portfolio on the task queue (the portfolio PDF, the archive bundle):
their progress while a worker makes them, and where the finished file is stored.

A finished export is reused while the portfolio's content is unchanged: ``content_key`` is a
digest of everything the document shows, so any change makes a new key and a new export.
"""

import enum
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, str_enum, utcnow


class ExportKind(enum.StrEnum):
    PORTFOLIO_PDF = "portfolio_pdf"
    ARCHIVE = "archive"


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Export(db.Model):
    __table_args__ = (
        UniqueConstraint("enrolment_id", "kind", "content_key", name="uq_export_content"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    kind: Mapped[ExportKind] = mapped_column(str_enum(ExportKind))
    #: SHA-256 of what the document shows (and the code version that lays it out)
    content_key: Mapped[str] = mapped_column(String(64))
    status: Mapped[ExportStatus] = mapped_column(
        str_enum(ExportStatus), default=ExportStatus.QUEUED
    )
    #: 0 to 100, with the stage in words, for the page that waits for it
    progress: Mapped[int] = mapped_column(default=0)
    stage: Mapped[str] = mapped_column(String(200), default="")
    storage_key: Mapped[str | None] = mapped_column(String(128), default=None)
    size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    error: Mapped[str] = mapped_column(Text, default="")
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    enrolment = relationship("Enrolment")
    requested_by = relationship("User")
