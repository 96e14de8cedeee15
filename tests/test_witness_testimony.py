"""Witness testimony: a learner or assessor asks a named witness, who has no account, for
testimony through a single-use link; it arrives as evidence awaiting the assessor's judgement."""

import email
import hashlib
import io
import re
from datetime import timedelta

import pytest
from assessment_helpers import assess, fully_met, sign, submitted
from evidence_samples import photo_jpeg, stored_files, windows_program
from people_helpers import PASSWORD, csrf_token, page_text

from portfolio.assessor.queue import waiting_for
from portfolio.extensions import db
from portfolio.models import (
    AuditEntry,
    ConsentStatus,
    Evidence,
    EvidenceStatus,
    Method,
    Notification,
    WitnessRequest,
)
from portfolio.models._types import utcnow
from portfolio.services import witness
from portfolio.services.audit_chain import verify
from portfolio.services.witness import WitnessProblem

MESSAGE = "What did the learner do to make sure residents' ideas shaped the festival?"
SEEN = {"seen_on-day": "14", "seen_on-month": "10", "seen_on-year": "2026"}


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def signed_in(app, person):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def ask(enrolment, requester=None, *codes, **overrides):
    """A request through the service, as the page makes it; returns (request, token)."""
    standard = enrolment.standard
    values = {
        "name": "Priya Shah",
        "email": "priya@harehills.example.org",
        "role": "Youth worker",
        "organisation": "Harehills Residents’ Association",
        "relationship": "Ran the youth panel with the learner",
        "criteria": [standard.criterion(code) for code in (codes or ("PC1", "PC3"))],
        "message": MESSAGE,
    }
    values.update(overrides)
    return witness.request_testimony(enrolment, requester or enrolment.learner, **values)


def request_form(**overrides):
    data = {
        "name": "Priya Shah",
        "email": "priya@harehills.example.org",
        "role": "Youth worker",
        "organisation": "Harehills Residents’ Association",
        "relationship": "Ran the youth panel with the learner",
        "criteria": ["PC1", "PC3"],
        "message": MESSAGE,
    }
    data.update(overrides)
    return data


def written_testimony(**overrides):
    data = {
        "witness_role": "Youth worker",
        "testimony_md": "I saw them run the **residents' workshop** on 3 March.",
        **SEEN,
        "confirm": "y",
        "action": "send",
    }
    data.update(overrides)
    return data


def give(client, token, files=(), **overrides):
    data = written_testimony(**overrides)
    if files:
        data["files"] = [(io.BytesIO(content), name) for content, name in files]
        data.setdefault("consent", "no_people")
    return client.post(f"/witness/{token}", data=data, content_type="multipart/form-data")


def audit_entries(action):
    return list(
        db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def link_on(response) -> str:
    match = re.search(r'id="witness-link"[^>]*>([^<]+)<', response.get_data(as_text=True))
    assert match, "no witness link on the page"
    return match.group(1).strip()


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


# ---------------------------------------------------------------------------- asking


def test_a_request_form_left_empty_names_every_missing_answer(app, enrolment):
    client = signed_in(app, enrolment.learner)

    response = client.post(f"/portfolio/{enrolment.id}/witnesses/new", data={})

    assert response.status_code == 422
    text = page_text(response)
    for message in (
        "Enter the witness's name.",
        "Enter an email address.",
        "Enter the witness's role",
        "Enter the witness's organisation or community group.",
        "Say how the witness knows the learner",
        "Choose at least one criterion the testimony is about.",
        "Write what you would like the witness to tell you.",
    ):
        assert message in text
    assert db.session.scalars(db.select(WitnessRequest)).all() == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "priya at harehills"}, "email", "is not an email address"),
        ({"name": "   "}, "name", "Enter the witness's name."),
        ({"role": "x" * 201}, "role", "200 characters or fewer"),
        ({"criteria": []}, "criteria", "Choose at least one criterion"),
        ({"message": ""}, "message", "Write what you would like the witness to tell you."),
    ],
)
def test_the_service_refuses_a_request_in_plain_words(enrolment, overrides, field, message):
    with pytest.raises(WitnessProblem) as refused:
        ask(enrolment, **overrides)
    assert refused.value.field == field
    assert message in refused.value.message


def test_the_learner_cannot_be_their_own_witness(enrolment):
    with pytest.raises(WitnessProblem, match="someone other than the learner"):
        ask(enrolment, email=enrolment.learner.email.upper())


