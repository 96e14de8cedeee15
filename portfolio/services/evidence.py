"""A learner's evidence: create it, change it while it is a draft, map it, submit it, revise it.

A submitted version is frozen. Every function that changes evidence checks that here (not only in
the page), so no view can change a frozen version by forgetting to. Each write adds an audit entry
and commits with it.
"""

import hashlib
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import (
    Criterion,
    Enrolment,
    Evidence,
    EvidenceFile,
    EvidenceStatus,
    Mapping,
    Method,
)
from ..models._types import utcnow
from .assessment import disputes, revision
from .assessment.state import require_open
from .audit import record
from .notifications import notify
from .problems import Problem

DECLARATION = (
    "I confirm that this evidence is my own work, that it is a true record of what I did, and "
    "that what I have said about the consent of the people it shows is true."
)
#: what an assessor declares when they submit a record they made (an observation, say)
RECORD_DECLARATION = (
    "I confirm that this is an accurate record of what I observed, asked and heard, and that "
    "what I have said about the consent of the people it shows is true."
)
MAX_JUSTIFICATION = 1000
LOCAL_TIME = ZoneInfo("Europe/London")


class EvidenceProblem(Problem):
    """A rule a change to evidence breaks, as a sentence for the learner; ``field`` is the form
    field it belongs to, if any."""


class AlreadyRevised(EvidenceProblem):
    """Someone (the same learner, clicking twice) started the next version first: ``newer``
    is that version, to point them to."""

    def __init__(self, newer: Evidence):
        super().__init__(
            "A new version of this evidence has already been started, so no other was made. "
            f"Open version {newer.version} to carry on with it."
        )
        self.newer = newer


class EvidenceFrozen(EvidenceProblem):
    def __init__(self):
        super().__init__(
            "This version has been submitted, so it cannot be changed. "
            "Make a new version to correct it."
        )


def require_draft(evidence: Evidence) -> None:
    """Every change to evidence passes here: only a draft changes, and nothing changes in a
    portfolio whose unit is signed off."""
    if not evidence.is_draft:
        raise EvidenceFrozen()
    require_open(evidence.enrolment)


def today() -> date:
    """The date where the learners are (the server may run on UTC)."""
    return datetime.now(LOCAL_TIME).date()


def _check_details(title: str, activity_date: date) -> None:
    if not title.strip():
        raise EvidenceProblem("Enter a title for the evidence.", "title")
    if activity_date > today():
        raise EvidenceProblem(
            "The date of the activity must be today or in the past.", "activity_date"
        )


def create(
    enrolment: Enrolment,
    *,
    title: str,
    activity_date: date,
    method: Method,
    account_md: str = "",
    recorded_by=None,
    context: str = "",
    commit: bool = True,
) -> Evidence:
    """A new draft. ``commit=False`` lets the caller attach files in the same transaction.
    ``recorded_by`` makes it assessor-led (assessment/records.py)."""
    _check_details(title, activity_date)
    require_open(enrolment)
    evidence = Evidence(
        enrolment=enrolment,
        title=title.strip(),
        activity_date=activity_date,
        method=method,
        account_md=account_md,
        recorded_by=recorded_by,
        context=context,
    )
    db.session.add(evidence)
    db.session.flush()
    record(
        "evidence.created",
        evidence,
        provider_id=enrolment.cohort.provider_id,
        enrolment_id=enrolment.id,
        recorded_by=recorded_by.email if recorded_by is not None else None,
        **{field: audit_value(field, getattr(evidence, field)) for field in AUDITED_FIELDS},
    )
    if commit:
        db.session.commit()
    return evidence


#: the learner's own words are kept out of the audit trail: their digest and length are enough
#: to show whether and how much they changed
AUDITED_FIELDS = ("title", "activity_date", "method", "account_md", "context")


def audit_value(field: str, value):
    """How a field's value appears in the audit trail."""
    if field == "account_md":
        text = value or ""
        return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "length": len(text)}
    if isinstance(value, date):
        return value.isoformat()
    return getattr(value, "value", value)


