"""The IQA's sampling plan follows the provider's strategy: new assessors fully sampled, each
rating's share of learners rounded up, every method each assessor used, every cohort, interim
decisions before sign-off and the sign-off after, and a compliance summary in words."""

from datetime import date, timedelta

import pytest
from assessment_helpers import assess, fully_met, sign, submitted
from people_helpers import audit_actions, page_text

from portfolio.extensions import db
from portfolio.models import (
    AssessorRating,
    AssessorRisk,
    Method,
    SampleItem,
    SampleKind,
    SampleStage,
    SamplingStrategy,
)
from portfolio.models._types import utcnow
from portfolio.services.quality import plan, strategy


@pytest.fixture
def iqa(make_user, make_provider):
    return make_user("iqa", provider=make_provider("Riverside Training"), name="Jo Quality")


def make_assessor(make_user, iqa, name, *, months_ago=0, rating=None):
    assessor = make_user("assessor", provider=iqa.provider, name=name)
    assessor.created_at = utcnow() - timedelta(days=31 * months_ago)
    if rating is not None:
        db.session.add(AssessorRating(assessor=assessor, rating=rating))
    db.session.commit()
    return assessor


def learners(make_enrolment, cohort, assessor, iqa, count, method=Method.OBSERVATION):
    """``count`` learners whose one piece of evidence (PC1) the assessor judged."""
    enrolments = []
    for _ in range(count):
        enrolment = make_enrolment(cohort=cohort, assessor=assessor, iqa=iqa)
        assess(submitted(enrolment, "PC1", method=method))
        enrolments.append(enrolment)
    return enrolments


def items_of(iqa):
    return db.session.scalars(
        db.select(SampleItem).where(SampleItem.iqa_id == iqa.id, SampleItem.removed_at.is_(None))
    ).all()


def methods_of(item):
    if item.kind == SampleKind.EVIDENCE:
        return {item.evidence.method}
    return {e.method for e in item.judgement.evidence}


def sampled_learners(iqa, assessor):
    return {i.enrolment_id for i in items_of(iqa) if i.assessor_id == assessor.id}


def test_a_new_assessor_has_every_learner_sampled(make_user, make_cohort, make_enrolment, iqa):
    cohort = make_cohort(provider=iqa.provider)
    sam = make_assessor(make_user, iqa, "Sam Assessor")  # account made today: new
    theirs = learners(make_enrolment, cohort, sam, iqa, 4)

    added = plan.propose(iqa)

    assert {i.enrolment_id for i in added} == {e.id for e in theirs}
    assert all(i.proposed and i.stage == SampleStage.INTERIM for i in added)
    built = plan.build(iqa)
    [line] = built.lines
    assert (line.risk, line.percent, line.learners, line.required) == (AssessorRisk.NEW, 100, 4, 4)
    assert built.complies
    assert built.summary == "Planned 4 of the 4 required"


def test_an_assessor_is_new_for_their_first_six_months_then_low_unless_rated(make_user, iqa):
    defaults = strategy.strategy_for(iqa.provider)
    assert defaults.new_months == 6 and defaults.percent_new == 100
    fresh = make_assessor(make_user, iqa, "Fresh", months_ago=5)
    seasoned = make_assessor(make_user, iqa, "Seasoned", months_ago=7)
    rated = make_assessor(make_user, iqa, "Rated", months_ago=1, rating=AssessorRisk.HIGH)

    ratings = strategy.ratings_of([fresh, seasoned, rated])
    assert strategy.rating_of(fresh, defaults, ratings.get(fresh.id)) == AssessorRisk.NEW
    assert strategy.rating_of(seasoned, defaults, ratings.get(seasoned.id)) == AssessorRisk.LOW
    assert strategy.rating_of(rated, defaults, ratings.get(rated.id)) == AssessorRisk.HIGH


