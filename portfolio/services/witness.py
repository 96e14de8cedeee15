"""Witness testimony from people without accounts: ask for it, withdraw the link, check a link,
and turn what the witness writes into submitted evidence for the assessor to judge.

A link carries ``secrets.token_urlsafe(32)``, kept only as its SHA-256 (as invitations are); it
works once, until ``WITNESS_LINK_DAYS`` pass or the requester withdraws it. Every refused link
is audited with the client's address, and those entries are what the per-address limit counts,
so the limit holds across worker processes without a table of its own.
"""

import enum
import hashlib
import math
import secrets
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import event, func, select, update
from werkzeug.datastructures import FileStorage

from ..extensions import db
from ..models import (
    AuditEntry,
    ConsentStatus,
    Criterion,
    Enrolment,
    Evidence,
    EvidenceStatus,
    Mapping,
    Method,
    User,
    WitnessRequest,
)
from ..models._types import utcnow
from ..public_address import external_url
from ..storage import get_storage
from ..uk_time import uk_date
from . import evidence_files, mail, uploads
from .assessment import revision, state
from .audit import record
from .evidence import audit_value, today
from .notifications import notify
from .people import email_problem, name_problem, normalise_email, too_long
from .problems import Problem

REFUSED = "witness_link_refused"
FIELD_MAX = 200  # the witness's name, role, organisation and relationship columns
MESSAGE_MAX = 5_000
TESTIMONY_MAX = 20_000
READ_SIZE = 1024 * 1024


class WitnessProblem(Problem):
    """A rule a request or a testimony breaks, as a sentence for the person at the form."""


class Refusal(enum.StrEnum):
    """Why a link does not work, in the order they are checked."""

    USED = "used"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


@dataclass
class Refused:
    """A link that does not work, with what the refusal page may say about it (never anything
    about the portfolio: who asked, and when the link stopped working)."""

    reason: Refusal
    request: WitnessRequest | None = None
    withdrawn_by: User | None = None

    @property
    def status_code(self) -> int:
        return 404 if self.reason == Refusal.UNKNOWN else 410


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _lifetime() -> timedelta:
    return timedelta(days=int(current_app.config["WITNESS_LINK_DAYS"]))


def link_url(token: str) -> str:
    return external_url("witness.give", token=token)


# ------------------------------------------------------------------------------ asking for it


def request_testimony(
    enrolment: Enrolment,
    requester: User,
    *,
    name: str,
    email: str,
    role: str,
    organisation: str,
    relationship: str,
    criteria: list[Criterion],
    message: str,
) -> tuple[WitnessRequest, str | None]:
    """Create the request and its link, audit it and commit, then email the link when a mail
    server is configured. Returns the request and, when it was not emailed, the token, so the
    page shows the link for the requester to pass on."""
    name, email = " ".join((name or "").split()), normalise_email(email)
    role, organisation = " ".join((role or "").split()), " ".join((organisation or "").split())
    relationship, message = " ".join((relationship or "").split()), (message or "").strip()
    _check_request(
        enrolment,
        name,
        email,
        criteria,
        message,
        role=role,
        organisation=organisation,
        relationship=relationship,
    )
    state.require_open(enrolment)
    _require_room_for_another(enrolment, requester)
    token = secrets.token_urlsafe(32)
    standard = enrolment.standard
    codes = [c.code for c in standard.criteria if c in criteria]
    row = WitnessRequest(
        enrolment=enrolment,
        requested_by=requester,
        witness_name=name,
        witness_email=email,
        witness_role=role,
        witness_organisation=organisation,
        relationship_to_learner=relationship,
        criteria=codes,
        message=message,
        token_hash=_hash(token),
        expires_at=utcnow() + _lifetime(),
    )
    db.session.add(row)
    db.session.flush()
    emailed = mail.configured()
    record(
        "witness_requested",
        row,
        actor=requester,
        provider_id=enrolment.cohort.provider_id,
        witness=_witness_details(row),
        criteria=codes,
        message=audit_value("account_md", message),
        expires_at=row.expires_at.isoformat(),
        by_email=emailed,
    )
    db.session.commit()
    if emailed and _email_link(row, token):
        return row, None
    return row, token


