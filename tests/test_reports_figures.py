"""The provider dashboard's figures, checked against cohorts worked out by hand (issue: cohorts at
a glance). Data is built through the real services; then the clock is set back on it, so "no
activity for 30 days" and "behind the planned pace" can be tested on fixed dates.

The Spring cohort runs from 1 January to 31 December 2026 and we look on 2 July 2026 at noon: 182
of its 364 days have gone by (50%), so with the default 25 points a learner is behind below 25%
of the 27 criteria met (6 or fewer). Its learners:

============== ======== ===================================== ========= ==============
learner        assessor what happened                          met       status
============== ======== ===================================== ========= ==============
Nadia Nothing  none     nothing at all                         0 + 0     not started
Dan Draft      Blake    a draft only (10 June)                 0 + 0     not started
Omar Ontrack   Ash      8 met (25 June), 1 waiting since 20 June  4 + 4  on track
                        (a product; everything else is observed)
Bea Behind     Blake    3 met (25 June) in a reflective account 1 + 2    at risk (behind)
Ian Idle       Ash      8 met, last on 1 May (62 days ago)     4 + 4     at risk (inactive)
Sol Signed     Ash      every criterion met, signed off        13 + 14   signed off
Remy Reopened  Ash      signed off, then reopened              13 + 14   on track
Wendy Withdrawn Ash     1 met, withdrawn on 15 June            1 + 0     withdrawn
============== ======== ===================================== ========= ==============

The Late cohort ended on 30 June 2026: Lola Late has every criterion met but is not signed off,
so she is at risk for being past the planned end. The Empty cohort has nobody. Cleo Assessor
has no learners. A learner at another provider never appears.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from assessment_helpers import all_codes, assess, fully_met, sign, submitted
from evidence_samples import make_draft
from people_helpers import page_text
from sqlalchemy import update

from portfolio.extensions import db
from portfolio.models import AuditEntry, Cohort, Enrolment, Evidence, Judgement, Method
from portfolio.services import withdrawals
from portfolio.services.assessment import signing
from portfolio.services.reports import figures, insights, svg, thresholds
from portfolio.services.reports.figures import DashboardQuery, LearnerStatus

NOW = datetime(2026, 7, 2, 12, 0, tzinfo=UTC)
RECENT = datetime(2026, 6, 25, 10, 0, tzinfo=UTC)
WAITING_SINCE = datetime(2026, 6, 20, 9, 30, tzinfo=UTC)
DRAFTED = datetime(2026, 6, 10, 16, 0, tzinfo=UTC)
LONG_AGO = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)
EIGHT = ("PC1", "PC2", "PC3", "PC4", "K1", "K2", "K3", "K4")


def happened_at(enrolment, when, evidence=None):
    """Move the clock back: the portfolio's evidence (or one piece) and judgements happened
    ``when``."""
    where = Evidence.id == evidence.id if evidence else Evidence.enrolment_id == enrolment.id
    db.session.execute(update(Evidence).where(where).values(updated_at=when))
    db.session.execute(
        update(Evidence)
        .where(where, Evidence.submitted_at.is_not(None))
        .values(submitted_at=when, updated_at=when)  # or updated_at would become now
    )
    if evidence is None:
        db.session.execute(
            update(Judgement).where(Judgement.enrolment_id == enrolment.id).values(judged_at=when)
        )
    db.session.commit()


@dataclass
class World:
    provider: object
    admin: object
    ash: object
    blake: object
    spring: Cohort
    late: Cohort
    empty: Cohort
    learners: dict


@pytest.fixture
def world(make_provider, make_user, standard):
    provider = make_provider("Riverside Arts")
    admin = make_user("admin", provider=provider, name="Ada Admin")
    ash = make_user("assessor", provider=provider, name="Ash Assessor")
    blake = make_user("assessor", provider=provider, name="Blake Assessor")
    make_user("assessor", provider=provider, name="Cleo Assessor")  # no learners yet

    def cohort(name, start, end):
        made = Cohort(
            provider=provider, standard=standard, name=name, start_date=start, planned_end_date=end
        )
        db.session.add(made)
        db.session.commit()
        return made

    spring = cohort("Spring 2026", date(2026, 1, 1), date(2026, 12, 31))
    late = cohort("Late 2025", date(2025, 9, 1), date(2026, 6, 30))
    empty = cohort("Empty 2026", date(2026, 3, 1), date(2027, 2, 28))
    learners = {}

    def enrol(name, assessor, on=spring):
        learner = make_user("learner", provider=provider, name=name, uln=None)
        enrolment = Enrolment(cohort=on, learner=learner, assessor=assessor)
        db.session.add(enrolment)
        db.session.commit()
        learners[name.split()[0]] = enrolment
        return enrolment

    enrol("Nadia Nothing", None)

    dan = enrol("Dan Draft", blake)
    make_draft(dan, title="Notes for the first workshop")
    happened_at(dan, DRAFTED)

    omar = enrol("Omar Ontrack", ash)
    assess(submitted(omar, *EIGHT))
    happened_at(omar, RECENT)
    waiting = submitted(omar, "PC5", title="Evaluation form", method=Method.PRODUCT)
    happened_at(omar, WAITING_SINCE, evidence=waiting)

    bea = enrol("Bea Behind", blake)
    assess(submitted(bea, "PC1", "K1", "K2", method=Method.REFLECTIVE_ACCOUNT))
    happened_at(bea, RECENT)

    ian = enrol("Ian Idle", ash)
    assess(submitted(ian, *EIGHT))
    happened_at(ian, LONG_AGO)

    sol = enrol("Sol Signed", ash)
    fully_met(sol)
    sign(sol)
    happened_at(sol, RECENT)

    remy = enrol("Remy Reopened", ash)
    fully_met(remy)
    sign(remy)
    db.session.refresh(remy)
    signing.reopen(remy, ash, reason="A witness statement is missing.", seen=remy.revision)
    happened_at(remy, RECENT)

    wendy = enrol("Wendy Withdrawn", ash)
    assess(submitted(wendy, "PC1"))
    happened_at(wendy, RECENT)
    withdrawals.withdraw(wendy, admin, on=date(2026, 6, 15), reason="Moved to another city.")

    lola = enrol("Lola Late", ash, on=late)
    fully_met(lola)
    happened_at(lola, RECENT)

    elsewhere = make_provider("Far Away Training")
    far_cohort = Cohort(
        provider=elsewhere,
        standard=standard,
        name="Spring 2026",
        start_date=date(2026, 1, 1),
        planned_end_date=date(2026, 12, 31),
    )
    db.session.add(far_cohort)
    db.session.commit()
    far = Enrolment(
        cohort=far_cohort,
        learner=make_user("learner", provider=elsewhere, name="Faye Faraway"),
        assessor=make_user("assessor", provider=elsewhere),
    )
    db.session.add(far)
    db.session.commit()
    fully_met(far)
    return World(provider, admin, ash, blake, spring, late, empty, learners)


def rows_by_name(world, query=None, **options):
    rows = figures.learner_rows(world.provider, query or DashboardQuery(), now=NOW, **options)
    return {row.learner_name.split()[0]: row for row in rows}


def names(rows):
    return [row.learner_name.split()[0] for row in rows]


# ------------------------------------------------------------------------- each learner


def test_each_learner_has_the_status_worked_out_by_hand(world):
    rows = rows_by_name(world)

    assert {name: row.status for name, row in rows.items()} == {
        "Nadia": LearnerStatus.NOT_STARTED,
        "Dan": LearnerStatus.NOT_STARTED,
        "Omar": LearnerStatus.ON_TRACK,
        "Bea": LearnerStatus.AT_RISK,
        "Ian": LearnerStatus.AT_RISK,
        "Sol": LearnerStatus.SIGNED_OFF,
        "Remy": LearnerStatus.ON_TRACK,
        "Wendy": LearnerStatus.WITHDRAWN,
        "Lola": LearnerStatus.AT_RISK,
    }


def test_a_learner_with_no_evidence_has_zeros_and_no_activity(world):
    nadia = rows_by_name(world)["Nadia"]

    assert (nadia.performance_met, nadia.performance_total) == (0, 13)
    assert (nadia.knowledge_met, nadia.knowledge_total) == (0, 14)
    assert nadia.waiting == 0 and nadia.waiting_since is None
    assert nadia.last_activity is None
    assert nadia.assessor_name is None
    assert nadia.planned_end_date == date(2026, 12, 31)
    assert nadia.cohort_name == "Spring 2026"


def test_a_draft_is_activity_but_not_a_start(world):
    dan = rows_by_name(world)["Dan"]

    assert dan.status == LearnerStatus.NOT_STARTED
    assert dan.last_activity == DRAFTED
    assert dan.waiting == 0


def test_criteria_met_and_what_waits_since_when(world):
    omar = rows_by_name(world)["Omar"]

    assert (omar.performance_met, omar.knowledge_met) == (4, 4)
    assert omar.waiting == 1
    assert omar.waiting_since == WAITING_SINCE
    assert omar.last_activity == RECENT  # the judgements came after the waiting submission
    assert omar.assessor_name == "Ash Assessor"


def test_a_learner_is_at_risk_when_behind_the_planned_pace(world):
    bea = rows_by_name(world)["Bea"]

    # 3 of 27 met is 11%, more than 25 points behind the 50% of the cohort's time gone by
    assert (bea.performance_met, bea.knowledge_met) == (1, 2)
    assert bea.last_activity == RECENT
    assert bea.status == LearnerStatus.AT_RISK


def test_a_learner_is_at_risk_after_thirty_days_without_activity(world):
    ian = rows_by_name(world)["Ian"]

    # 8 of 27 is 30%, not behind; but nothing has happened since 1 May
    assert (ian.performance_met, ian.knowledge_met) == (4, 4)
    assert ian.last_activity == LONG_AGO
    assert ian.status == LearnerStatus.AT_RISK


def test_a_learner_is_at_risk_past_the_planned_end_even_with_every_criterion_met(world):
    lola = rows_by_name(world)["Lola"]

    assert (lola.performance_met, lola.knowledge_met) == (13, 14)
    assert lola.waiting == 0 and lola.signed_off_at is None
    assert lola.status == LearnerStatus.AT_RISK


def test_a_sign_off_in_force_counts_and_a_reopened_one_does_not(world):
    rows = rows_by_name(world)

    assert rows["Sol"].status == LearnerStatus.SIGNED_OFF
    assert rows["Sol"].signed_off_at is not None
    assert rows["Remy"].signed_off_at is None
    assert rows["Remy"].status == LearnerStatus.ON_TRACK
    assert (rows["Remy"].performance_met, rows["Remy"].knowledge_met) == (13, 14)


def test_a_withdrawn_learner_keeps_their_figures_and_shows_as_withdrawn(world):
    wendy = rows_by_name(world)["Wendy"]

    assert wendy.status == LearnerStatus.WITHDRAWN
    assert wendy.withdrawn_on == date(2026, 6, 15)
    assert wendy.performance_met == 1


def test_another_providers_learners_never_appear(world):
    assert "Faye" not in rows_by_name(world)
    assert figures.count_learners(world.provider, DashboardQuery(), now=NOW) == 9


def test_the_provider_tunes_when_a_learner_is_at_risk(world):
    thresholds.change(world.provider, inactive_days=90, behind_points=25)
    rows = rows_by_name(world)
    assert rows["Ian"].status == LearnerStatus.ON_TRACK  # 62 days idle is fine within 90
    assert rows["Omar"].status == LearnerStatus.ON_TRACK

    thresholds.change(world.provider, inactive_days=90, behind_points=5)
    rows = rows_by_name(world)
    assert rows["Omar"].status == LearnerStatus.AT_RISK  # 30% is more than 5 points behind 50%
    assert rows["Ian"].status == LearnerStatus.AT_RISK
    assert rows["Remy"].status == LearnerStatus.ON_TRACK  # every criterion met is never behind


def test_the_thresholds_refuse_numbers_out_of_range(world):
    with pytest.raises(thresholds.Problem, match="from 1 to 365"):
        thresholds.change(world.provider, inactive_days=0, behind_points=25)
    with pytest.raises(thresholds.Problem, match="from 0 to 100"):
        thresholds.change(world.provider, inactive_days=30, behind_points=101)


# --------------------------------------------------------------------------- the cohorts


def test_each_cohort_is_counted_by_status_with_its_completion(world):
    summaries = {s.name: s for s in figures.cohort_summaries(world.provider, now=NOW)}

    assert list(summaries) == ["Empty 2026", "Spring 2026", "Late 2025"]  # newest first
    spring = summaries["Spring 2026"]
    assert (spring.learners, spring.in_progress, spring.withdrawn) == (8, 6, 1)
    assert (spring.not_started, spring.on_track, spring.at_risk, spring.signed_off) == (2, 2, 2, 1)
    assert spring.completion_percent == 14  # 1 signed off of the 7 who stayed
    # 0 + 0 + 8 + 3 + 8 + 27 + 27 met of 7 x 27: Wendy's one is left out
    assert (spring.criteria_met, spring.criteria_total) == (73, 27)
    assert spring.criteria_met_percent == 39
    late = summaries["Late 2025"]
    assert (late.learners, late.at_risk, late.completion_percent) == (1, 1, 0)


def test_the_dashboards_cohort_counts_need_no_learners_figures(world):
    summaries = figures.cohort_summaries(world.provider, detail=False, now=NOW)
    spring = next(s for s in summaries if s.name == "Spring 2026")

    counts = (spring.learners, spring.in_progress, spring.signed_off, spring.withdrawn)
    assert counts == (8, 6, 1, 1)
    assert spring.completion_percent == 14
    assert (spring.not_started, spring.at_risk, spring.criteria_met) == (None, None, None)
    assert spring.criteria_met_percent is None


def test_an_empty_cohort_has_zeros_and_no_completion(world):
    empty = next(s for s in figures.cohort_summaries(world.provider, now=NOW) if s.learners == 0)

    assert empty.name == "Empty 2026"
    assert (empty.in_progress, empty.signed_off, empty.withdrawn) == (0, 0, 0)
    assert empty.completion_percent is None and empty.criteria_met_percent is None
    query = DashboardQuery(cohort_id=world.empty.id)
    assert figures.learner_rows(world.provider, query, now=NOW) == []
    assert figures.count_learners(world.provider, query, now=NOW) == 0


# ------------------------------------------------------------------ filters, sorts, pages


def test_filter_by_cohort(world):
    rows = figures.learner_rows(world.provider, DashboardQuery(cohort_id=world.late.id), now=NOW)

    assert names(rows) == ["Lola"]


def test_filter_by_assessor(world):
    query = DashboardQuery(assessor_id=world.blake.id)

    assert names(figures.learner_rows(world.provider, query, now=NOW)) == ["Bea", "Dan"]
    assert figures.count_learners(world.provider, query, now=NOW) == 2


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (LearnerStatus.NOT_STARTED, ["Dan", "Nadia"]),
        (LearnerStatus.ON_TRACK, ["Omar", "Remy"]),
        (LearnerStatus.AT_RISK, ["Bea", "Ian", "Lola"]),
        (LearnerStatus.SIGNED_OFF, ["Sol"]),
        (LearnerStatus.WITHDRAWN, ["Wendy"]),
    ],
)
def test_filter_by_status(world, status, expected):
    query = DashboardQuery(status=status)

    assert names(figures.learner_rows(world.provider, query, now=NOW)) == expected
    assert figures.count_learners(world.provider, query, now=NOW) == len(expected)


def test_filter_by_last_activity_between_two_dates(world):
    june = DashboardQuery(active_from=date(2026, 6, 1), active_to=date(2026, 6, 24))
    assert names(figures.learner_rows(world.provider, june, now=NOW)) == ["Dan"]
    assert figures.count_learners(world.provider, june, now=NOW) == 1

    since = DashboardQuery(active_from=date(2026, 6, 25))
    assert names(figures.learner_rows(world.provider, since, now=NOW)) == [
        "Bea",
        "Lola",
        "Omar",
        "Remy",
        "Sol",
        "Wendy",
    ]
    until = DashboardQuery(active_to=date(2026, 5, 1))  # the whole of the day counts
    assert names(figures.learner_rows(world.provider, until, now=NOW)) == ["Ian"]


def test_filters_combine(world):
    query = DashboardQuery(
        cohort_id=world.spring.id, assessor_id=world.ash.id, status=LearnerStatus.AT_RISK
    )

    assert names(figures.learner_rows(world.provider, query, now=NOW)) == ["Ian"]


def test_sorted_by_learner_name_unless_asked_otherwise(world):
    rows = figures.learner_rows(world.provider, DashboardQuery(), now=NOW)

    assert names(rows) == ["Bea", "Dan", "Ian", "Lola", "Nadia", "Omar", "Remy", "Sol", "Wendy"]


#: (column, descending, the learners that come first, the learners that come last)
SORTED = [
    ("performance", True, ["Lola", "Remy", "Sol"], ["Dan", "Nadia"]),
    ("knowledge", False, ["Dan", "Nadia", "Wendy"], ["Lola", "Remy", "Sol"]),
    ("waiting", True, ["Omar"], ["Wendy"]),
    ("last_activity", False, ["Ian", "Dan"], ["Nadia"]),  # no activity goes last
    ("last_activity", True, ["Bea"], ["Ian", "Nadia"]),
    ("status", False, ["Dan", "Nadia", "Omar", "Remy"], ["Sol", "Wendy"]),
    ("cohort", False, ["Lola"], ["Wendy"]),
    ("planned_end", True, ["Bea"], ["Lola"]),
    ("assessor", True, ["Bea", "Dan"], ["Nadia"]),  # no assessor goes last
    ("waiting_since", False, ["Omar"], ["Wendy"]),
]


def test_sorted_by_each_column_ties_by_name(world):
    for sort, descending, first, last in SORTED:
        query = DashboardQuery(sort=sort, descending=descending)

        ordered = names(figures.learner_rows(world.provider, query, now=NOW))

        assert ordered[: len(first)] == first, (sort, descending, ordered)
        assert ordered[-len(last) :] == last, (sort, descending, ordered)


def test_the_table_comes_a_page_at_a_time(world):
    pages = [
        names(figures.learner_rows(world.provider, DashboardQuery(page=n), page_size=4, now=NOW))
        for n in (1, 2, 3, 4)
    ]

    assert pages == [["Bea", "Dan", "Ian", "Lola"], ["Nadia", "Omar", "Remy", "Sol"], ["Wendy"], []]
    everyone = figures.learner_rows(world.provider, DashboardQuery(page=2), page_size=None, now=NOW)
    assert names(everyone) == names(figures.learner_rows(world.provider, DashboardQuery(), now=NOW))


def test_a_page_says_how_many_learners_match_and_a_page_past_the_end_shows_the_last(world):
    at_risk = DashboardQuery(status=LearnerStatus.AT_RISK, sort="status")

    first = figures.learner_page(world.provider, at_risk, page_size=2, now=NOW)
    past = figures.learner_page(world.provider, at_risk.on_page(9), page_size=2, now=NOW)

    assert (names(first.rows), first.total, first.page, first.pages) == (["Bea", "Ian"], 3, 1, 2)
    assert (names(past.rows), past.total, past.page, past.pages) == (["Lola"], 3, 2, 2)
    nobody = figures.learner_page(world.provider, DashboardQuery(cohort_id=world.empty.id), now=NOW)
    assert (nobody.rows, nobody.total, nobody.pages) == ([], 0, 1)


def test_every_sort_and_filter_shows_the_figures_of_the_full_table(world):
    """The table is found in two steps (the page's learners, then their figures): whatever the
    sort, a learner's row is the same as in the table of everyone."""
    everyone = {
        row.enrolment_id: row
        for row in figures.learner_rows(world.provider, DashboardQuery(), page_size=None, now=NOW)
    }
    for sort in figures.SORTS:
        for descending in (False, True):
            query = DashboardQuery(sort=sort, descending=descending)
            for row in figures.learner_page(world.provider, query, page_size=4, now=NOW).rows:
                assert row == everyone[row.enrolment_id], (sort, descending)


# ----------------------------------------------------------------------- the query string


def test_a_query_goes_to_a_link_and_back():
    query = DashboardQuery(
        cohort_id=3,
        assessor_id=7,
        status=LearnerStatus.AT_RISK,
        active_from=date(2026, 6, 1),
        active_to=date(2026, 6, 30),
        sort="waiting",
        descending=True,
        page=2,
    )

    args = query.to_args()

    assert args["active_from-day"] == 1 and args["active_to-month"] == 6
    assert DashboardQuery.from_args({k: str(v) for k, v in args.items()}) == query
    assert DashboardQuery().to_args() == {}


def test_nonsense_in_the_query_string_is_left_out():
    query = DashboardQuery.from_args(
        {
            "cohort": "x",
            "status": "asleep",
            "active_from-day": "31",
            "active_from-month": "2",
            "active_from-year": "2026",
            "sort": "password",
            "page": "-3",
        }
    )

    assert query == DashboardQuery()


def test_sorting_by_the_same_column_again_turns_it_round():
    query = DashboardQuery(page=3).sorted_by("waiting")
    assert (query.sort, query.descending, query.page) == ("waiting", False, 1)
    assert query.sorted_by("waiting").descending is True
    assert query.sorted_by("waiting").sorted_by("status").descending is False


def test_all_codes_are_the_27_of_the_standard(world):
    # the hand-worked figures above assume the seed standard's 13 + 14 criteria
    assert len(all_codes(world.learners["Sol"])) == 27


# ------------------------------------------------------------------------------ insights


def test_the_heatmap_counts_who_met_each_criterion_leaving_out_withdrawn_learners(world):
    heat = {h.code: h for h in insights.criterion_heatmap(world.spring)}

    assert len(heat) == 27 and list(heat)[:2] == ["PC1", "PC2"] and list(heat)[13] == "K1"
    # Omar, Bea, Ian, Sol and Remy of the 7 who stayed; Wendy met it but withdrew
    pc1 = heat["PC1"]
    assert (pc1.learners, pc1.met, pc1.in_progress, pc1.not_started) == (7, 5, 0, 2)
    assert pc1.met_percent == 71
    # Sol and Remy met it; Omar's evidence for it waits; Dan's draft does not count
    pc5 = heat["PC5"]
    assert (pc5.met, pc5.in_progress, pc5.not_started) == (2, 1, 4)
    assert heat["K2"].met == 5 and heat["K5"].met == 2


def test_the_heatmap_of_an_empty_cohort_has_every_criterion_and_nobody(world):
    heat = insights.criterion_heatmap(world.empty)

    assert len(heat) == 27
    assert all((h.learners, h.met, h.met_percent) == (0, 0, None) for h in heat)


def test_the_method_mix_counts_each_piece_of_submitted_evidence_once(world):
    spring = {m.method: m.count for m in insights.method_mix(world.provider, world.spring)}
    everyone = insights.method_mix(world.provider)

    # Omar 1, Ian, Sol, Remy and Wendy observed; Omar's product; Bea's reflective account
    assert spring[Method.OBSERVATION] == 5
    assert spring[Method.PRODUCT] == 1 and spring[Method.REFLECTIVE_ACCOUNT] == 1
    assert spring[Method.WITNESS_TESTIMONY] == 0
    assert [(m.method, m.count) for m in everyone][:3] == [
        (Method.OBSERVATION, 6),  # and Lola's
        (Method.PRODUCT, 1),
        (Method.REFLECTIVE_ACCOUNT, 1),
    ]
    assert len(everyone) == len(Method)


def test_assessor_workload_counts_learners_in_progress_and_what_waits(world):
    loads = {a.name: a for a in insights.assessor_workload(world.provider)}

    assert list(loads) == ["Ash Assessor", "Blake Assessor", "Cleo Assessor"]
    ash = loads["Ash Assessor"]
    # Omar, Ian, Remy and Lola: Sol is signed off and Wendy withdrawn
    assert (ash.learners, ash.waiting, ash.waiting_since) == (4, 1, WAITING_SINCE)
    # first judgements of Omar's, Ian's, Sol's, Remy's, Wendy's and Lola's evidence, each
    # made at the moment it was submitted once the clock was set back
    assert (ash.judged, ash.median_days) == (6, 0.0)
    blake = loads["Blake Assessor"]
    assert (blake.learners, blake.waiting, blake.judged) == (2, 0, 1)
    cleo = loads["Cleo Assessor"]
    assert (cleo.learners, cleo.waiting, cleo.judged, cleo.median_days) == (0, 0, 0, None)


def test_assessor_workload_for_one_cohort_lists_only_its_assessors(world):
    loads = insights.assessor_workload(world.provider, world.late)

    assert [(a.name, a.learners, a.judged) for a in loads] == [("Ash Assessor", 1, 1)]


@pytest.fixture
def turnaround(make_provider, make_user, make_cohort):
    """Tess judged three versions 1, 3 and 10 days after they were submitted (median 3). Uma
    judged a version 2 days after it came and a second one for the same criterion a day after
    it came: the second judgement rests on both versions, but the first version's turnaround
    is still its first judgement's (median of 2 and 1 is 1.5)."""
    provider = make_provider("Turnaround Training")
    cohort = make_cohort(provider=provider)
    tess = make_user("assessor", provider=provider, name="Tess Assessor")
    uma = make_user("assessor", provider=provider, name="Uma Assessor")
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def judged(enrolment, code, submitted_day, judged_day):
        piece = submitted(enrolment, code, title=f"{code} on day {submitted_day}")
        made = assess(piece)
        happened_at(enrolment, start + timedelta(days=submitted_day), evidence=piece)
        for judgement in made:
            judgement.judged_at = start + timedelta(days=judged_day)
        db.session.commit()
        return piece

    for n, (submitted_day, judged_day) in enumerate([(0, 1), (0, 3), (4, 14)]):
        learner = make_user("learner", provider=provider, name=f"Learner {n}")
        judged(enrol_with(cohort, learner, tess), "PC1", submitted_day, judged_day)
    learner = make_user("learner", provider=provider, name="Learner U")
    enrolment = enrol_with(cohort, learner, uma)
    judged(enrolment, "PC1", 0, 2)
    judged(enrolment, "PC1", 5, 6)
    return provider


def enrol_with(cohort, learner, assessor):
    enrolment = Enrolment(cohort=cohort, learner=learner, assessor=assessor)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


def test_turnaround_is_the_median_days_from_submission_to_first_judgement(turnaround):
    loads = {a.name: a for a in insights.assessor_workload(turnaround)}

    assert (loads["Tess Assessor"].judged, loads["Tess Assessor"].median_days) == (3, 3.0)
    assert (loads["Uma Assessor"].judged, loads["Uma Assessor"].median_days) == (2, 1.5)


def test_iqa_sampling_coverage_counts_planned_sampled_and_open_actions(world, make_user):
    from portfolio.models import SampleItem, SampleKind, SampleOutcome, SampleStage
    from portfolio.models._types import utcnow

    iqa = make_user("iqa", provider=world.provider, name="Ivy IQA")
    learners = world.learners

    def item(name, *, recorded=None, open_action=False):
        enrolment = learners[name]
        db.session.add(
            SampleItem(
                iqa=iqa,
                enrolment=enrolment,
                assessor_id=enrolment.assessor_id,
                kind=SampleKind.EVIDENCE,
                stage=SampleStage.INTERIM,
                period="2026-Q4",
                outcome=recorded,
                recorded_at=utcnow() if recorded else None,
                action="Check the dates." if open_action else "",
            )
        )

    item("Sol", recorded=SampleOutcome.AGREED)
    item("Omar", recorded=SampleOutcome.NOT_AGREED, open_action=True)
    item("Ian")  # planned, not sampled yet
    db.session.commit()

    rows = {r.assessor_name: r for r in insights.iqa_sampling_coverage(world.provider)}

    # Ash assesses Omar, Ian, Sol, Remy and Lola (Wendy is withdrawn); Blake, Dan and Bea.
    ash, blake = rows["Ash Assessor"], rows["Blake Assessor"]
    assert (ash.learners, ash.planned, ash.sampled, ash.open_actions) == (5, 3, 2, 1)
    assert ash.share_sampled == 40
    assert (blake.learners, blake.planned, blake.sampled, blake.open_actions) == (2, 0, 0, 0)
    assert "Cleo Assessor" not in rows  # no learners
    spring = {
        r.assessor_name: r for r in insights.iqa_sampling_coverage(world.provider, world.spring)
    }
    assert spring["Ash Assessor"].learners == 4  # Lola is on the late cohort


# -------------------------------------------------------------------------------- charts


def test_a_bar_chart_is_one_named_image_with_every_value_written_on_it():
    chart = svg.bar_chart(
        "methods",
        "Evidence by method",
        "Observation: 6; Product: 1.",
        [svg.Bar("Observation", 6), svg.Bar("Product <script>", 1)],
    )

    assert 'role="img" aria-labelledby="methods-title methods-desc"' in chart
    assert '<title id="methods-title">Evidence by method</title>' in chart
    assert '<desc id="methods-desc">Observation: 6; Product: 1.</desc>' in chart
    assert ">6</text>" in chart and ">1</text>" in chart
    assert "Product &lt;script&gt;" in chart and "<script>" not in chart
    assert "style=" not in chart  # the Content-Security-Policy allows no inline style


def test_a_heat_chart_labels_each_criterion_with_its_share_and_shades_it():
    chart = svg.heat_chart(
        "criteria",
        "Share met",
        "PC1: 5 of 7 met; K1: 0 of 7 met.",
        [
            svg.HeatCell("PC1", 5 / 7, "71%", "Performance criteria"),
            svg.HeatCell("K1", 0.0, "0%", "Knowledge items"),
        ],
    )

    assert chart.count("<rect") == 2 + len(svg.BANDS)  # two cells and the legend's swatches
    assert ">PC1</text>" in chart and ">71%</text>" in chart and ">0%</text>" in chart
    assert svg.band(5 / 7)[0] in chart and svg.band(0.0)[0] in chart
    assert svg.band(1.0) == ("#003078", "#ffffff")


# ------------------------------------------------------------------ the pages' own forms


@pytest.fixture
def signed_in_admin(make_user, login_as):
    admin = make_user("admin", name="Ada Admin")
    login_as(admin)
    return admin


def test_admin_tunes_the_thresholds_on_the_settings_page(client, signed_in_admin):
    page = page_text(client.get("/admin/reports/settings"))
    assert re.search(r'name="inactive_days"[^>]* value="30"', page)
    assert re.search(r'name="behind_points"[^>]* value="25"', page)

    response = client.post(
        "/admin/reports/settings", data={"inactive_days": "45", "behind_points": "0"}
    )

    assert response.headers["Location"] == "/admin/reports"
    provider = db.session.get(type(signed_in_admin.provider), signed_in_admin.provider_id)
    db.session.refresh(provider)
    assert (provider.risk_inactive_days, provider.risk_behind_points) == (45, 0)
    assert "Settings saved: the dashboard uses them now." in page_text(client.get("/admin/reports"))
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "risk_thresholds_changed")
    ).one()
    assert entry.details["inactive_days_after"] == 45
    assert entry.details["behind_points_before"] == 25