def update(evidence: Evidence, **changes) -> Evidence:
    """Change title, activity_date, method or account_md of a draft; the audit entry records
    each changed field's old and new value. (Consent belongs to each file: evidence_files.)"""
    require_draft(evidence)
    allowed = set(AUDITED_FIELDS)
    if unknown := set(changes) - allowed:
        raise TypeError(f"cannot change {sorted(unknown)}")
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    _check_details(
        changes.get("title", evidence.title), changes.get("activity_date", evidence.activity_date)
    )
    changed = sorted(k for k, v in changes.items() if getattr(evidence, k) != v)
    before = {key: audit_value(key, getattr(evidence, key)) for key in changed}
    for key in changed:
        setattr(evidence, key, changes[key])
    if changed:
        record(
            "evidence.updated",
            evidence,
            provider_id=provider_id(evidence),
            fields=changed,
            changes={
                key: {"old": before[key], "new": audit_value(key, changes[key])} for key in changed
            },
        )
        db.session.commit()
    return evidence


def set_mappings(evidence: Evidence, justifications: dict[Criterion, str]) -> None:
    """Make the draft's mappings exactly these criteria, each with its justification."""
    require_draft(evidence)
    standard_id = evidence.enrolment.cohort.standard_id
    for criterion, text in justifications.items():
        if criterion.standard_id != standard_id:
            raise EvidenceProblem(f"{criterion.code} is not part of this standard.")
        if not text.strip():
            raise EvidenceProblem(
                f"Explain how this evidence shows {criterion.code}.",
                f"justification-{criterion.code}",
            )
        if len(text) > MAX_JUSTIFICATION:
            raise EvidenceProblem(
                f"The explanation for {criterion.code} must be {MAX_JUSTIFICATION} characters "
                "or fewer.",
                f"justification-{criterion.code}",
            )
    existing = {m.criterion_id: m for m in evidence.mappings}
    wanted = {c.id: (c, text.strip()) for c, text in justifications.items()}
    added, changed, removed = [], [], []  # what the audit entry says, code by code
    for criterion_id, (criterion, text) in wanted.items():
        mapping = existing.get(criterion_id)
        if mapping is None:
            evidence.mappings.append(Mapping(criterion=criterion, justification=text))
            added.append({"code": criterion.code, "justification": text})
        elif mapping.justification != text:
            changed.append({"code": criterion.code, "old": mapping.justification, "new": text})
            mapping.justification = text
    for criterion_id, mapping in existing.items():
        if criterion_id not in wanted:
            removed.append({"code": mapping.criterion.code, "justification": mapping.justification})
            evidence.mappings.remove(mapping)
    if added or changed or removed:
        record(
            "evidence.mappings_changed",
            evidence,
            provider_id=provider_id(evidence),
            added=added,
            changed=changed,
            removed=removed,
        )
        db.session.commit()


def declaration_for(evidence: Evidence) -> str:
    return RECORD_DECLARATION if evidence.is_assessor_led else DECLARATION


def submit(evidence: Evidence, *, full_name: str, confirmed: bool) -> None:
    """Freeze this version with its author's declaration: the learner's of authenticity, or
    the assessor's that their record is accurate (which the learner then confirms)."""
    require_draft(evidence)
    if not evidence.mappings:
        raise EvidenceProblem("Map this evidence to at least one criterion before you submit it.")
    if missing := evidence.files_without_consent:
        raise EvidenceProblem(consent_missing_message([f.original_name for f in missing]))
    author = evidence.recorded_by or evidence.enrolment.learner
    if not full_name.strip():
        raise EvidenceProblem("Enter your full name.", "full_name")
    if " ".join(full_name.split()).casefold() != " ".join(author.name.split()).casefold():
        raise EvidenceProblem(
            f"Enter your full name as it appears on your account: {author.name}.",
            "full_name",
        )
    if not confirmed:
        raise EvidenceProblem("Confirm that the declaration is true.", "confirm")
    # Whatever the assessor has open for this portfolio is now out of date. Moving the revision
    # on holds the portfolio's row, so the same draft submitted twice at once is seen here.
    revision.move_on(evidence.enrolment)
    db.session.refresh(evidence, ["status"])
    require_draft(evidence)
    evidence.status = EvidenceStatus.SUBMITTED
    evidence.submitted_at = utcnow()
    evidence.declaration_name = " ".join(full_name.split())
    evidence.declaration_text = declaration_for(evidence)
    previous = evidence.previous
    if previous is not None and previous.status == EvidenceStatus.SUBMITTED:
        previous.status = EvidenceStatus.SUPERSEDED
    if previous is not None and evidence.is_assessor_led:
        disputes.amended(previous, evidence, evidence.recorded_by)
    record(
        "evidence.submitted",
        evidence,
        provider_id=provider_id(evidence),
        version=evidence.version,
        previous_id=evidence.previous_id,
        declaration_name=evidence.declaration_name,
        files=[f.sha256 for f in evidence.files],
        criteria=sorted(m.criterion.code for m in evidence.mappings),
    )
    _tell_about_submission(evidence)
    db.session.commit()


