"""The assessment decisions an IQA can sample in a portfolio: the judgement in force on each
criterion, the assessor's review of each current evidence version, and the sign-off in force.

Each decision knows who made it (whatever the portfolio's assignments are today), when, and the
assessment methods it rests on: a judgement the methods of its evidence, an evidence item its
own, a sign-off every method in the unit it signs.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    Enrolment,
    Evidence,
    EvidenceReview,
    EvidenceStatus,
    Judgement,
    Method,
    SampleItem,
    SampleKind,
    SampleStage,
    SignOff,
    User,
)
from ..assessment.state import current_judgement_ids

KIND_ORDER = {SampleKind.SIGN_OFF: 0, SampleKind.JUDGEMENT: 1, SampleKind.EVIDENCE: 2}


@dataclass
class Decision:
    kind: SampleKind
    record: Judgement | Evidence | SignOff
    enrolment: Enrolment
    #: who made it
    assessor: User
    at: datetime
    methods: frozenset[Method]
    #: summative once the unit is signed off, interim before
    stage: SampleStage

    @property
    def key(self) -> tuple[SampleKind, int]:
        return (self.kind, self.record.id)

    @property
    def order(self) -> tuple:
        return (self.enrolment.id, KIND_ORDER[self.kind], self.record.id)

    @property
    def description(self) -> str:
        return describe(self.kind, self.record)


def describe(kind: SampleKind, record) -> str:
    """How a page or a sentence names a sampled decision."""
    if kind == SampleKind.JUDGEMENT:
        return f"Judgement of {record.criterion.code} ({record.outcome.label.lower()})"
    if kind == SampleKind.EVIDENCE:
        return f"Assessment of evidence “{record.title}” (version {record.version})"
    return "Sign-off of the unit"


def record_of(item: SampleItem):
    return {
        SampleKind.JUDGEMENT: item.judgement,
        SampleKind.EVIDENCE: item.evidence,
        SampleKind.SIGN_OFF: item.sign_off,
    }[item.kind]


def key_of(item: SampleItem) -> tuple[SampleKind, int]:
    ids = {
        SampleKind.JUDGEMENT: item.judgement_id,
        SampleKind.EVIDENCE: item.evidence_id,
        SampleKind.SIGN_OFF: item.sign_off_id,
    }
    return (item.kind, ids[item.kind])


def decisions_on(enrolments: list[Enrolment]) -> list[Decision]:
    """Every decision in these portfolios an IQA may sample, in a stable order. Four queries
    whatever the number of portfolios."""
    by_id = {e.id: e for e in enrolments}
    if not by_id:
        return []
    signed = {
        s.enrolment_id: s
        for s in db.session.scalars(
            select(SignOff)
            .where(SignOff.enrolment_id.in_(by_id), SignOff.voided_at.is_(None))
            .options(selectinload(SignOff.signer))
        )
    }
    judgements = db.session.scalars(
        select(Judgement)
        .where(Judgement.id.in_(current_judgement_ids(by_id)))
        .options(
            selectinload(Judgement.evidence),
            selectinload(Judgement.criterion),
            selectinload(Judgement.assessor),
        )
        .order_by(Judgement.id)
    ).all()
    reviewed = db.session.scalars(
        select(Evidence)
        .join(Evidence.review)
        .where(Evidence.enrolment_id.in_(by_id), Evidence.status == EvidenceStatus.SUBMITTED)
        .options(selectinload(Evidence.review).selectinload(EvidenceReview.assessor))
        .order_by(Evidence.id)
    ).all()
    unit_methods: dict[int, set[Method]] = {}
    for judgement in judgements:
        unit_methods.setdefault(judgement.enrolment_id, set()).update(
            e.method for e in judgement.evidence
        )

    def stage(enrolment_id):
        return SampleStage.SUMMATIVE if enrolment_id in signed else SampleStage.INTERIM

    found = [
        Decision(
            SampleKind.SIGN_OFF,
            s,
            by_id[s.enrolment_id],
            s.signer,
            s.signed_at,
            frozenset(unit_methods.get(s.enrolment_id, ())),
            SampleStage.SUMMATIVE,
        )
        for s in signed.values()
    ]
    found += [
        Decision(
            SampleKind.JUDGEMENT,
            j,
            by_id[j.enrolment_id],
            j.assessor,
            j.judged_at,
            frozenset(e.method for e in j.evidence),
            stage(j.enrolment_id),
        )
        for j in judgements
    ]
    found += [
        Decision(
            SampleKind.EVIDENCE,
            e,
            by_id[e.enrolment_id],
            e.review.assessor,
            e.review.reviewed_at,
            frozenset({e.method}),
            stage(e.enrolment_id),
        )
        for e in reviewed
    ]
    return sorted(found, key=lambda d: d.order)


def methods_of(item: SampleItem, decisions: dict) -> frozenset[Method]:
    """The methods a planned item covers: those of the decision as it stands now."""
    decision = decisions.get(key_of(item))
    if decision is not None:
        return decision.methods
    record = record_of(item)
    if item.kind == SampleKind.JUDGEMENT:
        return frozenset(e.method for e in record.evidence)
    if item.kind == SampleKind.EVIDENCE:
        return frozenset({record.method})
    return frozenset()
