"""The IQA's sample page shows the decision as it was sampled and as it is now: when the
assessor changes a sampled judgement (or their rules-of-evidence answers) afterwards, the IQA
sees what changed, who changed it and when, before they close the action on the assessor's
word."""

import re
from datetime import timedelta

import pytest
from assessment_helpers import ALL_RULES, assess, submitted
from people_helpers import PASSWORD, page_text

from portfolio.extensions import db
from portfolio.models import Outcome, SampleKind, SampleOutcome
from portfolio.models._types import utcnow
from portfolio.services.assessment import review
from portfolio.services.assessment.review import JudgementChoice, MappingChoice
from portfolio.services.quality import plan, records
from portfolio.services.quality.decisions import decisions_on
from portfolio.services.quality.live import then_and_now

DUE = utcnow().date() + timedelta(days=14)


def reassess(evidence, *, rules=None, notes=None, outcomes=None, feedback=None):
    """The assessor changes their assessment of ``evidence``: every mapping accepted,
    ``outcomes`` (code -> "met"/"not_yet_met") judged with ``feedback``."""
    enrolment = evidence.enrolment
    db.session.refresh(enrolment)
    outcomes, feedback = outcomes or {}, feedback or {}
    return review.assess(
        evidence,
        enrolment.assessor,
        seen=enrolment.revision,
        rules={**ALL_RULES, **(rules or {})},
        notes=notes or {},
        decisions={m.id: MappingChoice(True) for m in evidence.mappings},
        judgements={
            m.criterion_id: JudgementChoice(
                Outcome(outcomes[m.criterion.code]), feedback.get(m.criterion.code, "")
            )
            for m in evidence.mappings
            if m.criterion.code in outcomes
        },
    )


@pytest.fixture
def portfolio(make_enrolment):
    enrolment = make_enrolment()
    enrolment.assessor.name, enrolment.iqa.name = "Sam Assessor", "Jo Quality"
    db.session.commit()
    evidence = submitted(enrolment, "PC1", title="Youth panel workshop")
    assess(evidence, feedback={"PC1": "You chaired the panel well."})
    return enrolment, evidence


def sample(enrolment, kind):
    decision = next(d for d in decisions_on([enrolment]) if d.kind == kind)
    return plan.add(enrolment.iqa, enrolment, kind, decision.record.id)


def not_agreed(item):
    return records.record(
        item,
        item.iqa,
        outcome=SampleOutcome.NOT_AGREED,
        rules_comment="The photo does not show who led the session.",
        feedback_comment="The feedback does not say what the learner showed.",
        action="Check the evidence is sufficient for PC1 and re-judge it.",
        action_due=DUE,
    )


