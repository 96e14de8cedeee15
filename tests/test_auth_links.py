"""Invitations and password resets: single-use, expiring links, by email or shown to the admin."""

import logging
import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from people_helpers import PASSWORD, audit_actions, invitation_link, page_text

from portfolio.extensions import db
from portfolio.models import OneTimeToken, User
from portfolio.models._types import utcnow
from portfolio.services.passwords import check_password

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def admin(make_user, login_as):
    person = make_user("admin")
    login_as(person)
    return person


def invite(client, email="nia@example.org", roles=("assessor",)):
    response = client.post(
        "/admin/people/new", data={"name": "Nia New", "email": email, "roles": list(roles)}
    )
    return invitation_link(response).replace("http://localhost", "")


def set_password(client, path, password=NEW_PASSWORD, confirm=None):
    return client.post(path, data={"password": password, "confirm": confirm or password})


def test_an_invited_person_sets_a_password_and_signs_in(app, client, admin):
    path = invite(client)
    newcomer = app.test_client()

    form = newcomer.get(path)
    assert "Welcome, Nia New." in page_text(form)
    done = set_password(newcomer, path)
    assert done.headers["Location"] == "/sign-in"
    signed_in = newcomer.post(
        "/sign-in",
        data={"email": "nia@example.org", "password": NEW_PASSWORD},
        follow_redirects=True,
    )

    assert signed_in.request.path == "/caseload"
    assert audit_actions()[-2:] == ["password_set", "signed_in"]


def test_an_invitation_link_works_only_once(app, client, admin):
    path = invite(client)
    set_password(app.test_client(), path)

    again = app.test_client().get(path)
    second_try = set_password(app.test_client(), path, "someone else's password")

    assert again.status_code == 404
    assert "This link no longer works" in page_text(again)
    assert second_try.status_code == 404
    nia = db.session.scalars(db.select(User).where(User.email == "nia@example.org")).one()
    db.session.refresh(nia)
    assert check_password(nia.password_hash, NEW_PASSWORD)


def test_an_expired_invitation_is_refused(app, client, admin):
    path = invite(client)
    token = db.session.scalars(db.select(OneTimeToken)).one()
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    assert app.test_client().get(path).status_code == 404


def test_an_invitation_expires_after_the_configured_hours(app, client, admin):
    invite(client)

    token = db.session.scalars(db.select(OneTimeToken)).one()
    lifetime = token.expires_at - token.created_at
    assert abs(lifetime - timedelta(hours=app.config["INVITATION_HOURS"])) < timedelta(minutes=1)


def test_a_made_up_or_mistyped_link_is_refused(client):
    assert client.get("/invitation/not-a-real-token").status_code == 404
    assert client.get("/reset-password/not-a-real-token").status_code == 404


def test_an_invitation_link_is_not_a_reset_link(app, client, admin):
    path = invite(client)

    assert (
        app.test_client().get(path.replace("/invitation/", "/reset-password/")).status_code == 404
    )


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("short", "short", "Your password must be at least 12 characters long."),
        (" spaced out password ", " spaced out password ", "cannot start or end with a space"),
        (NEW_PASSWORD, "something different", "The passwords do not match."),
    ],
)
def test_a_new_password_must_follow_the_rules(app, client, admin, password, confirm, message):
    path = invite(client)
    newcomer = app.test_client()

    response = set_password(newcomer, path, password, confirm)

    page = page_text(response)
    assert "<title>Error: Set your password" in page
    assert message in page
    assert newcomer.get(path).status_code == 200  # the link still works


def test_a_deactivated_persons_link_stops_working(app, client, admin):
    path = invite(client)
    nia = db.session.scalars(db.select(User).where(User.email == "nia@example.org")).one()
    client.post(f"/admin/people/{nia.id}/deactivate")

    assert app.test_client().get(path).status_code == 404


def test_forgot_password_does_not_reveal_whether_an_account_exists(app, client, make_user, caplog):
    make_user("learner", email="known@example.org")

    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        known = client.post("/forgot-password", data={"email": "known@example.org"})
        unknown = client.post("/forgot-password", data={"email": "unknown@example.org"})

    assert page_text(known).replace("known@", "unknown@") == page_text(unknown)
    assert "This service does not send email." in page_text(known)
    assert "ask your training provider's administrator" in page_text(known)
    assert "/reset-password/" not in page_text(known)
    # Without a mail server nobody would receive a link, so none is made and none is logged.
    assert db.session.scalars(db.select(OneTimeToken)).all() == []
    assert "/reset-password/" not in caplog.text


def test_a_forgotten_password_request_never_cancels_the_link_the_administrator_made(
    app, client, make_user
):
    """A learner rings their administrator, who makes a reset link; meanwhile anyone at all
    types the learner's address into the forgotten-password page. The link still works."""
    person = make_user("learner", email="lee@example.org")
    admin = make_user("admin", provider=person.provider)
    office = app.test_client()
    office.post("/sign-in", data={"email": admin.email, "password": PASSWORD})
    made = office.post(f"/admin/people/{person.id}/link")
    path = invitation_link(made).replace("http://localhost", "")

    client.post("/forgot-password", data={"email": "lee@example.org"})

    assert "Choose a new password" in page_text(app.test_client().get(path))
    assert set_password(app.test_client(), path).headers["Location"] == "/sign-in"