@pytest.mark.parametrize(
    ("days", "points", "message"),
    [
        ("", "25", "Enter the number of days without activity"),
        ("thirty", "25", "Enter the days without activity as a whole number, like 30"),
        ("2.5", "25", "Enter the days without activity as a whole number, like 30"),
        ("0", "25", "Enter a number of days from 1 to 365"),
        ("366", "25", "Enter a number of days from 1 to 365"),
        ("30", "", "Enter the number of percentage points behind"),
        ("30", "-5", "Enter the percentage points behind as a whole number, like 25"),
        ("30", "101", "Enter a number of percentage points from 0 to 100"),
    ],
)
def test_the_settings_must_be_whole_numbers_in_range(
    client, signed_in_admin, days, points, message
):
    response = client.post(
        "/admin/reports/settings", data={"inactive_days": days, "behind_points": points}
    )

    assert response.status_code == 200
    page = page_text(response)
    assert "<title>Error: When a learner is at risk" in page
    assert "There is a problem" in page and message in page
    db.session.refresh(signed_in_admin.provider)
    assert signed_in_admin.provider.risk_inactive_days == 30


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"active_from-day": "31", "active_from-month": "2", "active_from-year": "2026"},
            "The 'last activity from' date must be a real date",
        ),
        (
            {
                **{"active_from-day": "2", "active_from-month": "6", "active_from-year": "2026"},
                **{"active_to-day": "1", "active_to-month": "6", "active_to-year": "2026"},
            },
            "The 'last activity to' date must be the same as or after the 'from' date",
        ),
    ],
)
def test_the_dashboard_says_what_is_wrong_with_the_dates(
    client, signed_in_admin, make_enrolment, make_cohort, dates, message
):
    make_enrolment(cohort=make_cohort(provider=signed_in_admin.provider))

    page = page_text(client.get("/admin/reports", query_string=dates))

    assert "<title>Error: Provider dashboard" in page and message in page
    assert "Put the dates right to see the learners." in page
    assert 'id="learner-table"' not in page
    assert 'value="31"' in page or 'value="2"' in page  # what was typed stays