def _require_room_for_another(enrolment: Enrolment, requester: User) -> None:
    """Refuse a request when the learner already has WITNESS_OPEN_REQUESTS_MAX links waiting
    for an answer (across their portfolios, whoever asked): each is an email to someone
    outside, sent in the learner's name.

    Two requests at once must not both count nine and both send: each first holds the
    learner's row until it commits, with an UPDATE that changes nothing. SELECT ... FOR UPDATE
    would do on PostgreSQL, but pysqlite runs reads outside the transaction, so on SQLite only
    a write waits for the other request's commit before this one counts."""
    learner = enrolment.learner
    db.session.execute(
        update(User)
        .where(User.id == learner.id)
        .values(active=User.active)
        .execution_options(synchronize_session=False)
    )
    limit = int(current_app.config["WITNESS_OPEN_REQUESTS_MAX"])
    waiting = db.session.scalar(
        select(func.count(WitnessRequest.id))
        .join(WitnessRequest.enrolment)
        .where(
            Enrolment.learner_id == learner.id,
            WitnessRequest.used_at.is_(None),
            WitnessRequest.revoked_at.is_(None),
            WitnessRequest.expires_at > utcnow(),
        )
    )
    if waiting >= limit:
        who = "You have" if requester.id == learner.id else f"{learner.name} has"
        raise WitnessProblem(
            f"{who} {waiting} witness requests waiting for an answer. Withdraw one or wait "
            "for an answer before asking someone else."
        )


#: what the request form asks about the witness, and what to say when it is left out
WITNESS_FIELDS = {
    "role": "Enter the witness's role, for example “Youth worker”.",
    "organisation": "Enter the witness's organisation or community group.",
    "relationship": (
        "Say how the witness knows the learner, for example “Ran the youth panel with them”."
    ),
}


def _check_request(enrolment, name, email, criteria, message, **fields):
    if problem := name_problem(name, "the witness's"):
        raise WitnessProblem(problem, "name")
    if problem := email_problem(email):
        raise WitnessProblem(problem, "email")
    for field, missing in WITNESS_FIELDS.items():
        value = fields[field]
        if problem := (missing if not value else too_long(value, FIELD_MAX, f"The {field}")):
            raise WitnessProblem(problem, field)
    if email == normalise_email(enrolment.learner.email):
        raise WitnessProblem(
            "The witness must be someone other than the learner. Enter the witness's own "
            "email address.",
            "email",
        )
    if not criteria:
        raise WitnessProblem("Choose at least one criterion the testimony is about.", "criteria")
    if any(c is None or c.standard_id != enrolment.cohort.standard_id for c in criteria):
        raise WitnessProblem("Choose criteria from this portfolio's standard.", "criteria")
    if not message:
        raise WitnessProblem("Write what you would like the witness to tell you.", "message")
    if problem := too_long(message, MESSAGE_MAX, "What you ask"):
        raise WitnessProblem(problem, "message")


def _witness_details(row: WitnessRequest) -> dict:
    return {
        "name": row.witness_name,
        "email": row.witness_email,
        "role": row.witness_role,
        "organisation": row.witness_organisation,
        "relationship": row.relationship_to_learner,
    }


def _email_link(row: WitnessRequest, token: str) -> bool:
    """Queue the email of the witness's link; False (and logged) when the queue cannot take it."""
    learner, requester = row.enrolment.learner, row.requested_by
    expires = uk_date(row.expires_at)
    body = (
        f"Hello {row.witness_name},\n\n"
        f"{requester.name} has asked you for witness testimony about the work of "
        f"{learner.name}. They ask:\n\n{row.message}\n\n"
        f"Read the request and give your testimony here (you do not need an account):\n\n"
        f"{link_url(token)}\n\n"
        f"The link works once and expires on {expires}. If you did not expect this email, "
        "you can ignore it.\n"
    )
    subject = f"{requester.name} asks for your witness testimony"
    try:
        mail.send_later(row.witness_email, subject, body)
    except Exception as error:  # noqa: BLE001 - the queue is down: the page shows the link
        current_app.logger.error("Could not queue an email to %s: %s", row.witness_email, error)
        return False
    return True


