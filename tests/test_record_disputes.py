"""A learner disputes an assessor's record (issue 15): instead of confirming an observation
they do not agree with, they say what is wrong; the assessor sees it on the record, the queue
and the caseload, and either amends the record (the learner confirms the new version) or
answers and keeps it (the learner reads the answer and may then confirm). Sign-off waits while
a dispute waits for the assessor, and every step is audited."""

from datetime import date

import pytest
from assessment_helpers import assess
from people_helpers import audit_actions, page_text

from portfolio.extensions import db
from portfolio.models import AuditEntry, DisputeOutcome, Method, Notification, RecordDispute
from portfolio.services import audit, audit_sentences
from portfolio.services import evidence as evidence_service
from portfolio.services.assessment import disputes, records, state
from portfolio.services.assessment.disputes import DisputeProblem

REASON = "I did not chair the meeting: Sam did. I took the notes and ran the feedback round."
ANSWER = "The notes of the meeting name you as chair; the record stands."


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def observation(enrolment, *, judged=False):
    """A submitted observation by the learner's assessor, waiting for the learner."""
    record = records.create_record(
        enrolment,
        enrolment.assessor,
        title="Observed: residents' panel",
        activity_date=date(2026, 10, 3),
        method=Method.OBSERVATION,
        context="Community hall, Leeds",
        account_md="Lee chaired the panel and summed up each residents' point.",
    )
    evidence_service.set_mappings(record, {c: "Seen." for c in enrolment.standard.criteria})
    evidence_service.submit(record, full_name=enrolment.assessor.name, confirmed=True)
    if judged:
        assess(record)
    return record


def notifications_of(person, kind):
    return list(
        db.session.scalars(
            db.select(Notification).where(
                Notification.user_id == person.id, Notification.kind == kind
            )
        )
    )


def test_the_learner_can_say_they_do_not_agree_with_a_record(client, login_as, enrolment):
    record = observation(enrolment)
    login_as(enrolment.learner)

    page = page_text(client.get(f"/evidence/{record.id}"))

    assert "Confirm the record" in page
    assert "What is wrong with the record?" in page
    assert "I do not agree" in page
    assert "reply to your assessor" not in page


def test_a_disagreement_needs_a_reason(client, login_as, enrolment):
    record = observation(enrolment)
    login_as(enrolment.learner)

    response = client.post(f"/evidence/{record.id}/dispute", data={"reason": "  "})

    assert response.status_code == 422
    text = page_text(response)
    assert "There is a problem" in text
    assert 'href="#reason"' in text
    assert "Say what is wrong with the record, so your assessor can put it right." in text
    assert db.session.scalars(db.select(RecordDispute)).all() == []


def test_the_confirm_error_points_to_the_disagreement_on_the_same_page(client, login_as, enrolment):
    record = observation(enrolment)
    login_as(enrolment.learner)

    text = page_text(client.post(f"/evidence/{record.id}/confirm", data={}))

    assert "If it is not, say what is wrong under “I do not agree”." in text
    assert "I do not agree" in text


def test_the_assessor_sees_the_dispute_on_the_record_the_queue_and_the_caseload(
    client, login_as, enrolment
):
    record = observation(enrolment)
    login_as(enrolment.learner)
    response = client.post(f"/evidence/{record.id}/dispute", data={"reason": REASON})
    assert response.status_code == 302
    after = page_text(client.get(response.location))
    assert REASON in after
    assert "will amend it or answer you" in after
    assert "Confirm the record" not in after  # the assessor answers first
    assert client.post(f"/evidence/{record.id}/confirm", data={"agree": "y"}).status_code == 404
    client.post("/sign-out")

    [note] = notifications_of(enrolment.assessor, "record_disputed")
    assert f"{enrolment.learner.name} does not agree with your record" in note.message
    login_as(enrolment.assessor)
    page = page_text(client.get(f"/evidence/{record.id}"))
    assert REASON in page
    assert f"Needs {enrolment.assessor.name} to amend or answer" in page
    assert "Amend the record" in page and "Send your answer" in page
    for listing in ("/caseload/queue", "/caseload"):
        text = page_text(client.get(listing))
        assert "Needs your attention" in text, listing
        assert "1 record your learners do not agree with" in text, listing
        assert "Observed: residents' panel" in text, listing


