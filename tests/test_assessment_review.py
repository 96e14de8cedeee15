"""An assessor reviews submitted evidence: the rules of evidence, each mapping, a judgement per
criterion with feedback; the learner sees it on the task list, the criterion and the evidence."""

import pytest
from assessment_helpers import assess, submitted
from people_helpers import audit_actions, page_text

from portfolio.extensions import db
from portfolio.models import Judgement, Outcome


@pytest.fixture
def evidence(enrolment):
    return submitted(enrolment, "PC1", "PC2", "K1", title="Youth panel workshop")


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def review_form(evidence, **overrides):
    """What an assessor sends when every rule holds and every mapping is accepted and met."""
    data = {"revision": str(evidence.enrolment.revision)}
    for rule in ("valid", "authentic", "current", "sufficient"):
        data[f"rule-{rule}"] = "yes"
    for mapping in evidence.mappings:
        code = mapping.criterion.code
        data[f"mapping-{code}"] = "yes"
        data[f"outcome-{code}"] = "met"
    data.update(overrides)
    return data


def test_the_assessor_sees_the_evidence_as_submitted_with_each_mapping(client, login_as, evidence):
    login_as(evidence.enrolment.assessor)
    page = page_text(client.get(f"/evidence/{evidence.id}/assess"))
    assert "Assess: Youth panel workshop" in page
    assert "We agreed the objectives together." not in page  # rendered, not raw Markdown
    assert "<strong>objectives</strong>" in page
    assert "This shows PC1." in page and "This shows K1." in page
    assert "Valid: it shows the criteria it is mapped to" in page


def test_judging_records_outcomes_feedback_and_the_evidence_they_rest_on(
    client, login_as, evidence
):
    login_as(evidence.enrolment.assessor)
    response = client.post(
        f"/evidence/{evidence.id}/assess",
        data=review_form(
            evidence,
            **{
                "outcome-PC2": "not_yet_met",
                "feedback-PC2": "Say *who* set the expectations.",
                "mapping-K1": "no",
                "reason-K1": "This describes the plan, not your understanding.",
                "outcome-K1": "",
            },
        ),
    )
    assert response.status_code == 302
    judgements = {j.criterion.code: j for j in db.session.scalars(db.select(Judgement))}
    assert set(judgements) == {"PC1", "PC2"}
    assert judgements["PC1"].outcome == Outcome.MET
    assert judgements["PC2"].feedback_md == "Say *who* set the expectations."
    assert [e.id for e in judgements["PC2"].evidence] == [evidence.id]
    assert evidence.review.valid and evidence.review.sufficient
    assert {m.criterion.code: m.decision.accepted for m in evidence.mappings} == {
        "PC1": True,
        "PC2": True,
        "K1": False,
    }
    actions = audit_actions()
    assert "assessment.evidence_reviewed" in actions
    assert "assessment.mappings_decided" in actions
    assert actions.count("assessment.judged") == 2


def test_the_learner_sees_met_and_not_yet_met_with_feedback(client, login_as, evidence):
    assess(evidence, outcomes={"PC2": "not_yet_met"}, feedback={"PC2": "Name the partners."})
    enrolment = evidence.enrolment
    login_as(enrolment.learner)

    portfolio = page_text(client.get(f"/portfolio/{enrolment.id}"))
    assert (
        '<div class="govuk-task-list__status" id="pc-1-status" data-criterion="PC1">' in portfolio
    )
    assert "1 of 13 performance criteria met, 1 of 14 knowledge items met" in portfolio
    criterion = page_text(client.get(f"/portfolio/{enrolment.id}/criteria/PC2"))
    assert "Not yet met" in criterion and "Name the partners." in criterion
    shown = page_text(client.get(f"/evidence/{evidence.id}"))
    assert "Judgements based on this version" in shown and "Name the partners." in shown


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rule-current": ""}, "Say whether the evidence is current."),
        ({"rule-sufficient": "no"}, "Say why the evidence is not sufficient"),
        ({"mapping-PC1": ""}, "Accept or reject the learner's mapping to PC1."),
        (
            {"mapping-PC1": "no", "outcome-PC1": ""},
            "Give the reason this evidence does not show PC1.",
        ),
        ({"outcome-PC2": "not_yet_met"}, "Tell the learner what is missing for PC2"),
        (
            {"mapping-PC1": "no", "reason-PC1": "Not shown.", "outcome-PC1": "met"},
            "You rejected this evidence for PC1 and no other evidence shows it",
        ),
    ],
)
def test_an_incomplete_assessment_is_refused_with_a_reason_and_saves_nothing(
    client, login_as, evidence, overrides, message
):
    login_as(evidence.enrolment.assessor)
    response = client.post(
        f"/evidence/{evidence.id}/assess", data=review_form(evidence, **overrides)
    )
    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.scalars(db.select(Judgement)).all() == []
    db.session.expire_all()
    assert evidence.review is None


