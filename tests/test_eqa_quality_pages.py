"""An external quality assurer reads the internal quality assurance of the learners their grant
covers: the sampling records (what was sampled, the IQA's outcome and comments, the action and
the assessor's response, closed or open) and the countersignatures, in words written for them,
on pages that change nothing and are in the audit trail. Anyone else gets "not found"."""

import re
from datetime import timedelta

import pytest
from assessment_helpers import fully_met, sign
from people_helpers import PASSWORD, page_text

from portfolio.extensions import db
from portfolio.models import AuditEntry, EqaGrant, SampleKind, SampleOutcome
from portfolio.models._types import utcnow
from portfolio.services.quality import countersigning, plan, records
from portfolio.services.quality.decisions import decisions_on

DUE = utcnow().date() + timedelta(days=14)


def words(response) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def forms(response) -> list[str]:
    return re.findall(r'<form[^>]*action="([^"]*)"', page_text(response))


def signed_in(app, user):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def grant_to(eqa, enrolment, admin, days=30):
    row = EqaGrant(
        provider_id=enrolment.cohort.provider_id,
        eqa=eqa,
        granted_by=admin,
        enrolments=[enrolment],
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def quality_assured(make_enrolment, make_user):
    """A signed-off unit: the IQA did not agree with the PC1 judgement, the assessor responded
    and the IQA closed the action, agreed with the sign-off and countersigned it."""
    enrolment = make_enrolment()
    enrolment.assessor.name, enrolment.iqa.name = "Sam Assessor", "Jo Quality"
    db.session.commit()
    fully_met(enrolment)
    sign(enrolment)
    decisions = decisions_on([enrolment])
    pc1 = next(
        d for d in decisions
        if d.kind == SampleKind.JUDGEMENT and d.record.criterion.code == "PC1"
    )  # fmt: skip
    signed = next(d for d in decisions if d.kind == SampleKind.SIGN_OFF)
    judgement = plan.add(enrolment.iqa, enrolment, SampleKind.JUDGEMENT, pc1.record.id)
    records.record(
        judgement,
        enrolment.iqa,
        outcome=SampleOutcome.NOT_AGREED,
        rules_comment="One photo is thin evidence for PC1.",
        feedback_comment="The feedback does not say what the learner showed.",
        action="Write feedback that names what the learner did for PC1.",
        action_due=DUE,
    )
    records.respond(judgement, enrolment.assessor, response="I rewrote the feedback with her.")
    records.close(judgement, enrolment.iqa)
    sign_off = plan.add(enrolment.iqa, enrolment, SampleKind.SIGN_OFF, signed.record.id)
    records.record(
        sign_off,
        enrolment.iqa,
        outcome=SampleOutcome.AGREED,
        rules_comment="Valid, authentic, current and sufficient throughout.",
        feedback_comment="Clear feedback throughout.",
    )
    db.session.refresh(enrolment)
    countersigning.countersign(
        enrolment,
        enrolment.iqa,
        password=PASSWORD,
        full_name="Jo Quality",
        confirmed=True,
        seen=enrolment.revision,
    )
    admin = make_user("admin", provider=enrolment.cohort.provider, name="Ada Admin")
    eqa = make_user("eqa", provider=enrolment.cohort.provider, name="Eve External")
    return {"enrolment": enrolment, "eqa": eqa, "admin": admin, "judgement": judgement}


def test_an_eqa_with_a_grant_reads_the_sampling_records_and_the_countersignature(
    app, quality_assured
):
    enrolment, eqa = quality_assured["enrolment"], quality_assured["eqa"]
    grant_to(eqa, enrolment, quality_assured["admin"])
    client = signed_in(app, eqa)

    portfolio = page_text(client.get(f"/portfolio/{enrolment.id}"))
    link = f"/eqa/portfolio/{enrolment.id}/quality-assurance"
    assert f'href="{link}"' in portfolio
    page = client.get(link)
    assert page.status_code == 200
    text = words(page)

    assert "2 decisions sampled: 1 agreed, 1 not agreed; every action closed." in text
    assert "Judgement of PC1 (met) Sam Assessor Jo Quality" in text
    assert "Not agreed: action closed" in text and "Sign-off of the unit" in text
    assert "Countersigned On" in text and "by Jo Quality" in text and "In force" in text
    assert "Your assessor" not in text and "your plan" not in text.lower()
    assert forms(page) == ["/sign-out"]  # read-only: nothing to submit but signing out

    item = quality_assured["judgement"]
    record = client.get(f"/eqa/portfolio/{enrolment.id}/sampling-records/{item.id}")
    assert record.status_code == 200
    text = words(record)
    assert "One photo is thin evidence for PC1." in text
    assert "Write feedback that names what the learner did for PC1." in text
    assert "I rewrote the feedback with her." in text
    assert "Closed on" in text
    assert "Unchanged since it was sampled" in text
    assert "Sufficient: yes" in text
    assert forms(record) == ["/sign-out"] and "Your assessor" not in text


def test_the_eqa_pages_are_in_the_audit_trail(app, quality_assured):
    enrolment, eqa = quality_assured["enrolment"], quality_assured["eqa"]
    grant_to(eqa, enrolment, quality_assured["admin"])
    client = signed_in(app, eqa)
    item = quality_assured["judgement"]

    client.get(f"/eqa/portfolio/{enrolment.id}/quality-assurance")
    client.get(f"/eqa/portfolio/{enrolment.id}/sampling-records/{item.id}")

    viewed = db.session.scalars(
        db.select(AuditEntry)
        .where(AuditEntry.action == "eqa_viewed", AuditEntry.actor_id == eqa.id)
        .order_by(AuditEntry.id)
    ).all()
    assert [e.details["endpoint"] for e in viewed] == [
        "eqa.quality_assurance",
        "eqa.sampling_record",
    ]
    assert (
        viewed[1]
        .details["path"]
        .startswith(f"/eqa/portfolio/{enrolment.id}/sampling-records/{item.id}")
    )


def test_an_eqa_without_a_grant_or_for_another_learner_finds_nothing(
    app, quality_assured, make_enrolment
):
    enrolment, eqa = quality_assured["enrolment"], quality_assured["eqa"]
    item = quality_assured["judgement"]
    pages = [
        f"/eqa/portfolio/{enrolment.id}/quality-assurance",
        f"/eqa/portfolio/{enrolment.id}/sampling-records/{item.id}",
    ]
    client = signed_in(app, eqa)
    assert [client.get(url).status_code for url in pages] == [404, 404]

    # a grant for another learner of the same provider does not open this one
    other = make_enrolment(cohort=enrolment.cohort)
    grant_to(eqa, other, quality_assured["admin"])
    assert [client.get(url).status_code for url in pages] == [404, 404]
    # nor does this learner's sampling record under the other learner's address
    assert client.get(f"/eqa/portfolio/{other.id}/sampling-records/{item.id}").status_code == 404
    # the pages are the EQA's: the IQA and the administrator use their own
    for person in (enrolment.iqa, quality_assured["admin"]):
        assert signed_in(app, person).get(pages[0]).status_code == 404


def test_an_ended_grant_closes_the_pages(app, quality_assured):
    enrolment, eqa = quality_assured["enrolment"], quality_assured["eqa"]
    row = grant_to(eqa, enrolment, quality_assured["admin"])
    client = signed_in(app, eqa)
    url = f"/eqa/portfolio/{enrolment.id}/quality-assurance"
    assert client.get(url).status_code == 200
    row.ended_at = utcnow()
    db.session.commit()
    assert client.get(url).status_code == 404
