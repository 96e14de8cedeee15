"""People hear about work that concerns them: in the app (a list, and a count in the header)
and by email when a mail server is configured. Notifications live in the database, so every
worker process sees them."""

import email

import pytest
from assessment_helpers import ALL_RULES, assess, fully_met, sign, submitted
from people_helpers import page_text

from portfolio.extensions import db
from portfolio.models import Judgement, Notification
from portfolio.services import evidence as evidence_service
from portfolio.services.assessment import feedback, review, signing
from portfolio.services.assessment.review import MappingChoice
from portfolio.services.assessment.revision import Conflict


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def kinds(user) -> list[str]:
    rows = db.session.scalars(
        db.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    )
    return [row.kind for row in rows]


def test_each_assessment_event_notifies_the_person_it_concerns(enrolment):
    first = submitted(enrolment, "PC1")
    assess(first, outcomes={"PC1": "not_yet_met"})
    judgement = db.session.scalars(db.select(Judgement)).one()
    feedback.reply(judgement, enrolment.learner, "Which agenda do you mean?")
    feedback.reply(judgement, enrolment.assessor, "The one from the first workshop.")
    correction = evidence_service.revise(first)
    evidence_service.submit(correction, full_name=enrolment.learner.name, confirmed=True)
    assess(correction)
    fully_met(enrolment)
    sign(enrolment)
    db.session.refresh(enrolment)
    signing.reopen(
        enrolment, enrolment.assessor, reason="A date was wrong.", seen=enrolment.revision
    )

    assert kinds(enrolment.assessor) == [
        "evidence_submitted",
        "replied",
        "evidence_resubmitted",
        "evidence_submitted",
    ]
    assert kinds(enrolment.learner) == [
        "judged",
        "replied",
        "judged",
        "judged",
        "signed_off",
        "reopened",
    ]


def test_the_header_counts_unread_notifications_and_the_list_marks_them_read(
    client, login_as, enrolment
):
    submitted(enrolment, "PC1", title="Workshop")
    submitted(enrolment, "PC2", title="Evaluation")
    login_as(enrolment.assessor)

    page = page_text(client.get("/caseload"))
    assert 'data-notification-count="2"' in page
    listing = page_text(client.get("/notifications"))
    assert f"{enrolment.learner.name} submitted “Workshop”." in listing
    assert 'href="/evidence/' in listing

    client.post("/notifications/read")
    assert 'data-notification-count="0"' in page_text(client.get("/caseload"))


def test_with_a_mail_server_the_assessor_is_emailed_about_a_submission(smtp_server, enrolment):
    submitted(enrolment, "PC1", title="Workshop")
    [raw] = smtp_server.messages
    message = email.message_from_bytes(raw)
    assert message["To"] == enrolment.assessor.email
    assert "submitted “Workshop”" in message.get_payload(decode=True).decode()


def test_a_refused_change_sends_no_email(smtp_server, enrolment):
    evidence = submitted(enrolment, "PC1")
    smtp_server.messages.clear()
    db.session.refresh(enrolment)
    with pytest.raises(Conflict):
        review.assess(
            evidence,
            enrolment.assessor,
            seen=enrolment.revision - 1,
            rules=ALL_RULES,
            notes={},
            decisions={evidence.mappings[0].id: MappingChoice(True)},
            judgements={},
        )
    db.session.rollback()
    db.session.commit()
    assert smtp_server.messages == []
