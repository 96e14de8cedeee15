"""Signing off a unit, reopening it, and checking a sign-off against the live records.

A sign-off needs every criterion met, nothing waiting, the assessor's password again, their
full name typed and the declaration accepted. It stores the canonical document (``document``)
and its SHA-256. Reopening voids it, visibly and with a reason; a later sign-off is a new row.
"""

import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import ASSESSOR_DECLARATION, AuditEntry, Enrolment, SignOff, User
from ...models._types import utcnow
from ..audit import record
from ..notifications import notify
from ..passwords import check_password
from ..problems import Problem
from . import document, revision, state

MAX_REASON = 2000


class SignOffProblem(Problem):
    """Why a sign-off or a reopening was refused; ``missing`` lists what the unit still needs."""

    def __init__(self, message: str, field: str | None = None, missing: list[str] | None = None):
        super().__init__(message, field)
        self.missing = missing or []


def _same_name(typed: str, name: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(name.split()).casefold()


def sign_off(
    enrolment: Enrolment,
    assessor: User,
    *,
    password: str,
    full_name: str,
    confirmed: bool,
    seen: int,
) -> SignOff:
    if not check_password(assessor.password_hash, password or ""):
        raise SignOffProblem(
            "The password is not right. Enter the password you sign in with.", "password"
        )
    if not full_name.strip():
        raise SignOffProblem("Type your full name to sign.", "full_name")
    if not _same_name(full_name, assessor.name):
        raise SignOffProblem(
            f"Type your full name as it appears on your account: {assessor.name}.", "full_name"
        )
    if not confirmed:
        raise SignOffProblem("Confirm the declaration to sign off.", "confirm")
    revision.advance(enrolment, seen)  # holds the portfolio's write lock from here on
    state.require_open(enrolment)
    if missing := state.missing_for_sign_off(enrolment):
        raise SignOffProblem(
            "You cannot sign off this unit yet: "
            + f"{len(missing)} thing"
            + ("s" if len(missing) > 1 else "")
            + " still to do.",
            missing=missing,
        )
    signed_at = utcnow().replace(microsecond=0)
    name = " ".join(full_name.split())
    text = document.encode(
        document.build(enrolment, signer=assessor, signer_name=name, signed_at=signed_at)
    )
    row = SignOff(
        enrolment=enrolment,
        signer=assessor,
        signer_name=name,
        declaration_text=ASSESSOR_DECLARATION,
        signed_at=signed_at,
        document=text,
        sha256=document.digest(text),
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # another sign-off got in first (the unique index says so)
        db.session.rollback()
        raise revision.Conflict() from None
    record(
        "assessment.signed_off",
        enrolment,
        actor=assessor,
        provider_id=enrolment.cohort.provider_id,
        sign_off_id=row.id,
        sha256=row.sha256,
    )
    notify(
        enrolment.learner,
        "signed_off",
        f"{assessor.name} signed off your unit: {enrolment.standard.title}.",
        f"/portfolio/{enrolment.id}",
    )
    db.session.commit()
    return row


def reopen(enrolment: Enrolment, assessor: User, *, reason: str, seen: int) -> SignOff:
    reason = reason.strip()
    if not reason:
        raise SignOffProblem("Give the reason you are reopening the unit.", "reason")
    if len(reason) > MAX_REASON:
        raise SignOffProblem(f"Keep the reason to {MAX_REASON:,} characters.", "reason")
    revision.advance(enrolment, seen)
    row = state.sign_off_in_force(enrolment)
    if row is None:
        raise SignOffProblem("This unit is not signed off, so there is nothing to reopen.")
    row.voided_at = utcnow()
    row.voided_by = assessor
    row.void_reason = reason
    from ..quality.countersigning import void_for_reopened  # quality builds on assessment

    void_for_reopened(row, assessor, reason)  # the IQA's countersignature of it goes too
    record(
        "assessment.reopened",
        enrolment,
        actor=assessor,
        provider_id=enrolment.cohort.provider_id,
        sign_off_id=row.id,
        sha256=row.sha256,
        reason=reason,
    )
    notify(
        enrolment.learner,
        "reopened",
        f"{assessor.name} reopened your unit so it can change: {reason}",
        f"/portfolio/{enrolment.id}",
    )
    db.session.commit()
    return row


@dataclass
class Verification:
    sign_off: SignOff
    #: the stored document still hashes to the stored digest
    document_intact: bool
    #: what differs between the stored document and one rebuilt from the live records
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.document_intact and not self.differences


def verify(sign_off: SignOff) -> Verification:
    """Compare the stored document with its digest, with the one rebuilt from the live records,
    and the digest with the one the (keyed, chained) audit trail recorded at signing, so a
    document and digest rewritten together are found too."""
    intact, found = check_signed(
        sign_off.document,
        sign_off.sha256,
        lambda: document.rebuild(sign_off),
        audit=("assessment.signed_off", sign_off.enrolment_id, "sign_off_id", sign_off.id),
        what=("sign-off", "signed"),
    )
    return Verification(sign_off, intact, found)


def check_signed(stored: str, sha256: str, rebuild, *, audit, what) -> tuple[bool, list[str]]:
    """The checks every signed document gets (a sign-off, a countersignature): does the stored
    text hash to its digest, what differs from the document ``rebuild()`` makes from the live
    records, and does the digest match the audit entry ``audit`` = (action, enrolment id,
    detail naming the row, row id) written when it was signed. ``what`` names it in messages."""
    intact = document.digest(stored) == sha256
    try:
        signed = json.loads(stored)
    except ValueError:
        return False, ["the stored document is not JSON any more"]
    found = document.differences(signed, rebuild())
    audited = _audited_digest(*audit)
    if audited is None:
        found.append(f"the audit trail has no entry for this {what[0]}")
    elif audited != sha256:
        found.append(f"the audit trail recorded SHA-256 {audited} when it was {what[1]}")
    return intact, found


def _audited_digest(action: str, enrolment_id: int, detail: str, row_id: int) -> str | None:
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == action,
            AuditEntry.object_type == "Enrolment",
            AuditEntry.object_id == str(enrolment_id),
        )
    )
    for entry in entries:
        if entry.details.get(detail) == row_id:
            return entry.details.get("sha256")
    return None
