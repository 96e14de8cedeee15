"""What assessors decide: the rules of evidence for an evidence version, each mapping accepted or
rejected, a judgement per criterion, replies to feedback, and the unit's sign-off.

Decisions are appended, never edited: a later judgement on a criterion stands beside the earlier
ones (the newest is current), and a reopened sign-off keeps its row with who voided it and why.
"""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from .evidence import Evidence


class Outcome(enum.StrEnum):
    MET = "met"
    NOT_YET_MET = "not_yet_met"

    @property
    def label(self) -> str:
        return {"met": "Met", "not_yet_met": "Not yet met"}[self.value]


#: The four rules of evidence awarding bodies ask assessors to confirm, in their usual order.
RULES_OF_EVIDENCE = ("valid", "authentic", "current", "sufficient")
RULE_QUESTIONS = {
    "valid": "Valid: it shows the criteria it is mapped to",
    "authentic": "Authentic: it is the learner's own work",
    "current": "Current: it shows what the learner can do now",
    "sufficient": "Sufficient: there is enough of it to judge",
}


class EvidenceReview(db.Model):
    """The assessor's check of one evidence version against the rules of evidence. Once it
    exists the version has been assessed and leaves the queue."""

    __table_args__ = (UniqueConstraint("evidence_id", name="uq_evidence_review_evidence"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    valid: Mapped[bool]
    authentic: Mapped[bool]
    current: Mapped[bool]
    sufficient: Mapped[bool]
    #: why a rule is not met, for each one that is not: {"sufficient": "..."}
    notes: Mapped[dict] = mapped_column(db.JSON, default=dict)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    evidence = relationship("Evidence", back_populates="review")
    assessor = relationship("User")

    @property
    def failed_rules(self) -> list[str]:
        return [rule for rule in RULES_OF_EVIDENCE if not getattr(self, rule)]


class MappingDecision(db.Model):
    """The assessor accepts or rejects a learner's claim that evidence shows a criterion."""

    __table_args__ = (UniqueConstraint("mapping_id", name="uq_mapping_decision_mapping"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    mapping_id: Mapped[int] = mapped_column(ForeignKey("mapping.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    accepted: Mapped[bool]
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mapping = relationship("Mapping", back_populates="decision")
    assessor = relationship("User")


#: the evidence versions a judgement rests on
judgement_evidence = Table(
    "judgement_evidence",
    db.metadata,
    Column("judgement_id", ForeignKey("judgement.id"), primary_key=True),
    Column("evidence_id", ForeignKey("evidence.id"), primary_key=True, index=True),
    # from an evidence version to its judgements (turnaround on the insights page)
    Index("ix_judgement_evidence_by_evidence", "evidence_id", "judgement_id"),
)


class Judgement(db.Model):
    """Met or not yet met for one criterion of one learner's portfolio, with feedback."""

    __table_args__ = (Index("ix_judgement_enrolment_criterion", "enrolment_id", "criterion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    outcome: Mapped[Outcome] = mapped_column(str_enum(Outcome))
    feedback_md: Mapped[str] = mapped_column(Text, default="")
    judged_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment = relationship("Enrolment")
    criterion = relationship("Criterion")
    assessor = relationship("User")
    evidence: Mapped[list["Evidence"]] = relationship(
        "Evidence", secondary=judgement_evidence, order_by="Evidence.id"
    )
    replies: Mapped[list["FeedbackReply"]] = relationship(
        back_populates="judgement", order_by="FeedbackReply.id"
    )

    @property
    def is_met(self) -> bool:
        return self.outcome == Outcome.MET


class FeedbackReply(db.Model):
    """A learner's (or the assessor's) reply to a judgement's feedback."""

    id: Mapped[int] = mapped_column(primary_key=True)
    judgement_id: Mapped[int] = mapped_column(ForeignKey("judgement.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    body_md: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    judgement: Mapped[Judgement] = relationship(back_populates="replies")
    author = relationship("User")


ASSESSOR_DECLARATION = (
    "I confirm that the evidence in this portfolio is valid, authentic, current and sufficient, "
    "and that I assessed it against this National Occupational Standard."
)


class SignOff(db.Model):
    """The assessor's sign-off of a learner's unit: the canonical document of what was signed
    (docs/sign-off.md) and its SHA-256. Voided, not deleted, when the unit is reopened."""

    __table_args__ = (
        # at most one sign-off in force per portfolio: two racing sign-offs produce exactly one
        Index(
            "uq_sign_off_in_force",
            "enrolment_id",
            unique=True,
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    signer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    signer_name: Mapped[str] = mapped_column(String(200))
    declaration_text: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: UTF-8 JSON, keys sorted, no insignificant whitespace: exactly the bytes that were hashed
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)
    void_reason: Mapped[str] = mapped_column(Text, default="")

    enrolment = relationship("Enrolment")
    signer = relationship("User", foreign_keys=[signer_id])
    voided_by = relationship("User", foreign_keys=[voided_by_id])

    @property
    def in_force(self) -> bool:
        return self.voided_at is None