def requests_for(enrolment: Enrolment) -> list[WitnessRequest]:
    """Every request of this portfolio, newest first."""
    return list(
        db.session.scalars(
            select(WitnessRequest)
            .where(WitnessRequest.enrolment_id == enrolment.id)
            .order_by(WitnessRequest.id.desc())
        )
    )


def status_of(row: WitnessRequest, now: datetime | None = None) -> str:
    """Whether the link still works ("waiting"), or why not: "used", "withdrawn", "expired"."""
    if row.used_at is not None:
        return Refusal.USED.value
    if row.revoked_at is not None:
        return Refusal.WITHDRAWN.value
    if row.expires_at <= (now or utcnow()):
        return Refusal.EXPIRED.value
    return "waiting"


def request_for(evidence: Evidence) -> WitnessRequest | None:
    """The request a witness's evidence answered, if it is a witness's."""
    if evidence.witness_request_id is None:
        return None
    return db.session.get(WitnessRequest, evidence.witness_request_id)


def criteria_of(row: WitnessRequest) -> list[Criterion]:
    """The criteria the request names, in the standard's order."""
    wanted = set(row.criteria)
    return [c for c in row.enrolment.standard.criteria if c.code in wanted]


def revoke(row: WitnessRequest, person: User) -> None:
    """Withdraw a link that has not been used, so it stops working at once."""
    current = status_of(row)
    if current == Refusal.USED:
        raise WitnessProblem(
            f"{row.witness_name} has already given their testimony, so there is no link to "
            "withdraw."
        )
    if current == Refusal.WITHDRAWN:
        return
    row.revoked_at = utcnow()
    row.revoked_by_id = person.id
    record(
        "witness_link_revoked",
        row,
        actor=person,
        provider_id=row.enrolment.cohort.provider_id,
        witness=row.witness_name,
        expired_already=current == Refusal.EXPIRED,
    )
    db.session.commit()


# ------------------------------------------------------------------------------ the witness


def seconds_to_wait(ip: str) -> int:
    """0 when a link may be tried from ``ip`` now; otherwise how long until the oldest counted
    refusal leaves the window. The sign-in limit per address applies to links too."""
    window = timedelta(seconds=int(current_app.config["SIGNIN_WINDOW_SECONDS"]))
    limit = int(current_app.config.get("SIGNIN_MAX_FAILURES_PER_IP") or 20)
    now = utcnow()
    recent = select(AuditEntry.at).where(
        AuditEntry.action == REFUSED,
        AuditEntry.at > now - window,
        AuditEntry.details["ip"].as_string() == ip,
    )
    count = db.session.scalar(select(func.count()).select_from(recent.subquery()))
    if count < limit:
        return 0
    freed_at = db.session.scalar(recent.order_by(AuditEntry.at.desc()).offset(limit - 1).limit(1))
    return max(1, math.ceil((freed_at + window - now).total_seconds()))


def minutes(seconds: int) -> int:
    return max(1, math.ceil(seconds / 60))


def is_usable(token: str) -> bool:
    """Whether a link works, without recording anything (``find_usable`` records refusals)."""
    row = db.session.scalar(
        select(WitnessRequest).where(WitnessRequest.token_hash == _hash(token or ""))
    )
    return row is not None and status_of(row) == "waiting"


def find_usable(token: str) -> WitnessRequest | Refused:
    """The request behind a link that still works, or why it does not (audited and committed:
    the refusals are what the per-address limit counts)."""
    row = db.session.scalar(
        select(WitnessRequest).where(WitnessRequest.token_hash == _hash(token or ""))
    )
    if row is not None and (reason := status_of(row)) == "waiting":
        return row
    refused = Refused(Refusal.UNKNOWN) if row is None else Refused(Refusal(reason), row)
    if refused.reason == Refusal.WITHDRAWN:
        refused.withdrawn_by = db.session.get(User, row.revoked_by_id)
    record(
        REFUSED,
        row,
        provider_id=row.enrolment.cohort.provider_id if row is not None else None,
        reason=refused.reason.value,
        **({"witness": row.witness_name} if row is not None else {}),
    )
    db.session.commit()
    return refused


