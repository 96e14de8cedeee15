"""Assessor-led evidence: the assessor records an observation, professional discussion or
questioning; the learner sees it, awaiting their confirmation, and confirms it is accurate."""

import pytest
from assessment_helpers import assess
from evidence_samples import photo_jpeg, upload
from people_helpers import audit_actions, date_boxes, page_text

from portfolio.extensions import db
from portfolio.models import Evidence, Method, Notification
from portfolio.services.assessment import state


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def record_observation(client, enrolment, **overrides):
    data = {
        "title": "Observed: first co-production workshop",
        **date_boxes("activity_date", "2026-10-02"),
        "method": "observation",
        "context": "Community hall, Leeds",
        "account_md": "Lee opened the session and **asked** the panel what mattered to them.",
        "action": "save",
    }
    data.update(overrides)
    return client.post(f"/portfolio/{enrolment.id}/records/new", data=data)


def test_an_assessor_records_an_observation_and_the_learner_confirms_it(
    client, login_as, enrolment
):
    login_as(enrolment.assessor)
    response = record_observation(client, enrolment)
    assert response.status_code == 302
    record = db.session.scalars(db.select(Evidence)).one()
    assert record.recorded_by_id == enrolment.assessor_id and record.is_draft
    assert record.method == Method.OBSERVATION and record.context == "Community hall, Leeds"

    # the same upload path and mapping pages as a learner's evidence
    assert upload(client, record, (photo_jpeg(), "workshop.jpg")).status_code == 201
    client.post(
        f"/evidence/{record.id}/mappings",
        data={"criteria": ["PC5"], "justification-PC5": "Seen leading the session."},
    )
    submit_page = page_text(client.get(f"/evidence/{record.id}/submit"))
    assert "accurate record of what I observed" in submit_page
    response = client.post(
        f"/evidence/{record.id}/submit",
        data={"full_name": enrolment.assessor.name, "confirm": "y"},
    )
    assert response.status_code == 302

    client.post("/sign-out")
    login_as(enrolment.learner)
    page = page_text(client.get(f"/evidence/{record.id}"))
    assert "Observation recorded by " + enrolment.assessor.name in page
    assert f"Awaiting {enrolment.learner.name}’s confirmation" in page
    notices = page_text(client.get("/notifications"))
    assert "check it and confirm it is accurate" in notices

    response = client.post(f"/evidence/{record.id}/confirm", data={})
    assert response.status_code == 422
    assert "Tick the box to confirm the record is accurate" in page_text(response)

    response = client.post(f"/evidence/{record.id}/confirm", data={"agree": "y"})
    assert response.status_code == 302
    db.session.refresh(record)
    assert record.learner_confirmed_at is not None
    assert "evidence.record_confirmed" in audit_actions()
    assert (
        db.session.scalars(db.select(Notification).where(Notification.kind == "record_confirmed"))
        .one()
        .user_id
        == enrolment.assessor_id
    )


def test_a_record_draft_is_the_assessors_own(client, login_as, enrolment):
    login_as(enrolment.assessor)
    record_observation(client, enrolment)
    record = db.session.scalars(db.select(Evidence)).one()
    client.post("/sign-out")
    login_as(enrolment.learner)
    assert client.get(f"/evidence/{record.id}").status_code == 404


def test_a_record_needs_a_place_and_an_assessor_led_method(client, login_as, enrolment):
    login_as(enrolment.assessor)
    response = record_observation(client, enrolment, context="", method="reflective_account")
    text = page_text(response)
    assert response.status_code == 200
    assert "Say where this took place, or in what context." in text
    assert "Choose observation, professional discussion or questioning." in text
    assert db.session.scalars(db.select(Evidence)).all() == []


def test_learners_cannot_record_assessor_led_evidence(client, login_as, enrolment):
    login_as(enrolment.learner)
    assert record_observation(client, enrolment).status_code == 404


def test_sign_off_waits_for_the_learners_confirmation(client, login_as, enrolment):
    from portfolio.services import evidence as evidence_service
    from portfolio.services.assessment import records

    record = records.create_record(
        enrolment,
        enrolment.assessor,
        title="Professional discussion",
        activity_date=__import__("datetime").date(2026, 10, 3),
        method=Method.PROFESSIONAL_DISCUSSION,
        context="Online call",
        account_md="We discussed each criterion.",
    )
    evidence_service.set_mappings(record, {c: "Discussed." for c in enrolment.standard.criteria})
    evidence_service.submit(record, full_name=enrolment.assessor.name, confirmed=True)
    assess(record)
    missing = state.missing_for_sign_off(enrolment)
    assert missing == [
        f"{enrolment.learner.name} has not yet confirmed that “Professional discussion” is an "
        "accurate record."
    ]
    records.confirm(record, enrolment.learner, agreed=True)
    assert state.missing_for_sign_off(enrolment) == []
