"""The audit trail says what each change to evidence was, not only that something changed, so
a quality assurer can reconstruct a draft's history."""

import hashlib
from datetime import date

import pytest
from evidence_samples import make_draft

from portfolio.extensions import db
from portfolio.models import AuditEntry


@pytest.fixture
def enrolment(make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    return enrolment


def last_entry(action: str) -> AuditEntry:
    return db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
    ).first()


def digest(text: str) -> dict:
    return {"sha256": hashlib.sha256(text.encode()).hexdigest(), "length": len(text)}


def details_form(**overrides):
    data = {
        "title": "Planning meeting with the youth panel",
        "activity_date-day": "1",
        "activity_date-month": "10",
        "activity_date-year": "2026",
        "method": "observation",
        "account_md": "We agreed the **objectives** together.",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_a_new_draft_is_recorded_with_its_details_and_a_digest_of_the_account(enrolment):
    draft = make_draft(enrolment)
    entry = last_entry("evidence.created")
    assert entry.object_id == str(draft.id)
    assert entry.details["title"] == "Planning meeting with the youth panel"
    assert entry.details["activity_date"] == "2026-10-01"
    assert entry.details["method"] == "observation"
    assert entry.details["account_md"] == digest("We agreed the **objectives** together.")


def test_changing_a_draft_records_the_old_and_new_value_of_each_changed_field(client, enrolment):
    draft = make_draft(enrolment)
    response = client.post(
        f"/evidence/{draft.id}/edit",
        data=details_form(
            title="Planning meeting, second session",
            method="reflective_account",
            **{"activity_date-day": "2"},
            account_md="We agreed the objectives and a timetable.",
        ),
    )
    assert response.status_code == 302
    entry = last_entry("evidence.updated")
    assert entry.details["changes"] == {
        "title": {
            "old": "Planning meeting with the youth panel",
            "new": "Planning meeting, second session",
        },
        "activity_date": {"old": "2026-10-01", "new": "2026-10-02"},
        "method": {"old": "observation", "new": "reflective_account"},
        "account_md": {
            "old": digest("We agreed the **objectives** together."),
            "new": digest("We agreed the objectives and a timetable."),
        },
    }
    # The account's words stay in the evidence, not in the audit trail.
    assert "timetable" not in str(entry.details)
    assert draft.activity_date == date(2026, 10, 2)


def test_a_save_that_changes_only_the_title_records_only_the_title(client, enrolment):
    draft = make_draft(enrolment)
    client.post(f"/evidence/{draft.id}/edit", data=details_form(title="  Panel planning  "))
    entry = last_entry("evidence.updated")
    assert entry.details["fields"] == ["title"]
    assert entry.details["changes"] == {
        "title": {"old": "Planning meeting with the youth panel", "new": "Panel planning"}
    }


def test_mapping_changes_record_each_criterion_with_its_justification(client, enrolment):
    draft = make_draft(enrolment)
    client.post(
        f"/evidence/{draft.id}/mappings",
        data={
            "criteria": ["PC3", "PC9"],
            "justification-PC3": "The panel set the objectives.",
            "justification-PC9": "I kept the panel up to date.",
        },
    )
    first = last_entry("evidence.mappings_changed")
    assert first.details["added"] == [
        {"code": "PC3", "justification": "The panel set the objectives."},
        {"code": "PC9", "justification": "I kept the panel up to date."},
    ]
    client.post(
        f"/evidence/{draft.id}/mappings",
        data={
            "criteria": ["PC3", "K2"],
            "justification-PC3": "The panel set the objectives and the format.",
            "justification-K2": "Shows how the partnership helped the panel.",
        },
    )
    second = last_entry("evidence.mappings_changed")
    assert second.details["added"] == [
        {"code": "K2", "justification": "Shows how the partnership helped the panel."}
    ]
    assert second.details["changed"] == [
        {
            "code": "PC3",
            "old": "The panel set the objectives.",
            "new": "The panel set the objectives and the format.",
        }
    ]
    assert second.details["removed"] == [
        {"code": "PC9", "justification": "I kept the panel up to date."}
    ]
