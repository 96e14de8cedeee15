"""Two people acting on the same portfolio at once never lose an update silently: the second is
told and shown the current state. Runs on SQLite and, under ``make test``, on PostgreSQL, with
real separate connections (one app context, so one session and connection, per thread)."""

import pytest
from assessment_helpers import ALL_RULES, assess, fully_met, submitted
from people_helpers import PASSWORD, page_text
from racing import race

from portfolio.extensions import db
from portfolio.models import Enrolment, Evidence, EvidenceReview, Judgement, Outcome, SignOff, User
from portfolio.services.assessment import review, signing
from portfolio.services.assessment.review import JudgementChoice, MappingChoice
from portfolio.services.assessment.revision import Conflict


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def test_two_sign_offs_racing_produce_exactly_one(app, enrolment):
    fully_met(enrolment)
    db.session.refresh(enrolment)
    seen, enrolment_id, assessor_id = enrolment.revision, enrolment.id, enrolment.assessor_id
    db.session.remove()  # let the threads' connections take the write lock

    def sign_off():
        assessor = db.session.get(User, assessor_id)
        return signing.sign_off(
            db.session.get(Enrolment, enrolment_id),
            assessor,
            password=PASSWORD,
            full_name=assessor.name,
            confirmed=True,
            seen=seen,
        ).id

    results = race(app, sign_off, sign_off)

    assert sorted(type(r).__name__ for r in results) == ["Conflict", "int"]
    assert len(db.session.scalars(db.select(SignOff)).all()) == 1


def test_two_assessments_of_the_same_evidence_at_once_keep_exactly_one(app, enrolment):
    evidence = submitted(enrolment, "PC1")
    db.session.refresh(enrolment)
    seen, evidence_id, assessor_id = enrolment.revision, evidence.id, enrolment.assessor_id
    mapping_id, criterion_id = evidence.mappings[0].id, evidence.mappings[0].criterion_id
    db.session.remove()

    def judge(outcome, text):
        def act():
            return review.assess(
                db.session.get(Evidence, evidence_id),
                db.session.get(User, assessor_id),
                seen=seen,
                rules=ALL_RULES,
                notes={},
                decisions={mapping_id: MappingChoice(True)},
                judgements={criterion_id: JudgementChoice(outcome, text)},
            )[0].id

        return act

    results = race(app, judge(Outcome.MET, "Good."), judge(Outcome.NOT_YET_MET, "Add the agenda."))

    assert sorted(type(r).__name__ for r in results) == ["Conflict", "int"]
    assert len(db.session.scalars(db.select(Judgement)).all()) == 1
    assert len(db.session.scalars(db.select(EvidenceReview)).all()) == 1


def test_an_assessment_based_on_an_out_of_date_page_is_refused_and_saves_nothing(enrolment):
    evidence = submitted(enrolment, "PC1")
    db.session.refresh(enrolment)
    page_shown_at = enrolment.revision
    assess(evidence, outcomes={"PC1": "not_yet_met"})  # someone else, meanwhile

    with pytest.raises(Conflict):
        review.assess(
            evidence,
            enrolment.assessor,
            seen=page_shown_at,
            rules=ALL_RULES,
            notes={},
            decisions={evidence.mappings[0].id: MappingChoice(True)},
            judgements={evidence.mappings[0].criterion_id: JudgementChoice(Outcome.MET, "")},
        )
    db.session.rollback()
    outcomes = [j.outcome.value for j in db.session.scalars(db.select(Judgement))]
    assert outcomes == ["not_yet_met"]


def test_when_the_learner_submits_meanwhile_the_assessor_is_told_and_sees_the_current_state(
    client, login_as, enrolment
):
    evidence = submitted(enrolment, "PC1", title="Workshop")
    login_as(enrolment.assessor)
    page = client.get(f"/evidence/{evidence.id}/assess")
    shown = page_text(page).split('name="revision" value="')[1].split('"')[0]
    submitted(enrolment, "PC2", title="Evaluation")  # the learner, in another browser

    response = client.post(
        f"/evidence/{evidence.id}/assess",
        data={
            "revision": shown,
            **{f"rule-{rule}": "yes" for rule in ALL_RULES},
            "mapping-PC1": "yes",
            "outcome-PC1": "met",
        },
    )
    text = page_text(response)
    assert response.status_code == 409
    assert "Someone else changed this portfolio while you were looking at it" in text
    assert 'value="met" checked' in text  # what they chose is still there to send again
    db.session.refresh(enrolment)
    assert f'name="revision" value="{enrolment.revision}"' in text
    assert db.session.scalars(db.select(Judgement)).all() == []


def test_a_form_without_the_revision_is_refused(client, login_as, enrolment):
    evidence = submitted(enrolment, "PC1")
    login_as(enrolment.assessor)
    response = client.post(
        f"/evidence/{evidence.id}/assess",
        data={**{f"rule-{rule}": "yes" for rule in ALL_RULES}, "mapping-PC1": "yes"},
    )
    assert response.status_code == 409
    assert db.session.scalars(db.select(EvidenceReview)).all() == []
