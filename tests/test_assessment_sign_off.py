"""The assessor signs off a unit once everything is met; the signed record provably stays as
it was, and reopening voids the sign-off visibly."""

import hashlib
import json

import pytest
from assessment_helpers import all_codes, assess, fully_met, sign, submitted
from people_helpers import PASSWORD, audit_actions, page_text

from portfolio.extensions import db
from portfolio.models import EvidenceFile, Judgement, Outcome, SignOff
from portfolio.services import evidence as evidence_service
from portfolio.services.assessment import document, signing
from portfolio.services.assessment.state import SignedOff


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def sign_off_form(enrolment, **overrides):
    data = {
        "revision": str(enrolment.revision),
        "password": PASSWORD,
        "full_name": enrolment.assessor.name,
        "confirm": "y",
    }
    data.update(overrides)
    return data


def test_sign_off_is_refused_with_the_list_of_what_is_missing(client, login_as, enrolment):
    evidence = submitted(enrolment, "PC1", "PC2")
    assess(evidence, outcomes={"PC2": "not_yet_met"})
    submitted(enrolment, "PC3", title="Evaluation notes")
    login_as(enrolment.assessor)

    page = page_text(client.get(f"/portfolio/{enrolment.id}/sign-off"))
    assert "You cannot sign off this unit yet" in page
    assert "PC2 is not yet met." in page
    assert "PC3 has not been judged yet." in page
    assert "K14 has not been judged yet." in page
    assert "“Evaluation notes” (version 1) is waiting for assessment." in page

    db.session.refresh(enrolment)
    response = client.post(f"/portfolio/{enrolment.id}/sign-off", data=sign_off_form(enrolment))
    assert response.status_code == 422
    assert "PC2 is not yet met." in page_text(response)
    assert db.session.scalars(db.select(SignOff)).all() == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"password": "wrong password"}, "The password is not right."),
        ({"full_name": "Somebody Else"}, "Type your full name as it appears on your account"),
        ({"confirm": ""}, "Confirm the declaration to sign off."),
    ],
)
def test_sign_off_needs_the_password_the_name_and_the_declaration(
    client, login_as, enrolment, overrides, message
):
    fully_met(enrolment)
    login_as(enrolment.assessor)
    db.session.refresh(enrolment)
    response = client.post(
        f"/portfolio/{enrolment.id}/sign-off", data=sign_off_form(enrolment, **overrides)
    )
    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.scalars(db.select(SignOff)).all() == []


def test_signing_off_stores_the_canonical_document_and_its_digest(client, login_as, enrolment):
    fully_met(enrolment)
    login_as(enrolment.assessor)
    db.session.refresh(enrolment)
    response = client.post(f"/portfolio/{enrolment.id}/sign-off", data=sign_off_form(enrolment))
    assert response.status_code == 302

    row = db.session.scalars(db.select(SignOff)).one()
    # An outsider with the document and sha256sum gets the same digest.
    assert hashlib.sha256(row.document.encode("utf-8")).hexdigest() == row.sha256
    assert row.document == json.dumps(
        json.loads(row.document), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    signed = json.loads(row.document)
    assert signed["standard"]["urn"] == enrolment.standard.urn
    assert [c["code"] for c in signed["standard"]["criteria"]] == all_codes(enrolment)
    assert {j["outcome"] for j in signed["judgements"]} == {"met"}
    assert signed["evidence"][0]["files"] == []
    assert signed["evidence"][0]["declaration"]["name"] == enrolment.learner.name
    assert signed["sign_off"]["signer"]["email"] == enrolment.assessor.email
    assert "assessment.signed_off" in audit_actions()

    client.post("/sign-out")
    login_as(enrolment.learner)
    page = page_text(client.get(f"/portfolio/{enrolment.id}"))
    assert f"by {enrolment.assessor.name}." in page and "Signed off on" in page
    assert row.sha256 in page


def _digest_now(row):
    return document.digest(document.encode(document.rebuild(row)))


@pytest.mark.parametrize(
    "change",
    [
        "judgement outcome",
        "judgement feedback",
        "evidence title",
        "account text",
        "file digest",
        "mapping justification",
        "declaration",
        "criterion text",
        "learner name",
    ],
)
def test_the_digest_changes_when_any_signed_input_changes(enrolment, change, client):
    from evidence_samples import photo_jpeg, upload

    from portfolio.models import ConsentStatus, Evidence

    evidence = submitted(enrolment, *all_codes(enrolment))
    # a file, so a file digest is signed too
    revision = evidence_service.revise(evidence)
    client.post("/sign-in", data={"email": enrolment.learner.email, "password": PASSWORD})
    assert upload(client, revision, (photo_jpeg(), "panel.jpg")).status_code == 201
    evidence_service.submit(revision, full_name=enrolment.learner.name, confirmed=True)
    assess(revision)
    row = sign(enrolment)
    assert _digest_now(row) == row.sha256

    signed = db.session.get(Evidence, revision.id)
    judgement = db.session.scalars(db.select(Judgement)).first()
    if change == "judgement outcome":
        judgement.outcome = Outcome.NOT_YET_MET
    elif change == "judgement feedback":
        judgement.feedback_md = "Changed afterwards."
    elif change == "evidence title":
        signed.title = "Another title"
    elif change == "account text":
        signed.account_md += " And more."
    elif change == "file digest":
        signed.files[0].sha256 = "f" * 64
    elif change == "mapping justification":
        signed.mappings[0].justification = "Something else."
    elif change == "declaration":
        signed.declaration_name = "Someone Else"
    elif change == "criterion text":
        enrolment.standard.criteria[0].text = "A different criterion."
    elif change == "learner name":
        enrolment.learner.name = "Renamed Learner"
    db.session.flush()
    assert _digest_now(row) != row.sha256
    assert signed.files[0].consent == ConsentStatus.NO_PEOPLE or change == "file digest"
    db.session.rollback()


def test_signoff_verify_matches_and_then_catches_a_judgement_edited_in_the_database(
    runner, enrolment
):
    fully_met(enrolment)
    row = sign(enrolment)

    result = runner.invoke(args=["signoff", "verify", enrolment.learner.email])
    assert result.exit_code == 0, result.output
    assert "MATCHES" in result.output and row.sha256 in result.output

    db.session.execute(
        db.update(Judgement)
        .where(Judgement.criterion_id == enrolment.standard.criterion("PC4").id)
        .values(outcome=Outcome.NOT_YET_MET)
    )
    db.session.commit()
    result = runner.invoke(args=["signoff", "verify", enrolment.learner.email])
    assert result.exit_code == 1
    assert "CHANGED" in result.output
    assert 'judgements[PC4].outcome: "met" signed, "not_yet_met" now' in result.output


def test_signoff_verify_catches_a_file_digest_edited_in_the_database(runner, client, enrolment):
    from evidence_samples import make_draft, pdf_document, upload

    draft = make_draft(enrolment)
    client.post("/sign-in", data={"email": enrolment.learner.email, "password": PASSWORD})
    assert upload(client, draft, (pdf_document(), "plan.pdf")).status_code == 201
    evidence_service.set_mappings(draft, {c: "All of it." for c in enrolment.standard.criteria})
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)
    assess(draft)
    sign(enrolment)

    db.session.execute(db.update(EvidenceFile).values(sha256="0" * 64))
    db.session.commit()
    result = runner.invoke(args=["signoff", "verify", enrolment.learner.email])
    assert result.exit_code == 1
    assert f"evidence[{draft.id}].files[plan.pdf].sha256: " in result.output
    assert f'"{"0" * 64}" now' in result.output


