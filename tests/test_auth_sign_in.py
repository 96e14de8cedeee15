"""Signing in and out: the right home page, clear errors, limits on guessing, sessions that end."""

import re
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from people_helpers import PASSWORD, audit_actions, invitation_link, page_text

from portfolio.extensions import db
from portfolio.models import AuditEntry, SignInAttempt
from portfolio.models._types import utcnow


def sign_in(client, email, password=PASSWORD, **kwargs):
    return client.post("/sign-in", data={"email": email, "password": password}, **kwargs)


def test_an_assessor_signs_in_and_lands_on_their_caseload(client, make_user):
    assessor = make_user("assessor")

    response = sign_in(client, assessor.email.upper(), follow_redirects=True)

    assert response.request.path == "/caseload"
    assert "Your learners" in page_text(response)
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "signed_in"))
    assert entry.one().actor_id == assessor.id


def test_signing_in_starts_a_fresh_session(client, make_user):
    """Nothing planted in the session before sign-in (session fixation) survives it."""
    person = make_user("assessor")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"

    sign_in(client, person.email)

    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{person.id}:")


def test_the_session_cookie_is_http_only_and_same_site(client, make_user):
    response = sign_in(client, make_user("assessor").email)

    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_wrong_password_shows_the_error_summary_and_is_audited(client, make_user):
    person = make_user("learner")

    response = sign_in(client, person.email, "not the password")

    page = page_text(response)
    assert response.status_code == 200
    assert "<title>Error: Sign in" in page
    assert "There is a problem" in page
    assert 'href="#password">The email address or password is not right.' in page
    failed = db.session.scalars(db.select(AuditEntry)).all()[-1]
    assert failed.action == "sign_in_failed"
    assert failed.provider_id == person.provider_id
    assert failed.details["email"] == person.email
    assert failed.actor_id is None


def test_an_unknown_email_gets_exactly_the_same_answer(client, make_user):
    person = make_user("learner")
    wrong_password = page_text(sign_in(client, person.email, "not the password"))

    unknown = page_text(sign_in(client, "nobody@example.org", "not the password"))

    assert unknown.replace("nobody@example.org", person.email) == wrong_password
    assert audit_actions()[-1] == "sign_in_failed"


def test_a_person_who_has_not_set_a_password_cannot_sign_in(client, make_user):
    person = make_user("learner", password=None)

    response = sign_in(client, person.email, "")

    assert "Enter your password" in page_text(response)


@pytest.fixture
def app_config(app_config):
    app_config.update(SIGNIN_MAX_FAILURES=3, SIGNIN_WINDOW_SECONDS=600)
    return app_config


def test_too_many_failures_for_one_email_are_refused_even_with_the_right_password(
    client, make_user
):
    person = make_user("learner")
    for _ in range(3):
        assert sign_in(client, person.email, "guess").status_code == 200

    response = sign_in(client, person.email, PASSWORD)

    assert response.status_code == 429
    page = page_text(response)
    assert "<title>Error: Sign in" in page
    assert "Too many attempts to sign in. Wait 10 minutes and try again" in page
    assert client.get("/home").headers["Location"].startswith("/sign-in")
    assert audit_actions()[-1] == "sign_in_blocked"


def test_the_limit_lifts_once_the_failures_leave_the_window(client, make_user):
    person = make_user("learner")
    for _ in range(3):
        sign_in(client, person.email, "guess")
    assert sign_in(client, person.email).status_code == 429

    # Eight minutes later only two minutes remain.
    for attempt in db.session.scalars(db.select(SignInAttempt)):
        attempt.at = attempt.at - timedelta(minutes=8)
    db.session.commit()
    assert "Wait 2 minutes" in page_text(sign_in(client, person.email))

    for attempt in db.session.scalars(db.select(SignInAttempt)):
        attempt.at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert sign_in(client, person.email).status_code == 302


@pytest.mark.parametrize("link", ["reset", "invitation"])
def test_a_person_locked_out_who_sets_a_new_password_from_a_link_can_sign_in_at_once(
    app, client, make_user, link
):
    """The refusal says "or reset your password": doing so must let them straight in."""
    person = make_user("learner", password=None if link == "invitation" else PASSWORD)
    for _ in range(3):
        sign_in(client, person.email, "guess")
    assert "reset your password" in page_text(sign_in(client, person.email))
    admin = make_user("admin", provider=person.provider)
    office = app.test_client()
    office.post("/sign-in", data={"email": admin.email, "password": PASSWORD})
    made = office.post(f"/admin/people/{person.id}/link")
    path = invitation_link(made).replace("http://localhost", "")
    assert f"/{link}" in path

    client.post(path, data={"password": "my new passphrase", "confirm": "my new passphrase"})
    response = sign_in(client, person.email, "my new passphrase")

    assert response.status_code == 302
    assert response.headers["Location"] == "/home"


def test_one_network_address_guessing_many_emails_is_limited_too(app, client, make_user):
    app.config["SIGNIN_MAX_FAILURES_PER_IP"] = 4
    person = make_user("learner")
    for n in range(4):
        sign_in(client, f"guess{n}@example.org", "guess")

    blocked = sign_in(client, person.email)
    elsewhere = sign_in(app.test_client(), person.email, environ_base={"REMOTE_ADDR": "192.0.2.7"})

    assert blocked.status_code == 429
    assert elsewhere.status_code == 302


