"""Sessions end: after an hour unused, ten hours after sign-in however busy, when the cookie is
used from another browser or network, and everywhere else when the person asks."""

import pytest
from people_helpers import audit_actions, page_text

from portfolio.auth import sessions

PHONE = {"User-Agent": "Mozilla/5.0 (iPhone) Safari"}
LAPTOP = {"User-Agent": "Mozilla/5.0 (X11; Linux) Firefox"}


def sign_in(client, person, headers=LAPTOP, address="192.0.2.10"):
    from conftest import PASSWORD

    response = client.post(
        "/sign-in",
        data={"email": person.email, "password": PASSWORD},
        headers=headers,
        environ_base={"REMOTE_ADDR": address},
    )
    assert response.status_code == 302
    return response


def visit(client, path="/caseload", headers=LAPTOP, address="192.0.2.10"):
    return client.get(path, headers=headers, environ_base={"REMOTE_ADDR": address})


def signed_out(response) -> bool:
    return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")


@pytest.fixture
def clock(monkeypatch):
    """Move time on for the session cookie's signature and the session's sign-in time."""
    import time

    from itsdangerous import TimestampSigner

    now = [time.time()]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(now[0]))
    monkeypatch.setattr(sessions, "_now", lambda: now[0])

    def advance(minutes):
        now[0] += minutes * 60

    return advance


def test_a_busy_session_still_ends_ten_hours_after_sign_in(client, make_user, clock):
    assessor = make_user("assessor")
    sign_in(client, assessor)

    for _ in range(11):  # used every 55 minutes: never idle
        clock(55)
        answer = visit(client)
        if signed_out(answer):
            break
        assert answer.status_code == 200

    assert signed_out(answer)
    page = page_text(client.get(answer.headers["Location"], headers=LAPTOP))
    assert "you signed in more than 10 hours ago" in page
    assert audit_actions()[-1] == "session_ended"


def test_a_copied_cookie_does_not_work_in_another_browser(app, client, make_user):
    assessor = make_user("assessor")
    sign_in(client, assessor)
    assert visit(client).status_code == 200

    thief = app.test_client()
    thief.set_cookie(
        app.config["SESSION_COOKIE_NAME"], client.get_cookie("session").value, domain="localhost"
    )
    answer = visit(thief, headers=PHONE)

    assert signed_out(answer)
    assert "used from another browser or network" in page_text(thief.get("/sign-in", headers=PHONE))


def test_a_copied_cookie_does_not_work_from_another_network_address(app, client, make_user):
    assessor = make_user("assessor")
    sign_in(client, assessor)

    assert signed_out(visit(client, address="198.51.100.99"))
    assert signed_out(visit(client))  # and the session is over, not only refused once


def test_a_provider_may_let_sessions_move_between_networks(make_app, make_user):
    app = make_app(SESSION_BIND_ADDRESS=False)
    client = app.test_client()
    sign_in(client, make_user("assessor"))

    assert visit(client, address="198.51.100.99").status_code == 200
    assert signed_out(visit(client, headers=PHONE, address="198.51.100.99"))


def test_signing_out_everywhere_else_keeps_this_session_and_ends_the_others(app, client, make_user):
    assessor = make_user("assessor")
    phone = app.test_client()
    sign_in(phone, assessor, headers=PHONE)
    sign_in(client, assessor)

    account = visit(client, "/account")
    assert "Sign out everywhere else" in page_text(account)
    done = client.post(
        "/account/sign-out-elsewhere",
        headers=LAPTOP,
        environ_base={"REMOTE_ADDR": "192.0.2.10"},
    )

    assert done.headers["Location"] == "/account"
    assert "You have been signed out on every other device" in page_text(visit(client, "/account"))
    assert visit(client).status_code == 200
    assert signed_out(visit(phone, headers=PHONE))
    assert "signed_out_elsewhere" in audit_actions()


def test_the_account_page_says_when_this_session_ends(client, make_user):
    sign_in(client, make_user("learner", name="Lee Learner"))

    page = page_text(visit(client, "/account"))

    assert "Lee Learner" in page
    assert "Learner" in page
    assert "This session ends at" in page
    assert "if you do not use the service for 1 hour" in page


def test_changing_the_password_ends_every_other_session(app, client, make_user):
    from conftest import PASSWORD

    assessor = make_user("assessor")
    phone = app.test_client()
    sign_in(phone, assessor, headers=PHONE)
    sign_in(client, assessor)

    changed = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "a new long passphrase",
            "confirm": "a new long passphrase",
        },
        headers=LAPTOP,
        environ_base={"REMOTE_ADDR": "192.0.2.10"},
    )

    assert changed.status_code == 302
    assert visit(client).status_code == 200
    assert signed_out(visit(phone, headers=PHONE))
