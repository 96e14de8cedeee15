"""The audit trail in sentences a provider's manager reads: "Sam Assessor judged PC4 met for Leah
Learner", not "assessment.judged code: PC4". Used by the audit page and its CSV download.

An action without a sentence here reads as its label and its details in words; an entry's stored
details are never changed, so the CSV carries them too, as JSON.
"""

from flask import current_app
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..models import AuditEntry, Cohort, Enrolment, Evidence, User
from .audit import label

#: Details that mean nothing to a reader of the page (they stay in the CSV's JSON).
HIDDEN = {"endpoint", "path", "content_key", "file_id", "grant_id", "decision_id", "previous_id"}

#: The page an external quality assurer opened, by endpoint.
PAGES = {
    "learner.portfolio": "portfolio page",
    "learner.criterion": "criterion page",
    "learner.evidence": "evidence page",
    "files.download": "evidence file",
    "files.display": "evidence file",
    "exports.download": "portfolio download",
    "exports.status": "portfolio download",
    "exports.show": "portfolio download",
    "eqa.quality_assurance": "internal quality assurance page",
    "eqa.sampling_record": "sampling record",
}


def _list(values) -> str:
    values = [str(v) for v in values or []]
    if len(values) < 2:
        return "".join(values)
    return ", ".join(values[:-1]) + " and " + values[-1]


def _words(value) -> str:
    """A detail's value as words: lists joined, yes/no, dictionaries as "key value" pairs."""
    if value is None or value == "":
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_words(v) for v in value) or "none"
    if isinstance(value, dict):
        if set(value) == {"old", "new"}:
            return f"from {_words(value['old'])} to {_words(value['new'])}"
        return "; ".join(f"{_key(k)} {_words(v)}" for k, v in value.items())
    return str(value).replace("_", " ") if str(value).islower() else str(value)


def _key(name: str) -> str:
    return {"ip": "IP address", "uln": "ULN", "sha256": "SHA-256"}.get(
        name, name.replace("_sha256", " (SHA-256)").replace("_", " ").capitalize()
    )


def details_in_words(entry: AuditEntry) -> list[str]:
    """Each detail a person may want, as "Key: value"."""
    return [f"{_key(k)}: {_words(v)}" for k, v in sorted(entry.details.items()) if k not in HIDDEN]


def _name(person: User | None, nobody: str) -> str:
    return person.name if person is not None else nobody


def _get(model, ident):
    try:
        return db.session.get(model, int(ident)) if ident not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _evidence_title(entry: AuditEntry) -> str:
    title = entry.details.get("title")
    if not title and entry.object_type == "Evidence":
        evidence = _get(Evidence, entry.object_id)
        title = evidence.title if evidence is not None else ""
    return f"“{title}”" if title else "evidence"


def _whose(entry: AuditEntry, thing: str) -> str:
    """ "their unit" when the actor is the subject, else "Leah Learner's unit"."""
    if entry.subject is None:
        return f"a {thing}"
    if entry.subject_id == entry.actor_id:
        return f"their {thing}"
    return f"{entry.subject.name}’s {thing}"


def _for(entry: AuditEntry) -> str:
    if entry.subject is None or entry.subject_id == entry.actor_id:
        return ""
    return f" for {entry.subject.name}"


def _eqa_page(entry: AuditEntry) -> str:
    """ "Leah Learner's portfolio page", worked out from the path the EQA opened."""
    endpoint = entry.details.get("endpoint", "")
    path = entry.details.get("path", "").split("?")[0]
    page = PAGES.get(endpoint) or endpoint.rpartition(".")[2].replace("_", " ") + " page"
    try:
        _, args = current_app.url_map.bind("localhost").match(path)
    except (HTTPException, LookupError):
        args = {}
    learner = None
    if "enrolment_id" in args:
        enrolment = _get(Enrolment, args["enrolment_id"])
        learner = enrolment.learner if enrolment is not None else None
    elif "evidence_id" in args:
        evidence = _get(Evidence, args["evidence_id"])
        learner = evidence.enrolment.learner if evidence is not None else None
    if "code" in args:
        page = f"{args['code']} {page}"
    if endpoint == "eqa.home":
        return "their home page"
    return f"{learner.name}’s {page}" if learner is not None else f"the {page}"


