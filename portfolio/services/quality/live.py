"""A sampled decision as it was sampled and as it stands now, so an IQA closing an action (and
an EQA reading the record) sees what the assessor actually changed, not only their word.

Judgements are appended, so the sampled one never changes and the criterion's newest judgement
is the decision now. An evidence version's rules-of-evidence answers and mapping decisions are
updated in place when the assessor changes their assessment; what they said when the decision
was sampled is read back from the audit trail, whose ``assessment.evidence_reviewed`` and
``assessment.mappings_decided`` entries are never changed.

"As sampled" means when the IQA recorded what they found, or, before that, when the decision
was added to the plan.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ...extensions import db
from ...models import (
    RULES_OF_EVIDENCE,
    AuditEntry,
    Evidence,
    EvidenceStatus,
    Judgement,
    SampleItem,
    SampleKind,
    SignOff,
    User,
)
from ..assessment import state
from .decisions import record_of


@dataclass
class RulesAnswers:
    """The assessor's answers on the rules of evidence for one evidence version, at a time."""

    evidence: Evidence
    #: rule -> True/False; empty when the version was not assessed then
    answers: dict[str, bool] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    by: User | None = None
    at: datetime | None = None

    @property
    def assessed(self) -> bool:
        return bool(self.answers)

    def differs_from(self, other: "RulesAnswers") -> bool:
        return (self.answers, self.notes) != (other.answers, other.notes)


@dataclass
class Change:
    """One thing that is different now, in words: what, before, after, who and when."""

    what: str
    before: str
    after: str
    by: str
    at: datetime | None


@dataclass
class MappingThen:
    """A learner's mapping and the assessor's decision on it as it stood at a time (``accepted``
    None: not decided then)."""

    code: str
    accepted: bool | None
    reason: str = ""

    @property
    def words(self) -> str:
        if self.accepted is None:
            return "not decided"
        return "accepted" if self.accepted else f"rejected: {self.reason}"


@dataclass
class ThenAndNow:
    item: SampleItem
    #: when the decision was sampled
    since: datetime
    sampled: Judgement | Evidence | SignOff
    #: the decision in force now (None: a sign-off reopened and not signed again)
    now: Judgement | Evidence | SignOff | None
    rules_then: list[RulesAnswers]
    rules_now: list[RulesAnswers]
    changes: list[Change]
    #: later judgements of the same criterion (a judgement sampled), the newest last
    later: int = 0
    #: an evidence item sampled: each mapping's decision as it stood when sampled
    mappings_then: list["MappingThen"] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def rules_rows(self) -> list[tuple[Evidence, RulesAnswers | None, RulesAnswers | None]]:
        """Each evidence version the decision rested on then or rests on now, with its answers
        as sampled and now (None where it was not, or is no longer, part of the decision)."""
        then = {r.evidence.id: r for r in self.rules_then}
        now = {r.evidence.id: r for r in self.rules_now}
        order = list(then) + [i for i in now if i not in then]
        return [((then.get(i) or now[i]).evidence, then.get(i), now.get(i)) for i in order]


def then_and_now(item: SampleItem) -> ThenAndNow:
    since = item.recorded_at or item.added_at
    sampled = record_of(item)
    if item.kind == SampleKind.JUDGEMENT:
        return _judgement(item, since, sampled)
    if item.kind == SampleKind.EVIDENCE:
        return _evidence(item, since, sampled)
    return _sign_off(item, since, sampled)


# ------------------------------------------------------------------------------- judgements


def _judgement(item: SampleItem, since: datetime, sampled: Judgement) -> ThenAndNow:
    history = state.judgement_history(item.enrolment, sampled.criterion_id)  # newest first
    now = history[0] if history else sampled
    later = sum(1 for j in history if j.id > sampled.id)
    rules_then = [rules_at(e, since) for e in sampled.evidence]
    rules_now = [rules_at(e) for e in now.evidence]
    changes = []
    if now.id != sampled.id:
        by, at = now.assessor.name, now.judged_at
        if now.outcome != sampled.outcome:
            changes.append(Change("Outcome", sampled.outcome.label, now.outcome.label, by, at))
        if now.feedback_md.strip() != sampled.feedback_md.strip():
            changes.append(
                Change(
                    "Feedback to the learner",
                    sampled.feedback_md or "None written",
                    now.feedback_md or "None written",
                    by,
                    at,
                )
            )
        if [e.id for e in now.evidence] != [e.id for e in sampled.evidence]:
            changes.append(
                Change(
                    "Evidence it rests on",
                    _titles(sampled.evidence),
                    _titles(now.evidence),
                    by,
                    at,
                )
            )
        if not changes:
            changes.append(
                Change(
                    "Judgement",
                    f"{sampled.outcome.label}, {sampled.assessor.name}",
                    "Judged again: the same outcome, feedback and evidence",
                    by,
                    at,
                )
            )
    then_by_id = {r.evidence.id: r for r in rules_then}
    for answers in rules_now:
        before = then_by_id.get(answers.evidence.id)
        if before is not None and answers.differs_from(before):
            changes.append(_rules_change(before, answers))
    return ThenAndNow(item, since, sampled, now, rules_then, rules_now, changes, later)


def _titles(evidence: list[Evidence]) -> str:
    return "; ".join(f"“{e.title}” (version {e.version})" for e in evidence) or "No evidence"


# ---------------------------------------------------------------------------- evidence items


