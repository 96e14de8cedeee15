"""What the IQA found in a sampled decision, the assessor's response to an action, and the
IQA closing it. Each step is audited, tells the other person, and moves the portfolio's
revision on (services/assessment/revision.py), so a countersignature is always of the records
the IQA was shown.
"""

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Enrolment, SampleItem, SampleOutcome, User
from ...models._types import utcnow
from ..assessment import revision
from ..audit import record as audit
from ..notifications import notify
from ..problems import Problem
from .decisions import describe, record_of
from .document import text_digest
from .plan import require_independent

MAX_TEXT = 5000


def _text(value: str | None, field: str, missing: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Problem(missing, field)
    if len(value) > MAX_TEXT:
        raise Problem(f"Keep this to {MAX_TEXT:,} characters.", field)
    return value


def what(item: SampleItem) -> str:
    """The decision, as a sentence names it: "judgement of PC3 (met)"."""
    text = describe(item.kind, record_of(item))
    return text[0].lower() + text[1:]


def _link(item: SampleItem) -> str:
    return f"/samples/{item.id}/respond"


def record(
    item: SampleItem,
    iqa: User,
    *,
    outcome: SampleOutcome | None,
    rules_comment: str,
    feedback_comment: str,
    action: str = "",
    action_due: date | None = None,
    today: date | None = None,
) -> SampleItem:
    """The IQA's finding on one sampled decision: agreed, or not agreed with an action for the
    assessor and the date it is due."""
    _require_iqa(item, iqa)
    _require_unrecorded(item)
    if outcome is None:
        raise Problem("Choose whether you agree with the assessor’s decision.", "outcome")
    rules_comment = _text(
        rules_comment,
        "rules_comment",
        "Comment on the rules of evidence: is the evidence valid, authentic, current and "
        "sufficient for the decision?",
    )
    feedback_comment = _text(
        feedback_comment,
        "feedback_comment",
        "Comment on the quality of the assessor’s feedback to the learner.",
    )
    if outcome == SampleOutcome.NOT_AGREED:
        action = _text(action, "action", "Say what the assessor must do, since you do not agree.")
        if action_due is None:
            raise Problem("Enter the date the assessor must act by.", "action_due")
        if action_due < (today or utcnow().date()):
            raise Problem("The date the action is due must be today or later.", "action_due")
    else:
        action, action_due = "", None
    _lock_and_check(item, _require_unrecorded)
    item.outcome = outcome
    item.rules_comment, item.feedback_comment = rules_comment, feedback_comment
    item.action, item.action_due = action, action_due
    item.recorded_at = utcnow()
    audit(
        "quality.sample_recorded",
        item,
        actor=iqa,
        provider_id=item.enrolment.cohort.provider_id,
        kind=item.kind.value,
        outcome=outcome.value,
        action_due=action_due.isoformat() if action_due else None,
        rules_comment_sha256=text_digest(rules_comment),
        feedback_comment_sha256=text_digest(feedback_comment),
        action_sha256=text_digest(action),
    )
    learner = item.enrolment.learner.name
    if outcome == SampleOutcome.AGREED:
        message = f"{iqa.name} sampled your {what(item)} for {learner} and agreed with it."
    else:
        message = (
            f"{iqa.name} sampled your {what(item)} for {learner} and did not agree: there is "
            f"an action for you, due {action_due:%-d %B %Y}."
        )
    notify(item.assessor, "sample_recorded", message, _link(item))
    db.session.commit()
    return item


def _require_unrecorded(item: SampleItem) -> None:
    if item.removed_at is not None:
        raise Problem("This item was removed from your plan. Add the decision again to sample it.")
    if item.recorded_at is not None:
        raise Problem(
            f"You recorded what you found on {item.recorded_at:%-d %B %Y}; a record is not "
            "changed afterwards."
        )


def _lock_and_check(item: SampleItem, check) -> None:
    """Move the portfolio's revision on, which holds its row until the commit, then check
    again what was checked before: a record, response or closing that committed meanwhile
    (the same form sent twice) is seen now, and is not overwritten."""
    revision.move_on(item.enrolment)
    db.session.refresh(item)
    check(item)


def respond(item: SampleItem, assessor: User, *, response: str) -> SampleItem:
    if item.assessor_id != assessor.id:
        raise Problem("Only the assessor who made the decision can respond to its action.")
    _require_awaiting_response(item)
    response = _text(response, "response", "Write your response: what you did about the action.")
    _lock_and_check(item, _require_awaiting_response)
    item.assessor_response, item.responded_at = response, utcnow()
    audit(
        "quality.action_responded",
        item,
        actor=assessor,
        provider_id=item.enrolment.cohort.provider_id,
        response_sha256=text_digest(response),
    )
    notify(
        item.iqa,
        "action_responded",
        f"{assessor.name} responded to your action on their {what(item)} for "
        f"{item.enrolment.learner.name}.",
        f"/iqa/samples/{item.id}",
    )
    db.session.commit()
    return item


def _require_awaiting_response(item: SampleItem) -> None:
    if not item.action_open:
        raise Problem(
            "There is no open action to respond to: the IQA agreed with the decision or has "
            "closed the action."
        )
    if item.responded_at is not None:
        raise Problem(
            f"You responded on {item.responded_at:%-d %B %Y}. The IQA closes the action once "
            "they are satisfied."
        )


def close(item: SampleItem, iqa: User) -> SampleItem:
    """The IQA is satisfied with the assessor's response: the action no longer blocks
    certification."""
    _require_iqa(item, iqa)
    _require_closable(item)
    _lock_and_check(item, _require_closable)
    item.closed_at, item.closed_by_id = utcnow(), iqa.id
    audit(
        "quality.action_closed",
        item,
        actor=iqa,
        provider_id=item.enrolment.cohort.provider_id,
        kind=item.kind.value,
    )
    notify(
        item.assessor,
        "action_closed",
        f"{iqa.name} closed the action on your {what(item)} for {item.enrolment.learner.name}.",
        _link(item),
    )
    db.session.commit()
    return item


def _require_closable(item: SampleItem) -> None:
    if not item.action_open:
        raise Problem("There is no open action on this item to close.")
    if item.responded_at is None:
        raise Problem(
            "The assessor has not responded yet. You can close the action once they have."
        )


def _require_iqa(item: SampleItem, iqa: User) -> None:
    if item.iqa_id != iqa.id:
        raise Problem("Only the IQA who sampled this decision can record or close it.")
    require_independent(iqa, item.enrolment)


def actions_for(assessor: User) -> list[SampleItem]:
    """Open actions on this assessor's decisions, the soonest due first."""
    rows = db.session.scalars(
        select(SampleItem)
        .where(
            SampleItem.assessor_id == assessor.id,
            SampleItem.outcome == SampleOutcome.NOT_AGREED,
            SampleItem.closed_at.is_(None),
            SampleItem.removed_at.is_(None),
        )
        .options(
            selectinload(SampleItem.enrolment).selectinload(Enrolment.learner),
            selectinload(SampleItem.iqa),
        )
    ).all()
    return sorted(rows, key=lambda i: (i.action_due or date.max, i.id))


def recorded_on(enrolment: Enrolment) -> list[SampleItem]:
    """Every sampling record on this portfolio, by any IQA, oldest first."""
    return list(
        db.session.scalars(
            select(SampleItem)
            .where(
                SampleItem.enrolment_id == enrolment.id,
                SampleItem.recorded_at.is_not(None),
                SampleItem.removed_at.is_(None),
            )
            .options(selectinload(SampleItem.iqa), selectinload(SampleItem.assessor))
            .order_by(SampleItem.recorded_at, SampleItem.id)
        )
    )
