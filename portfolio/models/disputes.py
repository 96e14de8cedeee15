"""A learner's dispute of an assessor's record (an observation, professional discussion or
questioning record): the learner says what is wrong, and the assessor either amends the record
(a new version the learner is asked to confirm) or answers, keeping it."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, str_enum, utcnow


class DisputeOutcome(enum.StrEnum):
    AMENDED = "amended"
    ANSWERED = "answered"


class RecordDispute(db.Model):
    """One disagreement with one version of a record; resolved once, never edited after."""

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: None while the assessor has still to amend or answer
    outcome: Mapped[DisputeOutcome | None] = mapped_column(str_enum(DisputeOutcome), default=None)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)
    #: the assessor's answer, when they keep the record
    answer: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: the version that amends the record, when they amend it
    amended_by_evidence_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence.id"), default=None
    )

    evidence = relationship("Evidence", foreign_keys=[evidence_id], back_populates="disputes")
    learner = relationship("User", foreign_keys=[learner_id])
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])
    amended_by = relationship("Evidence", foreign_keys=[amended_by_evidence_id])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
