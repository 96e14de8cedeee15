"""Every area a person works in is one click away, whatever roles they hold."""

import re


def nav_links(html: str) -> list[str]:
    """The texts of the service navigation's links, in order."""
    menu = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r"<a [^>]*>(.*?)</a>", menu, re.S)
    return [re.sub(r"<[^>]+>", "", link).strip() for link in links]


def test_a_learner_sees_their_portfolio_and_account_only(client, make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)

    page = client.get(f"/portfolio/{enrolment.id}").text
    assert nav_links(page) == ["Your portfolio", "Your account"]
    assert 'aria-current="true"' in page.split('id="navigation"', 1)[1].split("Your account")[0]


def test_an_assessor_who_is_also_a_learner_reaches_both_areas(
    client, make_user, make_cohort, make_enrolment, login_as
):
    cohort = make_cohort()
    person = make_user("assessor", "learner", provider=cohort.provider)
    make_enrolment(cohort=cohort, assessor=person)  # assesses someone
    make_enrolment(cohort=cohort, learner=person)  # and is a learner on the same cohort
    login_as(person)

    page = client.get("/caseload").text
    assert nav_links(page) == [
        "Your portfolio",
        "Caseload",
        "Evidence to assess",
        "Your account",
    ]


def test_an_administrator_who_also_assesses_sees_both(client, make_user, login_as):
    person = make_user("admin", "assessor", "iqa")
    login_as(person)

    page = client.get("/admin").text
    assert nav_links(page) == [
        "Caseload",
        "Evidence to assess",
        "Quality assurance",
        "Administration",
        "Your account",
    ]


def test_an_iqa_reaches_their_sampling_plan_from_every_page(client, make_user, login_as):
    person = make_user("iqa")
    login_as(person)

    page = client.get("/caseload").text
    assert nav_links(page) == ["Caseload", "Quality assurance", "Your account"]
    plan = client.get("/iqa/plan").text
    current = plan.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    assert 'aria-current="true"' in current.split("Quality assurance")[0].rsplit("<li", 1)[1]


def test_visitors_get_no_service_navigation(client):
    assert 'id="navigation"' not in client.get("/standards").text