def _mappings_decided(entry: AuditEntry) -> str:
    decisions = entry.details.get("decisions") or []
    accepted = [d["code"] for d in decisions if d.get("accepted")]
    rejected = [d["code"] for d in decisions if not d.get("accepted")]
    parts = ([f"accepted {_list(accepted)}"] if accepted else []) + (
        [f"rejected {_list(rejected)}"] if rejected else []
    )
    return f"{' and '.join(parts) or 'decided the mappings'} on {_evidence_title(entry)}"


def _rules(entry: AuditEntry) -> str:
    rules = entry.details.get("rules") or {}
    failed = [rule for rule, ok in rules.items() if not ok]
    verdict = f"not {_list(failed)}" if failed else "valid, authentic, current and sufficient"
    return f"checked the rules of evidence on {_evidence_title(entry)}{_for(entry)}: {verdict}"


def _mappings_changed(entry: AuditEntry) -> str:
    d = entry.details
    parts = []
    for key, verb in (
        ("added", "mapped"),
        ("changed", "changed the mapping of"),
        ("removed", "unmapped"),
    ):
        codes = [c.get("code", c) if isinstance(c, dict) else c for c in d.get(key) or []]
        if codes:
            parts.append(f"{verb} {_list(codes)}")
    return f"{' and '.join(parts) or 'changed the mappings'} on {_evidence_title(entry)}"


def _assigned(entry: AuditEntry) -> str:
    d, changes = entry.details, []
    for role, name in (("assessor", "assessor"), ("iqa", "IQA")):
        if d.get(f"{role}_before") != d.get(f"{role}_after"):
            after = _get(User, d.get(f"{role}_after"))
            changes.append(f"{name} to {after.name}" if after else f"removed the {name}")
    return f"changed {_whose(entry, 'assessor or IQA')}: {_list(changes) or 'no change'}"


def _cohort(entry: AuditEntry) -> str:
    cohort = _get(Cohort, entry.object_id) if entry.object_type == "Cohort" else None
    return cohort.name if cohort is not None else "a cohort"


def _field(name: str) -> str:
    return {"account_md": "account", "activity_date": "activity date"}.get(name, name)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _outcome(value) -> str:
    return str(value or "").replace("_", " ")


def _kind(value) -> str:
    return {"judgement": "judgement", "evidence": "evidence item", "sign_off": "sign-off"}.get(
        value, _outcome(value)
    )


def _witness(d: dict) -> str:
    witness = d.get("witness")
    return (witness.get("name") if isinstance(witness, dict) else witness) or "a witness"


