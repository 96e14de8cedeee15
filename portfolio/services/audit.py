"""Append entries to the audit trail and check the hash chain.

Each entry's hash covers its own fields and the previous entry's hash, so editing, deleting or
inserting a row behind the application's back breaks the chain from that row on.
"""

import hashlib
import json
from dataclasses import dataclass

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.local import LocalProxy

from ..extensions import db
from ..models import AuditEntry
from ..models._types import utcnow

GENESIS = "0" * 64


def _digest(entry: AuditEntry) -> str:
    payload = json.dumps(
        {
            "id": entry.id,
            "at": entry.at.isoformat(timespec="microseconds"),
            "actor_id": entry.actor_id,
            "provider_id": entry.provider_id,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "details": entry.details,
            "prev_hash": entry.prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _lock_chain():
    """Serialise appends across worker processes so two entries never share a predecessor."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(7250001)"))


def _unwrap(value):
    """The object behind a werkzeug proxy such as ``current_user``, so the entry names a User,
    not a LocalProxy."""
    return value._get_current_object() if isinstance(value, LocalProxy) else value


def record(action: str, obj=None, *, actor=None, provider_id=None, **details) -> AuditEntry:
    """Add an audit entry to the current transaction; the caller commits with its own change.

    ``actor`` defaults to the signed-in person; ``obj`` may be any model with an ``id``.
    """
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    obj, actor = _unwrap(obj), _unwrap(actor)
    if provider_id is None and actor is not None:
        provider_id = actor.provider_id
    if has_request_context():
        details.setdefault("ip", request.remote_addr or "")
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()  # a new object gets its id, so the entry names it
    _lock_chain()
    last = db.session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        id=(last.id + 1) if last else 1,
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        provider_id=provider_id,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.id) if obj is not None and obj.id is not None else "",
        details=json.loads(json.dumps(details, default=str)),
        prev_hash=last.hash if last else GENESIS,
    )
    entry.hash = _digest(entry)
    db.session.add(entry)
    return entry


@dataclass
class VerifyResult:
    checked: int
    first_bad_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify() -> VerifyResult:
    """Walk the chain in id order; report the first entry that does not match."""
    previous = GENESIS
    expected_id = 1
    checked = 0
    for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(500):
        if entry.id != expected_id:
            return VerifyResult(checked, entry.id, f"entry {expected_id} is missing")
        if entry.prev_hash != previous:
            return VerifyResult(checked, entry.id, "its link to the previous entry is broken")
        if _digest(entry) != entry.hash:
            return VerifyResult(checked, entry.id, "its contents were changed after it was written")
        previous = entry.hash
        expected_id += 1
        checked += 1
    return VerifyResult(checked)