def test_each_rating_samples_its_share_of_learners_rounded_up(
    make_user, make_cohort, make_enrolment, iqa
):
    cohort = make_cohort(provider=iqa.provider)
    low = make_assessor(make_user, iqa, "Lou Low", months_ago=24)  # no rating: low
    medium = make_assessor(make_user, iqa, "Mo Medium", months_ago=24, rating=AssessorRisk.MEDIUM)
    high = make_assessor(make_user, iqa, "Hal High", months_ago=24, rating=AssessorRisk.HIGH)
    learners(make_enrolment, cohort, low, iqa, 3)  # 10% of 3 = 0.3: 1
    learners(make_enrolment, cohort, medium, iqa, 5)  # 25% of 5 = 1.25: 2
    learners(make_enrolment, cohort, high, iqa, 3)  # 50% of 3 = 1.5: 2

    plan.propose(iqa)

    assert len(sampled_learners(iqa, low)) == 1
    assert len(sampled_learners(iqa, medium)) == 2
    assert len(sampled_learners(iqa, high)) == 2
    built = plan.build(iqa)
    assert {line.assessor.name: line.required for line in built.lines} == {
        "Hal High": 2,
        "Lou Low": 1,
        "Mo Medium": 2,
    }
    assert built.complies, built.unmet


def test_the_providers_percentages_decide_the_share(make_user, make_cohort, make_enrolment, iqa):
    db.session.add(SamplingStrategy(provider_id=iqa.provider_id, percent_low=50))
    db.session.commit()
    cohort = make_cohort(provider=iqa.provider)
    low = make_assessor(make_user, iqa, "Lou Low", months_ago=24)
    learners(make_enrolment, cohort, low, iqa, 5)  # 50% of 5 = 2.5: 3

    plan.propose(iqa)

    assert len(sampled_learners(iqa, low)) == 3


def test_every_method_each_assessor_used_is_sampled_once_a_period(
    make_user, make_cohort, make_enrolment, iqa
):
    cohort = make_cohort(provider=iqa.provider)
    sam = make_assessor(make_user, iqa, "Sam Assessor", months_ago=24)  # low: 1 learner of 4
    for method in (
        Method.OBSERVATION,
        Method.OBSERVATION,
        Method.PROFESSIONAL_DISCUSSION,
        Method.PRODUCT,
    ):
        learners(make_enrolment, cohort, sam, iqa, 1, method=method)

    added = plan.propose(iqa)

    by_method = {}
    for item in added:
        for method in methods_of(item):
            by_method[method] = by_method.get(method, 0) + 1
    assert by_method == {
        Method.OBSERVATION: 1,
        Method.PROFESSIONAL_DISCUSSION: 1,
        Method.PRODUCT: 1,
    }
    assert plan.build(iqa).complies


def test_a_method_left_unsampled_is_named_in_the_compliance_summary(
    make_user, make_cohort, make_enrolment, iqa
):
    cohort = make_cohort(provider=iqa.provider)
    sam = make_assessor(make_user, iqa, "Sam Assessor", months_ago=24)
    learners(make_enrolment, cohort, sam, iqa, 1, method=Method.OBSERVATION)
    learners(make_enrolment, cohort, sam, iqa, 1, method=Method.PROFESSIONAL_DISCUSSION)
    plan.propose(iqa)
    discussion = next(i for i in items_of(iqa) if methods_of(i) == {Method.PROFESSIONAL_DISCUSSION})

    plan.remove(discussion, iqa)

    built = plan.build(iqa)
    assert not built.complies
    assert built.unmet == ["No professional discussion by Sam Assessor sampled this quarter."]
    again = plan.propose(iqa)  # a different decision of the same method, never the removed one
    assert [i.kind for i in again] and all(
        (i.kind, i.judgement_id or i.evidence_id)
        != (discussion.kind, discussion.judgement_id or discussion.evidence_id)
        for i in again
    )
    assert plan.build(iqa).complies


def test_every_cohort_has_a_learner_sampled(make_user, make_cohort, make_enrolment, iqa):
    spring = make_cohort(provider=iqa.provider, name="Spring 2026")
    autumn = make_cohort(provider=iqa.provider, name="Autumn 2026")
    sam = make_assessor(make_user, iqa, "Sam Assessor", months_ago=24)  # low: 1 of 3
    learners(make_enrolment, spring, sam, iqa, 2)
    learners(make_enrolment, autumn, sam, iqa, 1)

    empty = plan.build(iqa)
    assert "No learner in Autumn 2026 sampled this quarter." in empty.unmet
    assert "No learner in Spring 2026 sampled this quarter." in empty.unmet
    added = plan.propose(iqa)

    assert sorted(i.enrolment.cohort.name for i in added) == ["Autumn 2026", "Spring 2026"]
    assert plan.build(iqa).complies


