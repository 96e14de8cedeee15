"""The audit trail's keyed hash chain and its seal, and the check behind ``audit verify``.

Each entry's hash is an HMAC-SHA256 of its fields and the previous entry's hash, so editing,
deleting or inserting a row breaks the chain from that row on, and nobody without the key can
recompute the chain after an edit. The seal (``AuditSeal``) names the newest entry and its hash
under the same key, so removing the newest entries is found too.

The key is derived with a fixed label from ``AUDIT_KEY`` or, when that is not set, from
``SECRET_KEY``. Keep it out of the database and its backups. Rotating ``SECRET_KEY`` changes the
derived key: first set ``AUDIT_KEY`` to the old ``SECRET_KEY`` (or give ``AUDIT_KEY`` its own
value from the start), or the entries written so far no longer verify.
"""

import hashlib
import hmac
import json
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from ..extensions import db
from ..models import AuditEntry
from ..models.audit import AuditSeal

GENESIS = "0" * 64
SEAL_ID = 1
_LABEL = b"NOS evidence portfolio: audit trail key, version 1"


def key() -> bytes:
    secret = current_app.config.get("AUDIT_KEY") or current_app.config["SECRET_KEY"]
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, _LABEL, hashlib.sha256).digest()


def digest(entry: AuditEntry, key_bytes: bytes | None = None) -> str:
    payload = json.dumps(
        {
            "id": entry.id,
            "at": entry.at.isoformat(timespec="microseconds"),
            "actor_id": entry.actor_id,
            "subject_id": entry.subject_id,
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
    return hmac.new(key_bytes or key(), payload.encode(), hashlib.sha256).hexdigest()


def seal_mac(last_id: int, last_hash: str, key_bytes: bytes | None = None) -> str:
    message = f"audit seal|{last_id}|{last_hash}".encode()
    return hmac.new(key_bytes or key(), message, hashlib.sha256).hexdigest()


def lock() -> None:
    """Serialise appends across worker processes so two entries never share a predecessor and
    the seal always names the newest entry. Held until the transaction ends."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(db.text("SELECT pg_advisory_xact_lock(7250001)"))


def newest() -> tuple[int, str]:
    """The id and hash the next entry follows. Call under ``lock()``.

    The seal, not the last row, says where the chain ends: after the newest rows are deleted
    behind our back, the next entry still follows the deleted one and the gap shows.
    """
    db.session.flush()
    seal = db.session.get(AuditSeal, SEAL_ID, populate_existing=True)
    if seal is not None:
        return seal.last_id, seal.last_hash
    last = db.session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    return (last.id, last.hash) if last else (0, GENESIS)


def reseal(entry: AuditEntry) -> None:
    """Point the seal at ``entry``, in the same transaction."""
    seal = db.session.get(AuditSeal, SEAL_ID)
    if seal is None:
        seal = AuditSeal(id=SEAL_ID)
        db.session.add(seal)
    seal.last_id, seal.last_hash = entry.id, entry.hash
    seal.mac = seal_mac(entry.id, entry.hash)


@dataclass
class VerifyResult:
    checked: int
    first_bad_id: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.reason


def _snapshot() -> tuple[tuple[int, str, str] | None, int]:
    """The seal (last id, last hash, MAC) and the newest entry's id, read while no append is
    half done, so entries written while we check are neither missing nor unexpected."""
    lock()
    seal = db.session.get(AuditSeal, SEAL_ID, populate_existing=True)
    sealed = (seal.last_id, seal.last_hash, seal.mac) if seal is not None else None
    last_id = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    db.session.rollback()  # ends the transaction, releasing the lock: we wrote nothing
    return sealed, last_id


def verify() -> VerifyResult:
    """Walk the chain in id order and report the first entry that is wrong, then check that
    the seal names the entry the chain ends with."""
    sealed, last_id = _snapshot()
    key_bytes = key()
    previous, expected_id, checked = GENESIS, 1, 0
    entries = select(AuditEntry).where(AuditEntry.id <= last_id).order_by(AuditEntry.id)
    for entry in db.session.scalars(entries).yield_per(500):
        if entry.id != expected_id:
            return VerifyResult(checked, entry.id, f"entry {expected_id} is missing")
        if entry.prev_hash != previous:
            return VerifyResult(checked, entry.id, "its link to the previous entry is broken")
        if not hmac.compare_digest(digest(entry, key_bytes), entry.hash):
            return VerifyResult(checked, entry.id, "its contents were changed after it was written")
        previous = entry.hash
        expected_id += 1
        checked += 1
    return _check_seal(sealed, checked, previous, key_bytes)


def _check_seal(sealed, checked: int, last_hash: str, key_bytes: bytes) -> VerifyResult:
    if sealed is None:
        if checked:
            return VerifyResult(
                checked,
                reason="the seal that names the newest entry is missing, so entries may have "
                "been deleted from the end",
            )
        return VerifyResult(0)
    sealed_id, sealed_hash, mac = sealed
    if not hmac.compare_digest(seal_mac(sealed_id, sealed_hash, key_bytes), mac):
        return VerifyResult(
            checked,
            reason="the seal that names the newest entry was changed, so entries may have been "
            "deleted from the end",
        )
    if sealed_id > checked:
        ends = f"ends at entry {checked}" if checked else "is empty"
        return VerifyResult(
            checked,
            checked + 1,
            f"it and any entries after it were deleted (the seal says the newest entry is "
            f"{sealed_id}, but the trail {ends})",
        )
    if sealed_id < checked:
        return VerifyResult(
            sealed_id,
            sealed_id + 1,
            f"it was added behind the application's back (the seal says the newest entry is "
            f"{sealed_id})",
        )
    if not hmac.compare_digest(sealed_hash, last_hash):
        return VerifyResult(
            checked - 1, checked, "it is not the entry the seal names as the newest"
        )
    return VerifyResult(checked)
