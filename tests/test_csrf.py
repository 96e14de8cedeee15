"""Every state-changing request needs the form's CSRF token; without it nothing happens."""

import pytest
from people_helpers import PASSWORD, csrf_token, page_text
from routes import each_route, every_route

from portfolio.extensions import db
from portfolio.models import User

STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}
EXPIRED = "Your form expired or was sent from somewhere else."


ROUTES = [route for route in every_route() if route[1] in STATE_CHANGING]


@pytest.fixture
def app_config(app_config):
    app_config["WTF_CSRF_ENABLED"] = True
    return app_config


def sign_in_with_token(client, user):
    token = csrf_token(client.get("/sign-in"))
    response = client.post(
        "/sign-in", data={"email": user.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return response


def test_there_are_state_changing_routes_to_check():
    endpoints = {endpoint for endpoint, _, _ in ROUTES}
    assert {"auth.sign_in", "auth.sign_out", "admin.new_person", "admin.enrol"} <= endpoints


@each_route(ROUTES)
def test_a_state_changing_request_without_a_csrf_token_is_refused(
    app, client, make_user, endpoint, method, arguments
):
    admin = make_user("admin", "assessor", "iqa", "learner")
    sign_in_with_token(client, admin)
    # Any value does: the token is checked before the route looks at its objects.
    url = app.url_map.bind("localhost").build(endpoint, dict.fromkeys(arguments, 1))

    response = client.open(url, method=method, data={"name": "Forged", "email": "f@example.org"})

    assert response.status_code == 400, f"{method} {url} answered {response.status_code}"
    assert EXPIRED in page_text(response)


def test_a_forged_form_from_another_site_adds_nobody(client, make_user):
    sign_in_with_token(client, make_user("admin"))

    response = client.post(
        "/admin/people/new",
        data={"name": "Mallory", "email": "mallory@example.org", "roles": ["admin"]},
    )

    assert response.status_code == 400
    assert db.session.scalars(db.select(User).where(User.name == "Mallory")).all() == []


def test_sign_in_itself_needs_the_token(client, make_user):
    person = make_user("learner")

    response = client.post("/sign-in", data={"email": person.email, "password": PASSWORD})

    assert response.status_code == 400
    assert EXPIRED in page_text(response)


def test_with_the_token_from_the_page_sign_out_works(client, make_user):
    sign_in_with_token(client, make_user("assessor"))
    token = csrf_token(client.get("/caseload"))

    response = client.post("/sign-out", data={"csrf_token": token})

    assert response.headers["Location"] == "/sign-in"
    assert client.get("/caseload").status_code == 302