def test_a_successful_sign_in_clears_that_persons_failures(client, make_user):
    person = make_user("learner")
    sign_in(client, person.email, "typo")
    sign_in(client, person.email, "typo")
    sign_in(client, person.email)
    client.post("/sign-out")

    for _ in range(2):
        sign_in(client, person.email, "typo")

    assert sign_in(client, person.email).status_code == 302


def test_sign_out_ends_the_session_even_for_a_copied_cookie(app, client, make_user):
    person = make_user("assessor")
    sign_in(client, person.email)
    copied = client.get_cookie("session").value

    response = client.post("/sign-out", follow_redirects=True)

    assert "You have signed out." in page_text(response)
    assert client.get("/caseload").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/caseload").headers["Location"].startswith("/sign-in")
    assert audit_actions()[-1] == "signed_out"


def test_the_sign_out_entry_names_the_person_who_signed_out(client, make_user):
    person = make_user("assessor")
    sign_in(client, person.email)

    client.post("/sign-out")

    entry = db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.object_type, entry.object_id) == (
        "signed_out",
        "User",
        str(person.id),
    )
    assert entry.actor_id == person.id and entry.subject_id == person.id


def test_sign_out_only_answers_a_post(client, make_user):
    sign_in(client, make_user("assessor").email)

    assert client.get("/sign-out").status_code == 405
    assert client.get("/caseload").status_code == 200


def test_after_signing_in_a_person_returns_to_the_page_they_asked_for(client, make_user):
    person = make_user("assessor")
    asked = client.get("/caseload")
    assert asked.headers["Location"] == "/sign-in?next=%2Fcaseload"

    response = client.post(
        "/sign-in?next=%2Fcaseload", data={"email": person.email, "password": PASSWORD}
    )

    assert response.headers["Location"] == "/caseload"


#: Ways people have slipped another site past "next" checks; each is as the browser sends it.
OPEN_REDIRECTS = [
    "next=//evil.com",
    "next=/%5Cevil.com",  # /\evil.com: browsers read the backslash as a slash
    "next=/%5C%5Cevil.com",
    "next=/%09/evil.com",  # a tab, which browsers drop, leaving //evil.com
    "next=/%0a/evil.com",  # a line break, likewise
    "next=/%0d%0a/evil.com",
    "next=%09//evil.com",
    "next=/%20/evil.com",
    "next=/%E3%80%80/evil.com",  # an ideographic space
    "next=https://evil.com",
    "next=https:evil.com",
    "next=javascript:alert(1)",
    "next=evil.com",
    "next=%2F%2Fevil.com",
    "next=///evil.com",
]


@pytest.mark.parametrize("query", OPEN_REDIRECTS)
def test_sign_in_never_sends_people_to_another_site(client, make_user, query):
    person = make_user("assessor")

    response = client.post(f"/sign-in?{query}", data={"email": person.email, "password": PASSWORD})

    assert response.headers["Location"] == "/home"


def test_a_literal_tab_in_the_next_page_is_refused_too(client, make_user):
    person = make_user("assessor")

    response = client.post(
        "/sign-in",
        query_string={"next": "/\t/evil.com"},
        data={"email": person.email, "password": PASSWORD},
    )

    assert response.headers["Location"] == "/home"


def test_a_next_page_with_a_query_on_this_site_is_kept(client, make_user):
    person = make_user("admin")

    response = client.post(
        "/sign-in",
        query_string={"next": "/admin/audit?action=signed_in&page=2"},
        data={"email": person.email, "password": PASSWORD},
    )

    assert response.headers["Location"] == "/admin/audit?action=signed_in&page=2"


@pytest.fixture
def clock(monkeypatch):
    """The time Flask signs session cookies with, and checks their age against."""
    import time

    from itsdangerous import TimestampSigner

    now = [int(time.time())]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: now[0])

    def advance(minutes):
        now[0] += minutes * 60

    return advance


def test_a_session_ends_after_an_hour_without_use_but_not_while_in_use(client, make_user, clock):
    person = make_user("assessor")
    sign_in(client, person.email)

    clock(59)
    assert client.get("/caseload").status_code == 200
    clock(59)  # nearly two hours since signing in, but used a minute short of an hour ago
    assert client.get("/caseload").status_code == 200
    clock(61)

    assert client.get("/caseload").headers["Location"].startswith("/sign-in")


def test_the_idle_time_is_configurable_and_the_sign_in_page_says_so(make_app):

    app = make_app(SESSION_IDLE_MINUTES=30)

    assert app.config["PERMANENT_SESSION_LIFETIME"] == timedelta(minutes=30)
    page = page_text(app.test_client().get("/sign-in"))
    assert "you are signed out after 30 minutes without using the service" in page
    assert "Signing out ends your sessions on every device." in page


def test_the_session_cookie_carries_an_expiry_an_hour_ahead(client, make_user):
    response = sign_in(client, make_user("iqa").email)

    expires = re.search(r"Expires=([^;]+)", response.headers["Set-Cookie"]).group(1)
    left = parsedate_to_datetime(expires) - utcnow()
    assert timedelta(minutes=59) < left <= timedelta(minutes=60)


def test_signing_out_says_it_signed_you_out_on_every_device(app, client, make_user):
    person = make_user("assessor")
    phone = app.test_client()
    sign_in(phone, person.email)
    sign_in(client, person.email)

    response = client.post("/sign-out", follow_redirects=True)

    assert "also signed you out on any other device you were using" in page_text(response)
    assert phone.get("/caseload").headers["Location"].startswith("/sign-in")
