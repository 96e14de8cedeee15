"""The provider dashboard's figures: every learner's progress and status, and each cohort's counts.

The database does the counting (GROUP BY over evidence and judgements), so a page costs the same
few queries for twenty learners or two thousand, and the status a learner is filtered and sorted
by is exactly the one the table shows. How the status is decided: docs/reports.md.
"""

import enum
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, literal, or_, select
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
    Outcome,
    Provider,
    SignOff,
    Standard,
    User,
)
from ...models._types import UTCDateTime, utcnow
from .sql import as_date, aware, dates_apart

#: Dates on the dashboard are where the provider works, whatever the server's clock says.
LOCAL_TIME = ZoneInfo("Europe/London")
PAGE_SIZE = 100


class LearnerStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    SIGNED_OFF = "signed_off"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {
            "not_started": "Not started",
            "on_track": "On track",
            "at_risk": "At risk",
            "signed_off": "Signed off",
            "withdrawn": "Withdrawn",
        }[self.value]

    @property
    def colour(self) -> str:
        """GOV.UK tag colour."""
        return {
            "not_started": "grey",
            "on_track": "green",
            "at_risk": "red",
            "signed_off": "blue",
            "withdrawn": "yellow",
        }[self.value]


#: The learner table's columns that sort, with their headings.
SORTS = {
    "learner": "Learner",
    "cohort": "Cohort",
    "performance": "Performance criteria met",
    "knowledge": "Knowledge items met",
    "waiting": "Evidence waiting",
    "waiting_since": "Waiting since",
    "last_activity": "Last activity",
    "planned_end": "Planned end",
    "status": "Status",
    "assessor": "Assessor",
}


@dataclass
class DashboardQuery:
    """What the dashboard shows: filters, sort and page, read from and written to the URL so
    every view can be shared as a link."""

    cohort_id: int | None = None
    assessor_id: int | None = None
    status: LearnerStatus | None = None
    #: last activity on or after this day
    active_from: date | None = None
    #: last activity on or before this day
    active_to: date | None = None
    sort: str = "learner"
    descending: bool = False
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "DashboardQuery":
        """Read the query string; anything that does not make sense is left out, not an error
        (the filter form says what is wrong with the dates)."""
        sort = args.get("sort", "")
        return cls(
            cohort_id=_whole(args.get("cohort")),
            assessor_id=_whole(args.get("assessor")),
            status=next((s for s in LearnerStatus if s.value == args.get("status")), None),
            active_from=_date_boxes(args, "active_from"),
            active_to=_date_boxes(args, "active_to"),
            sort=sort if sort in SORTS else "learner",
            descending=args.get("order") == "desc",
            page=_whole(args.get("page")) or 1,
        )

    def to_args(self) -> dict:
        """The query string that shows this view (defaults left out), for ``url_for``."""
        args = {}
        if self.cohort_id:
            args["cohort"] = self.cohort_id
        if self.assessor_id:
            args["assessor"] = self.assessor_id
        if self.status:
            args["status"] = self.status.value
        for name in ("active_from", "active_to"):
            if value := getattr(self, name):
                for part in ("day", "month", "year"):
                    args[f"{name}-{part}"] = getattr(value, part)
        if self.sort != "learner":
            args["sort"] = self.sort
        if self.descending:
            args["order"] = "desc"
        if self.page > 1:
            args["page"] = self.page
        return args

    @property
    def filtered(self) -> bool:
        return any(
            getattr(self, name) is not None
            for name in ("cohort_id", "assessor_id", "status", "active_from", "active_to")
        )

    def sorted_by(self, column: str) -> "DashboardQuery":
        """The view sorted by ``column``: the other way round if it already is, from page 1."""
        descending = not self.descending if column == self.sort else False
        return replace(self, sort=column, descending=descending, page=1)

    def on_page(self, page: int) -> "DashboardQuery":
        return replace(self, page=page)

    def without_filters(self) -> "DashboardQuery":
        return DashboardQuery(sort=self.sort, descending=self.descending)