def test_criteria_must_come_from_the_portfolios_standard(enrolment, standard):
    from portfolio.models import Criterion, CriterionKind, Standard

    other = Standard(urn="OTHER1", version="1", title="Another standard", content_hash="0" * 64)
    other.criteria = [Criterion(kind=CriterionKind.PERFORMANCE, code="PC1", text="Other")]
    db.session.add(other)
    db.session.flush()
    with pytest.raises(WitnessProblem, match="this portfolio's standard"):
        ask(enrolment, criteria=[other.criteria[0]])


def test_without_a_mail_server_the_link_is_shown_to_pass_on(app, enrolment):
    client = signed_in(app, enrolment.learner)

    response = client.post(f"/portfolio/{enrolment.id}/witnesses/new", data=request_form())

    assert response.status_code == 200
    link = link_on(response)
    assert link.startswith("http://localhost/witness/")
    assert "give it only to them" in page_text(response)
    row = db.session.scalars(db.select(WitnessRequest)).one()
    assert row.criteria == ["PC1", "PC3"]
    assert row.requested_by == enrolment.learner
    expected = utcnow() + timedelta(days=14)
    assert abs((row.expires_at - expected).total_seconds()) < 60
    assert app.test_client().get(link.removeprefix("http://localhost")).status_code == 200


def test_with_a_mail_server_the_link_is_emailed_and_not_shown(app, smtp_server, enrolment):
    client = signed_in(app, enrolment.assessor)

    response = client.post(f"/portfolio/{enrolment.id}/witnesses/new", data=request_form())

    assert response.status_code == 200
    assert 'id="witness-link"' not in response.get_data(as_text=True)
    assert "We have emailed Priya Shah (priya@harehills.example.org)" in page_text(response)
    [raw] = smtp_server.messages
    message = email.message_from_bytes(raw)
    assert message["To"] == "priya@harehills.example.org"
    body = message.get_payload(decode=True).decode()
    assert MESSAGE in body
    link = re.search(r"http://localhost/witness/\S+", body).group(0)
    assert app.test_client().get(link.removeprefix("http://localhost")).status_code == 200


def test_links_last_the_configured_number_of_days(app, enrolment):
    app.config["WITNESS_LINK_DAYS"] = 3
    row, _ = ask(enrolment)
    assert abs((row.expires_at - (utcnow() + timedelta(days=3))).total_seconds()) < 60


def test_the_token_is_stored_only_as_its_hash(app, enrolment):
    row, token = ask(enrolment)

    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    every_value = []
    for table in db.metadata.sorted_tables:
        for record in db.session.execute(table.select()):
            every_value.extend(str(value) for value in record)
    assert not any(token in value for value in every_value)


def test_only_the_learner_and_their_assessor_may_ask(app, enrolment, make_user):
    stranger = make_user("learner", provider=enrolment.cohort.provider)
    for person in (stranger, enrolment.iqa):
        client = signed_in(app, person)
        assert client.get(f"/portfolio/{enrolment.id}/witnesses/new").status_code == 404
    for person in (enrolment.learner, enrolment.assessor):
        client = signed_in(app, person)
        assert client.get(f"/portfolio/{enrolment.id}/witnesses/new").status_code == 200


def test_the_portfolio_page_offers_the_request_to_those_allowed(app, enrolment):
    for person, offered in ((enrolment.learner, True), (enrolment.assessor, True),
                            (enrolment.iqa, False)):  # fmt: skip
        page = page_text(signed_in(app, person).get(f"/portfolio/{enrolment.id}"))
        assert ("Ask a witness for testimony" in page) is offered, person


# --------------------------------------------------------------------------- the requests list


def test_the_requests_page_lists_each_request_with_its_status(app, enrolment):
    waiting, _ = ask(enrolment, name="Wendy Waiting", email="wendy@example.org")
    withdrawn, _ = ask(enrolment, name="Will Withdrawn", email="will@example.org")
    witness.revoke(withdrawn, enrolment.learner)

    response = signed_in(app, enrolment.learner).get(f"/portfolio/{enrolment.id}/witnesses")

    text = response.get_data(as_text=True)
    assert f'data-witness-request="{waiting.id}"' in text
    assert 'data-witness-status="waiting"' in text
    assert 'data-witness-status="withdrawn"' in text
    assert text.count("Withdraw the link") == 1