def test_a_reset_link_from_the_administrator_sets_a_new_password_and_ends_every_other_session(
    app, client, make_user, login_as
):
    person = make_user("assessor", email="sam@example.org")
    laptop = app.test_client()
    laptop.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert laptop.get("/caseload").status_code == 200
    login_as(make_user("admin", provider=person.provider))

    made = client.post(f"/admin/people/{person.id}/link")
    path = invitation_link(made).replace("http://localhost", "")
    assert "Choose a new password" in page_text(app.test_client().get(path))
    set_password(app.test_client(), path)

    assert laptop.get("/caseload").status_code == 302
    old = client.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    new = client.post("/sign-in", data={"email": person.email, "password": NEW_PASSWORD})
    assert old.status_code == 200 and new.status_code == 302
    assert "password_reset" in audit_actions()


def test_changing_your_password_keeps_you_signed_in_and_signs_out_everywhere_else(
    app, client, make_user, login_as
):
    person = make_user("assessor")
    login_as(person)
    phone = app.test_client()
    phone.post("/sign-in", data={"email": person.email, "password": PASSWORD})

    wrong = client.post(
        "/account/password",
        data={"current": "not it", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert "Your current password is not right." in page_text(wrong)
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )

    assert "Your password has changed." in page_text(response)
    assert client.get("/caseload").status_code == 200
    assert phone.get("/caseload").status_code == 302
    assert audit_actions()[-1] == "password_changed"


# ------------------------------------------------------------------------- with a mail server


def test_with_a_mail_server_the_invitation_is_emailed_not_shown(smtp_server, app, client, admin):
    response = client.post(
        "/admin/people/new",
        data={"name": "Nia New", "email": "nia@example.org", "roles": ["iqa"]},
    )

    page = page_text(response)
    assert "We have emailed nia@example.org a link" in page
    assert "/invitation/" not in page
    [raw] = smtp_server.messages
    email = message_from_bytes(raw, policy=policy.default)
    assert email["To"] == "nia@example.org"
    assert email["Subject"] == "Set your password for the NOS evidence portfolio"
    link = re.search(r"http://localhost(/invitation/\S+)", email.get_content()).group(1)
    assert app.test_client().get(link).status_code == 200


def test_with_a_mail_server_a_forgotten_password_link_is_emailed(smtp_server, client, make_user):
    make_user("learner", email="known@example.org")

    known = client.post("/forgot-password", data={"email": "known@example.org"})
    unknown = client.post("/forgot-password", data={"email": "unknown@example.org"})

    assert "Check your email" in page_text(known)
    assert page_text(known).replace("known@", "unknown@") == page_text(unknown)
    [raw] = smtp_server.messages
    assert "/reset-password/" in message_from_bytes(raw, policy=policy.default).get_content()


def emailed_link(message: bytes) -> str:
    content = message_from_bytes(message, policy=policy.default).get_content()
    return re.search(r"http://localhost(/reset-password/\S+)", content).group(1)


def test_with_a_mail_server_the_emailed_reset_link_ends_every_other_session(
    smtp_server, app, client, make_user
):
    person = make_user("assessor", email="sam@example.org")
    laptop = app.test_client()
    laptop.post("/sign-in", data={"email": person.email, "password": PASSWORD})

    client.post("/forgot-password", data={"email": "sam@example.org"})
    set_password(client, emailed_link(smtp_server.messages[0]))

    assert laptop.get("/caseload").status_code == 302
    new = client.post("/sign-in", data={"email": person.email, "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_with_a_mail_server_a_request_keeps_the_administrators_link_working(
    smtp_server, app, client, make_user
):
    person = make_user("learner", email="lee@example.org")
    admin = make_user("admin", provider=person.provider)
    office = app.test_client()
    office.post("/sign-in", data={"email": admin.email, "password": PASSWORD})
    office.post(f"/admin/people/{person.id}/link")
    administrators = emailed_link(smtp_server.messages[0])

    client.post("/forgot-password", data={"email": "lee@example.org"})
    client.post("/forgot-password", data={"email": "lee@example.org"})
    first_asked, second_asked = (emailed_link(m) for m in smtp_server.messages[1:])

    assert app.test_client().get(administrators).status_code == 200
    assert app.test_client().get(first_asked).status_code == 404  # replaced by the second
    assert app.test_client().get(second_asked).status_code == 200


def test_a_forgotten_password_sends_at_most_three_links_an_hour(smtp_server, client, make_user):
    make_user("learner", email="known@example.org")

    for _ in range(5):
        response = client.post("/forgot-password", data={"email": "known@example.org"})
        assert "If known@example.org belongs to an account" in page_text(response)

    assert len(db.session.scalars(db.select(OneTimeToken)).all()) == 3
    assert len(smtp_server.messages) == 3
