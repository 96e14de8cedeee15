"""Where a cohort struggles and where assessment backs up: which criteria are least met, the mix
of assessment methods, and each assessor's workload and turnaround. Every figure is one GROUP BY
query (a median too, with window functions), so its cost does not follow the number of learners
in Python. What each figure counts: docs/reports.md.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select, union
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import (
    Cohort,
    Criterion,
    CriterionKind,
    Enrolment,
    Evidence,
    EvidenceReview,
    EvidenceStatus,
    Judgement,
    Mapping,
    Method,
    Outcome,
    Provider,
    Role,
    SampleItem,
    SampleOutcome,
    SignOff,
    User,
    UserRole,
)
from ...models.assessment import judgement_evidence
from .aggregates import current_judgements
from .sql import aware, days_between


def _scope(provider: Provider, cohort: Cohort | None) -> list:
    conditions = [Cohort.provider_id == provider.id]
    if cohort is not None:
        conditions.append(Enrolment.cohort_id == cohort.id)
    return conditions


def _enrolments(conditions):
    return select(Enrolment.id).join(Enrolment.cohort).where(*conditions)


# ----------------------------------------------------------------------- criterion heatmap


@dataclass
class CriterionHeat:
    criterion_id: int
    code: str
    kind: CriterionKind
    text: str
    #: learners on the cohort who have not withdrawn
    learners: int
    #: of them, those whose judgement in force on this criterion is met
    met: int
    #: those with submitted evidence mapped to it or a judgement on it, but not met (yet)
    in_progress: int

    @property
    def not_started(self) -> int:
        return self.learners - self.met - self.in_progress

    @property
    def met_percent(self) -> int | None:
        return round(100 * self.met / self.learners) if self.learners else None


def criterion_heatmap(cohort: Cohort) -> list[CriterionHeat]:
    """Every criterion of the cohort's standard, in the standard's order, with how many of the
    cohort's learners (withdrawn learners left out) have met it or are working on it."""
    staying = _enrolments([Enrolment.cohort_id == cohort.id, Enrolment.withdrawn_on.is_(None)])
    current = current_judgements(staying)
    met = (
        select(Judgement.criterion_id, func.count(func.distinct(Judgement.enrolment_id)).label("n"))
        .join(current, current.c.id == Judgement.id)
        .where(Judgement.outcome == Outcome.MET)
        .group_by(Judgement.criterion_id)
        .subquery("met")
    )
    touched = union(
        select(Mapping.criterion_id, Evidence.enrolment_id)
        .join(Evidence, Evidence.id == Mapping.evidence_id)
        .where(Evidence.enrolment_id.in_(staying), Evidence.status != EvidenceStatus.DRAFT),
        select(Judgement.criterion_id, Judgement.enrolment_id).where(
            Judgement.enrolment_id.in_(staying)
        ),
    ).subquery("touched")
    started = (
        select(touched.c.criterion_id, func.count().label("n"))
        .group_by(touched.c.criterion_id)
        .subquery("started")
    )
    learners = select(func.count()).select_from(staying.subquery()).scalar_subquery()
    rows = db.session.execute(
        select(
            Criterion.id,
            Criterion.code,
            Criterion.kind,
            Criterion.text,
            learners,
            func.coalesce(met.c.n, 0),
            func.coalesce(started.c.n, 0),
        )
        .outerjoin(met, met.c.criterion_id == Criterion.id)
        .outerjoin(started, started.c.criterion_id == Criterion.id)
        .where(Criterion.standard_id == cohort.standard_id)
        .order_by(Criterion.kind != CriterionKind.PERFORMANCE, Criterion.position, Criterion.id)
    )
    return [
        CriterionHeat(cid, code, CriterionKind(kind), text, int(n), int(m), int(s) - int(m))
        for cid, code, kind, text, n, m, s in rows
    ]


# ------------------------------------------------------------------------------ method mix