def _whole(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _date_boxes(args, name) -> date | None:
    """A date typed into the day, month and year boxes (the filter form's date inputs)."""
    parts = [_whole(args.get(f"{name}-{part}")) for part in ("year", "month", "day")]
    try:
        return date(*parts) if all(parts) else None
    except ValueError:
        return None


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
class CohortSummary:
    cohort_id: int
    name: str
    standard_title: str
    start_date: date
    planned_end_date: date
    learners: int
    not_started: int
    on_track: int
    at_risk: int
    signed_off: int
    withdrawn: int
    #: criteria met, added up over the learners who have not withdrawn
    criteria_met: int
    #: criteria in the standard (performance criteria and knowledge items)
    criteria_total: int

    @property
    def in_progress(self) -> int:
        """Learners still working towards sign-off: not signed off and not withdrawn."""
        return self.not_started + self.on_track + self.at_risk

    @property
    def completion_percent(self) -> int | None:
        """Signed off, as a share of the learners who have not withdrawn."""
        staying = self.learners - self.withdrawn
        return round(100 * self.signed_off / staying) if staying else None

    @property
    def criteria_met_percent(self) -> int | None:
        """Criteria met across the learners who have not withdrawn."""
        possible = (self.learners - self.withdrawn) * self.criteria_total
        return round(100 * self.criteria_met / possible) if possible else None


# --------------------------------------------------------------------------------- the SQL


def _scope(provider: Provider, query: DashboardQuery | None = None) -> list:
    """Which enrolments the figures are about: the provider's, narrowed by cohort and assessor."""
    conditions = [Cohort.provider_id == provider.id]
    if query is not None and query.cohort_id is not None:
        conditions.append(Enrolment.cohort_id == query.cohort_id)
    if query is not None and query.assessor_id is not None:
        conditions.append(Enrolment.assessor_id == query.assessor_id)
    return conditions


def enrolments_in(conditions):
    """The ids of the enrolments in scope, as a subquery (aggregates stay inside the scope)."""
    return select(Enrolment.id).join(Enrolment.cohort).where(*conditions)


def evidence_figures(scope):
    """Per enrolment: versions submitted, evidence waiting and since when, and the latest time
    any evidence was changed or submitted (drafts too: a learner at work is active)."""
    waiting = (Evidence.status == EvidenceStatus.SUBMITTED) & EvidenceReview.id.is_(None)
    touched = case(
        (Evidence.submitted_at > Evidence.updated_at, Evidence.submitted_at),
        else_=Evidence.updated_at,
    )
    return (
        select(
            Evidence.enrolment_id.label("enrolment_id"),
            func.sum(case((Evidence.status != EvidenceStatus.DRAFT, 1), else_=0)).label(
                "submitted"
            ),
            func.sum(case((waiting, 1), else_=0)).label("waiting"),
            func.min(case((waiting, Evidence.submitted_at))).label("waiting_since"),
            func.max(touched).label("touched"),
        )
        .outerjoin(EvidenceReview, EvidenceReview.evidence_id == Evidence.id)
        .where(Evidence.enrolment_id.in_(scope))
        .group_by(Evidence.enrolment_id)
        .subquery("evidence_figures")
    )


def current_judgements(scope):
    """The judgement in force (the newest) for each criterion of each portfolio in scope."""
    return (
        select(func.max(Judgement.id).label("id"))
        .where(Judgement.enrolment_id.in_(scope))
        .group_by(Judgement.enrolment_id, Judgement.criterion_id)
        .subquery("current_judgements")
    )


def _judgement_figures(scope):
    """Per enrolment: performance criteria and knowledge items met, and the latest judgement
    (the newest judgement of a portfolio is always the one in force for its criterion)."""
    current = current_judgements(scope)
    met = Judgement.outcome == Outcome.MET
    return (
        select(
            Judgement.enrolment_id.label("enrolment_id"),
            func.sum(case((met & (Criterion.kind == CriterionKind.PERFORMANCE), 1), else_=0)).label(
                "performance_met"
            ),
            func.sum(case((met & (Criterion.kind == CriterionKind.KNOWLEDGE), 1), else_=0)).label(
                "knowledge_met"
            ),
            func.max(Judgement.judged_at).label("judged"),
        )
        .join(current, current.c.id == Judgement.id)
        .join(Criterion, Criterion.id == Judgement.criterion_id)
        .group_by(Judgement.enrolment_id)
        .subquery("judgement_figures")
    )


def standard_sizes():
    """Per standard: how many performance criteria and knowledge items it has."""
    return (
        select(
            Criterion.standard_id.label("standard_id"),
            func.sum(case((Criterion.kind == CriterionKind.PERFORMANCE, 1), else_=0)).label(
                "performance"
            ),
            func.sum(case((Criterion.kind == CriterionKind.KNOWLEDGE, 1), else_=0)).label(
                "knowledge"
            ),
        )
        .group_by(Criterion.standard_id)
        .subquery("standard_sizes")
    )


def _figures(provider: Provider, conditions: list, now: datetime):
    """One row per enrolment in scope with every figure the dashboard shows and its status, as
    a subquery to filter, sort, count and page."""
    scope = enrolments_in(conditions)
    ev, jg, sizes = evidence_figures(scope), _judgement_figures(scope), standard_sizes()
    assessor = aliased(User)
    learner = aliased(User)
    performance_met = func.coalesce(jg.c.performance_met, 0)
    knowledge_met = func.coalesce(jg.c.knowledge_met, 0)
    performance_total = func.coalesce(sizes.c.performance, 0)
    knowledge_total = func.coalesce(sizes.c.knowledge, 0)
    last_activity = case(
        (jg.c.judged.is_(None), ev.c.touched),
        (ev.c.touched.is_(None), jg.c.judged),
        (jg.c.judged > ev.c.touched, jg.c.judged),
        else_=ev.c.touched,
    )
    status = _status(
        provider,
        now,
        submitted=func.coalesce(ev.c.submitted, 0),
        met=performance_met + knowledge_met,
        total=performance_total + knowledge_total,
        last_activity=last_activity,
    )
    return (
        select(
            Enrolment.id.label("enrolment_id"),
            learner.name.label("learner_name"),
            learner.email.label("learner_email"),
            learner.uln.label("uln"),
            Cohort.id.label("cohort_id"),
            Cohort.name.label("cohort_name"),
            assessor.name.label("assessor_name"),
            performance_met.label("performance_met"),
            performance_total.label("performance_total"),
            knowledge_met.label("knowledge_met"),
            knowledge_total.label("knowledge_total"),
            func.coalesce(ev.c.waiting, 0).label("waiting"),
            ev.c.waiting_since.label("waiting_since"),
            last_activity.label("last_activity"),
            Cohort.planned_end_date.label("planned_end_date"),
            status.label("status"),
            SignOff.signed_at.label("signed_off_at"),
            Enrolment.withdrawn_on.label("withdrawn_on"),
        )
        .select_from(Enrolment)
        .join(Cohort, Cohort.id == Enrolment.cohort_id)
        .join(learner, learner.id == Enrolment.learner_id)
        .outerjoin(assessor, assessor.id == Enrolment.assessor_id)
        .outerjoin(ev, ev.c.enrolment_id == Enrolment.id)
        .outerjoin(jg, jg.c.enrolment_id == Enrolment.id)
        .outerjoin(sizes, sizes.c.standard_id == Cohort.standard_id)
        .outerjoin(SignOff, and_(SignOff.enrolment_id == Enrolment.id, SignOff.voided_at.is_(None)))
        .where(*conditions)
        .subquery("learner_figures")
    )


def _status(provider: Provider, now: datetime, *, submitted, met, total, last_activity):
    """The status rule (docs/reports.md) as one SQL CASE, first match wins."""
    today = now.astimezone(LOCAL_TIME).date()
    cutoff = literal(now - timedelta(days=provider.risk_inactive_days), UTCDateTime())
    duration = dates_apart(Cohort.planned_end_date, Cohort.start_date)
    gone = dates_apart(as_date(today), Cohort.start_date)
    elapsed = case((gone < 0, 0), (gone > duration, duration), else_=gone)
    # met / total < elapsed / duration - points / 100, multiplied out to stay in whole numbers
    behind = and_(
        duration > 0,
        met * 100 * duration
        < (elapsed * 100 - literal(provider.risk_behind_points) * duration) * total,
    )
    return case(
        (Enrolment.withdrawn_on.is_not(None), LearnerStatus.WITHDRAWN.value),
        (SignOff.id.is_not(None), LearnerStatus.SIGNED_OFF.value),
        (submitted == 0, LearnerStatus.NOT_STARTED.value),
        (
            or_(last_activity < cutoff, Cohort.planned_end_date < as_date(today), behind),
            LearnerStatus.AT_RISK.value,
        ),
        else_=LearnerStatus.ON_TRACK.value,
    )


def _narrowed(figures, query: DashboardQuery) -> list:
    """Conditions on the computed figures: the status and the last-activity dates."""
    conditions = []
    if query.status is not None:
        conditions.append(figures.c.status == query.status.value)
    if query.active_from is not None:
        conditions.append(figures.c.last_activity >= _local_midnight(query.active_from))
    if query.active_to is not None:
        conditions.append(
            figures.c.last_activity < _local_midnight(query.active_to + timedelta(days=1))
        )
    return conditions


def _local_midnight(day: date):
    start = datetime.combine(day, time(), LOCAL_TIME).astimezone(UTC)
    return literal(start, UTCDateTime())


def _order(figures, query: DashboardQuery) -> list:
    rank = case(
        {status.value: position for position, status in enumerate(LearnerStatus)},
        value=figures.c.status,
    )
    column = {
        "learner": func.lower(figures.c.learner_name),
        "cohort": func.lower(figures.c.cohort_name),
        "assessor": func.lower(figures.c.assessor_name),
        "performance": figures.c.performance_met,
        "knowledge": figures.c.knowledge_met,
        "waiting": figures.c.waiting,
        "waiting_since": figures.c.waiting_since,
        "last_activity": figures.c.last_activity,
        "planned_end": figures.c.planned_end_date,
        "status": rank,
    }[query.sort if query.sort in SORTS else "learner"]
    # Rows without a value (no assessor, nothing waiting) go last whichever way the sort runs.
    return [
        column.is_(None),
        column.desc() if query.descending else column.asc(),
        func.lower(figures.c.learner_name),
        figures.c.enrolment_id,
    ]


# ----------------------------------------------------------------------------- the answers


def learner_rows(
    provider: Provider,
    query: DashboardQuery,
    *,
    page_size: int | None = PAGE_SIZE,
    now: datetime | None = None,
) -> list[LearnerRow]:
    """One page of the learner table (every matching learner with ``page_size=None``), in one
    query however many learners there are."""
    figures = _figures(provider, _scope(provider, query), now or utcnow())
    statement = select(figures).where(*_narrowed(figures, query)).order_by(*_order(figures, query))
    if page_size is not None:
        statement = statement.offset((max(query.page, 1) - 1) * page_size).limit(page_size)
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


def count_learners(
    provider: Provider, query: DashboardQuery, *, now: datetime | None = None
) -> int:
    """How many learners match the filters (across every page)."""
    if query.status is None and query.active_from is None and query.active_to is None:
        # Nothing computed is asked about: count the enrolments themselves.
        return db.session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .join(Enrolment.cohort)
            .where(*_scope(provider, query))
        )
    figures = _figures(provider, _scope(provider, query), now or utcnow())
    return db.session.scalar(
        select(func.count()).select_from(figures).where(*_narrowed(figures, query))
    )


