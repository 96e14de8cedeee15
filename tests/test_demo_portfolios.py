"""The demo shows the product: its learners' portfolios are at different stages, built through
the real services, and its two providers never see each other's people."""

import re

import pytest

from portfolio.extensions import db
from portfolio.models import Evidence, EvidenceFile, User

LEARNER_PASSWORD = "demo-learner-password"


@pytest.fixture
def demo(runner, standard):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return {line.split()[1]: line.split()[2] for line in result.output.splitlines()}


@pytest.fixture
def sign_in(client, demo):
    def sign_in(email):
        client.post("/sign-out")
        response = client.post("/sign-in", data={"email": email, "password": demo[email]})
        assert response.status_code == 302, email
        return client

    return sign_in


def page(client, url) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def criterion_statuses(html: str) -> dict[str, str]:
    """Criterion code -> the status the portfolio's task list shows for it."""
    found = re.findall(r'data-criterion="(\w+)">\s*(?:<strong[^>]*>)?([^<]+?)\s*<', html)
    return dict(found)


def test_lee_has_just_started_with_one_draft_and_nothing_met(sign_in):
    html = page(sign_in("learner1@demo.example.org"), "/portfolio")

    assert "First conversation with the Thursday reading group" in html
    assert "Draft" in html
    assert "0 of 13 performance criteria met, 0 of 14 knowledge items met" in html
    statuses = criterion_statuses(html)
    assert len(statuses) == 27
    assert statuses["PC1"] == "In a draft"  # the draft's mapping, not yet submitted
    assert "Met" not in statuses.values()


def test_leah_is_mid_way_with_criteria_met_one_not_yet_met_and_a_record_to_confirm(sign_in):
    client = sign_in("learner2@demo.example.org")
    html = page(client, "/portfolio")

    statuses = criterion_statuses(html)
    assert statuses["PC1"] == statuses["K8"] == "Met"
    assert statuses["PC4"] == "Not yet met"
    assert "Version 2" in html  # the corrected plan, resubmitted
    criterion = page(client, client.get("/portfolio").location + "/criteria/PC4")
    assert "What is missing for <strong>PC4</strong> is the <strong>budget</strong>" in criterion
    observation = db.session.scalars(
        db.select(Evidence).where(Evidence.title.startswith("Observation: mural design"))
    ).one()
    record = page(client, f"/evidence/{observation.id}")
    assert "Awaiting Leah Learner’s confirmation" in record
    assert f"/evidence/{observation.id}/confirm" in record


def test_the_assessor_finds_leahs_resubmission_in_the_queue(sign_in):
    html = page(sign_in("assessor@demo.example.org"), "/caseload/queue")

    assert "Project plan for the Eastfield Park mural" in html
    assert "Resubmission (version 2)" in html
    assert "Leah Learner" in html


def test_luis_has_every_criterion_met_and_the_unit_signed_off(sign_in, runner):
    html = page(sign_in("learner3@demo.example.org"), "/portfolio")

    assert "Signed off on" in html
    assert "13 of 13 performance criteria met, 14 of 14 knowledge items met" in html
    verified = runner.invoke(args=["signoff", "verify", "learner3@demo.example.org"])
    assert verified.exit_code == 0, verified.output
    assert "MATCHES" in verified.output


def test_each_providers_administrator_sees_only_their_own_people(sign_in):
    demo_people = page(sign_in("admin@demo.example.org"), "/admin/people")
    northern_people = page(sign_in("admin@northern.example.org"), "/admin/people")

    for name in ("Sam Assessor", "Leah Learner", "Luis Learner"):
        assert name in demo_people
        assert name not in northern_people
    for name in ("Ned Assessor", "Nell Learner"):
        assert name in northern_people
        assert name not in demo_people


def test_the_second_providers_learner_has_submitted_evidence_for_their_assessor(sign_in):
    html = page(sign_in("assessor@northern.example.org"), "/caseload/queue")

    assert "Planning a schools project with Millbeck Colliery Band" in html
    assert "Leah Learner" not in html


def test_the_demo_files_are_real_a_photo_a_voice_note_and_a_pdf(sign_in):
    client = sign_in("learner2@demo.example.org")
    files = {
        f.original_name: f
        for f in db.session.scalars(
            db.select(EvidenceFile).join(EvidenceFile.evidence).join(Evidence.enrolment)
        )
        if f.evidence.enrolment.learner.email == "learner2@demo.example.org"
    }

    photo = fetch(client, f"/files/{files['youth-panel-ideas-wall.jpg'].id}/display")
    assert (photo.content_type, photo.data[:2]) == ("image/jpeg", b"\xff\xd8")
    voice = fetch(client, f"/files/{files['walk-round-voice-note.wav'].id}")
    assert voice.content_type == "audio/wav"
    assert (voice.data[:4], voice.data[8:12]) == (b"RIFF", b"WAVE")
    plan = fetch(client, f"/files/{files['mural-project-plan.pdf'].id}")
    assert (plan.content_type, plan.data[:4]) == ("application/pdf", b"%PDF")


def fetch(client, url):
    """A file's response, read and closed (stored files are streamed)."""
    with client.get(url) as response:
        assert response.status_code == 200, url
        response.get_data()  # read it all before the stream closes
        return response


def test_running_the_demo_twice_changes_nothing(runner, demo):
    def count(model):
        return db.session.scalar(db.select(db.func.count()).select_from(model))

    before = (count(Evidence), count(EvidenceFile), count(User))

    again = runner.invoke(args=["demo"])

    assert again.exit_code == 0, again.output
    assert (count(Evidence), count(EvidenceFile), count(User)) == before
    assert before[0] > 10