def test_the_requester_or_the_assessor_withdraws_a_link(app, enrolment, make_user):
    row, token = ask(enrolment)
    other = make_user("learner", provider=enrolment.cohort.provider)
    assert signed_in(app, other).post(f"/witness-requests/{row.id}/revoke").status_code == 404
    assert signed_in(app, enrolment.iqa).post(f"/witness-requests/{row.id}/revoke").status_code == (
        404
    )

    response = signed_in(app, enrolment.assessor).post(f"/witness-requests/{row.id}/revoke")

    assert response.status_code == 302
    db.session.refresh(row)
    assert row.revoked_at is not None and row.revoked_by_id == enrolment.assessor_id
    assert app.test_client().get(f"/witness/{token}").status_code == 410


# ------------------------------------------------------------------------------ the witness


def test_the_witness_sees_only_the_request(app, enrolment):
    submitted(enrolment, "PC2", title="Secret planning notes")
    row, token = ask(enrolment, enrolment.assessor)
    standard = enrolment.standard

    response = app.test_client().get(f"/witness/{token}")

    assert response.status_code == 200
    text = page_text(response)
    assert enrolment.learner.name in text
    assert MESSAGE in text
    assert enrolment.assessor.name in text
    for code in ("PC1", "PC3"):
        assert standard.criterion(code).text in text
    for code in ("PC2", "K1"):
        assert standard.criterion(code).text not in text
    for private in ("Secret planning notes", enrolment.learner.email, enrolment.assessor.email,
                    enrolment.cohort.name, "Your portfolio", "Notifications",
                    "Ran the youth panel with the learner"):  # fmt: skip
        assert private not in text
    links = re.findall(r'href="([^"]*)"', response.get_data(as_text=True))
    into_the_app = [
        href
        for href in links
        if not href.startswith("#")
        and href not in {"/", "/sign-in", "/standards"}
        and not href.startswith("/assets/")
    ]
    assert into_the_app == []


def test_a_testimony_arrives_as_submitted_evidence_in_the_assessors_queue(app, enrolment):
    row, token = ask(enrolment)
    witness_client = app.test_client()

    response = give(
        witness_client, token, files=[(photo_jpeg(), "workshop.jpg")], witness_role="Chair"
    )

    assert response.status_code == 302
    assert response.location.endswith("/witness/thank-you")
    thanks = page_text(witness_client.get(response.location))
    assert "Thank you for your testimony" in thanks
    assert f"Priya Shah, your testimony about {enrolment.learner.name}’s work" in thanks

    evidence = db.session.scalars(db.select(Evidence)).one()
    assert evidence.method == Method.WITNESS_TESTIMONY
    assert evidence.status == EvidenceStatus.SUBMITTED
    assert evidence.submitted_at is not None
    assert evidence.title == "Witness testimony from Priya Shah"
    assert evidence.witness_request_id == row.id
    assert evidence.declaration_name == "Priya Shah"
    assert "I am Chair at Harehills Residents’ Association" in evidence.declaration_text
    assert "residents' workshop" in evidence.account_md
    assert sorted(m.criterion.code for m in evidence.mappings) == ["PC1", "PC3"]
    assert all(
        m.justification
        == f"Witness testimony requested for this criterion by {enrolment.learner.name}."
        for m in evidence.mappings
    )
    [file] = evidence.files
    assert file.original_name == "workshop.jpg"
    assert file.consent == ConsentStatus.NO_PEOPLE
    assert file.shared_name and file.derivative_name  # the same copies a learner's photo gets
    db.session.refresh(row)
    assert row.used_at is not None and row.evidence_id == evidence.id
    assert row.witness_role == "Chair"
    assert waiting_for(enrolment.assessor) == [evidence]
    [note] = db.session.scalars(
        db.select(Notification).where(Notification.user_id == enrolment.assessor_id)
    )
    assert "Priya Shah gave witness testimony" in note.message


def test_the_assessor_judges_a_testimony_and_the_learner_cannot_rewrite_it(app, enrolment):
    row, token = ask(enrolment)
    give(app.test_client(), token)
    evidence = db.session.scalars(db.select(Evidence)).one()

    assessor = signed_in(app, enrolment.assessor)
    assert assessor.get(f"/evidence/{evidence.id}/assess").status_code == 200
    assess(evidence)
    assert waiting_for(enrolment.assessor) == []

    learner = signed_in(app, enrolment.learner)
    page = page_text(learner.get(f"/evidence/{evidence.id}"))
    assert (
        "Witness testimony from Priya Shah, Youth worker at Harehills Residents’ Association "
        "(Ran the youth panel with the learner)." in page
    )
    assert "Make a new version" not in page
    assert learner.post(f"/evidence/{evidence.id}/revise").status_code == 404
    assert learner.get(f"/evidence/{evidence.id}/edit").status_code == 404