def test_the_dashboard_filter_links_keep_the_sort_and_clear_keeps_it_too(
    client, signed_in_admin, make_enrolment, make_cohort
):
    cohort = make_cohort(provider=signed_in_admin.provider, name="Spring")
    make_enrolment(cohort=cohort)

    page = page_text(client.get(f"/admin/reports?cohort={cohort.id}&sort=waiting&order=desc"))

    assert '<input type="hidden" name="sort" value="waiting">' in page
    assert '<input type="hidden" name="order" value="desc">' in page
    assert 'href="/admin/reports?sort=waiting&order=desc#learners">Clear filters</a>' in page
    # the waiting column is sorted descending, so its link sorts it ascending
    assert 'aria-sort="descending"' in page
    assert f'href="/admin/reports?cohort={cohort.id}&sort=waiting#learners"' in page
    assert "1 learner matching the filters, sorted by evidence waiting (descending)." in page


def test_the_filter_forms_empty_boxes_redirect_to_a_link_worth_sharing(client, signed_in_admin):
    response = client.get(
        "/admin/reports?cohort=0&assessor=0&status=at_risk&active_from-day=&active_from-month="
        "&active_from-year=&sort=status&order=desc&page=1"
    )

    assert response.status_code == 302
    assert response.headers["Location"] == (
        "/admin/reports?status=at_risk&sort=status&order=desc#learners"
    )
