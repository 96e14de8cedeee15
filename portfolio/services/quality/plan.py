"""The IQA's sampling plan for the current period: what the strategy requires, a proposed
sample that meets it, items the IQA adds or removes, and whether the plan complies.

The rules (docs/quality-assurance.md):

- each assessor's learners are those with a decision by them this period that the strategy
  samples (interim: judgements and evidence of learners not yet signed off; summative:
  sign-offs in force); the plan must sample the share of those learners their risk rating
  sets, rounded up, and at least one;
- every assessment method each assessor used this period is sampled at least once;
- every cohort with such decisions has at least one learner sampled.
"""

from dataclasses import dataclass, field

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ... import policy
from ...extensions import db
from ...models import (
    AssessorRisk,
    Cohort,
    Enrolment,
    Method,
    SampleItem,
    SampleKind,
    SampleStage,
    SamplingStrategy,
    User,
)
from ...models._types import utcnow
from ..audit import record
from ..problems import Problem
from . import strategy as strategies
from .decisions import Decision, decisions_on, key_of, methods_of
from .strategy import Period

METHOD_ORDER = {method: n for n, method in enumerate(Method)}


class NotIndependent(Problem):
    def __init__(self, enrolment: Enrolment):
        super().__init__(
            f"You cannot quality-assure {enrolment.learner.name}’s portfolio: you are not its "
            "internal quality assurer, or you made assessment decisions in it yourself. Ask "
            "your administrator to assign another IQA."
        )


def require_independent(iqa: User, enrolment: Enrolment) -> None:
    """The policy's rule, checked again by every service that samples or countersigns."""
    if not policy.can(iqa, "quality_assure", enrolment):
        raise NotIndependent(enrolment)


@dataclass
class AssessorLine:
    """What the strategy asks of one assessor's decisions this period, and what is planned."""

    assessor: User
    risk: AssessorRisk
    percent: int
    learners: int
    required: int
    planned: int
    methods: set[Method] = field(default_factory=set)
    sampled_methods: set[Method] = field(default_factory=set)


@dataclass
class Plan:
    iqa: User
    strategy: SamplingStrategy
    period: Period
    enrolments: list[Enrolment]
    #: the items in the plan this period (removed ones left out)
    items: list[SampleItem]
    #: every decision the IQA may sample, this period's or older
    decisions: list[Decision]
    lines: list[AssessorLine]
    unmet: list[str]
    #: sampled earlier, with an action still open
    earlier_open: list[SampleItem]

    @property
    def required(self) -> int:
        return sum(line.required for line in self.lines)

    @property
    def planned(self) -> int:
        return sum(min(line.planned, line.required) for line in self.lines)

    @property
    def complies(self) -> bool:
        return not self.unmet

    @property
    def summary(self) -> str:
        return f"Planned {self.planned} of the {self.required} required"

    @property
    def assessors(self) -> list[User]:
        found = {d.assessor.id: d.assessor for d in self.decisions}
        found.update({i.assessor.id: i.assessor for i in self.items if i.assessor})
        return sorted(found.values(), key=lambda a: (a.name, a.id))

    def addable(self, enrolment: Enrolment) -> list[Decision]:
        planned = {key_of(i) for i in self.items}
        return [
            d for d in self.decisions if d.enrolment.id == enrolment.id and d.key not in planned
        ]


def eligible(iqa: User) -> list[Enrolment]:
    """The portfolios this IQA may sample: theirs to quality-assure, with none of their own
    decisions in them, learners not withdrawn."""
    rows = db.session.scalars(
        select(Enrolment)
        .join(Enrolment.cohort)
        .where(
            Enrolment.iqa_id == iqa.id,
            Cohort.provider_id == iqa.provider_id,
            Enrolment.withdrawn_on.is_(None),
        )
        .options(
            selectinload(Enrolment.learner),
            selectinload(Enrolment.assessor),
            selectinload(Enrolment.cohort),
        )
        .order_by(Cohort.name, Enrolment.id)
    ).all()
    return [e for e in rows if policy.can(iqa, "quality_assure", e)]


def _items(iqa: User, period: Period) -> list[SampleItem]:
    return list(
        db.session.scalars(
            select(SampleItem)
            .where(
                SampleItem.iqa_id == iqa.id,
                SampleItem.period == period.label,
                SampleItem.removed_at.is_(None),
            )
            .options(
                selectinload(SampleItem.enrolment).selectinload(Enrolment.learner),
                selectinload(SampleItem.assessor),
                selectinload(SampleItem.judgement),
                selectinload(SampleItem.evidence),
                selectinload(SampleItem.sign_off),
            )
            .order_by(SampleItem.id)
        )
    )


