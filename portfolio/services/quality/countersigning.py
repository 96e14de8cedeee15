"""The IQA's countersignature of a signed-off unit, voiding it when the unit is reopened, and
checking it against the live records.

A countersignature needs the unit signed off, at least one sampling record of the IQA's on the
learner, nothing planned and not yet recorded, no action open, the IQA's password again,
their full name typed and the declaration accepted; and the IQA may never have made a decision
in the portfolio. It stores its canonical document (``document``) and SHA-256.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...models import Countersignature, Enrolment, SampleItem, SignOff, User
from ...models._types import utcnow
from ..assessment import revision, state
from ..assessment.signing import SignOffProblem, _same_name, check_signed
from ..audit import record
from ..notifications import notify
from ..passwords import check_password
from . import certification, document
from .plan import require_independent

__all__ = ["SignOffProblem", "countersign", "in_force", "verify", "void_for_reopened"]


def in_force(sign_off: SignOff | None) -> Countersignature | None:
    if sign_off is None:
        return None
    return db.session.scalar(
        select(Countersignature).where(
            Countersignature.sign_off_id == sign_off.id, Countersignature.voided_at.is_(None)
        )
    )


def on_portfolio(enrolment: Enrolment) -> list[Countersignature]:
    """Every countersignature of this portfolio's sign-offs, voided ones included, oldest
    first (the EQA's quality assurance page)."""
    return list(
        db.session.scalars(
            select(Countersignature)
            .join(Countersignature.sign_off)
            .where(SignOff.enrolment_id == enrolment.id)
            .order_by(Countersignature.signed_at, Countersignature.id)
        )
    )


def still_to_do(enrolment: Enrolment, iqa: User) -> list[str]:
    """What stops this IQA countersigning the unit now, one sentence each."""
    sign_off = state.sign_off_in_force(enrolment)
    if sign_off is None:
        return ["The unit is not signed off yet: the assessor signs off first."]
    todo = list(certification.blocked_reasons(enrolment))
    planned = db.session.scalars(
        select(SampleItem).where(
            SampleItem.enrolment_id == enrolment.id,
            SampleItem.iqa_id == iqa.id,
            SampleItem.removed_at.is_(None),
        )
    ).all()
    waiting = [i for i in planned if i.recorded_at is None]
    if waiting:
        todo.append(
            f"{len(waiting)} sampled decision{'s' if len(waiting) > 1 else ''} for "
            f"{enrolment.learner.name} {'are' if len(waiting) > 1 else 'is'} planned but not "
            "recorded: record what you found, or remove them from your plan."
        )
    elif not planned:
        todo.append(
            f"You have not sampled any of {enrolment.learner.name}’s decisions yet: sample "
            "and record at least one from your plan."
        )
    return todo


def countersign(
    enrolment: Enrolment,
    iqa: User,
    *,
    password: str,
    full_name: str,
    confirmed: bool,
    seen: int,
) -> Countersignature:
    require_independent(iqa, enrolment)
    if not check_password(iqa.password_hash, password or ""):
        raise SignOffProblem(
            "The password is not right. Enter the password you sign in with.", "password"
        )
    if not full_name.strip():
        raise SignOffProblem("Type your full name to countersign.", "full_name")
    if not _same_name(full_name, iqa.name):
        raise SignOffProblem(
            f"Type your full name as it appears on your account: {iqa.name}.", "full_name"
        )
    if not confirmed:
        raise SignOffProblem("Confirm the declaration to countersign.", "confirm")
    revision.advance(enrolment, seen)  # holds the portfolio's write lock from here on
    sign_off = state.sign_off_in_force(enrolment)
    if (existing := in_force(sign_off)) is not None:
        raise SignOffProblem(
            f"This unit was countersigned on {existing.signed_at:%-d %B %Y} by "
            f"{existing.typed_name}."
        )
    if todo := still_to_do(enrolment, iqa):
        raise SignOffProblem(
            "You cannot countersign this unit yet: "
            + f"{len(todo)} thing{'s' if len(todo) > 1 else ''} still to do.",
            missing=todo,
        )
    signed_at = utcnow()
    name = " ".join(full_name.split())
    text = document.encode(
        document.build(
            sign_off,
            iqa=iqa,
            typed_name=name,
            signed_at=signed_at,
            declaration=document.IQA_DECLARATION,
            items=document.items_for(sign_off, iqa, signed_at),
        )
    )
    row = Countersignature(
        sign_off=sign_off,
        iqa=iqa,
        typed_name=name,
        declaration_text=document.IQA_DECLARATION,
        signed_at=signed_at,
        document=text,
        sha256=document.digest(text),
    )
    db.session.add(row)
    try:
        db.session.flush()
    except IntegrityError:  # another countersignature got in first (the unique index says so)
        db.session.rollback()
        raise revision.Conflict() from None
    record(
        "quality.countersigned",
        enrolment,
        actor=iqa,
        provider_id=enrolment.cohort.provider_id,
        countersignature_id=row.id,
        sign_off_id=sign_off.id,
        sign_off_sha256=sign_off.sha256,
        sha256=row.sha256,
    )
    message = f"{iqa.name} countersigned the sign-off of {enrolment.learner.name}’s unit."
    notify(sign_off.signer, "countersigned", message, f"/portfolio/{enrolment.id}")
    notify(
        enrolment.learner,
        "countersigned",
        f"{iqa.name}, your internal quality assurer, countersigned your unit: "
        f"{enrolment.standard.title}.",
        f"/portfolio/{enrolment.id}",
    )
    db.session.commit()
    return row


def void_for_reopened(sign_off: SignOff, by: User, reason: str) -> Countersignature | None:
    """Reopening a unit voids its sign-off, and with it the countersignature of that sign-off
    (in the reopening's transaction; the caller commits)."""
    row = in_force(sign_off)
    if row is None:
        return None
    row.voided_at = utcnow()
    enrolment = sign_off.enrolment
    record(
        "quality.countersignature_voided",
        enrolment,
        actor=by,
        provider_id=enrolment.cohort.provider_id,
        countersignature_id=row.id,
        sha256=row.sha256,
        reason=reason,
    )
    notify(
        row.iqa,
        "countersignature_voided",
        f"{by.name} reopened {enrolment.learner.name}’s unit, so your countersignature is "
        f"void: {reason}",
        f"/portfolio/{enrolment.id}",
    )
    return row


@dataclass
class Verification:
    countersignature: Countersignature
    document_intact: bool
    differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.document_intact and not self.differences


def verify(countersignature: Countersignature) -> Verification:
    """As for a sign-off: the stored document against its digest, against one rebuilt from the
    live records (the sign-off's digest among them), and the digest against the audit trail."""
    intact, found = check_signed(
        countersignature.document,
        countersignature.sha256,
        lambda: document.rebuild(countersignature),
        audit=(
            "quality.countersigned",
            countersignature.sign_off.enrolment_id,
            "countersignature_id",
            countersignature.id,
        ),
        what=("countersignature", "countersigned"),
    )
    return Verification(countersignature, intact, found)
