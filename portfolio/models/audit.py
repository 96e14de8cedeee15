"""The append-only audit trail: a keyed hash chain, and a seal naming its newest entry."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow


class AuditEntry(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: the person the event is about (signed in, enrolled, given an assessor...), if any
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    #: the provider whose administrators may read this entry
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("provider.id"), index=True)
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64), default="")
    object_id: Mapped[str] = mapped_column(String(64), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    #: HMAC-SHA256 under the audit key of this entry's fields and ``prev_hash``
    hash: Mapped[str] = mapped_column(String(64), unique=True)

    actor = relationship("User", foreign_keys=[actor_id])
    subject = relationship("User", foreign_keys=[subject_id])


class AuditSeal(db.Model):
    """One row naming the newest entry and its hash, with a MAC under the audit key. Written in
    the same transaction as each entry, so deleting the newest entries (which leaves a shorter
    chain that is intact) is found by ``audit verify``."""

    __table_args__ = (CheckConstraint("id = 1", name="one_audit_seal"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