def test_a_testimony_needs_its_words_and_the_confirmation(app, enrolment):
    row, token = ask(enrolment)
    client = app.test_client()

    response = give(client, token, testimony_md="  ", confirm="")

    assert response.status_code == 422
    assert "Write your testimony." in page_text(response)
    response = give(client, token, confirm="")
    assert response.status_code == 422
    assert "Confirm that your testimony is true." in page_text(response)
    assert db.session.scalars(db.select(Evidence)).all() == []


def test_the_preview_shows_sanitized_markdown_and_saves_nothing(app, enrolment):
    row, token = ask(enrolment)

    response = give(
        app.test_client(),
        token,
        testimony_md="They **led** it <script>alert(1)</script>",
        action="preview",
    )

    body = response.get_data(as_text=True)
    assert "<strong>led</strong>" in body
    assert "<script>alert(1)</script>" not in body
    assert db.session.scalars(db.select(Evidence)).all() == []


def test_a_refused_file_leaves_nothing_behind_and_the_link_still_works(app, enrolment):
    row, token = ask(enrolment)
    client = app.test_client()

    response = give(client, token, files=[(windows_program(), "photo.jpg")])

    assert response.status_code == 422
    assert "photo.jpg" in page_text(response)
    assert db.session.scalars(db.select(Evidence)).all() == []
    db.session.refresh(row)
    assert row.used_at is None and row.evidence_id is None
    assert [name for name in stored_files(app) if not name.startswith(".staging")] == []
    assert audit_entries("witness_testimony_given") == []
    assert give(client, token).status_code == 302


def test_files_showing_people_without_consent_are_refused(app, enrolment):
    row, token = ask(enrolment)

    response = give(
        app.test_client(), token, files=[(photo_jpeg(), "crowd.jpg")], consent="not_obtained"
    )

    assert response.status_code == 422
    assert "did not give their consent" in page_text(response)
    assert db.session.scalars(db.select(Evidence)).all() == []


def test_files_need_the_consent_answer(app, enrolment):
    row, token = ask(enrolment)

    response = give(app.test_client(), token, files=[(photo_jpeg(), "crowd.jpg")], consent="")

    assert response.status_code == 422
    assert "Say whether the files show people who can be identified" in page_text(response)


# ------------------------------------------------------------------------- links that fail


def use_up(row, token, app):
    assert give(app.test_client(), token).status_code == 302


def expire(row, token, app):
    row.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()


def withdraw(row, token, app):
    witness.revoke(row, row.enrolment.assessor)


@pytest.mark.parametrize(
    ("spoil", "status", "title", "sentence"),
    [
        (
            use_up,
            410,
            "This link has already been used",
            "the testimony was received on {today}. If you need to add something, ask "
            "{requester} for a new link.",
        ),
        (expire, 410, "This link has expired", "This link expired on {yesterday}."),
        (withdraw, 410, "This link was withdrawn", "This link was withdrawn by {assessor} on"),
    ],
    ids=["used", "expired", "withdrawn"],
)
def test_a_link_that_no_longer_works_says_why(app, enrolment, spoil, status, title, sentence):
    row, token = ask(enrolment)
    spoil(row, token, app)

    for method in ("get", "post"):
        response = getattr(app.test_client(), method)(f"/witness/{token}", data=written_testimony())
        assert response.status_code == status
        text = page_text(response)
        assert title in text
        assert (
            sentence.format(
                today=f"{utcnow():%-d %B %Y}",
                yesterday=f"{utcnow() - timedelta(days=1):%-d %B %Y}",
                requester=enrolment.learner.name,
                assessor=enrolment.assessor.name,
            )
            in text
        )
        assert "<form" not in response.get_data(as_text=True).split("<main", 1)[1]
    assert len(db.session.scalars(db.select(Evidence)).all()) == (1 if spoil is use_up else 0)


def test_an_unknown_link_is_not_valid(app):
    response = app.test_client().get("/witness/" + "x" * 43)

    assert response.status_code == 404
    assert "This link is not valid" in page_text(response)
    [entry] = audit_entries("witness_link_refused")
    assert entry.details["reason"] == "unknown"
    assert "x" * 43 not in str(entry.details)


