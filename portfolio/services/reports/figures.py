"""The provider dashboard's figures: every learner's progress and status, and each cohort's counts.

The database does the counting (GROUP BY over evidence and judgements), so a page costs the same
few queries for twenty learners or two thousand. The learner table comes in two steps: the page's
enrolments in order, computing only what the sort and the filters need, then every figure for
those enrolments alone; the status a learner is filtered and sorted by is the one the table shows
(one rule, ``aggregates.status_rule``). How the status is decided: docs/reports.md.
"""

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import aliased

from ...extensions import db
from ...models import Cohort, Enrolment, Provider, SignOff, Standard, User
from ...models._types import UTCDateTime, utcnow
from . import aggregates
from .aggregates import AT_RISK, LOCAL_TIME, NOT_STARTED, ON_TRACK
from .query import SORTS, DashboardQuery, LearnerStatus
from .sql import aware

__all__ = [
    "LOCAL_TIME",
    "PAGE_SIZE",
    "SORTS",
    "CohortSummary",
    "DashboardQuery",
    "LearnerPage",
    "LearnerRow",
    "LearnerStatus",
    "cohort_summaries",
    "count_learners",
    "learner_page",
    "learner_rows",
]

PAGE_SIZE = 100


@dataclass
class LearnerRow:
    enrolment_id: int
    learner_name: str
    learner_email: str
    uln: str | None
    cohort_id: int
    cohort_name: str
    assessor_name: str | None
    performance_met: int
    performance_total: int
    knowledge_met: int
    knowledge_total: int
    #: submitted evidence not yet assessed (the latest submitted version of each piece)
    waiting: int
    #: when the oldest of it was submitted
    waiting_since: datetime | None
    #: the latest change to evidence, submission or judgement in the portfolio
    last_activity: datetime | None
    planned_end_date: date
    status: LearnerStatus
    signed_off_at: datetime | None
    withdrawn_on: date | None


@dataclass
class LearnerPage:
    """One page of the learner table, with how many learners match across every page."""

    rows: list[LearnerRow]
    total: int
    page: int
    pages: int


@dataclass
class CohortSummary:
    cohort_id: int
    name: str
    standard_title: str
    start_date: date
    planned_end_date: date
    learners: int
    #: signed off and not withdrawn
    signed_off: int
    withdrawn: int
    #: criteria in the standard (performance criteria and knowledge items)
    criteria_total: int
    #: The rest needs every learner's evidence and judgements, so it is filled in only by
    #: ``cohort_summaries(detail=True)`` (the exports); the dashboard links to the filtered
    #: learner table instead.
    not_started: int | None = None
    on_track: int | None = None
    at_risk: int | None = None
    #: criteria met, added up over the learners who have not withdrawn
    criteria_met: int | None = None

    @property
    def in_progress(self) -> int:
        """Learners still working towards sign-off: not signed off and not withdrawn."""
        return self.learners - self.signed_off - self.withdrawn

    @property
    def completion_percent(self) -> int | None:
        """Signed off, as a share of the learners who have not withdrawn."""
        staying = self.learners - self.withdrawn
        return round(100 * self.signed_off / staying) if staying else None

    @property
    def criteria_met_percent(self) -> int | None:
        """Criteria met across the learners who have not withdrawn."""
        possible = (self.learners - self.withdrawn) * self.criteria_total
        if self.criteria_met is None or not possible:
            return None
        return round(100 * self.criteria_met / possible)


# --------------------------------------------------------------------------------- the SQL


def _scope(provider: Provider, query: DashboardQuery | None = None) -> list:
    """Which enrolments the figures are about: the provider's, narrowed by cohort and assessor."""
    conditions = [Cohort.provider_id == provider.id]
    if query is not None and query.cohort_id is not None:
        conditions.append(Enrolment.cohort_id == query.cohort_id)
    if query is not None and query.assessor_id is not None:
        conditions.append(Enrolment.assessor_id == query.assessor_id)
    return conditions