def closed_because(row: WitnessRequest) -> str | None:
    """Why this portfolio cannot take the testimony now (its unit is signed off), if so: in
    words for the witness, which say nothing else about the portfolio."""
    if state.sign_off_in_force(row.enrolment) is None:
        return None
    return (
        f"{row.enrolment.learner.name}’s unit has already been signed off, so it cannot take "
        f"new testimony and nothing you write here can be saved. If your testimony is still "
        f"needed, {row.requested_by.name} will send you a new link."
    )


def submit_testimony(
    row: WitnessRequest,
    *,
    testimony_md: str,
    witness_role: str,
    seen_on: date | None,
    confirmed: bool,
    files: Sequence[FileStorage] = (),
    consent: ConsentStatus | None = None,
) -> Evidence:
    """The witness's testimony becomes submitted evidence, mapped to the criteria asked about,
    with their files and declaration, and the link is used up: all in one transaction, so a
    refused file or any failure leaves nothing behind and the link still works. The day the
    witness saw the work (``seen_on``) is the evidence's date of the activity."""
    testimony_md = (testimony_md or "").strip()
    witness_role = " ".join((witness_role or "").split())
    _check_testimony(row, testimony_md, witness_role, seen_on, confirmed)
    if closed := closed_because(row):
        raise WitnessProblem(closed)
    chosen = uploads.chosen_files(list(files))
    if chosen and consent == ConsentStatus.NOT_OBTAINED:
        raise WitnessProblem(
            "You cannot send files that show people who can be identified and did not give "
            "their consent. Leave those files out, or ask those people for their consent first.",
            "consent",
        )
    with _staged(chosen) as staged:
        try:
            evidence = _record_testimony(row, testimony_md, witness_role, seen_on)
            if staged:
                with _submitted_when_committed(evidence):
                    evidence_files.attach(evidence, staged, consent)  # commits
            else:
                _submit(evidence)
                db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
    return evidence


def _check_testimony(row, testimony_md, witness_role, seen_on, confirmed) -> None:
    """In the order the form asks."""
    if not witness_role:
        raise WitnessProblem("Enter your role, for example “Youth worker”.", "witness_role")
    if problem := too_long(witness_role, FIELD_MAX, "Your role"):
        raise WitnessProblem(problem, "witness_role")
    _check_seen_on(row, seen_on)
    if not testimony_md:
        raise WitnessProblem("Write your testimony.", "testimony_md")
    if problem := too_long(testimony_md, TESTIMONY_MAX, "Your testimony"):
        raise WitnessProblem(problem, "testimony_md")
    if not confirmed:
        raise WitnessProblem("Confirm that your testimony is true.", "confirm")


def earliest_seen_on(row: WitnessRequest) -> date:
    """The first day a witness can have seen work for this portfolio: its cohort's start."""
    return row.enrolment.cohort.start_date


def _check_seen_on(row: WitnessRequest, seen_on: date | None) -> None:
    if seen_on is None:
        raise WitnessProblem("Enter the date you saw the work.", "seen_on")
    if seen_on > today():
        raise WitnessProblem("The date you saw the work must be today or in the past.", "seen_on")
    if seen_on < (earliest := earliest_seen_on(row)):
        raise WitnessProblem(
            f"The date you saw the work must be on or after {earliest:%-d %B %Y}, when "
            f"{row.enrolment.learner.name}’s course began.",
            "seen_on",
        )


def declaration(row: WitnessRequest, witness_role: str) -> str:
    return (
        f"I confirm that this testimony is true, that I am {witness_role} at "
        f"{row.witness_organisation}, and that what I have said about the consent of the "
        "people any files show is true."
    )


