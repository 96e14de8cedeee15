"""The SQL behind the dashboard's figures: per-enrolment aggregates (GROUP BY) over evidence and
judgements, and the status rule as one CASE.

Each aggregate takes ``scope``, a subquery of the enrolment ids it is about, so its cost follows
the learners asked about: a page of 100 costs a page, a sort over the whole provider costs the
provider. The status rule is written per enrolment row with EXISTS, which the database evaluates
only as far as the CASE needs: a withdrawn learner costs one column, a learner past their planned
end one comparison.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, exists, func, literal, or_, select

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
)
from ...models._types import UTCDateTime
from .sql import as_date, dates_apart

#: Dates on the dashboard are where the provider works, whatever the server's clock says.
LOCAL_TIME = ZoneInfo("Europe/London")

NOT_STARTED, ON_TRACK, AT_RISK = "not_started", "on_track", "at_risk"
SIGNED_OFF, WITHDRAWN = "signed_off", "withdrawn"


def enrolments_in(conditions):
    """The ids of the enrolments matching ``conditions`` (on Enrolment and Cohort)."""
    return select(Enrolment.id).join(Enrolment.cohort).where(*conditions)


def _touched():
    """When an evidence row last changed: its update, or its submission if that is later."""
    return case(
        (Evidence.submitted_at > Evidence.updated_at, Evidence.submitted_at),
        else_=Evidence.updated_at,
    )


def evidence_figures(scope):
    """Per enrolment: evidence waiting for assessment (the latest submitted version of each
    piece, not yet reviewed) and since when, and when any evidence last changed (drafts too:
    a learner at work is active)."""
    waiting = (Evidence.status == EvidenceStatus.SUBMITTED) & EvidenceReview.id.is_(None)
    return (
        select(
            Evidence.enrolment_id.label("enrolment_id"),
            func.sum(case((waiting, 1), else_=0)).label("waiting"),
            func.min(case((waiting, Evidence.submitted_at))).label("waiting_since"),
            func.max(_touched()).label("touched"),
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


def met_figures(scope):
    """Per enrolment: performance criteria and knowledge items whose judgement in force (the
    newest for the criterion) is met. Read in one pass over the portfolios' judgements: a
    criterion is met when its newest judgement is also its newest met one."""
    newest = (
        select(
            Judgement.enrolment_id.label("enrolment_id"),
            Judgement.criterion_id.label("criterion_id"),
            func.max(Judgement.id).label("newest"),
            func.max(case((Judgement.outcome == Outcome.MET, Judgement.id))).label("newest_met"),
        )
        .where(Judgement.enrolment_id.in_(scope))
        .group_by(Judgement.enrolment_id, Judgement.criterion_id)
        .subquery("newest_judgements")
    )
    met = newest.c.newest == newest.c.newest_met

    def counted(kind):
        return func.sum(case((met & (Criterion.kind == kind), 1), else_=0))

    return (
        select(
            newest.c.enrolment_id,
            counted(CriterionKind.PERFORMANCE).label("performance_met"),
            counted(CriterionKind.KNOWLEDGE).label("knowledge_met"),
        )
        .join(Criterion, Criterion.id == newest.c.criterion_id)
        .group_by(newest.c.enrolment_id)
        .subquery("met_figures")
    )


def latest_judgements(scope):
    """Per enrolment: when its newest judgement was made. Judgements are only ever appended,
    each stamped as it is made, so the newest (the highest id, found in the index) is also
    the latest."""
    newest = (
        select(func.max(Judgement.id))
        .where(Judgement.enrolment_id.in_(scope))
        .group_by(Judgement.enrolment_id)
    )
    return (
        select(
            Judgement.enrolment_id.label("enrolment_id"),
            func.max(Judgement.judged_at).label("judged"),
        )
        .where(Judgement.id.in_(newest))
        # one row each already: grouping keeps the database from folding this into the
        # enclosing query and running the search for every row there
        .group_by(Judgement.enrolment_id)
        .subquery("latest_judgements")
    )


def last_activity(touched, judged):
    """The later of the last change to evidence and the latest judgement (either may be
    missing)."""
    return case(
        (judged.is_(None), touched),
        (touched.is_(None), judged),
        (judged > touched, judged),
        else_=touched,
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


def status_rule(provider: Provider, now: datetime, *, met, total):
    """Each enrolment's status (docs/reports.md) as one CASE over the Enrolment and Cohort of
    the enclosing query, given its criteria ``met`` and the standard's ``total`` (columns the
    query joins: ``met_figures``, ``standard_sizes``); the first condition that holds wins."""
    today = now.astimezone(LOCAL_TIME).date()
    cutoff = literal(now - timedelta(days=provider.risk_inactive_days), UTCDateTime())
    # Each subquery names the tables it reads: the enclosing query may join them too.
    signed_off = (
        exists()
        .where(SignOff.enrolment_id == Enrolment.id, SignOff.voided_at.is_(None))
        .correlate_except(SignOff)
    )
    submitted = (
        exists()
        .where(Evidence.enrolment_id == Enrolment.id, Evidence.status != EvidenceStatus.DRAFT)
        .correlate_except(Evidence)
    )
    active = or_(
        exists()
        .where(
            Evidence.enrolment_id == Enrolment.id,
            or_(Evidence.updated_at >= cutoff, Evidence.submitted_at >= cutoff),
        )
        .correlate_except(Evidence),
        exists()
        .where(Judgement.enrolment_id == Enrolment.id, Judgement.judged_at >= cutoff)
        .correlate_except(Judgement),
    )
    return case(
        (Enrolment.withdrawn_on.is_not(None), WITHDRAWN),
        (signed_off, SIGNED_OFF),
        (~submitted, NOT_STARTED),
        (Cohort.planned_end_date < as_date(today), AT_RISK),
        (~active, AT_RISK),
        (_behind(provider, today, met, total), AT_RISK),
        else_=ON_TRACK,
    )


def _behind(provider: Provider, today, met, total):
    """The share of criteria met is more than the provider's points behind the share of the
    cohort's planned time gone by: met / total < gone / duration - points / 100, multiplied out
    so it stays in whole numbers."""
    duration = dates_apart(Cohort.planned_end_date, Cohort.start_date)
    gone = dates_apart(as_date(today), Cohort.start_date)
    elapsed = case((gone < 0, 0), (gone > duration, duration), else_=gone)
    return and_(
        duration > 0,
        met * 100 * duration
        < (elapsed * 100 - literal(provider.risk_behind_points) * duration) * total,
    )