def test_the_assessor_answers_and_the_learner_then_confirms(client, login_as, enrolment):
    record = observation(enrolment)
    disputes.dispute(record, enrolment.learner, REASON)
    login_as(enrolment.assessor)

    empty = client.post(f"/evidence/{record.id}/dispute/answer", data={"answer": ""})
    assert empty.status_code == 422
    assert 'href="#answer"' in page_text(empty)
    response = client.post(f"/evidence/{record.id}/dispute/answer", data={"answer": ANSWER})
    assert response.status_code == 302
    assert "Needs your attention" not in page_text(client.get("/caseload/queue"))
    client.post("/sign-out")

    [note] = notifications_of(enrolment.learner, "record_dispute_answered")
    assert "kept it as it is" in note.message
    login_as(enrolment.learner)
    page = page_text(client.get(f"/evidence/{record.id}"))
    assert ANSWER in page and REASON in page
    assert "Confirm the record" in page
    assert client.post(f"/evidence/{record.id}/confirm", data={"agree": "y"}).status_code == 302
    db.session.refresh(record)
    assert record.learner_confirmed_at is not None
    [row] = record.disputes
    assert row.outcome == DisputeOutcome.ANSWERED and row.answer == ANSWER


def test_the_assessor_amends_and_the_learner_confirms_the_new_version(client, login_as, enrolment):
    record = observation(enrolment)
    disputes.dispute(record, enrolment.learner, REASON)
    login_as(enrolment.assessor)

    response = client.post(f"/evidence/{record.id}/revise")
    amendment = evidence_service.newer_version(record)
    assert response.location.endswith(f"/evidence/{amendment.id}")
    assert f"version {amendment.version}" in page_text(client.get(f"/evidence/{record.id}"))
    evidence_service.update(amendment, account_md="Lee took the notes and ran the feedback.")
    evidence_service.submit(amendment, full_name=enrolment.assessor.name, confirmed=True)
    client.post("/sign-out")

    [row] = db.session.scalars(db.select(RecordDispute))
    assert row.outcome == DisputeOutcome.AMENDED and row.amended_by_evidence_id == amendment.id
    notes = [n.message for n in notifications_of(enrolment.learner, "record_to_confirm")]
    assert any("amended (version 2)" in message for message in notes)
    login_as(enrolment.learner)
    old = page_text(client.get(f"/evidence/{record.id}"))
    assert "Confirm the record" not in old and "I do not agree" not in old
    new = page_text(client.get(f"/evidence/{amendment.id}"))
    assert REASON in new  # the disagreement stays with the record
    assert "amended the record on" in new
    assert "Confirm the record" in new
    assert client.post(f"/evidence/{amendment.id}/confirm", data={"agree": "y"}).status_code == 302


def test_sign_off_waits_while_a_dispute_waits_for_the_assessor(enrolment):
    record = observation(enrolment, judged=True)
    disputes.dispute(record, enrolment.learner, REASON)

    missing = state.missing_for_sign_off(enrolment)

    assert (
        f"{enrolment.learner.name} does not agree with the record “Observed: residents' panel” "
        "(version 1): amend it or answer them first."
    ) in missing
    disputes.answer(record.open_dispute, enrolment.assessor, ANSWER)
    assert not any("does not agree" in line for line in state.missing_for_sign_off(enrolment))
    records.confirm(record, enrolment.learner, agreed=True)
    assert state.missing_for_sign_off(enrolment) == []


def test_one_dispute_at_a_time_and_only_once_answered(enrolment):
    record = observation(enrolment)
    row = disputes.dispute(record, enrolment.learner, REASON)

    with pytest.raises(DisputeProblem, match="already said you do not agree"):
        disputes.dispute(record, enrolment.learner, "Again")
    disputes.answer(row, enrolment.assessor, ANSWER)
    with pytest.raises(DisputeProblem, match="already been resolved"):
        disputes.answer(row, enrolment.assessor, "Twice")
    # after an answer the learner may still disagree, with a new reason
    again = disputes.dispute(record, enrolment.learner, "The answer misses the point.")
    assert [d.id for d in record.disputes] == [row.id, again.id]


