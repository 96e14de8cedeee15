"""Sampling records: the IQA agrees with a sampled decision, or does not and sets the assessor
an action with a due date; the assessor responds; the IQA closes it. While an action is open
the learner's certification is on hold, and every page that shows the portfolio says why."""

from datetime import timedelta

import pytest
from assessment_helpers import assess, submitted
from people_helpers import PASSWORD, audit_actions, date_boxes, page_text

from portfolio.extensions import db
from portfolio.models import Notification, SampleKind, SampleOutcome
from portfolio.models._types import utcnow
from portfolio.services.quality import certification, plan, records
from portfolio.services.quality.decisions import decisions_on

DUE = utcnow().date() + timedelta(days=14)


@pytest.fixture
def sampled(make_enrolment, make_user):
    """A learner whose PC1 judgement the IQA has put in their plan."""
    enrolment = make_enrolment()
    enrolment.assessor.name, enrolment.iqa.name = "Sam Assessor", "Jo Quality"
    db.session.commit()
    assess(submitted(enrolment, "PC1", "PC2"))
    judgement = next(
        d for d in decisions_on([enrolment])
        if d.kind == SampleKind.JUDGEMENT and d.record.criterion.code == "PC1"
    )  # fmt: skip
    return plan.add(enrolment.iqa, enrolment, SampleKind.JUDGEMENT, judgement.record.id)


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def disagreement(**overrides):
    data = {
        "outcome": "not_agreed",
        "rules_comment": "The photo does not show who led the session: authenticity is unclear.",
        "feedback_comment": "The feedback says 'well done' but not what the learner showed.",
        "action": "Ask the learner for a witness statement and re-judge PC1.",
        **date_boxes("action_due", DUE),
    }
    data.update(overrides)
    return data


def notifications_of(user, kind):
    return db.session.scalars(
        db.select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    ).all()


def test_the_iqa_agrees_and_the_assessor_is_told(app, sampled):
    iqa = signed_in(app, sampled.iqa)

    response = iqa.post(
        f"/iqa/samples/{sampled.id}",
        data=disagreement(outcome="agreed", action="", **date_boxes("action_due", "")),
    )

    assert response.status_code == 302
    db.session.refresh(sampled)
    assert sampled.outcome == SampleOutcome.AGREED and not sampled.action_open
    page = page_text(iqa.get(f"/iqa/samples/{sampled.id}"))
    assert "Agreed, recorded by Jo Quality" in page
    [told] = notifications_of(sampled.assessor, "sample_recorded")
    assert told.message == (
        "Jo Quality sampled your judgement of PC1 (met) for "
        f"{sampled.enrolment.learner.name} and agreed with it."
    )
    assert "quality.sample_recorded" in audit_actions()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"outcome": ""}, "Choose whether you agree with the assessor’s decision."),
        ({"rules_comment": " "}, "Comment on the rules of evidence"),
        (
            {"feedback_comment": ""},
            "Comment on the quality of the assessor’s feedback to the learner.",
        ),
        ({"action": ""}, "Say what the assessor must do, since you do not agree."),
        (date_boxes("action_due", ""), "Enter the date the assessor must act by."),
        (
            date_boxes("action_due", utcnow().date() - timedelta(days=1)),
            "The date the action is due must be today or later.",
        ),
        (
            date_boxes("action_due", "2027-02-31"),
            "The date the action is due must be a real date, for example 27 3 2026.",
        ),
        ({"rules_comment": "x" * 5001}, "Keep this to 5,000 characters."),
    ],
)
def test_a_record_needs_an_outcome_comments_and_for_disagreement_an_action_due(
    app, sampled, overrides, message
):
    iqa = signed_in(app, sampled.iqa)

    response = iqa.post(f"/iqa/samples/{sampled.id}", data=disagreement(**overrides))

    assert response.status_code == 422
    assert message in page_text(response)
    db.session.refresh(sampled)
    assert sampled.recorded_at is None
    assert "quality.sample_recorded" not in audit_actions()


def test_the_assessor_responds_to_an_action_and_the_iqa_closes_it(app, sampled):
    iqa, assessor = signed_in(app, sampled.iqa), signed_in(app, sampled.assessor)
    assert iqa.post(f"/iqa/samples/{sampled.id}", data=disagreement()).status_code == 302
    [told] = notifications_of(sampled.assessor, "sample_recorded")
    assert f"there is an action for you, due {DUE:%-d %B %Y}" in told.message
    assert told.link == f"/samples/{sampled.id}/respond"

    caseload = page_text(assessor.get("/caseload"))
    assert "Quality assurance actions for you" in caseload
    assert "Judgement of PC1 (met)" in caseload and "Respond" in caseload
    page = page_text(assessor.get(f"/samples/{sampled.id}/respond"))
    assert "Ask the learner for a witness statement and re-judge PC1." in page
    empty = assessor.post(f"/samples/{sampled.id}/respond", data={"response": " "})
    assert empty.status_code == 422
    assert "Write your response: what you did about the action." in page_text(empty)
    response = assessor.post(
        f"/samples/{sampled.id}/respond",
        data={"response": "The witness statement is in; I re-judged PC1 on it."},
    )
    assert response.status_code == 302
    assert notifications_of(sampled.iqa, "action_responded")

    page = page_text(iqa.get(f"/iqa/samples/{sampled.id}"))
    assert "The witness statement is in; I re-judged PC1 on it." in page
    assert iqa.post(f"/iqa/samples/{sampled.id}/close").status_code == 302

    db.session.refresh(sampled)
    assert sampled.closed_at is not None and sampled.closed_by_id == sampled.iqa_id
    assert not sampled.action_open
    assert notifications_of(sampled.assessor, "action_closed")
    assert "No quality assurance action is open" in page_text(assessor.get("/caseload"))
    assert [a for a in audit_actions() if a.startswith("quality.")] == [
        "quality.sample_added",
        "quality.sample_recorded",
        "quality.action_responded",
        "quality.action_closed",
    ]