class _Joins:
    """The per-enrolment aggregates a query joins, each at most once, over one scope."""

    def __init__(self, statement, scope):
        self.statement, self.scope, self.made = statement, scope, {}

    def _join(self, name, make):
        if name not in self.made:
            subquery = self.made[name] = make(self.scope)
            on = (
                subquery.c.standard_id == Cohort.standard_id
                if name == "sizes"
                else subquery.c.enrolment_id == Enrolment.id
            )
            self.statement = self.statement.outerjoin(subquery, on)
        return self.made[name]

    def evidence(self):
        return self._join("evidence", aggregates.evidence_figures)

    def met(self):
        return self._join("met", aggregates.met_figures)

    def latest(self):
        return self._join("latest", aggregates.latest_judgements)

    def sizes(self):
        return self._join("sizes", lambda scope: aggregates.standard_sizes())

    def performance_met(self):
        return func.coalesce(self.met().c.performance_met, 0)

    def knowledge_met(self):
        return func.coalesce(self.met().c.knowledge_met, 0)

    def last_activity(self):
        return aggregates.last_activity(self.evidence().c.touched, self.latest().c.judged)

    def status(self, provider, now):
        sizes = self.sizes()
        return aggregates.status_rule(
            provider,
            now,
            met=self.performance_met() + self.knowledge_met(),
            total=func.coalesce(sizes.c.performance + sizes.c.knowledge, 0),
        )


