"""Replies to a judgement's feedback: the learner answers, the assessor answers back."""

from ...extensions import db
from ...models import FeedbackReply, Judgement, User
from ..audit import record
from ..notifications import notify
from ..problems import Problem

MAX_REPLY = 5_000


def reply(judgement: Judgement, author: User, body: str) -> FeedbackReply:
    body = body.strip()
    if not body:
        raise Problem("Write your reply before you send it.", "body")
    if len(body) > MAX_REPLY:
        raise Problem(f"Keep your reply to {MAX_REPLY:,} characters.", "body")
    row = FeedbackReply(judgement=judgement, author=author, body_md=body)
    db.session.add(row)
    db.session.flush()
    enrolment = judgement.enrolment
    code = judgement.criterion.code
    record(
        "assessment.feedback_replied",
        judgement,
        actor=author,
        subject=enrolment.learner,
        provider_id=enrolment.cohort.provider_id,
        code=code,
        length=len(body),
    )
    if author.id == enrolment.learner_id:
        recipient, message = (
            judgement.assessor,
            f"{author.name} replied to your feedback on {code}.",
        )
    else:
        recipient, message = enrolment.learner, f"{author.name} replied about {code}."
    notify(recipient, "replied", message, f"/portfolio/{enrolment.id}/criteria/{code}")
    db.session.commit()
    return row