def test_interim_samples_decisions_in_progress_and_summative_the_sign_off(
    make_user, make_cohort, make_enrolment, iqa
):
    cohort = make_cohort(provider=iqa.provider)
    sam = make_assessor(make_user, iqa, "Sam Assessor")
    finished = make_enrolment(cohort=cohort, assessor=sam, iqa=iqa)
    fully_met(finished)
    sign(finished)
    [in_progress] = learners(make_enrolment, cohort, sam, iqa, 1)

    added = plan.propose(iqa)

    by_learner = {i.enrolment_id: i for i in added}
    assert set(by_learner) == {finished.id, in_progress.id}
    assert by_learner[finished.id].kind == SampleKind.SIGN_OFF
    assert by_learner[finished.id].stage == SampleStage.SUMMATIVE
    assert by_learner[in_progress.id].kind in {SampleKind.JUDGEMENT, SampleKind.EVIDENCE}
    assert by_learner[in_progress.id].stage == SampleStage.INTERIM


@pytest.mark.parametrize(
    ("interim", "summative", "sampled"),
    [(True, False, {"in progress"}), (False, True, {"finished"})],
)
def test_the_strategy_chooses_interim_summative_or_both(
    make_user, make_cohort, make_enrolment, iqa, interim, summative, sampled
):
    db.session.add(
        SamplingStrategy(provider_id=iqa.provider_id, interim=interim, summative=summative)
    )
    db.session.commit()
    cohort = make_cohort(provider=iqa.provider)
    sam = make_assessor(make_user, iqa, "Sam Assessor")
    finished = make_enrolment(cohort=cohort, assessor=sam, iqa=iqa)
    fully_met(finished)
    sign(finished)
    [in_progress] = learners(make_enrolment, cohort, sam, iqa, 1)
    names = {finished.id: "finished", in_progress.id: "in progress"}

    added = plan.propose(iqa)

    assert {names[i.enrolment_id] for i in added} == sampled
    assert plan.build(iqa).lines[0].learners == 1


def test_decisions_of_another_period_are_not_counted(make_user, make_cohort, make_enrolment, iqa):
    cohort = make_cohort(provider=iqa.provider)
    sam = make_assessor(make_user, iqa, "Sam Assessor")
    learners(make_enrolment, cohort, sam, iqa, 2)
    next_quarter = utcnow().date() + timedelta(days=120)

    built = plan.build(iqa, today=next_quarter)

    assert built.lines == [] and built.complies
    assert plan.propose(iqa, today=next_quarter) == []


def test_periods_are_quarters_by_default():
    defaults = SamplingStrategy(period_months=3)
    period = strategy.period_of(defaults, date(2026, 11, 5))
    assert (period.label, period.start, period.end) == (
        "2026-Q4",
        date(2026, 10, 1),
        date(2027, 1, 1),
    )
    assert period.title == "October to December 2026"
    monthly = strategy.period_of(SamplingStrategy(period_months=1), date(2026, 2, 28))
    assert (monthly.label, monthly.end, monthly.this) == ("2026-02", date(2026, 3, 1), "this month")


def test_compliance_says_how_much_is_planned_and_what_is_missing(
    make_user, make_cohort, make_enrolment, iqa
):
    cohort = make_cohort(provider=iqa.provider, name="Autumn 2026")
    sam = make_assessor(make_user, iqa, "Sam Assessor")
    theirs = learners(make_enrolment, cohort, sam, iqa, 3)

    empty = plan.build(iqa)
    assert empty.summary == "Planned 0 of the 3 required"
    assert empty.unmet == [
        "Nothing by Sam Assessor sampled this quarter (3 required, rated new: 100% of 3 learners).",
        "No observation by Sam Assessor sampled this quarter.",
        "No learner in Autumn 2026 sampled this quarter.",
    ]
    judgement = plan.build(iqa).addable(theirs[0])[0]
    plan.add(iqa, theirs[0], judgement.kind, judgement.record.id)

    one = plan.build(iqa)
    assert one.summary == "Planned 1 of the 3 required"
    assert one.unmet == [
        "1 of the 3 learners required for Sam Assessor planned (rated new: 100% of 3 learners)."
    ]


