"""A National Occupational Standard, loaded from a file in ``criteria/``.

A standard version is immutable once loaded: a changed text is a new version, a new record.
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, str_enum, utcnow


class CriterionKind(enum.StrEnum):
    PERFORMANCE = "performance"
    KNOWLEDGE = "knowledge"


class Standard(db.Model):
    __table_args__ = (UniqueConstraint("urn", "version", name="uq_standard_urn_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    urn: Mapped[str] = mapped_column(String(64), index=True)
    version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(500))
    suite: Mapped[str] = mapped_column(String(500), default="")
    developed_by: Mapped[str] = mapped_column(String(500), default="")
    approved_on: Mapped[str] = mapped_column(String(64), default="")
    review_date: Mapped[str] = mapped_column(String(64), default="")
    overview: Mapped[str] = mapped_column(Text, default="")
    #: keywords, occupations, guidance notes and unmodelled sections, as loaded from the file
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    guidance_md: Mapped[str] = mapped_column(Text, default="")
    content_hash: Mapped[str] = mapped_column(String(64))
    source_file: Mapped[str] = mapped_column(String(500), default="")
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criteria: Mapped[list["Criterion"]] = relationship(
        back_populates="standard", order_by="Criterion.position", cascade="all, delete-orphan"
    )

    @property
    def performance_criteria(self) -> list["Criterion"]:
        return [c for c in self.criteria if c.kind == CriterionKind.PERFORMANCE]

    @property
    def knowledge_items(self) -> list["Criterion"]:
        return [c for c in self.criteria if c.kind == CriterionKind.KNOWLEDGE]

    @property
    def keywords(self) -> list[str]:
        return list(self.details.get("keywords", []))

    @property
    def occupations(self) -> list[str]:
        return list(self.details.get("relevant_occupations", []))

    @property
    def guidance_notes(self) -> list[dict]:
        """Learner guidance (such as the sector's top tips), each with the codes it supports."""
        return list(self.details.get("guidance_notes", []))

    def notes_for(self, code: str) -> list[dict]:
        return [note for note in self.guidance_notes if code in note.get("criteria", [])]

    def criterion(self, code: str) -> "Criterion | None":
        return next((c for c in self.criteria if c.code == code), None)

    @property
    def review_due(self) -> date | None:
        """The indicative review date the standard was published with, if it names one."""
        try:
            return date.fromisoformat(self.review_date) if self.review_date else None
        except ValueError:
            return None

    def is_past_review(self, today: date) -> bool:
        """Past its indicative review date: a newer version may have been published since."""
        return self.review_due is not None and self.review_due < today

    def __repr__(self) -> str:
        return f"<Standard {self.urn} v{self.version}>"


class Criterion(db.Model):
    """A performance criterion (PC1...) or a knowledge item (K1...)."""

    __table_args__ = (UniqueConstraint("standard_id", "code", name="uq_criterion_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"), index=True)
    kind: Mapped[CriterionKind] = mapped_column(str_enum(CriterionKind))
    code: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(default=0)
    group: Mapped[str] = mapped_column(String(500), default="")
    guidance_md: Mapped[str] = mapped_column(Text, default="")

    standard: Mapped[Standard] = relationship(back_populates="criteria")

    def __repr__(self) -> str:
        return f"<Criterion {self.code}>"