@dataclass
class MethodCount:
    method: Method
    #: pieces of submitted evidence (the latest submitted version of each) using the method
    count: int


def method_mix(provider: Provider, cohort: Cohort | None = None) -> list[MethodCount]:
    """Every assessment method, most used first, with the submitted evidence that used it."""
    counts = dict(
        db.session.execute(
            select(Evidence.method, func.count())
            .where(
                Evidence.status == EvidenceStatus.SUBMITTED,
                Evidence.enrolment_id.in_(_enrolments(_scope(provider, cohort))),
            )
            .group_by(Evidence.method)
        ).all()
    )
    order = {method: n for n, method in enumerate(Method)}
    mix = [MethodCount(method, int(counts.get(method, 0))) for method in Method]
    return sorted(mix, key=lambda m: (-m.count, order[m.method]))


# -------------------------------------------------------------------------- assessors


@dataclass
class AssessorLoad:
    assessor_id: int
    name: str
    active: bool
    #: learners in progress (not signed off, not withdrawn) assigned to them
    learners: int
    #: evidence waiting for assessment from those learners
    waiting: int
    #: when the oldest of it was submitted
    waiting_since: datetime | None
    #: evidence versions whose first judgement they made
    judged: int
    #: median days from a version's submission to its first judgement
    median_days: float | None


def assessor_workload(provider: Provider, cohort: Cohort | None = None) -> list[AssessorLoad]:
    """Each assessor's learners, what waits for them and how quickly they judge, by name.

    Without a cohort every assessor of the provider is listed, idle ones too; for one cohort,
    those with learners, waiting work or judgements in it."""
    conditions = _scope(provider, cohort)
    in_progress = (
        select(Enrolment.assessor_id, func.count().label("n"))
        .join(Enrolment.cohort)
        .outerjoin(SignOff, and_(SignOff.enrolment_id == Enrolment.id, SignOff.voided_at.is_(None)))
        .where(*conditions, Enrolment.withdrawn_on.is_(None), SignOff.id.is_(None))
        .group_by(Enrolment.assessor_id)
        .subquery("in_progress")
    )
    waiting = (
        select(
            Enrolment.assessor_id,
            func.count().label("n"),
            func.min(Evidence.submitted_at).label("since"),
        )
        .select_from(Evidence)
        .join(Enrolment, Enrolment.id == Evidence.enrolment_id)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .outerjoin(EvidenceReview, EvidenceReview.evidence_id == Evidence.id)
        .where(
            *conditions,
            Enrolment.withdrawn_on.is_(None),
            Evidence.status == EvidenceStatus.SUBMITTED,
            EvidenceReview.id.is_(None),
        )
        .group_by(Enrolment.assessor_id)
        .subquery("waiting")
    )
    turnaround = _turnaround(conditions)
    is_assessor = exists().where(UserRole.user_id == User.id, UserRole.role == Role.ASSESSOR)
    busy = or_(
        in_progress.c.n.is_not(None), waiting.c.n.is_not(None), turnaround.c.judged.is_not(None)
    )
    listed = busy if cohort is not None else or_(busy, and_(User.active, is_assessor))
    rows = db.session.execute(
        select(
            User.id,
            User.name,
            User.active,
            func.coalesce(in_progress.c.n, 0),
            func.coalesce(waiting.c.n, 0),
            waiting.c.since,
            func.coalesce(turnaround.c.judged, 0),
            turnaround.c.median,
        )
        .outerjoin(in_progress, in_progress.c.assessor_id == User.id)
        .outerjoin(waiting, waiting.c.assessor_id == User.id)
        .outerjoin(turnaround, turnaround.c.assessor_id == User.id)
        .where(User.provider_id == provider.id, listed)
        .order_by(func.lower(User.name), User.id)
    )
    return [
        AssessorLoad(
            assessor_id=uid,
            name=name,
            active=active,
            learners=int(learners),
            waiting=int(waits),
            waiting_since=aware(since),
            judged=int(judged),
            median_days=float(median) if median is not None else None,
        )
        for uid, name, active, learners, waits, since, judged, median in rows
    ]