#: What the actor did, after their name: "judged PC4 met for Leah Learner".
DID = {
    "signed_in": lambda e, d: "signed in",
    "signed_out": lambda e, d: "signed out",
    "signed_out_elsewhere": lambda e, d: "signed out on every other device",
    "signing_password_wrong": lambda e, d: (
        "entered a wrong password to "
        + ("countersign" if d.get("signing") == "countersignature" else "sign off")
    ),
    "password_changed": lambda e, d: "changed their password",
    "password_set": lambda e, d: "set their password from their invitation",
    "password_reset": lambda e, d: "reset their password",
    "invitation_sent": lambda e, d: (
        f"invited {_name(e.subject, 'someone')}" + (" by email" if d.get("by_email") else "")
    ),
    "password_reset_link_sent": lambda e, d: (
        "sent " + _name(e.subject, "someone") + " a link to choose a new password"
    ),
    "person_added": lambda e, d: (
        f"added {_name(e.subject, 'someone')} as "
        + _list(r.upper() if r in ("iqa", "eqa") else r for r in d.get("roles") or [])
    ),
    "roles_changed": lambda e, d: (
        f"changed {_whose(e, 'roles')}"
        + (f" from {_words(d['before'])} to {_words(d['after'])}" if "after" in d else "")
    ),
    "person_deactivated": lambda e, d: f"deactivated {_name(e.subject, 'someone')}",
    "person_reactivated": lambda e, d: f"reactivated {_name(e.subject, 'someone')}",
    "cohort_created": lambda e, d: f"created the cohort {d.get('name')}",
    "enrolment_created": lambda e, d: (
        f"enrolled {_name(e.subject, 'a learner')} on " + str(d.get("cohort") or "a cohort")
    ),
    "enrolment_assigned": lambda e, d: _assigned(e),
    "enrolments_imported": lambda e, d: (
        f"enrolled {d.get('count')} learners on {_cohort(e)} from a CSV file"
    ),
    "enrolment_withdrawn": lambda e, d: (
        f"withdrew {_name(e.subject, 'a learner')} from "
        f"{d.get('cohort')}" + (f" because {d['reason']}" if d.get("reason") else "")
    ),
    "enrolment_reinstated": lambda e, d: (
        f"reinstated {_name(e.subject, 'a learner')} on " + str(d.get("cohort"))
    ),
    "evidence.created": lambda e, d: f"started {_evidence_title(e)}{_for(e)}",
    "evidence.updated": lambda e, d: (
        f"changed the {_list(_field(f) for f in d.get('fields') or [])} "
        f"of {_evidence_title(e)}{_for(e)}"
    ),
    "evidence.mappings_changed": lambda e, d: _mappings_changed(e) + _for(e),
    "evidence.submitted": lambda e, d: (
        f"submitted {_evidence_title(e)} (version "
        f"{d.get('version')}){_for(e)}"
        + (f" for {_list(d['criteria'])}" if d.get("criteria") else "")
    ),
    "evidence.revised": lambda e, d: (
        f"started version {d.get('version')} of {_evidence_title(e)}{_for(e)}"
    ),
    "evidence.file_added": lambda e, d: (
        f"added the file {d.get('name')} to {_evidence_title(e)}{_for(e)}"
    ),
    "evidence.file_removed": lambda e, d: (
        f"removed the file {d.get('name')} from {_evidence_title(e)}{_for(e)}"
    ),
    "evidence.file_consent_changed": lambda e, d: (
        f"changed the consent for the file "
        f"{d.get('name')} from {_outcome(d.get('old'))} to {_outcome(d.get('new'))}"
    ),
    "evidence.record_confirmed": lambda e, d: (
        f"confirmed the assessor’s record {_evidence_title(e)} is accurate"
    ),
    "evidence.record_disputed": lambda e, d: (
        f"disputed the assessor’s record {_evidence_title(e)} (version {d.get('version')})"
    ),
    "evidence.record_dispute_answered": lambda e, d: (
        f"answered {_whose(e, 'dispute')} of the record {_evidence_title(e)} and kept it as it is"
    ),
    "evidence.record_dispute_amended": lambda e, d: (
        f"amended the record {_evidence_title(e)}{_for(e)} after a dispute "
        f"(now version {d.get('version')})"
    ),
    "assessment.evidence_reviewed": lambda e, d: _rules(e),
    "assessment.mappings_decided": lambda e, d: _mappings_decided(e) + _for(e),
    "assessment.judged": lambda e, d: (
        f"judged {d.get('code')} {_outcome(d.get('outcome'))}" + _for(e)
    ),
    "assessment.feedback_replied": lambda e, d: (
        f"replied to the feedback on {d.get('code')}" + _for(e)
    ),
    "assessment.signed_off": lambda e, d: f"signed off {_whose(e, 'unit')}",
    "assessment.reopened": lambda e, d: (
        f"reopened {_whose(e, 'unit')}, voiding its sign-off"
        + (f", because {d['reason']}" if d.get("reason") else "")
    ),
    "witness_requested": lambda e, d: (
        f"asked {_witness(d)} for witness testimony about "
        f"{_whose(e, 'work')}" + (f" ({_list(d['criteria'])})" if d.get("criteria") else "")
    ),
    "witness_link_revoked": lambda e, d: (
        f"withdrew the witness link sent to {_witness(d)}" + _for(e)
    ),
    "witness_testimony_given": lambda e, d: (
        f"gave witness testimony about {_whose(e, 'work')}"
        + (f" ({_list(d['criteria'])})" if d.get("criteria") else "")
    ),
    "eqa_access_granted": lambda e, d: (
        f"gave {_name(e.subject, 'someone')} external quality "
        "assurer access to "
        + (
            f"the cohort {d['cohort']}"
            if d.get("cohort")
            else f"{len(d.get('learners') or [])} learners"
        )
        + (f" until {d['expires_on']}" if d.get("expires_on") else "")
    ),
    "eqa_access_ended": lambda e, d: f"ended {_whose(e, 'external quality assurer access')}",
    "eqa_viewed": lambda e, d: f"viewed {_eqa_page(e)}",
    "report.exported": lambda e, d: (
        f"downloaded the cohort report of "
        f"{d.get('cohort') or 'every cohort'} as {str(d.get('format', '')).upper()}"
    ),
    "export.requested": lambda e, d: (
        f"asked for {_whose(e, 'portfolio')} as "
        + ("a PDF" if d.get("kind") == "portfolio_pdf" else "a bundle")
    ),
    "export.downloaded": lambda e, d: (
        f"downloaded {_whose(e, 'portfolio')} as "
        + ("a PDF" if d.get("kind") == "portfolio_pdf" else "a bundle")
    ),
    "audit.exported": lambda e, d: f"downloaded {d.get('rows')} entries of the audit trail",
    "risk_thresholds_changed": lambda e, d: "changed the at-risk thresholds",
    "quality.strategy_changed": lambda e, d: "changed the sampling strategy",
    "quality.assessor_rated": lambda e, d: (
        f"rated {_name(e.subject, 'an assessor')} as {_outcome(d.get('after')) or 'unrated'} risk"
    ),
    "quality.sample_added": lambda e, d: (
        f"added {_whose(e, _kind(d.get('kind')))} to the "
        f"sampling plan" + (f" for {d['period']}" if d.get("period") else "")
    ),
    "quality.sample_removed": lambda e, d: (
        f"removed {_whose(e, _kind(d.get('kind')))} from the sampling plan"
    ),
    "quality.sample_recorded": lambda e, d: (
        f"sampled {_whose(e, _kind(d.get('kind')))}: " + _outcome(d.get("outcome"))
    ),
    "quality.action_responded": lambda e, d: (
        "responded to the IQA’s action on " + _whose(e, "sampled decision")
    ),
    "quality.action_closed": lambda e, d: (
        "closed the sampling action on " + _whose(e, _kind(d.get("kind")))
    ),
    "quality.countersigned": lambda e, d: f"countersigned {_whose(e, 'unit')}",
    "quality.countersignature_voided": lambda e, d: (
        f"voided the countersignature of "
        f"{_whose(e, 'unit')}" + (f", because {d['reason']}" if d.get("reason") else "")
    ),
}