def _record_testimony(
    row: WitnessRequest, testimony_md: str, witness_role: str, seen_on: date
) -> Evidence:
    """Use the link up (exactly once, even with two submissions at the same moment) and add the
    evidence, its mappings, the audit entry and the notifications to the transaction."""
    now = utcnow()
    claimed = db.session.execute(
        update(WitnessRequest)
        .where(
            WitnessRequest.id == row.id,
            WitnessRequest.used_at.is_(None),
            WitnessRequest.revoked_at.is_(None),
            WitnessRequest.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise WitnessProblem(
            "This link stopped working while you were writing, so your testimony was not "
            f"saved. Ask {row.requested_by.name} for a new link."
        )
    db.session.refresh(row, ["used_at"])
    enrolment = row.enrolment
    asked_by = row.requested_by
    evidence = Evidence(
        enrolment=enrolment,
        status=EvidenceStatus.DRAFT,  # until the files are attached (see _submitted_when_committed)
        title=f"Witness testimony from {row.witness_name}",
        activity_date=seen_on,
        method=Method.WITNESS_TESTIMONY,
        account_md=testimony_md,
        witness_request_id=row.id,
        declaration_name=row.witness_name,
        declaration_text=declaration(row, witness_role),
    )
    evidence.mappings = [
        Mapping(
            criterion=criterion,
            justification=f"Witness testimony requested for this criterion by {asked_by.name}.",
        )
        for criterion in criteria_of(row)
    ]
    db.session.add(evidence)
    db.session.flush()
    requested_role, row.witness_role = row.witness_role, witness_role
    row.evidence_id = evidence.id
    # Whatever the assessor has open for this portfolio is now out of date. Moving the revision
    # on locks the portfolio, so a sign-off that committed since the check above is seen here.
    revision.move_on(enrolment)
    if closed := closed_because(row):
        raise WitnessProblem(closed)
    record(
        "witness_testimony_given",
        row,
        provider_id=enrolment.cohort.provider_id,
        witness=row.witness_name,
        role=witness_role,
        role_requested=requested_role,
        organisation=row.witness_organisation,
        evidence_id=evidence.id,
        criteria=list(row.criteria),
        seen_on=seen_on.isoformat(),
        testimony=audit_value("account_md", testimony_md),
    )
    message = f"{row.witness_name} gave witness testimony for {enrolment.learner.name}."
    notify(enrolment.assessor, "witness_testimony", message, f"/evidence/{evidence.id}/assess")
    if asked_by.id != enrolment.assessor_id:
        notify(asked_by, "witness_testimony", message, f"/evidence/{evidence.id}")
    return evidence


def _submit(evidence: Evidence) -> None:
    evidence.status = EvidenceStatus.SUBMITTED
    evidence.submitted_at = utcnow()


@contextmanager
def _submitted_when_committed(evidence: Evidence):
    """``evidence_files.attach`` takes a draft and commits; the testimony must be submitted in
    that same commit, never left a draft someone could change, so it turns submitted as this
    session commits (the listener belongs to this one session, and only for this call)."""
    session = db.session()

    def submit(_session):
        _submit(evidence)

    event.listen(session, "before_commit", submit)
    try:
        yield
    finally:
        event.remove(session, "before_commit", submit)


@contextmanager
def _staged(files: list[FileStorage]):
    """The witness's files as staged uploads, the form ``evidence_files.attach`` takes.

    Learners' uploads stream straight into storage, which uploads.py allows only for people
    signed in; a witness has no account, so their files arrive the ordinary way and are copied
    into storage here, after their link was checked. Whatever is not committed is thrown away.
    """
    limit = int(current_app.config["MAX_UPLOAD_BYTES"])
    staged: list[uploads.StagedUpload] = []
    try:
        result = []
        for upload in files:
            target = uploads.StagedUpload(
                get_storage().writer(), limit, uploads.display_name(upload.filename)
            )
            staged.append(target)
            upload.stream.seek(0)
            while chunk := upload.stream.read(READ_SIZE):
                target.write(chunk)
            result.append(
                FileStorage(stream=target, filename=upload.filename, content_type=upload.mimetype)
            )
        yield result
    finally:
        for target in staged:
            target.close()
