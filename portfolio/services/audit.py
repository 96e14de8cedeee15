"""Append entries to the audit trail, each in the caller's transaction.

The chain itself (keyed hashes, the seal, ``audit verify``) lives in ``audit_chain``.
"""

import json

from flask import has_request_context, request
from flask_login import current_user
from werkzeug.local import LocalProxy

from ..extensions import db
from ..models import AuditEntry
from ..models._types import utcnow
from . import audit_chain


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
    audit_chain.lock()
    last_id, last_hash = audit_chain.newest()
    entry = AuditEntry(
        id=last_id + 1,
        at=utcnow(),
        actor_id=actor.id if actor is not None else None,
        provider_id=provider_id,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.id) if obj is not None and obj.id is not None else "",
        details=json.loads(json.dumps(details, default=str)),
        prev_hash=last_hash,
    )
    entry.hash = audit_chain.digest(entry)
    db.session.add(entry)
    audit_chain.reseal(entry)
    return entry
