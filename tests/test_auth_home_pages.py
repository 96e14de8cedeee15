"""After signing in, each person lands on the page for their role."""

import pytest
from people_helpers import page_text

from portfolio.extensions import db
from portfolio.models import UserRole


@pytest.mark.parametrize(
    ("roles", "home"),
    [
        (("admin",), "/admin"),
        (("admin", "assessor"), "/admin"),
        (("assessor",), "/caseload"),
        (("iqa",), "/caseload"),
        (("assessor", "iqa"), "/caseload"),
        (("learner",), "/portfolio"),
    ],
)
def test_home_sends_each_person_to_the_page_for_their_role(
    client, make_user, login_as, roles, home
):
    login_as(make_user(*roles))

    assert client.get("/home").headers["Location"] == home


def test_a_person_with_no_role_gets_a_page_saying_what_to_do(client, make_user, login_as):
    person = make_user("learner")
    db.session.execute(db.delete(UserRole).where(UserRole.user_id == person.id))
    db.session.commit()
    login_as(person)

    page = page_text(client.get("/home"))

    assert "You have no pages here yet" in page
    assert "Ask your training provider's administrator to give you the role you need" in page


def test_an_assessor_sees_the_learners_they_assess_and_nobody_elses(
    client, make_user, login_as, make_enrolment, make_cohort
):
    cohort = make_cohort(name="Autumn cohort")
    assessor = make_user("assessor", provider=cohort.provider)
    mine = make_enrolment(cohort=cohort, assessor=assessor)
    other = make_enrolment(cohort=cohort)
    login_as(assessor)

    page = page_text(client.get("/caseload"))

    assert "Learners you assess" in page
    assert f'href="/portfolio/{mine.id}">{mine.learner.name}' in page
    assert "Autumn cohort" in page
    assert other.learner.name not in page
    assert "Learners you quality-assure" not in page


def test_a_person_who_is_assessor_and_iqa_sees_both_lists(
    client, make_user, login_as, make_enrolment, make_cohort
):
    cohort = make_cohort()
    both = make_user("assessor", "iqa", provider=cohort.provider)
    assessed = make_enrolment(cohort=cohort, assessor=both)
    assured = make_enrolment(cohort=cohort, iqa=both)
    login_as(both)

    page = page_text(client.get("/caseload"))

    assessing, assuring = page.split("Learners you quality-assure")
    assert assessed.learner.name in assessing and assured.learner.name not in assessing
    assert assured.learner.name in assuring and assessed.learner.name not in assuring


def test_an_iqa_with_nobody_assigned_is_told_how_learners_arrive(client, make_user, login_as):
    login_as(make_user("iqa"))

    page = page_text(client.get("/caseload"))

    assert "Nobody has been assigned to you as internal quality assurer yet." in page


def test_a_learner_has_no_caseload(client, make_user, login_as):
    login_as(make_user("learner"))

    assert client.get("/caseload").status_code == 404


@pytest.mark.parametrize("path", ["/", "/standards", "/no-such-page"])
def test_every_page_offers_a_sign_in_link_to_people_not_signed_in(client, path):
    page = page_text(client.get(path))
    assert 'href="/sign-in" data-sign-in-link>Sign in</a>' in page


def test_the_home_page_leads_a_newcomer_to_sign_in_and_a_signed_in_person_to_their_work(
    client, make_user, login_as
):
    assert 'href="/sign-in">Sign in</a>' in page_text(client.get("/"))
    login_as(make_user("assessor"))
    page = page_text(client.get("/"))
    assert 'href="/home">Go to your work</a>' in page
    assert "data-sign-in-link" not in page