#: Events with no one signed in: the whole sentence.
HAPPENED = {
    "sign_in_failed": lambda e, d: f"Someone failed to sign in as {d.get('email')}",
    "sign_in_blocked": lambda e, d: (
        f"Signing in as {d.get('email')} was refused after too many attempts"
    ),
    "session_ended": lambda e, d: (
        f"{_cap(_whose(e, 'session'))} ended "
        + (
            "because it was too old"
            if d.get("reason") == "lifetime"
            else "because it was used from elsewhere"
        )
    ),
    "witness_link_refused": lambda e, d: (
        f"A witness link was refused ({_outcome(d.get('reason'))})"
    ),
    "password_reset_requested": lambda e, d: (
        f"A password reset link was asked for, for {d.get('email')}"
    ),
    "password_reset_request_over_limit": lambda e, d: (
        f"A password reset link for {d.get('email')} was asked for too often, so none was sent"
    ),
    "password_set_at_command_line": lambda e, d: (
        f"{_cap(_whose(e, 'password'))} was set at the command line"
    ),
}


def sentence(entry: AuditEntry) -> str:
    """What happened, as one sentence ending in a full stop."""
    d = entry.details or {}
    try:
        if entry.action in DID and entry.actor is not None:
            text = f"{entry.actor.name} {DID[entry.action](entry, d)}"
        elif entry.action == "witness_testimony_given":
            text = f"{_witness(d)} {DID[entry.action](entry, d)}"
        elif entry.action in HAPPENED:
            text = HAPPENED[entry.action](entry, d)
        else:
            text = _fallback(entry)
    except (KeyError, TypeError, AttributeError, ValueError):
        text = _fallback(entry)
    return text if text.endswith((".", "?", "!")) else text + "."


def _fallback(entry: AuditEntry) -> str:
    """The label, who did it and about whom."""
    text = label(entry.action)
    if entry.actor is not None:
        text += f", by {entry.actor.name}"
    if entry.subject is not None and entry.subject_id != entry.actor_id:
        text += f", about {entry.subject.name}"
    return text