def cohort_summaries(provider: Provider, *, now: datetime | None = None) -> list[CohortSummary]:
    """Every cohort of the provider, newest first, with its learners counted by status, in one
    query (an empty cohort has zeros)."""
    figures = _figures(provider, _scope(provider), now or utcnow())
    sizes = standard_sizes()

    def counted(status):
        return func.coalesce(func.sum(case((figures.c.status == status.value, 1), else_=0)), 0)

    staying = figures.c.status != LearnerStatus.WITHDRAWN.value
    met = figures.c.performance_met + figures.c.knowledge_met
    statement = (
        select(
            Cohort.id,
            Cohort.name,
            Standard.title,
            Cohort.start_date,
            Cohort.planned_end_date,
            func.count(figures.c.enrolment_id),
            *[counted(status) for status in LearnerStatus],
            func.coalesce(func.sum(case((staying, met), else_=0)), 0),
            func.coalesce(func.max(sizes.c.performance + sizes.c.knowledge), 0),
        )
        .select_from(Cohort)
        .join(Standard, Standard.id == Cohort.standard_id)
        .outerjoin(sizes, sizes.c.standard_id == Cohort.standard_id)
        .outerjoin(figures, figures.c.cohort_id == Cohort.id)
        .where(Cohort.provider_id == provider.id)
        .group_by(
            Cohort.id, Cohort.name, Standard.title, Cohort.start_date, Cohort.planned_end_date
        )
        .order_by(Cohort.start_date.desc(), Cohort.name, Cohort.id)
    )
    summaries = []
    for values in db.session.execute(statement):
        (cohort_id, name, title, start, end, learners, *counts, met_sum, total) = values
        by_status = dict(zip(LearnerStatus, (int(c) for c in counts), strict=True))
        summaries.append(
            CohortSummary(
                cohort_id=cohort_id,
                name=name,
                standard_title=title,
                start_date=start,
                planned_end_date=end,
                learners=int(learners),
                not_started=by_status[LearnerStatus.NOT_STARTED],
                on_track=by_status[LearnerStatus.ON_TRACK],
                at_risk=by_status[LearnerStatus.AT_RISK],
                signed_off=by_status[LearnerStatus.SIGNED_OFF],
                withdrawn=by_status[LearnerStatus.WITHDRAWN],
                criteria_met=int(met_sum),
                criteria_total=int(total),
            )
        )
    return summaries
