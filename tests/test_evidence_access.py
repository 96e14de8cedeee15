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


@pytest.fixture
def submitted_portfolio(portfolio, client, login_as):
    """The same evidence, submitted for assessment; the client is then signed out."""
    enrolment, evidence, _ = portfolio
    login_as(enrolment.learner)
    response = client.post(
        f"/evidence/{evidence.id}/submit",
        data={"full_name": enrolment.learner.name, "confirm": "y"},
    )
    assert response.status_code == 302
    client.post("/sign-out")
    return portfolio


def staff(who, enrolment, make_user):
    return {
        "assessor": enrolment.assessor,
        "iqa": enrolment.iqa,
        "admin": make_user("admin", provider=enrolment.cohort.provider),
    }[who]


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
def test_a_draft_is_the_learners_own_until_submitted(client, login_as, make_user, portfolio, who):
    enrolment, evidence, photo = portfolio
    login_as(staff(who, enrolment, make_user))
    for url in pages(*portfolio)[2:]:
        with client.get(url) as response:
            assert response.status_code == 404, url
    page = client.get(f"/portfolio/{enrolment.id}").get_data(as_text=True)
    assert evidence.title not in page
    assert "0 of 13 performance criteria, 0 of 14 knowledge items" in page
    criterion_page = client.get(f"/portfolio/{enrolment.id}/criteria/PC3").get_data(as_text=True)
    assert "No evidence is mapped to PC3 yet." in criterion_page


@pytest.mark.parametrize("who", ["assessor", "iqa", "admin"])
def test_the_learners_assessor_iqa_and_admins_see_submitted_evidence_but_cannot_change_it(
    client, login_as, make_user, submitted_portfolio, who
):
    enrolment, evidence, _ = submitted_portfolio
    login_as(staff(who, enrolment, make_user))
    for url in pages(*submitted_portfolio):
        with client.get(url) as response:
            assert response.status_code == 200, url
    page = client.get(f"/portfolio/{enrolment.id}").get_data(as_text=True)
    assert f"{enrolment.learner.name}’s portfolio" in page
    assert evidence.title in page
    assert "Add evidence" not in page
    evidence_page = client.get(f"/evidence/{evidence.id}").get_data(as_text=True)
    assert "Add files" not in evidence_page and "Submit for assessment" not in evidence_page
    assert "Remove" not in evidence_page and "Change consent" not in evidence_page
    assert_cannot_change(client, submitted_portfolio)


def test_while_a_correction_is_in_draft_the_assessor_sees_the_submitted_version(
    client, login_as, submitted_portfolio
):
    enrolment, evidence, _ = submitted_portfolio
    login_as(enrolment.learner)
    correction_url = client.post(f"/evidence/{evidence.id}/revise").location
    client.post("/sign-out")
    login_as(enrolment.assessor)
    assert client.get(correction_url).status_code == 404
    page = client.get(f"/evidence/{evidence.id}").get_data(as_text=True)
    assert "There is a newer version" not in page and correction_url not in page
    portfolio_page = client.get(f"/portfolio/{enrolment.id}").get_data(as_text=True)
    assert f'href="/evidence/{evidence.id}"' in portfolio_page
    assert correction_url not in portfolio_page


def test_signed_out_visitors_are_asked_to_sign_in(client, portfolio):
    for url in pages(*portfolio):
        response = client.get(url)
        assert response.status_code == 302 and "/sign-in" in response.location, url