def _earlier_open(iqa: User, period: Period) -> list[SampleItem]:
    rows = db.session.scalars(
        select(SampleItem)
        .where(
            SampleItem.iqa_id == iqa.id,
            SampleItem.period != period.label,
            SampleItem.removed_at.is_(None),
            SampleItem.recorded_at.is_not(None),
            SampleItem.closed_at.is_(None),
        )
        .order_by(SampleItem.id)
    )
    return [row for row in rows if row.action_open]


def proposable(decision: Decision, strategy: SamplingStrategy, period: Period) -> bool:
    """Whether the rules count this decision: made this period, of a stage the strategy
    samples (a signed-off unit's sign-off, a unit in progress's judgements and evidence)."""
    if not period.holds(decision.at):
        return False
    if decision.stage == SampleStage.SUMMATIVE:
        return strategy.summative and decision.kind == SampleKind.SIGN_OFF
    return strategy.interim


def build(iqa: User, *, assessor_id: int | None = None, today=None) -> Plan:
    """The IQA's plan for the current period, with the compliance of the whole plan (the
    assessor filter narrows only what ``items`` and ``decisions`` list)."""
    strategy = strategies.strategy_for(iqa.provider)
    period = strategies.period_of(strategy, today)
    enrolments = eligible(iqa)
    decisions = decisions_on(enrolments)
    items = _items(iqa, period)
    lines, unmet = _compliance(strategy, period, decisions, items)
    if assessor_id:
        items = [i for i in items if i.assessor_id == assessor_id]
        decisions = [d for d in decisions if d.assessor.id == assessor_id]
    return Plan(
        iqa=iqa,
        strategy=strategy,
        period=period,
        enrolments=enrolments,
        items=items,
        decisions=decisions,
        lines=lines,
        unmet=unmet,
        earlier_open=_earlier_open(iqa, period),
    )


def _compliance(strategy, period, decisions, items) -> tuple[list[AssessorLine], list[str]]:
    counted = [d for d in decisions if proposable(d, strategy, period)]
    by_key = {d.key: d for d in decisions}
    assessors = sorted({d.assessor for d in counted}, key=lambda a: (a.name, a.id))
    ratings = strategies.ratings_of(assessors)
    lines, unmet = [], []
    for assessor in assessors:
        theirs = [d for d in counted if d.assessor.id == assessor.id]
        sampled = [i for i in items if i.assessor_id == assessor.id]
        risk = strategies.rating_of(assessor, strategy, ratings.get(assessor.id))
        learners = len({d.enrolment.id for d in theirs})
        line = AssessorLine(
            assessor,
            risk,
            strategies.percent_for(strategy, risk),
            learners,
            strategies.required_learners(strategy, risk, learners),
            len({i.enrolment_id for i in sampled}),
            {m for d in theirs for m in d.methods},
            {m for i in sampled for m in methods_of(i, by_key)},
        )
        lines.append(line)
        share = f"rated {line.risk.value}: {line.percent}% of {learners} learner"
        share += "" if learners == 1 else "s"
        if line.planned == 0:
            unmet.append(
                f"Nothing by {assessor.name} sampled {period.this} ({line.required} "
                f"required, {share})."
            )
        elif line.planned < line.required:
            unmet.append(
                f"{line.planned} of the {line.required} learners required for "
                f"{assessor.name} planned ({share})."
            )
        for method in sorted(line.methods - line.sampled_methods, key=METHOD_ORDER.get):
            unmet.append(f"No {method.label.lower()} by {assessor.name} sampled {period.this}.")
    cohorts = {d.enrolment.cohort.id: d.enrolment.cohort for d in counted}
    sampled_cohorts = {i.enrolment.cohort_id for i in items}
    for cohort in sorted(cohorts.values(), key=lambda c: (c.name, c.id)):
        if cohort.id not in sampled_cohorts:
            unmet.append(f"No learner in {cohort.name} sampled {period.this}.")
    return lines, unmet