def test_an_open_action_blocks_certification_and_the_portfolio_says_why(app, make_user, sampled):
    enrolment = sampled.enrolment
    assert certification.blocked_reasons(enrolment) == []
    records.record(
        sampled,
        sampled.iqa,
        outcome=SampleOutcome.NOT_AGREED,
        rules_comment="Authenticity is unclear.",
        feedback_comment="Too brief.",
        action="Get a witness statement.",
        action_due=DUE,
    )

    reason = (
        "Jo Quality (internal quality assurer) did not agree with Sam Assessor’s judgement of "
        f"PC1 (met): the action due {DUE:%-d %B %Y} is open, waiting for the assessor’s response."
    )
    assert certification.blocked_reasons(enrolment) == [reason]
    admin = make_user("admin", provider=enrolment.cohort.provider)
    for person in (enrolment.learner, enrolment.assessor, enrolment.iqa, admin):
        page = page_text(signed_in(app, person).get(f"/portfolio/{enrolment.id}"))
        assert "Certification is on hold" in page, person
        assert reason in page

    records.respond(sampled, sampled.assessor, response="Done.")
    assert "waiting for the IQA to close it" in certification.blocked_reasons(enrolment)[0]
    records.close(sampled, sampled.iqa)
    assert certification.blocked_reasons(enrolment) == []
    page = page_text(signed_in(app, enrolment.learner).get(f"/portfolio/{enrolment.id}"))
    assert "Certification is on hold" not in page


def test_the_iqa_closes_an_action_only_once_the_assessor_has_responded(app, sampled):
    iqa = signed_in(app, sampled.iqa)
    iqa.post(f"/iqa/samples/{sampled.id}", data=disagreement())

    response = iqa.post(f"/iqa/samples/{sampled.id}/close")

    assert response.status_code == 422
    assert "The assessor has not responded yet." in page_text(response)
    db.session.refresh(sampled)
    assert sampled.action_open


def test_a_record_is_not_changed_afterwards(app, sampled):
    iqa = signed_in(app, sampled.iqa)
    iqa.post(f"/iqa/samples/{sampled.id}", data=disagreement(outcome="agreed"))

    response = iqa.post(f"/iqa/samples/{sampled.id}", data=disagreement())

    assert response.status_code == 422
    assert "a record is not changed afterwards" in page_text(response)
    db.session.refresh(sampled)
    assert sampled.outcome == SampleOutcome.AGREED


def test_only_the_assessor_who_made_the_decision_answers_its_action(app, make_user, sampled):
    records.record(
        sampled,
        sampled.iqa,
        outcome=SampleOutcome.NOT_AGREED,
        rules_comment="Unclear.",
        feedback_comment="Brief.",
        action="Re-judge.",
        action_due=DUE,
    )
    enrolment = sampled.enrolment
    newcomer = make_user("assessor", provider=enrolment.cohort.provider)
    enrolment.assessor = newcomer  # the learner has a new assessor now
    db.session.commit()

    assert signed_in(app, newcomer).get(f"/samples/{sampled.id}/respond").status_code == 404
    assert signed_in(app, sampled.iqa).get(f"/samples/{sampled.id}/respond").status_code == 404
    decided_by = signed_in(app, sampled.assessor)
    assert decided_by.get(f"/samples/{sampled.id}/respond").status_code == 200


def test_the_iqa_removes_an_item_not_yet_recorded_and_it_cannot_be_recorded(app, sampled):
    iqa = signed_in(app, sampled.iqa)

    assert iqa.post(f"/iqa/samples/{sampled.id}/remove").status_code == 302

    assert iqa.get(f"/iqa/samples/{sampled.id}").status_code == 404
    assert "quality.sample_removed" in audit_actions()
    assert "Nothing is in your plan" in page_text(iqa.get("/iqa/plan"))


def test_a_recorded_item_stays_in_the_plan(app, sampled):
    iqa = signed_in(app, sampled.iqa)
    iqa.post(f"/iqa/samples/{sampled.id}", data=disagreement(outcome="agreed"))

    response = iqa.post(f"/iqa/samples/{sampled.id}/remove")

    assert response.status_code == 422
    assert "it stays in the plan" in page_text(response)