def test_only_the_learner_disputes_and_only_their_assessor_answers(
    app, client, login_as, enrolment, make_user
):
    record = observation(enrolment)
    stranger = make_user("assessor", provider=enrolment.cohort.provider)
    login_as(enrolment.assessor)
    assert client.post(f"/evidence/{record.id}/dispute", data={"reason": REASON}).status_code == 404
    client.post("/sign-out")
    disputes.dispute(record, enrolment.learner, REASON)
    login_as(stranger)
    answer = client.post(f"/evidence/{record.id}/dispute/answer", data={"answer": ANSWER})
    assert answer.status_code == 404
    client.post("/sign-out")
    login_as(enrolment.learner)
    answer = client.post(f"/evidence/{record.id}/dispute/answer", data={"answer": ANSWER})
    assert answer.status_code == 404
    assert record.open_dispute is not None


def test_a_learners_own_evidence_cannot_be_disputed(client, login_as, enrolment):
    from assessment_helpers import submitted

    evidence = submitted(enrolment, "PC1")
    login_as(enrolment.learner)

    assert (
        client.post(f"/evidence/{evidence.id}/dispute", data={"reason": REASON}).status_code == 404
    )
    assert "I do not agree" not in page_text(client.get(f"/evidence/{evidence.id}"))


def test_every_step_of_a_dispute_is_audited(enrolment):
    record = observation(enrolment)
    first = disputes.dispute(record, enrolment.learner, REASON)
    disputes.answer(first, enrolment.assessor, ANSWER)
    disputes.dispute(record, enrolment.learner, "Still wrong.")
    amendment = evidence_service.revise(record)
    evidence_service.submit(amendment, full_name=enrolment.assessor.name, confirmed=True)

    actions = audit_actions()
    assert actions.count("evidence.record_disputed") == 2
    assert "evidence.record_dispute_answered" in actions
    assert "evidence.record_dispute_amended" in actions
    entries = {
        e.action: e
        for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action.like("%dispute%"))
        )
    }
    disputed = entries["evidence.record_disputed"]
    assert disputed.actor_id == enrolment.learner_id
    assert disputed.details["reason"]["length"] == len("Still wrong.")
    assert entries["evidence.record_dispute_answered"].actor_id == enrolment.assessor_id
    amended = entries["evidence.record_dispute_amended"]
    assert amended.details["amended_by_evidence_id"] == amendment.id


def test_the_audit_trail_tells_a_dispute_in_sentences(enrolment):
    record = observation(enrolment)
    first = disputes.dispute(record, enrolment.learner, REASON)
    disputes.answer(first, enrolment.assessor, ANSWER)
    disputes.dispute(record, enrolment.learner, "Still wrong.")
    amendment = evidence_service.revise(record)
    evidence_service.submit(amendment, full_name=enrolment.assessor.name, confirmed=True)

    told = [
        (audit.label(e.action), audit_sentences.sentence(e))
        for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action.like("%dispute%")).order_by(AuditEntry.id)
        )
    ]

    learner, assessor = enrolment.learner.name, enrolment.assessor.name
    title = "“Observed: residents' panel”"
    assert told == [
        (
            "Learner disputed an assessor's record",
            f"{learner} disputed the assessor’s record {title} (version 1).",
        ),
        (
            "Assessor answered a dispute and kept the record",
            f"{assessor} answered {learner}’s dispute of the record {title} and kept it as it is.",
        ),
        (
            "Learner disputed an assessor's record",
            f"{learner} disputed the assessor’s record {title} (version 1).",
        ),
        (
            "Assessor amended a disputed record",
            f"{assessor} amended the record {title} for {learner} after a dispute (now version 2).",
        ),
    ]