def _choose(plan: Plan, taken: set) -> list[Decision]:
    """Decisions to add so the plan meets the rules: first one for each method an assessor
    used that is not yet sampled, then learners up to each assessor's share, then one for each
    cohort still without a sample. Never a decision already planned or removed this period."""
    counted = [
        d
        for d in plan.decisions
        if proposable(d, plan.strategy, plan.period) and d.key not in taken
    ]
    cohorts = {i.enrolment.cohort_id for i in plan.items}
    chosen: list[Decision] = []

    def take(decision):
        chosen.append(decision)
        counted.remove(decision)
        cohorts.add(decision.enrolment.cohort_id)

    for line in plan.lines:
        who = line.assessor.id
        learners = {i.enrolment_id for i in plan.items if i.assessor_id == who}
        covered = set(line.sampled_methods)
        needed = line.methods - covered
        while needed:
            pool = [d for d in counted if d.assessor.id == who and d.methods & needed]
            if not pool:
                break
            best = max(
                pool,
                key=lambda d: (
                    len(d.methods & needed),
                    d.enrolment.id not in learners,
                    d.enrolment.cohort_id not in cohorts,
                    tuple(-n for n in d.order),
                ),
            )
            take(best)
            learners.add(best.enrolment.id)
            needed -= best.methods
        while len(learners) < line.required:
            pool = [d for d in counted if d.assessor.id == who and d.enrolment.id not in learners]
            if not pool:
                break
            best = min(pool, key=lambda d: (d.enrolment.cohort_id in cohorts, d.order))
            take(best)
            learners.add(best.enrolment.id)
    for decision in sorted(counted, key=lambda d: d.order):
        if decision.enrolment.cohort_id not in cohorts:
            take(decision)
    return chosen


def _new_item(iqa: User, decision: Decision, period: Period, *, proposed: bool) -> SampleItem:
    item = SampleItem(
        iqa=iqa,
        enrolment=decision.enrolment,
        assessor=decision.assessor,
        kind=decision.kind,
        stage=decision.stage,
        period=period.label,
        proposed=proposed,
        judgement=decision.record if decision.kind == SampleKind.JUDGEMENT else None,
        evidence=decision.record if decision.kind == SampleKind.EVIDENCE else None,
        sign_off=decision.record if decision.kind == SampleKind.SIGN_OFF else None,
    )
    db.session.add(item)
    record(
        "quality.sample_added",
        item,
        actor=iqa,
        provider_id=decision.enrolment.cohort.provider_id,
        kind=decision.kind.value,
        decision_id=decision.record.id,
        stage=decision.stage.value,
        period=period.label,
        proposed=proposed,
    )
    return item


def _hold_plan(iqa: User) -> None:
    """Hold the IQA's row until this transaction ends, so two clicks of "Propose" or "Add" at
    once take turns: the second then sees what the first planned instead of planning it again.
    (An UPDATE that changes nothing: pysqlite runs a SELECT ... FOR UPDATE outside the
    transaction, so only a write waits for the other request on SQLite.)"""
    db.session.execute(
        update(User)
        .where(User.id == iqa.id)
        .values(active=User.active)
        .execution_options(synchronize_session=False)
    )


def propose(iqa: User, *, today=None) -> list[SampleItem]:
    """Add what the rules still need to the IQA's plan for this period."""
    _hold_plan(iqa)
    plan = build(iqa, today=today)
    taken = {
        key_of(item)
        for item in db.session.scalars(
            select(SampleItem).where(
                SampleItem.iqa_id == iqa.id, SampleItem.period == plan.period.label
            )
        )
    }
    added = [_new_item(iqa, d, plan.period, proposed=True) for d in _choose(plan, taken)]
    db.session.commit()
    return added


def add(iqa: User, enrolment: Enrolment, kind: SampleKind, decision_id: int, *, today=None):
    """The IQA adds one decision of this portfolio to their plan by hand."""
    require_independent(iqa, enrolment)
    _hold_plan(iqa)
    strategy = strategies.strategy_for(iqa.provider)
    period = strategies.period_of(strategy, today)
    decision = next((d for d in decisions_on([enrolment]) if d.key == (kind, decision_id)), None)
    if decision is None:
        raise Problem(
            "That decision cannot be sampled: it may have been replaced by a later one. "
            "Choose again from the plan."
        )
    if any(key_of(i) == decision.key for i in _items(iqa, period)):
        raise Problem(f"{decision.description} for {enrolment.learner.name} is already planned.")
    item = _new_item(iqa, decision, period, proposed=False)
    db.session.commit()
    return item


def remove(item: SampleItem, iqa: User) -> None:
    if item.recorded_at is not None:
        raise Problem(
            "You have recorded what you found for this item, so it stays in the plan and the "
            "audit trail."
        )
    if item.removed_at is not None:
        raise Problem("This item is already removed from your plan.")
    item.removed_at = utcnow()
    record(
        "quality.sample_removed",
        item,
        actor=iqa,
        provider_id=item.enrolment.cohort.provider_id,
        kind=item.kind.value,
        period=item.period,
    )
    db.session.commit()
