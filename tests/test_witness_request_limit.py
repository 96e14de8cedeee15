"""A learner has at most WITNESS_OPEN_REQUESTS_MAX witness links waiting for an answer: each is
an email to someone outside, sent in their name. Answered, withdrawn and expired links do not
count; two requests sent at once cannot both squeeze into the last place."""

from datetime import timedelta

import pytest
from people_helpers import PASSWORD, page_text
from racing import race, together_at

from portfolio.extensions import db
from portfolio.models import WitnessRequest
from portfolio.models._types import utcnow
from portfolio.services import witness

FULL = "You have 10 witness requests waiting for an answer. Withdraw one or wait for an answer"


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def signed_in(app, person):
    browser = app.test_client()
    response = browser.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def ask(enrolment, n):
    row, _ = witness.request_testimony(
        enrolment,
        enrolment.learner,
        name=f"Witness {n}",
        email=f"witness{n}@example.org",
        role="Youth worker",
        organisation="Harehills Residents’ Association",
        relationship="Ran the youth panel with the learner",
        criteria=[enrolment.standard.criterion("PC1")],
        message="What did the learner do at the festival?",
    )
    return row


def request_form(n=99):
    return {
        "name": f"Witness {n}",
        "email": f"witness{n}@example.org",
        "role": "Youth worker",
        "organisation": "Harehills Residents’ Association",
        "relationship": "Ran the youth panel with the learner",
        "criteria": ["PC1"],
        "message": "What did the learner do at the festival?",
    }


def _count():
    return db.session.scalar(db.select(db.func.count(WitnessRequest.id)))


def test_an_eleventh_request_waiting_for_an_answer_is_refused_until_one_is_withdrawn(
    app, enrolment
):
    rows = [ask(enrolment, n) for n in range(10)]
    browser = signed_in(app, enrolment.learner)

    refused = browser.post(f"/portfolio/{enrolment.id}/witnesses/new", data=request_form())

    assert refused.status_code == 422
    assert FULL in page_text(refused)
    assert _count() == 10
    browser.post(f"/witness-requests/{rows[0].id}/revoke")
    accepted = browser.post(f"/portfolio/{enrolment.id}/witnesses/new", data=request_form())
    assert accepted.status_code == 200
    assert "give it only to them" in page_text(accepted)
    assert _count() == 11


def test_answered_withdrawn_and_expired_requests_leave_room_for_more(app, enrolment):
    rows = [ask(enrolment, n) for n in range(10)]
    rows[0].used_at = utcnow()
    rows[1].revoked_at = utcnow()
    rows[2].expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    for n in (10, 11):
        ask(enrolment, n)
    browser = signed_in(app, enrolment.learner)

    response = browser.post(f"/portfolio/{enrolment.id}/witnesses/new", data=request_form())

    assert response.status_code == 200  # 9 were waiting: this is the tenth
    again = browser.post(f"/portfolio/{enrolment.id}/witnesses/new", data=request_form(100))
    assert again.status_code == 422
    assert FULL in page_text(again)


def test_the_limit_counts_every_portfolio_of_the_learner_whoever_asked(
    app, enrolment, make_enrolment
):
    other = make_enrolment(learner=enrolment.learner)
    for n in range(10):
        ask(other if n % 2 else enrolment, n)
    browser = signed_in(app, enrolment.assessor)

    response = browser.post(f"/portfolio/{enrolment.id}/witnesses/new", data=request_form())

    assert response.status_code == 422
    assert f"{enrolment.learner.name} has 10 witness requests waiting" in page_text(response)


def test_two_requests_sent_at_once_for_the_last_place_make_only_one(app, enrolment):
    app.config["WITNESS_OPEN_REQUESTS_MAX"] = 1
    tabs = [signed_in(app, enrolment.learner), signed_in(app, enrolment.assessor)]
    url = f"/portfolio/{enrolment.id}/witnesses/new"
    db.session.remove()  # let the threads' connections take the write lock

    def send(tab, n):
        return lambda: tab.post(url, data=request_form(n))

    # Both have passed every other check, and neither has counted, when they go on together.
    with together_at(r'UPDATE "?user"? SET active'):
        answers = race(app, send(tabs[0], 1), send(tabs[1], 2))

    assert sorted(a.status_code for a in answers) == [200, 422]
    assert _count() == 1