def _enrolments(conditions):
    """Enrolments matching ``conditions`` with their cohort, learner and assessor joined."""
    learner, assessor = aliased(User), aliased(User)
    statement = (
        select()
        .select_from(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(learner, learner.id == Enrolment.learner_id)
        .outerjoin(assessor, assessor.id == Enrolment.assessor_id)
        .where(*conditions)
    )
    return _Joins(statement, aggregates.enrolments_in(conditions)), learner, assessor


def _figures(provider: Provider, conditions: list, now: datetime):
    """One row per enrolment matching ``conditions`` with every figure the table shows, as a
    subquery (every figure is aggregated for these enrolments only)."""
    joins, learner, assessor = _enrolments(conditions)
    sizes, evidence = joins.sizes(), joins.evidence()
    columns = [
        Enrolment.id.label("enrolment_id"),
        learner.name.label("learner_name"),
        learner.email.label("learner_email"),
        learner.uln.label("uln"),
        Cohort.id.label("cohort_id"),
        Cohort.name.label("cohort_name"),
        assessor.name.label("assessor_name"),
        joins.performance_met().label("performance_met"),
        func.coalesce(sizes.c.performance, 0).label("performance_total"),
        joins.knowledge_met().label("knowledge_met"),
        func.coalesce(sizes.c.knowledge, 0).label("knowledge_total"),
        func.coalesce(evidence.c.waiting, 0).label("waiting"),
        evidence.c.waiting_since.label("waiting_since"),
        joins.last_activity().label("last_activity"),
        Cohort.planned_end_date.label("planned_end_date"),
        joins.status(provider, now).label("status"),
        SignOff.signed_at.label("signed_off_at"),
        Enrolment.withdrawn_on.label("withdrawn_on"),
    ]
    statement = joins.statement.outerjoin(
        SignOff, and_(SignOff.enrolment_id == Enrolment.id, SignOff.voided_at.is_(None))
    )
    return statement.add_columns(*columns).subquery("learner_figures")


def _local_midnight(day: date):
    start = datetime.combine(day, time(), LOCAL_TIME).astimezone(UTC)
    return literal(start, UTCDateTime())


def _ranked(provider: Provider, query: DashboardQuery, now: datetime):
    """The enrolments matching the query in the table's order, computing only what the sort
    and the filters need (the learner's name needs nothing; a sort by waiting evidence needs
    every learner's evidence counted). Returns (select of Enrolment.id, order columns)."""
    joins, learner, assessor = _enrolments(_scope(provider, query))
    conditions = []
    if query.status is not None:
        conditions.append(joins.status(provider, now) == query.status.value)
    if query.active_from is not None:
        conditions.append(joins.last_activity() >= _local_midnight(query.active_from))
    if query.active_to is not None:
        end = _local_midnight(query.active_to + timedelta(days=1))
        conditions.append(joins.last_activity() < end)
    keys = {
        "learner": lambda: func.lower(learner.name),
        "cohort": lambda: func.lower(Cohort.name),
        "assessor": lambda: func.lower(assessor.name),
        "planned_end": lambda: Cohort.planned_end_date,
        "status": lambda: case(
            {s.value: position for position, s in enumerate(LearnerStatus)},
            value=joins.status(provider, now),
        ),
        "performance": joins.performance_met,
        "knowledge": joins.knowledge_met,
        "waiting": lambda: func.coalesce(joins.evidence().c.waiting, 0),
        "waiting_since": lambda: joins.evidence().c.waiting_since,
        "last_activity": joins.last_activity,
    }
    key = keys[query.sort if query.sort in SORTS else "learner"]()
    # Rows without a value (no assessor, nothing waiting) go last whichever way the sort runs.
    order = [
        key.is_(None),
        key.desc() if query.descending else key.asc(),
        func.lower(learner.name),
        Enrolment.id,
    ]
    return joins.statement.add_columns(Enrolment.id).where(*conditions), order


def _rows_in_order(provider: Provider, ids: list[int], now: datetime) -> list[LearnerRow]:
    """Every figure for these enrolments (a page of them), in the order given."""
    if not ids:
        return []
    figures = _figures(provider, [Enrolment.id.in_(ids)], now)
    rows = [_row(values) for values in db.session.execute(select(figures)).mappings()]
    position = {enrolment_id: n for n, enrolment_id in enumerate(ids)}
    return sorted(rows, key=lambda row: position[row.enrolment_id])


def _all_rows(provider: Provider, query: DashboardQuery, now: datetime) -> list[LearnerRow]:
    """Every figure for every matching enrolment, in order, in one query: the ranking's
    row numbers joined to the figures."""
    ranked, order = _ranked(provider, query, now)
    positions = ranked.add_columns(func.row_number().over(order_by=order).label("n")).subquery()
    figures = _figures(provider, _scope(provider, query), now)
    statement = (
        select(figures)
        .join(positions, positions.c.id == figures.c.enrolment_id)
        .order_by(positions.c.n)
    )
    return [_row(values) for values in db.session.execute(statement).mappings()]


def _row(values) -> LearnerRow:
    row = LearnerRow(**{f.name: values[f.name] for f in fields(LearnerRow)})
    row.status = LearnerStatus(row.status)
    for name in ("waiting_since", "last_activity", "signed_off_at"):
        setattr(row, name, aware(getattr(row, name)))
    for name in ("performance_met", "performance_total", "knowledge_met", "knowledge_total"):
        setattr(row, name, int(getattr(row, name)))
    row.waiting = int(row.waiting)
    return row


# ----------------------------------------------------------------------------- the answers


def learner_page(
    provider: Provider,
    query: DashboardQuery,
    *,
    page_size: int = PAGE_SIZE,
    now: datetime | None = None,
) -> LearnerPage:
    """One page of the learner table and the number of learners matching, in two queries
    however many learners there are: the page's enrolments in order (with the count), then
    their figures. A page past the end shows the last page."""
    now = now or utcnow()
    ranked, order = _ranked(provider, query, now)
    page = max(query.page, 1)
    found = db.session.execute(
        ranked.add_columns(func.count().over().label("total"))
        .order_by(*order)
        .offset((page - 1) * page_size)
        .limit(page_size)
    ).all()
    if not found and page > 1:
        total = count_learners(provider, query, now=now)
        last = max((total + page_size - 1) // page_size, 1)
        return learner_page(provider, query.on_page(last), page_size=page_size, now=now)
    total = found[0].total if found else 0
    pages = max((total + page_size - 1) // page_size, 1)
    rows = _rows_in_order(provider, [enrolment_id for enrolment_id, _ in found], now)
    return LearnerPage(rows, total, page, pages)


def learner_rows(
    provider: Provider,
    query: DashboardQuery,
    *,
    page_size: int | None = PAGE_SIZE,
    now: datetime | None = None,
) -> list[LearnerRow]:
    """The learner table's rows: one page, or with ``page_size=None`` every matching learner
    (the exports), in at most two queries however many learners there are."""
    now = now or utcnow()
    if page_size is None:
        return _all_rows(provider, query, now)
    ranked, order = _ranked(provider, query, now)
    statement = ranked.order_by(*order)
    statement = statement.offset((max(query.page, 1) - 1) * page_size).limit(page_size)
    return _rows_in_order(provider, list(db.session.scalars(statement)), now)


def count_learners(
    provider: Provider, query: DashboardQuery, *, now: datetime | None = None
) -> int:
    """How many learners match the filters (across every page)."""
    ranked, _ = _ranked(provider, query, now or utcnow())
    return db.session.scalar(select(func.count()).select_from(ranked.subquery()))


def cohort_summaries(
    provider: Provider, *, detail: bool = True, now: datetime | None = None
) -> list[CohortSummary]:
    """Every cohort of the provider, newest first, with its learners counted: in one query
    (an empty cohort has zeros). ``detail`` adds the count of each status and the criteria
    met, which costs a look at every learner's evidence and judgements."""
    sizes = aggregates.standard_sizes()
    withdrawn = Enrolment.withdrawn_on.is_not(None)
    signed = and_(~withdrawn, SignOff.id.is_not(None))
    columns = [
        Cohort.id,
        Cohort.name,
        Standard.title,
        Cohort.start_date,
        Cohort.planned_end_date,
        func.count(Enrolment.id),
        func.coalesce(func.sum(case((signed, 1), else_=0)), 0),
        func.coalesce(func.sum(case((withdrawn, 1), else_=0)), 0),
        func.coalesce(func.max(sizes.c.performance + sizes.c.knowledge), 0),
    ]
    statement = (
        select()
        .select_from(Cohort)
        .join(Standard, Standard.id == Cohort.standard_id)
        .outerjoin(sizes, sizes.c.standard_id == Cohort.standard_id)
        .outerjoin(Enrolment, Enrolment.cohort_id == Cohort.id)
        .outerjoin(SignOff, and_(SignOff.enrolment_id == Enrolment.id, SignOff.voided_at.is_(None)))
        .where(Cohort.provider_id == provider.id)
        .group_by(*columns[:5])
        .order_by(Cohort.start_date.desc(), Cohort.name, Cohort.id)
    )
    if detail:
        met = aggregates.met_figures(aggregates.enrolments_in([Cohort.provider_id == provider.id]))
        statement = statement.outerjoin(met, met.c.enrolment_id == Enrolment.id)
        criteria_met = func.coalesce(met.c.performance_met + met.c.knowledge_met, 0)
        status = aggregates.status_rule(
            provider,
            now or utcnow(),
            met=criteria_met,
            total=func.coalesce(sizes.c.performance + sizes.c.knowledge, 0),
        )
        enrolled = Enrolment.id.is_not(None)  # an empty cohort's one row has no enrolment
        columns += [
            func.coalesce(func.sum(case((and_(enrolled, status == s), 1), else_=0)), 0)
            for s in (NOT_STARTED, ON_TRACK, AT_RISK)
        ]
        columns.append(func.coalesce(func.sum(case((~withdrawn, criteria_met), else_=0)), 0))
    summaries = []
    for values in db.session.execute(statement.add_columns(*columns)):
        cohort_id, name, title, start, end, learners, signed_off, gone, total, *more = values
        summary = CohortSummary(
            cohort_id=cohort_id,
            name=name,
            standard_title=title,
            start_date=start,
            planned_end_date=end,
            learners=int(learners),
            signed_off=int(signed_off),
            withdrawn=int(gone),
            criteria_total=int(total),
        )
        if detail:
            summary.not_started, summary.on_track, summary.at_risk, summary.criteria_met = (
                int(n) for n in more
            )
        summaries.append(summary)
    return summaries