def _turnaround(conditions):
    """Per assessor: how many evidence versions they judged first, and the median days from
    each version's submission to that first judgement. The median is the middle value (or the
    mean of the middle two) of each assessor's durations, ranked with window functions."""
    first = (
        select(
            judgement_evidence.c.evidence_id.label("evidence_id"),
            func.min(judgement_evidence.c.judgement_id).label("judgement_id"),
        )
        .join(Evidence, Evidence.id == judgement_evidence.c.evidence_id)
        .where(Evidence.enrolment_id.in_(_enrolments(conditions)))
        .group_by(judgement_evidence.c.evidence_id)
        .subquery("first_judgements")
    )
    judged = aliased(Evidence)
    durations = (
        select(
            Judgement.assessor_id.label("assessor_id"),
            days_between(Judgement.judged_at, judged.submitted_at).label("days"),
        )
        .select_from(first)
        .join(Judgement, Judgement.id == first.c.judgement_id)
        .join(judged, judged.id == first.c.evidence_id)
        .where(judged.submitted_at.is_not(None))
        .subquery("durations")
    )
    ranked = select(
        durations.c.assessor_id,
        durations.c.days,
        func.row_number()
        .over(partition_by=durations.c.assessor_id, order_by=durations.c.days)
        .label("position"),
        func.count().over(partition_by=durations.c.assessor_id).label("judged"),
    ).subquery("ranked")
    middle = ranked.c.position * 2 - ranked.c.judged
    return (
        select(
            ranked.c.assessor_id,
            func.max(ranked.c.judged).label("judged"),
            func.avg(case((middle.between(0, 2), ranked.c.days))).label("median"),
        )
        .group_by(ranked.c.assessor_id)
        .subquery("turnaround")
    )


# ------------------------------------------------------------------- IQA sampling coverage


@dataclass
class SamplingCoverage:
    assessor_id: int
    assessor_name: str
    learners: int  # in scope, not withdrawn
    planned: int  # of those, learners with a decision in an IQA's plan
    sampled: int  # of those, learners with at least one sampling record
    open_actions: int

    @property
    def share_sampled(self) -> int:
        return round(100 * self.sampled / self.learners) if self.learners else 0


def iqa_sampling_coverage(
    provider: Provider, cohort: Cohort | None = None
) -> list[SamplingCoverage]:
    """For each assessor: how many of their learners are in an IQA's sampling plan, how many
    have been sampled (a record made) and the actions still open: one GROUP BY query."""
    conditions = [*_scope(provider, cohort), Enrolment.withdrawn_on.is_(None)]
    planned = exists().where(
        SampleItem.enrolment_id == Enrolment.id, SampleItem.removed_at.is_(None)
    )
    sampled = exists().where(
        SampleItem.enrolment_id == Enrolment.id,
        SampleItem.removed_at.is_(None),
        SampleItem.recorded_at.is_not(None),
    )
    open_actions = (
        select(func.count(SampleItem.id))
        .where(
            SampleItem.enrolment_id == Enrolment.id,
            SampleItem.outcome == SampleOutcome.NOT_AGREED,
            SampleItem.closed_at.is_(None),
        )
        .correlate(Enrolment)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            User.id,
            User.name,
            func.count(Enrolment.id),
            func.sum(case((planned, 1), else_=0)),
            func.sum(case((sampled, 1), else_=0)),
            func.sum(open_actions),
        )
        .select_from(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(User, User.id == Enrolment.assessor_id)
        .where(*conditions)
        .group_by(User.id, User.name)
        .order_by(User.name, User.id)
    )
    return [
        SamplingCoverage(a, name, int(n), int(p or 0), int(sm or 0), int(o or 0))
        for a, name, n, p, sm, o in rows
    ]