def _evidence(item: SampleItem, since: datetime, sampled: Evidence) -> ThenAndNow:
    now = latest_version(sampled)
    rules_then = [rules_at(sampled, since)]
    changes = []
    if now.id != sampled.id:
        changes.append(
            Change(
                "Version",
                f"Version {sampled.version}",
                f"Version {now.version}, "
                + ("assessed" if now.review else "waiting to be assessed"),
                _name(now.author_id),
                now.submitted_at,
            )
        )
    else:
        current = rules_at(sampled)
        if current.differs_from(rules_then[0]):
            changes.append(_rules_change(rules_then[0], current))
        changes += _mapping_changes(sampled, since)
    rules_now = [rules_at(now)]
    return ThenAndNow(
        item, since, sampled, now, rules_then, rules_now, changes,
        mappings_then=mappings_at(sampled, since),
    )  # fmt: skip


def mappings_at(evidence: Evidence, when: datetime) -> list[MappingThen]:
    """Each of the version's mappings with the assessor's decision as it stood at ``when``:
    the decision itself if it was made by then and not changed since, else what the newest
    ``assessment.mappings_decided`` entry before ``when`` says."""
    entry = _entry_before("assessment.mappings_decided", evidence, when)
    then = {d["code"]: d for d in (entry.details.get("decisions", []) if entry else [])}
    rows = []
    for mapping in evidence.mappings:
        code, decision = mapping.criterion.code, mapping.decision
        if decision is not None and decision.decided_at <= when:
            rows.append(MappingThen(code, decision.accepted, decision.reason))
        elif code in then:
            said = then[code]
            rows.append(MappingThen(code, bool(said["accepted"]), said.get("reason", "")))
        else:
            rows.append(MappingThen(code, None))
    return rows


def latest_version(evidence: Evidence) -> Evidence:
    """The newest submitted version in this evidence's history (itself if none is newer)."""
    latest = evidence
    while True:
        nxt = db.session.scalar(select(Evidence).where(Evidence.previous_id == latest.id))
        if nxt is None or nxt.status == EvidenceStatus.DRAFT:
            return latest
        latest = nxt


def _mapping_changes(evidence: Evidence, since: datetime) -> list[Change]:
    entry = _entry_before("assessment.mappings_decided", evidence, since)
    then = {d["code"]: d for d in (entry.details.get("decisions", []) if entry else [])}
    changes = []
    for mapping in evidence.mappings:
        decision, code = mapping.decision, mapping.criterion.code
        before = then.get(code)
        if decision is None or before is None:
            continue
        if (before["accepted"], before.get("reason", "")) != (decision.accepted, decision.reason):
            changes.append(
                Change(
                    f"Mapping to {code}",
                    _mapping_words(before["accepted"], before.get("reason", "")),
                    _mapping_words(decision.accepted, decision.reason),
                    decision.assessor.name,
                    decision.decided_at,
                )
            )
    return changes


def _mapping_words(accepted: bool, reason: str) -> str:
    return "Accepted" if accepted else f"Rejected: {reason}"


# --------------------------------------------------------------------------------- sign-offs


def _sign_off(item: SampleItem, since: datetime, sampled: SignOff) -> ThenAndNow:
    now = state.sign_off_in_force(item.enrolment)
    changes = []
    if sampled.voided_at is not None:
        changes.append(
            Change(
                "Sign-off",
                f"Signed off by {sampled.signer_name}",
                f"Reopened: {sampled.void_reason}" if sampled.void_reason else "Reopened",
                sampled.voided_by.name if sampled.voided_by else "Not recorded",
                sampled.voided_at,
            )
        )
    if now is not None and now.id != sampled.id:
        changes.append(
            Change("Signed off again", "", "A new sign-off", now.signer_name, now.signed_at)
        )
    return ThenAndNow(item, since, sampled, now, [], [], changes)


# ------------------------------------------------------------------------- rules of evidence


def rules_at(evidence: Evidence, when: datetime | None = None) -> RulesAnswers:
    """The assessor's rules-of-evidence answers on this version now, or as they stood at
    ``when`` (from the audit trail, if they were changed since)."""
    review = evidence.review
    if review is not None and (when is None or review.reviewed_at <= when):
        return RulesAnswers(
            evidence,
            {rule: getattr(review, rule) for rule in RULES_OF_EVIDENCE},
            dict(review.notes or {}),
            review.assessor,
            review.reviewed_at,
        )
    entry = _entry_before("assessment.evidence_reviewed", evidence, when)
    if entry is None or "rules" not in entry.details:
        return RulesAnswers(evidence)
    return RulesAnswers(
        evidence,
        {rule: bool(entry.details["rules"].get(rule)) for rule in RULES_OF_EVIDENCE},
        dict(entry.details.get("notes") or {}),
        entry.actor,
        entry.at,
    )


def _entry_before(action: str, evidence: Evidence, when: datetime | None) -> AuditEntry | None:
    query = select(AuditEntry).where(
        AuditEntry.action == action,
        AuditEntry.object_type == "Evidence",
        AuditEntry.object_id == str(evidence.id),
    )
    if when is not None:
        query = query.where(AuditEntry.at <= when)
    return db.session.scalar(query.order_by(AuditEntry.id.desc()).limit(1))


def _rules_change(before: RulesAnswers, after: RulesAnswers) -> Change:
    def words(answers: RulesAnswers) -> str:
        if not answers.assessed:
            return "Not assessed"
        return "; ".join(
            f"{rule.capitalize()}: {'yes' if answers.answers[rule] else 'no'}"
            + (f" ({answers.notes[rule]})" if answers.notes.get(rule) else "")
            for rule in RULES_OF_EVIDENCE
        )

    evidence = after.evidence
    return Change(
        f"Rules of evidence for “{evidence.title}” (version {evidence.version})",
        words(before),
        words(after),
        after.by.name if after.by else "Not recorded",
        after.at,
    )


def _name(user_id: int | None) -> str:
    user = db.session.get(User, user_id) if user_id else None
    return user.name if user else "Not recorded"