def test_signoff_verify_catches_an_edited_stored_document(runner, enrolment):
    fully_met(enrolment)
    row = sign(enrolment)
    row.document = row.document.replace('"outcome":"met"', '"outcome":"not_yet_met"', 1)
    db.session.commit()
    result = runner.invoke(args=["signoff", "verify", enrolment.learner.email])
    assert result.exit_code == 1
    assert "no longer hashes to the stored SHA-256" in result.output


def test_the_services_refuse_changes_under_a_sign_off(enrolment):
    evidence = fully_met(enrolment)
    sign(enrolment)
    with pytest.raises(SignedOff):
        evidence_service.revise(evidence)
    with pytest.raises(SignedOff):
        submitted(enrolment, "PC1", title="Something new")
    db.session.rollback()
    with pytest.raises(SignedOff):
        assess(evidence)


def test_reopening_voids_the_sign_off_visibly_and_a_later_one_has_its_own_digest(
    client, login_as, enrolment, make_user
):
    evidence = fully_met(enrolment)
    first = sign(enrolment)
    login_as(enrolment.assessor)
    db.session.refresh(enrolment)
    response = client.post(
        f"/portfolio/{enrolment.id}/reopen",
        data={"revision": str(enrolment.revision), "reason": "The witness withdrew consent."},
    )
    assert response.status_code == 302
    db.session.refresh(first)
    assert first.voided_at is not None and first.voided_by_id == enrolment.assessor_id
    assert "assessment.reopened" in audit_actions()

    admin = make_user("admin", provider=enrolment.cohort.provider)
    for person in (enrolment.learner, enrolment.iqa, admin):
        client.post("/sign-out")
        login_as(person)
        if person is admin:  # the administrator gets there from the cohort page
            cohort = page_text(client.get(f"/admin/cohorts/{enrolment.cohort_id}"))
            assert f'href="/portfolio/{enrolment.id}"' in cohort
        page = page_text(client.get(f"/portfolio/{enrolment.id}"))
        assert (
            f"Signed off on {first.signed_at:%-d %B %Y} by {first.signer_name}, voided on "
            f"{first.voided_at:%-d %B %Y} by {enrolment.assessor.name} because: "
            "The witness withdrew consent." in page
        )

    correction = evidence_service.revise(evidence)
    evidence_service.submit(correction, full_name=enrolment.learner.name, confirmed=True)
    assess(correction)
    second = sign(enrolment)
    assert second.sha256 != first.sha256
    assert len(db.session.scalars(db.select(SignOff)).all()) == 2


def test_reopening_needs_a_reason(client, login_as, enrolment):
    fully_met(enrolment)
    sign(enrolment)
    login_as(enrolment.assessor)
    db.session.refresh(enrolment)
    response = client.post(
        f"/portfolio/{enrolment.id}/reopen", data={"revision": str(enrolment.revision)}
    )
    assert response.status_code == 422
    assert "Give the reason you are reopening the unit." in page_text(response)
    assert signing.state.sign_off_in_force(enrolment) is not None


def test_signoff_verify_catches_a_document_and_digest_rewritten_together(runner, enrolment):
    fully_met(enrolment)
    row = sign(enrolment)
    row.document = row.document.replace('"outcome":"met"', '"outcome":"not_yet_met"', 1)
    row.sha256 = hashlib.sha256(row.document.encode()).hexdigest()
    db.session.commit()
    result = runner.invoke(args=["signoff", "verify", enrolment.learner.email])
    assert result.exit_code == 1
    assert "the audit trail recorded SHA-256" in result.output