def test_the_queue_lists_waiting_evidence_oldest_first_and_marks_resubmissions(
    client, login_as, enrolment, make_enrolment, make_cohort
):
    first = submitted(enrolment, "PC1", title="First workshop")
    second = submitted(enrolment, "PC2", title="Second workshop")
    other = make_enrolment(
        cohort=make_cohort(provider=enrolment.cohort.provider), assessor=enrolment.assessor
    )
    elsewhere = submitted(other, "PC3", title="Another learner's evidence")
    login_as(enrolment.assessor)

    page = page_text(client.get("/caseload/queue"))
    assert page.index("First workshop") < page.index("Second workshop")
    assert "Another learner's evidence" in page
    filtered = page_text(client.get(f"/caseload/queue?learner={enrolment.learner_id}"))
    assert "First workshop" in filtered and "Another learner's evidence" not in filtered
    by_cohort = page_text(client.get(f"/caseload/queue?cohort={other.cohort_id}"))
    assert "Another learner's evidence" in by_cohort and "First workshop" not in by_cohort

    assess(first, outcomes={"PC1": "not_yet_met"})
    assert "First workshop" not in page_text(client.get("/caseload/queue"))
    assert second and elsewhere


def test_a_resubmission_returns_to_the_queue_and_earlier_judgements_stay(
    client, login_as, enrolment
):
    from portfolio.services import evidence as evidence_service

    first = submitted(enrolment, "PC1", title="Workshop")
    assess(first, outcomes={"PC1": "not_yet_met"}, feedback={"PC1": "Add the agenda."})
    correction = evidence_service.revise(first)
    evidence_service.submit(correction, full_name=enrolment.learner.name, confirmed=True)

    login_as(enrolment.assessor)
    queue = page_text(client.get("/caseload/queue"))
    assert "Resubmission (version 2)" in queue
    assess(correction)
    history = page_text(client.get(f"/portfolio/{enrolment.id}/criteria/PC1"))
    assert "Earlier judgements of PC1 (1)" in history
    assert "Add the agenda." in history


def test_the_caseload_shows_coverage_met_and_what_waits(client, login_as, enrolment):
    assess(submitted(enrolment, "PC1", "PC2", "K1"))
    submitted(enrolment, "PC3", title="Waiting one")
    login_as(enrolment.assessor)
    page = page_text(client.get("/caseload"))
    assert "2 of 13 performance criteria met, 1 of 14 knowledge items met" in page


def test_feedback_markdown_is_sanitized_like_the_learners(client, login_as, evidence):
    assess(
        evidence,
        outcomes={"PC1": "not_yet_met"},
        feedback={"PC1": "Add **dates**. <script>alert(1)</script><img src=x onerror=alert(2)>"},
    )
    login_as(evidence.enrolment.learner)
    page = client.get(f"/portfolio/{evidence.enrolment.id}/criteria/PC1").get_data(as_text=True)
    assert "<strong>dates</strong>" in page
    assert "<script>alert(1)" not in page and "onerror" not in page
