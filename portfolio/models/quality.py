"""Internal and external quality assurance: the provider's sampling strategy, each assessor's
risk rating, the IQA's sampling plan and records, the IQA's countersignature of a sign-off,
witness testimony requested from people without accounts, and an external quality assurer's
time-limited read-only access.
"""

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, Column, Date, ForeignKey, Index, String, Table, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, str_enum, utcnow

if TYPE_CHECKING:
    from .people import Enrolment


class AssessorRisk(enum.StrEnum):
    NEW = "new"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SampleStage(enum.StrEnum):
    INTERIM = "interim"  # during assessment
    SUMMATIVE = "summative"  # after sign-off

    @property
    def label(self) -> str:
        return self.value.capitalize()


class SampleKind(enum.StrEnum):
    JUDGEMENT = "judgement"
    EVIDENCE = "evidence"
    SIGN_OFF = "sign_off"

    @property
    def label(self) -> str:
        return {"judgement": "Judgement", "evidence": "Evidence item", "sign_off": "Sign-off"}[
            self.value
        ]


class SampleOutcome(enum.StrEnum):
    AGREED = "agreed"
    NOT_AGREED = "not_agreed"

    @property
    def label(self) -> str:
        return {"agreed": "Agreed", "not_agreed": "Not agreed"}[self.value]


class SamplingStrategy(db.Model):
    """One per provider: how much of each assessor's work its IQAs sample, and how often."""

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), unique=True)
    #: an assessor counts as "new" for this many months from their account's creation
    new_months: Mapped[int] = mapped_column(default=6)
    percent_new: Mapped[int] = mapped_column(default=100)
    percent_low: Mapped[int] = mapped_column(default=10)
    percent_medium: Mapped[int] = mapped_column(default=25)
    percent_high: Mapped[int] = mapped_column(default=50)
    interim: Mapped[bool] = mapped_column(default=True)
    summative: Mapped[bool] = mapped_column(default=True)
    #: the period within which every assessor, method and cohort is sampled at least once
    period_months: Mapped[int] = mapped_column(default=3)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AssessorRating(db.Model):
    """The provider's risk rating of an assessor; without one, "new" in their first months."""

    id: Mapped[int] = mapped_column(primary_key=True)
    assessor_id: Mapped[int] = mapped_column(ForeignKey("user.id"), unique=True)
    rating: Mapped[AssessorRisk] = mapped_column(str_enum(AssessorRisk))
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assessor = relationship("User", foreign_keys=[assessor_id])


class SampleItem(db.Model):
    """One decision in an IQA's sampling plan (proposed by the rules or added by the IQA), and,
    once sampled, what the IQA found, the assessor's response and its closing."""

    __table_args__ = (Index("ix_sample_item_iqa_period", "iqa_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    iqa_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    #: the assessor whose decision this is (at the time it was planned)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    kind: Mapped[SampleKind] = mapped_column(str_enum(SampleKind))
    judgement_id: Mapped[int | None] = mapped_column(ForeignKey("judgement.id"), default=None)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"), default=None)
    sign_off_id: Mapped[int | None] = mapped_column(ForeignKey("sign_off.id"), default=None)
    stage: Mapped[SampleStage] = mapped_column(str_enum(SampleStage))
    #: "2026-Q4" style label of the sampling period
    period: Mapped[str] = mapped_column(String(16))
    proposed: Mapped[bool] = mapped_column(default=False)  # by the rules, not added by hand
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # the sampling record
    outcome: Mapped[SampleOutcome | None] = mapped_column(str_enum(SampleOutcome), default=None)
    rules_comment: Mapped[str] = mapped_column(Text, default="")
    feedback_comment: Mapped[str] = mapped_column(Text, default="")
    action: Mapped[str] = mapped_column(Text, default="")
    action_due: Mapped[date | None] = mapped_column(Date, default=None)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    assessor_response: Mapped[str] = mapped_column(Text, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)

    iqa = relationship("User", foreign_keys=[iqa_id])
    assessor = relationship("User", foreign_keys=[assessor_id])
    enrolment = relationship("Enrolment")
    judgement = relationship("Judgement")
    evidence = relationship("Evidence")
    sign_off = relationship("SignOff")

    @property
    def action_open(self) -> bool:
        """An action for the assessor that is not closed: it blocks certification."""
        return self.outcome == SampleOutcome.NOT_AGREED and self.closed_at is None


class Countersignature(db.Model):
    """The IQA's countersignature of an assessor's sign-off, with its own canonical document
    over the sign-off's digest and the IQA's sampling records."""

    __table_args__ = (
        Index(
            "uq_countersignature_in_force",
            "sign_off_id",
            unique=True,
            sqlite_where=text("voided_at IS NULL"),
            postgresql_where=text("voided_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sign_off_id: Mapped[int] = mapped_column(ForeignKey("sign_off.id"), index=True)
    iqa_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    typed_name: Mapped[str] = mapped_column(String(200))
    declaration_text: Mapped[str] = mapped_column(Text)
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    document: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    sign_off = relationship("SignOff")
    iqa = relationship("User")


class WitnessRequest(db.Model):
    """A request for witness testimony from someone without an account, answered through a
    single-use link that expires and can be revoked (the token is stored hashed)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    witness_name: Mapped[str] = mapped_column(String(200))
    witness_email: Mapped[str] = mapped_column(String(320))
    witness_role: Mapped[str] = mapped_column(String(200))
    witness_organisation: Mapped[str] = mapped_column(String(200))
    relationship_to_learner: Mapped[str] = mapped_column(String(200))
    #: the criterion codes the testimony concerns
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)
    #: the evidence the testimony became
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enrolment = relationship("Enrolment")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    evidence = relationship("Evidence", foreign_keys=[evidence_id])


eqa_grant_enrolment = Table(
    "eqa_grant_enrolment",
    db.metadata,
    Column("grant_id", ForeignKey("eqa_grant.id"), primary_key=True),
    Column("enrolment_id", ForeignKey("enrolment.id"), primary_key=True, index=True),
)


class EqaGrant(db.Model):
    """An external quality assurer's read-only access to chosen learners (or a whole cohort)
    of one provider, until it expires or is ended early."""

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    eqa_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    #: a whole cohort, or (when None) the enrolments listed
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)

    eqa = relationship("User", foreign_keys=[eqa_id])
    granted_by = relationship("User", foreign_keys=[granted_by_id])
    cohort = relationship("Cohort")
    enrolments: Mapped[list["Enrolment"]] = relationship(secondary=eqa_grant_enrolment)

    def in_force(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.expires_at