def test_the_plan_page_shows_the_summary_and_proposes_a_sample(
    client, login_as, make_user, make_cohort, make_enrolment, iqa
):
    cohort = make_cohort(provider=iqa.provider)
    sam = make_assessor(make_user, iqa, "Sam Assessor")
    learners(make_enrolment, cohort, sam, iqa, 2)
    login_as(iqa)

    page = page_text(client.get("/iqa/plan"))
    assert "Planned 0 of the 2 required" in page
    assert "Nothing by Sam Assessor sampled this quarter" in page

    response = client.post("/iqa/plan/propose")
    assert response.status_code == 302
    page = page_text(client.get("/iqa/plan"))
    assert "Planned 2 of the 2 required" in page
    assert "The plan meets the sampling strategy" in page


def test_the_plan_filters_by_assessor(
    client, login_as, make_user, make_cohort, make_enrolment, iqa
):
    cohort = make_cohort(provider=iqa.provider)
    sam = make_assessor(make_user, iqa, "Sam Assessor")
    kim = make_assessor(make_user, iqa, "Kim Assessor")
    [sams] = learners(make_enrolment, cohort, sam, iqa, 1)
    [kims] = learners(make_enrolment, cohort, kim, iqa, 1)
    plan.propose(iqa)
    login_as(iqa)

    page = page_text(client.get(f"/iqa/plan?assessor={kim.id}"))

    planned = page.split('id="planned"', 1)[1].split('id="add"', 1)[0]
    assert kims.learner.name in planned and sams.learner.name not in planned
    assert "Planned 2 of the 2 required" in page  # compliance is always the whole plan's


def strategy_form(**overrides):
    data = {
        "percent_new": "100",
        "percent_low": "10",
        "percent_medium": "25",
        "percent_high": "50",
        "new_months": "6",
        "interim": "y",
        "summative": "y",
        "period_months": "3",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_administrator_sets_the_strategy_and_rates_assessors(client, login_as, make_user, iqa):
    admin = make_user("admin", provider=iqa.provider)
    sam = make_assessor(make_user, iqa, "Sam Assessor")
    login_as(admin)

    page = page_text(client.get("/admin/sampling"))
    assert "Sampling strategy" in page and "Sam Assessor" in page
    assert 'value="100"' in client.get("/admin/sampling").text
    response = client.post("/admin/sampling", data=strategy_form(percent_low="20", summative=None))
    assert response.status_code == 302
    saved = strategy.strategy_for(iqa.provider)
    assert (saved.percent_low, saved.summative, saved.interim) == (20, False, True)

    response = client.post(
        f"/admin/sampling/assessors/{sam.id}", data={f"assessor-{sam.id}-rating": "high"}
    )
    assert response.status_code == 302
    assert strategy.ratings_of([sam])[sam.id].rating == AssessorRisk.HIGH
    assert "High" in page_text(client.get("/admin/sampling"))
    client.post(
        f"/admin/sampling/assessors/{sam.id}", data={f"assessor-{sam.id}-rating": "automatic"}
    )
    assert strategy.ratings_of([sam]) == {}
    assert audit_actions().count("quality.assessor_rated") == 2
    assert "quality.strategy_changed" in audit_actions()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"percent_high": "half"},
            "Enter the share of a high assessor's learners as a whole number",
        ),
        ({"percent_low": "120"}, "Enter the share of a low assessor's learners from 0 to 100"),
        ({"new_months": ""}, "Enter the months an assessor counts as new"),
        (
            {"interim": None, "summative": None},
            "Sample during assessment, after sign-off, or both: choose at least one.",
        ),
    ],
)
def test_the_strategy_form_says_what_is_wrong(client, login_as, make_user, iqa, overrides, message):
    login_as(make_user("admin", provider=iqa.provider))

    response = client.post("/admin/sampling", data=strategy_form(**overrides))

    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.scalar(db.select(SamplingStrategy)) is None


def test_two_clicks_of_propose_at_once_plan_each_decision_once(
    app, make_user, make_cohort, make_enrolment, iqa
):
    from racing import race, together_at

    cohort = make_cohort(provider=iqa.provider)
    sam = make_assessor(make_user, iqa, "Sam Assessor")
    learners(make_enrolment, cohort, sam, iqa, 3)
    iqa_id = iqa.id

    def click():
        return plan.propose(db.session.get(type(iqa), iqa_id))

    with together_at(r"UPDATE \"?user\"?"):
        first, second = race(app, click, click)

    assert not isinstance(first, Exception) and not isinstance(second, Exception)
    assert len(first) + len(second) == 3
    keys = [(i.kind, i.judgement_id, i.evidence_id) for i in items_of(iqa)]
    assert len(keys) == len(set(keys)) == 3
