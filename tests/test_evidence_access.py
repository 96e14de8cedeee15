"""Who may see a learner's evidence and its files, and who may change it (only the learner)."""

import pytest
from evidence_samples import make_draft, pdf_document, photo_jpeg, upload

from portfolio.extensions import db
from portfolio.models import EvidenceFile


@pytest.fixture
def portfolio(make_enrolment, client, login_as):
    """A learner's draft with a photo, mapped to PC3; the client is then signed out."""
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    evidence = make_draft(enrolment)
    upload(client, evidence, (photo_jpeg(), "session.jpg"))
    client.post(
        f"/evidence/{evidence.id}/mappings",
        data={"criteria": ["PC3"], "justification-PC3": "Objectives."},
    )
    client.post("/sign-out")
    photo = db.session.scalars(db.select(EvidenceFile)).one()
    return enrolment, evidence, photo


def pages(enrolment, evidence, photo):
    return [
        f"/portfolio/{enrolment.id}",
        f"/portfolio/{enrolment.id}/criteria/PC3",
        f"/evidence/{evidence.id}",
        f"/files/{photo.id}",
        f"/files/{photo.id}/display",
    ]


def changes(enrolment, evidence, photo):
    return [
        (f"/portfolio/{enrolment.id}/evidence/new", {"title": "Sneaky"}),
        (f"/evidence/{evidence.id}/edit", {"title": "Changed by someone else"}),
        (f"/evidence/{evidence.id}/mappings", {"criteria": []}),
        (f"/evidence/{evidence.id}/submit", {"full_name": "x", "confirm": "y"}),
        (f"/evidence/{evidence.id}/files/{photo.id}/delete", {}),
        (f"/evidence/{evidence.id}/revise", {}),
    ]


def assert_cannot_change(client, portfolio):
    for url, data in changes(*portfolio):
        assert client.post(url, data=data).status_code == 404, url
    assert upload(client, portfolio[1], (pdf_document(), "x.pdf")).status_code == 404
    db.session.expire_all()
    evidence = portfolio[1]
    assert evidence.title == "Planning meeting with the youth panel"
    assert len(evidence.files) == 1 and len(evidence.mappings) == 1


def test_learner_cannot_open_another_learners_evidence(client, login_as, make_enrolment, portfolio):
    enrolment = portfolio[0]
    other = make_enrolment(cohort=enrolment.cohort)
    login_as(other.learner)
    for url in pages(*portfolio):
        with client.get(url) as response:
            assert response.status_code == 404, url
    assert_cannot_change(client, portfolio)


def test_assessor_not_on_the_caseload_cannot_see_the_evidence(
    client, login_as, make_user, portfolio
):
    enrolment = portfolio[0]
    login_as(make_user("assessor", provider=enrolment.cohort.provider))
    for url in pages(*portfolio):
        with client.get(url) as response:
            assert response.status_code == 404, url


def test_admin_of_another_provider_cannot_see_the_evidence(client, login_as, make_user, portfolio):
    login_as(make_user("admin"))
    for url in pages(*portfolio):
        with client.get(url) as response:
            assert response.status_code == 404, url


@pytest.mark.parametrize("who", ["assessor", "iqa", "admin"])
def test_the_learners_assessor_iqa_and_admins_see_it_but_cannot_change_it(
    client, login_as, make_user, portfolio, who
):
    enrolment = portfolio[0]
    person = {
        "assessor": enrolment.assessor,
        "iqa": enrolment.iqa,
        "admin": make_user("admin", provider=enrolment.cohort.provider),
    }[who]
    login_as(person)
    for url in pages(*portfolio):
        with client.get(url) as response:
            assert response.status_code == 200, url
    page = client.get(f"/portfolio/{enrolment.id}").get_data(as_text=True)
    assert f"{enrolment.learner.name}’s portfolio" in page
    assert "Add evidence" not in page
    evidence_page = client.get(f"/evidence/{portfolio[1].id}").get_data(as_text=True)
    assert "Add files" not in evidence_page and "Submit for assessment" not in evidence_page
    assert "Remove" not in evidence_page
    assert_cannot_change(client, portfolio)


def test_signed_out_visitors_are_asked_to_sign_in(client, portfolio):
    for url in pages(*portfolio):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.location, url
