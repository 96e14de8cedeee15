"""What stops a learner being certified, as sentences the portfolio page, the PDF and the
cohort reports show: today, an internal quality assurance action still open on the learner's
portfolio (docs/quality-assurance.md)."""

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import Enrolment, SampleItem, SampleOutcome
from .decisions import describe, record_of


def open_actions(enrolment: Enrolment) -> list[SampleItem]:
    return list(
        db.session.scalars(
            select(SampleItem)
            .where(
                SampleItem.enrolment_id == enrolment.id,
                SampleItem.outcome == SampleOutcome.NOT_AGREED,
                SampleItem.closed_at.is_(None),
                SampleItem.removed_at.is_(None),
            )
            .options(selectinload(SampleItem.iqa), selectinload(SampleItem.assessor))
            .order_by(SampleItem.id)
        )
    )


def blocked_reasons(enrolment: Enrolment) -> list[str]:
    """One sentence per open action; empty when nothing blocks certification. Pages put them
    under "Certification is on hold"."""
    reasons = []
    for item in open_actions(enrolment):
        decision = describe(item.kind, record_of(item))
        decision = decision[0].lower() + decision[1:]
        waiting = (
            "waiting for the IQA to close it"
            if item.responded_at
            else "waiting for the assessor’s response"
        )
        due = f" due {item.action_due:%-d %B %Y}" if item.action_due else ""
        reasons.append(
            f"{item.iqa.name} (internal quality assurer) did not agree with "
            f"{item.assessor.name if item.assessor else 'the assessor'}’s {decision}: the "
            f"action{due} is open, {waiting}."
        )
    return reasons