def test_two_sends_of_one_link_make_one_testimony(app, enrolment):
    row, token = ask(enrolment)
    client = app.test_client()

    assert give(client, token).status_code == 302
    assert give(client, token).status_code == 410
    assert len(db.session.scalars(db.select(Evidence)).all()) == 1


def test_many_bad_links_from_one_address_are_stopped_for_a_while(app, enrolment):
    app.config["SIGNIN_MAX_FAILURES_PER_IP"] = 3
    row, token = ask(enrolment)
    guesser = app.test_client()
    for n in range(3):
        assert guesser.get(f"/witness/guess{n}").status_code == 404

    response = guesser.get("/witness/guess4")
    assert response.status_code == 429
    assert "Too many links that do not work were opened from your network" in page_text(response)
    assert guesser.get(f"/witness/{token}").status_code == 429
    assert len(audit_entries("witness_link_refused")) == 3  # a blocked try adds nothing

    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert elsewhere.get(f"/witness/{token}").status_code == 200


def test_a_testimony_into_a_signed_off_unit_is_refused(app, enrolment):
    row, token = ask(enrolment)
    fully_met(enrolment)
    sign(enrolment)
    client = app.test_client()

    page = client.get(f"/witness/{token}")
    assert "already been signed off" in page_text(page)
    assert 'name="testimony_md"' not in page.get_data(as_text=True)

    response = give(client, token)
    assert response.status_code == 422
    assert "already been signed off" in page_text(response)
    assert (
        db.session.scalars(
            db.select(Evidence).where(Evidence.method == Method.WITNESS_TESTIMONY)
        ).all()
        == []
    )
    db.session.refresh(row)
    assert row.used_at is None


def test_no_request_is_made_for_a_signed_off_unit(enrolment):
    fully_met(enrolment)
    sign(enrolment)
    with pytest.raises(Exception, match="signed off"):
        ask(enrolment)


def test_every_step_is_in_the_audit_trail(app, enrolment):
    row, token = ask(enrolment)
    other, other_token = ask(enrolment, name="Will Withdrawn", email="will@example.org")
    witness.revoke(other, enrolment.learner)
    app.test_client().get(f"/witness/{other_token}")
    give(app.test_client(), token)

    [requested, _] = audit_entries("witness_requested")
    assert requested.actor_id == enrolment.learner_id
    assert requested.subject_id == enrolment.learner_id
    assert requested.provider_id == enrolment.cohort.provider_id
    assert requested.details["witness"]["name"] == "Priya Shah"
    assert requested.details["criteria"] == ["PC1", "PC3"]
    assert requested.details["by_email"] is False
    [revoked] = audit_entries("witness_link_revoked")
    assert revoked.actor_id == enrolment.learner_id
    assert revoked.details["witness"] == "Will Withdrawn"
    [refused] = audit_entries("witness_link_refused")
    assert refused.actor_id is None
    assert refused.details["reason"] == "withdrawn"
    assert refused.details["ip"] == "127.0.0.1"
    [given] = audit_entries("witness_testimony_given")
    assert given.actor_id is None
    assert given.object_type == "WitnessRequest" and given.object_id == str(row.id)
    assert given.details["witness"] == "Priya Shah"
    assert given.details["evidence_id"] == db.session.scalars(db.select(Evidence.id)).one()
    assert verify().ok


def test_the_witness_form_carries_the_csrf_token_without_an_account(app, enrolment):
    row, token = ask(enrolment)
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()

    assert give(client, token).status_code == 400
    form_token = csrf_token(client.get(f"/witness/{token}"))
    assert give(client, token, csrf_token=form_token).status_code == 302


def test_nobody_receives_a_witness_photo_as_uploaded_the_learner_included(app, enrolment):
    row, token = ask(enrolment)
    give(app.test_client(), token, files=[(photo_jpeg(), "workshop.jpg")])
    [file] = db.session.scalars(db.select(Evidence)).one().files
    with signed_in(app, enrolment.learner).get(f"/files/{file.id}") as response:
        received = response.get_data()
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/jpeg"
    assert received and hashlib.sha256(received).hexdigest() != file.sha256  # the copy


def test_the_learner_cannot_give_testimony_about_themselves(app, enrolment):
    row, token = ask(enrolment)
    response = signed_in(app, enrolment.learner).get(f"/witness/{token}")
    assert response.status_code == 403
    assert f"This link is for {row.witness_name}" in page_text(response)
