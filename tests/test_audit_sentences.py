"""A provider's manager reads the audit trail in sentences ("Sam Assessor judged PC1 met for
Leah Learner"), and downloads what the filters select as CSV."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from assessment_helpers import assess, submitted
from flask_login import login_user
from people_helpers import page_text

from portfolio.extensions import db
from portfolio.models import AuditEntry
from portfolio.services import audit, eqa_access


@pytest.fixture
def people(app, make_user, make_cohort, make_enrolment):
    admin = make_user("admin", name="Ada Admin")
    provider = admin.provider
    enrolment = make_enrolment(
        cohort=make_cohort(provider=provider),
        learner=make_user("learner", provider=provider, name="Leah Learner"),
        assessor=make_user("assessor", provider=provider, name="Sam Assessor"),
    )
    eqa = make_user("eqa", provider=provider, name="Eve External")
    return admin, enrolment, eqa


def assessed(app, enrolment):
    with app.test_request_context():
        login_user(enrolment.learner)  # the learner submits, as on the page
        evidence = submitted(enrolment, "PC1", "PC2", title="Youth forum minutes")
    assess(evidence, outcomes={"PC1": "met", "PC2": "not_yet_met"})
    return evidence


def sentences(response) -> list[str]:
    page = page_text(response)
    return [chunk.split("</td>")[0] for chunk in page.split("data-audit-sentence>")[1:]]


def test_the_audit_page_tells_what_happened_in_sentences(app, client, login_as, people):
    admin, enrolment, eqa = people
    assessed(app, enrolment)
    eqa_access.record_view(eqa, f"/portfolio/{enrolment.id}?", "learner.portfolio")
    qa_page = f"/eqa/portfolio/{enrolment.id}/quality-assurance?"
    eqa_access.record_view(eqa, qa_page, "eqa.quality_assurance")
    login_as(admin)

    response = client.get("/admin/audit")
    said, page = sentences(response), page_text(response)

    assert "Sam Assessor judged PC1 met for Leah Learner." in said
    assert "Sam Assessor judged PC2 not yet met for Leah Learner." in said
    assert "Leah Learner submitted “Youth forum minutes” (version 1) for PC1 and PC2." in said
    assert "Leah Learner started “Youth forum minutes”." in said
    assert "Sam Assessor accepted PC1 and PC2 on “Youth forum minutes” for Leah Learner." in said
    assert (
        "Sam Assessor checked the rules of evidence on “Youth forum minutes” for Leah Learner: "
        "valid, authentic, current and sufficient." in said
    )
    assert "Eve External viewed Leah Learner’s portfolio page." in said
    assert "Eve External viewed Leah Learner’s internal quality assurance page." in said
    assert "Ada Admin signed in." in said
    # No developer output: endpoint names, raw paths or dictionaries.
    assert "learner.portfolio" not in page and "endpoint" not in page.lower()
    assert "{'" not in page and "assessment.judged" not in page.split("<table")[1]


def test_an_event_without_a_sentence_reads_as_its_label_and_details(client, login_as, people):
    admin, _, _ = people
    audit.record("something_new", admin, actor=admin, cohort_name="Spring", changed=["a", "b"])
    db.session.commit()
    login_as(admin)

    response = client.get("/admin/audit", query_string={"action": "something_new"})

    assert sentences(response) == ["Something new, by Ada Admin."]
    assert "Changed: a, b" in page_text(response) and "Cohort name: Spring" in page_text(response)


def test_the_csv_download_holds_the_filtered_entries_and_is_itself_audited(
    app, client, login_as, people
):
    admin, enrolment, _ = people
    assessed(app, enrolment)
    judged = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "assessment.judged")
    ).all()
    db.session.execute(
        db.update(AuditEntry)
        .where(AuditEntry.id == judged[0].id)
        .values(at=datetime(2026, 7, 1, 12, 0, tzinfo=UTC))
    )
    db.session.commit()
    login_as(admin)

    page = client.get("/admin/audit", query_string={"action": "assessment.judged"})
    assert 'href="/admin/audit.csv?action=assessment.judged"' in page.get_data(as_text=True)
    response = client.get("/admin/audit.csv", query_string={"action": "assessment.judged"})

    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert list(rows[0]) == [
        "Time (UK)",
        "Who",
        "What",
        "About whom",
        "Action code",
        "Details (JSON)",
    ]
    assert len(rows) == 2 and {r["Action code"] for r in rows} == {"assessment.judged"}
    summer = next(r for r in rows if r["Time (UK)"].startswith("2026-07-01"))
    assert summer["Time (UK)"] == "2026-07-01 13:00:00"  # 12:00 UTC in British Summer Time
    assert summer["Who"] == "Sam Assessor" and summer["About whom"] == "Leah Learner"
    assert summer["What"].startswith("Sam Assessor judged PC")
    assert json.loads(summer["Details (JSON)"])["code"] in {"PC1", "PC2"}
    download = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "audit.exported")
    ).one()
    assert download.actor_id == admin.id and download.details["rows"] == 2
    assert download.details["filters"] == {"action": "assessment.judged"}


def test_security_events_read_as_sentences_too(people):
    from portfolio.services.audit_sentences import sentence

    admin, enrolment, _ = people
    reset = audit.record("password_reset_requested", email="leah@example.org", ip="192.0.2.1")
    too_often = audit.record("password_reset_request_over_limit", email="leah@example.org")
    wrong = audit.record(
        "signing_password_wrong",
        actor=enrolment.assessor,
        subject=enrolment.assessor,
        signing="sign-off",
        enrolment_id=enrolment.id,
    )
    elsewhere = audit.record("signed_out_elsewhere", admin, actor=admin)
    db.session.commit()

    assert sentence(reset) == "A password reset link was asked for, for leah@example.org."
    assert sentence(too_often) == (
        "A password reset link for leah@example.org was asked for too often, so none was sent."
    )
    assert sentence(wrong) == "Sam Assessor entered a wrong password to sign off."
    assert sentence(elsewhere) == "Ada Admin signed out on every other device."