def _tell_about_submission(evidence: Evidence) -> None:
    enrolment = evidence.enrolment
    link = f"/evidence/{evidence.id}"
    if evidence.is_assessor_led:
        done = "recorded" if evidence.version == 1 else f"amended (version {evidence.version})"
        notify(
            enrolment.learner,
            "record_to_confirm",
            f"{evidence.recorded_by.name} {done} “{evidence.title}”: check it and confirm it "
            "is accurate.",
            link,
        )
        return
    resubmitted = evidence.version > 1
    notify(
        enrolment.assessor,
        "evidence_resubmitted" if resubmitted else "evidence_submitted",
        f"{enrolment.learner.name} {'resubmitted' if resubmitted else 'submitted'} "
        f"“{evidence.title}”" + (f" (version {evidence.version})." if resubmitted else "."),
        link + "/assess",
    )


def consent_missing_message(names: list[str]) -> str:
    """Why the evidence cannot be submitted yet, naming the files and what to do."""
    if len(names) == 1:
        shown = f"{names[0]} shows people who can be identified and did not give consent"
        them = names[0]
    else:
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        shown = f"{listed} show people who can be identified and did not give consent"
        them = "those files"
    return (
        f"You cannot submit this evidence yet: {shown}. Remove {them}, or if you now have "
        "consent, record it with “Change consent” next to the file, then submit."
    )


def newer_version(evidence: Evidence) -> Evidence | None:
    return db.session.scalar(select(Evidence).where(Evidence.previous_id == evidence.id))


def latest_version(evidence: Evidence) -> Evidence:
    while (newer := newer_version(evidence)) is not None:
        evidence = newer
    return evidence


def revise(evidence: Evidence) -> Evidence:
    """Start a new draft from a submitted version; the submitted one stays as it was."""
    if evidence.is_draft:
        raise EvidenceProblem("This version is still a draft, so you can change it directly.")
    require_open(evidence.enrolment)
    if (newer := newer_version(evidence)) is not None:
        raise AlreadyRevised(newer)
    draft = Evidence(
        enrolment=evidence.enrolment,
        previous=evidence,
        version=evidence.version + 1,
        title=evidence.title,
        activity_date=evidence.activity_date,
        method=evidence.method,
        account_md=evidence.account_md,
        recorded_by=evidence.recorded_by,
        context=evidence.context,
    )
    # Stored bytes are immutable, so the new version's files share them (see evidence_files).
    draft.files = [
        EvidenceFile(
            original_name=f.original_name,
            stored_name=f.stored_name,
            content_type=f.content_type,
            size=f.size,
            sha256=f.sha256,
            consent=f.consent,
            derivative_name=f.derivative_name,
            derivative_width=f.derivative_width,
            derivative_height=f.derivative_height,
            shared_name=f.shared_name,
            shared_content_type=f.shared_content_type,
            shared_size=f.shared_size,
            shared_sha256=f.shared_sha256,
            print_name=f.print_name,
            print_width=f.print_width,
            print_height=f.print_height,
            uploaded_at=f.uploaded_at,
            copy_status=f.copy_status,
            copy_lease_until=f.copy_lease_until,
            copy_attempt=f.copy_attempt,
            copy_problem=f.copy_problem,
        )
        for f in evidence.files
    ]
    draft.mappings = [
        Mapping(criterion=m.criterion, justification=m.justification) for m in evidence.mappings
    ]
    # Two requests at once both pass the check above; the unique index on previous_id lets
    # only one insert. The audit entry is inside the savepoint too: on SQLite, releasing the
    # outermost savepoint commits, and the draft must not be committed without its entry.
    try:
        with db.session.begin_nested():
            db.session.add(draft)
            db.session.flush()
            record(
                "evidence.revised",
                draft,
                provider_id=provider_id(evidence),
                previous_id=evidence.id,
                version=draft.version,
            )
    except IntegrityError:
        if (newer := newer_version(evidence)) is None:
            raise  # some other rule broken: not the race this guards against
        raise AlreadyRevised(newer) from None
    db.session.commit()
    return draft


def provider_id(evidence: Evidence) -> int:
    """The provider whose audit trail records changes to this evidence."""
    return evidence.enrolment.cohort.provider_id