def words(response) -> str:
    """The page's words without its markup, as a person reads them."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_an_assessor_changes_a_sampled_judgement_and_the_iqa_sees_as_sampled_and_now(
    app, portfolio
):
    enrolment, evidence = portfolio
    item = not_agreed(sample(enrolment, SampleKind.JUDGEMENT))
    # After the sampling record, the assessor changes their mind on the same evidence
    reassess(
        evidence,
        rules={"sufficient": False},
        notes={"sufficient": "One photo is not enough to show PC1."},
        outcomes={"PC1": "not_yet_met"},
        feedback={"PC1": "Add a witness statement from the youth worker."},
    )
    records.respond(item, enrolment.assessor, response="I re-judged PC1 as not yet met.")

    iqa = signed_in(app, enrolment.iqa)
    page = iqa.get(f"/iqa/samples/{item.id}")
    text = words(page)

    assert "As sampled" in text and "Judgement Met" in text
    assert "This decision has changed since it was sampled" in text
    assert "Outcome Met Not yet met Sam Assessor" in text
    assert "Feedback to the learner You chaired the panel well." in text
    assert "Add a witness statement from the youth worker." in text
    # the rules of evidence, as the assessor answered them then and now
    assert "Sufficient: yes" in text
    assert "Sufficient: no (One photo is not enough to show PC1.)" in text
    # before closing, the IQA is told the record changed, not only that a response came in
    assert "The decision has changed since you sampled it" in text
    assert iqa.post(f"/iqa/samples/{item.id}/close").status_code == 302


def test_an_unchanged_decision_says_so_and_the_action_rests_on_the_response_alone(app, portfolio):
    enrolment, _ = portfolio
    item = not_agreed(sample(enrolment, SampleKind.JUDGEMENT))
    records.respond(item, enrolment.assessor, response="I spoke to the learner.")

    text = words(signed_in(app, enrolment.iqa).get(f"/iqa/samples/{item.id}"))

    assert "Unchanged since it was sampled" in text
    assert "The decision has not changed since you sampled it" in text
    assert "Valid: yes" in text and "Sufficient: yes" in text


def test_the_rules_of_evidence_as_sampled_come_back_from_the_audit_trail(app, portfolio):
    """The assessor's answers on an evidence version are changed in place when they
    re-assess it; the answers the IQA sampled are still shown as they were."""
    enrolment, evidence = portfolio
    item = not_agreed(sample(enrolment, SampleKind.EVIDENCE))
    reassess(
        evidence,
        rules={"current": False},
        notes={"current": "It is from 2019."},
        outcomes={"PC1": "not_yet_met"},
        feedback={"PC1": "Show what you can do now."},
    )

    live = then_and_now(item)

    [then] = live.rules_then
    [now] = live.rules_now
    assert then.answers["current"] is True and now.answers["current"] is False
    [change] = live.changes
    assert change.what == "Rules of evidence for “Youth panel workshop” (version 1)"
    assert "Current: yes" in change.before and "Current: no (It is from 2019.)" in change.after
    assert change.by == "Sam Assessor"
    text = words(signed_in(app, enrolment.iqa).get(f"/iqa/samples/{item.id}"))
    assert "Current: no (It is from 2019.)" in text and "Current: yes" in text


def test_a_planned_judgement_judged_again_before_it_is_recorded_shows_the_change(app, portfolio):
    enrolment, evidence = portfolio
    item = sample(enrolment, SampleKind.JUDGEMENT)
    reassess(evidence, outcomes={"PC1": "not_yet_met"}, feedback={"PC1": "Say who you met."})

    live = then_and_now(item)

    assert live.sampled.outcome == Outcome.MET and live.now.outcome == Outcome.NOT_YET_MET
    assert [c.what for c in live.changes] == ["Outcome", "Feedback to the learner"]
    text = words(signed_in(app, enrolment.iqa).get(f"/iqa/samples/{item.id}"))
    assert "Outcome Met Not yet met" in text


def test_the_mappings_as_sampled_are_the_decisions_of_then_not_of_today(app, portfolio):
    """The IQA sampled an item whose mapping to PC1 the assessor had accepted; the assessor
    later rejects it. "As sampled" still reads accepted, and "Now" names the change."""
    enrolment, evidence = portfolio
    item = not_agreed(sample(enrolment, SampleKind.EVIDENCE))
    db.session.refresh(enrolment)
    review.assess(
        evidence,
        enrolment.assessor,
        seen=enrolment.revision,
        rules=ALL_RULES,
        notes={},
        decisions={m.id: MappingChoice(False, "The photo shows PC2.") for m in evidence.mappings},
        judgements={
            m.criterion_id: JudgementChoice(Outcome.NOT_YET_MET, "Map the photo to PC2.")
            for m in evidence.mappings
        },
    )

    [then] = then_and_now(item).mappings_then
    assert (then.code, then.words) == ("PC1", "accepted")
    page = signed_in(app, enrolment.iqa).get(f"/iqa/samples/{item.id}")
    as_sampled = page_text(page).split("data-mappings-as-sampled>")[1].split("</ul>")[0]
    assert "PC1</a>: accepted" in as_sampled
    assert "Mapping to PC1 Accepted Rejected: The photo shows PC2." in words(page)
