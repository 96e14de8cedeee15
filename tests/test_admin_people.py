"""An administrator adds staff, changes their roles, deactivates them and sends new links."""

import re

import pytest
from people_helpers import audit_actions, invitation_link, page_text

from portfolio.extensions import db
from portfolio.models import AuditEntry, OneTimeToken, Role, User


@pytest.fixture
def admin(make_user, login_as):
    person = make_user("admin", name="Ada Admin")
    login_as(person)
    return person


def test_admin_adds_a_member_of_staff_with_two_roles_and_gets_their_invitation(client, admin):
    response = client.post(
        "/admin/people/new",
        data={"name": "Bo Both", "email": "bo@example.org", "roles": ["assessor", "iqa"]},
    )

    page = page_text(response)
    assert "Invitation for Bo Both" in page
    assert "Email is not set up for this service" in page
    link = invitation_link(response)
    bo = db.session.scalars(db.select(User).where(User.email == "bo@example.org")).one()
    assert bo.roles == {Role.ASSESSOR, Role.IQA}
    assert bo.provider_id == admin.provider_id
    # Only the hash of the link's token is stored.
    token = link.rsplit("/", 1)[1]
    stored = db.session.scalars(db.select(OneTimeToken)).one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64
    assert audit_actions()[-2:] == ["person_added", "invitation_sent"]
    people = page_text(client.get("/admin/people"))
    assert "Bo Both" in people and "Invited" in people


def test_a_person_needs_a_role_and_a_unique_email(client, admin, make_user):
    make_user("assessor", email="taken@example.org", provider=admin.provider)

    no_role = client.post("/admin/people/new", data={"name": "N", "email": "n@example.org"})
    taken = client.post(
        "/admin/people/new",
        data={"name": "T", "email": "Taken@example.org", "roles": ["iqa"]},
    )

    assert "Choose at least one role" in page_text(no_role)
    assert "taken@example.org already has an account here" in page_text(taken)
    assert db.session.scalar(db.select(db.func.count(User.id))) == 2


def test_admin_changes_a_persons_roles_and_it_is_audited(client, admin, make_user):
    person = make_user("assessor", provider=admin.provider)

    response = client.post(
        f"/admin/people/{person.id}", data={"roles": ["assessor", "iqa"]}, follow_redirects=True
    )

    assert f"Roles saved for {person.name}." in page_text(response)
    db.session.refresh(person)
    assert person.roles == {Role.ASSESSOR, Role.IQA}
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "roles_changed")
    ).one()
    assert (entry.details["before"], entry.details["after"]) == (["assessor"], ["assessor", "iqa"])
    assert entry.actor_id == admin.id and entry.object_id == str(person.id)


def test_admin_cannot_remove_their_own_admin_role(client, admin):
    response = client.post(f"/admin/people/{admin.id}", data={"roles": ["assessor"]})

    assert "You cannot remove your own administrator role." in page_text(response)
    db.session.refresh(admin)
    assert Role.ADMIN in admin.roles


def test_a_deactivated_person_is_signed_out_and_cannot_sign_in(app, client, admin, make_user):
    person = make_user("assessor", provider=admin.provider)
    their_browser = app.test_client()
    their_browser.post(
        "/sign-in", data={"email": person.email, "password": "correct horse battery staple"}
    )
    assert their_browser.get("/caseload").status_code == 200

    response = client.post(f"/admin/people/{person.id}/deactivate", follow_redirects=True)

    assert "is deactivated and can no longer sign in" in page_text(response)
    assert their_browser.get("/caseload").status_code == 302
    again = their_browser.post(
        "/sign-in", data={"email": person.email, "password": "correct horse battery staple"}
    )
    assert "The email address or password is not right" in page_text(again)
    assert "person_deactivated" in audit_actions()

    client.post(f"/admin/people/{person.id}/reactivate")
    db.session.refresh(person)
    assert person.active


def test_admin_cannot_deactivate_themselves(client, admin):
    response = client.post(f"/admin/people/{admin.id}/deactivate", follow_redirects=True)

    assert "You cannot deactivate yourself." in page_text(response)
    db.session.refresh(admin)
    assert admin.active


def test_a_new_invitation_replaces_the_old_one(client, admin):
    first = invitation_link(
        client.post(
            "/admin/people/new",
            data={"name": "Ira", "email": "ira@example.org", "roles": ["iqa"]},
        )
    )
    ira = db.session.scalars(db.select(User).where(User.email == "ira@example.org")).one()

    second = invitation_link(client.post(f"/admin/people/{ira.id}/link"))

    assert second != first
    assert client.get(first.replace("http://localhost", "")).status_code == 404
    assert client.get(second.replace("http://localhost", "")).status_code == 200


def test_for_someone_with_a_password_the_admin_gets_a_reset_link(client, admin, make_user):
    person = make_user("assessor", provider=admin.provider)

    response = client.post(f"/admin/people/{person.id}/link")

    assert f"Password reset link for {person.name}" in page_text(response)
    assert "/reset-password/" in invitation_link(response)


def test_the_people_list_shows_only_this_providers_people(client, admin, make_user):
    ours = make_user("learner", provider=admin.provider, name="Our Learner")
    make_user("learner", name="Their Learner")

    page = page_text(client.get("/admin/people"))

    assert ours.name in page and "Their Learner" not in page


def buttons(response) -> list[str]:
    """The buttons in the page's main content (not the header's Sign out)."""
    main = page_text(response).split("<main", 1)[1].split("</main>", 1)[0]
    return [
        re.sub(r"\s+", " ", label).strip()
        for label in re.findall(r"<button[^>]*>(.*?)</button>", main, re.S)
    ]


def test_a_persons_page_offers_only_what_the_administrator_may_do_there(client, admin, make_user):
    colleague = make_user("assessor", provider=admin.provider, name="Cal Colleague")
    leaver = make_user("iqa", provider=admin.provider, name="Lou Leaver")
    client.post(f"/admin/people/{leaver.id}/deactivate")

    own = buttons(client.get(f"/admin/people/{admin.id}"))
    theirs = buttons(client.get(f"/admin/people/{colleague.id}"))
    gone = buttons(client.get(f"/admin/people/{leaver.id}"))

    assert own == ["Save roles", "Create a password reset link"]
    assert theirs == ["Save roles", "Create a password reset link", "Deactivate Cal Colleague"]
    assert gone == ["Save roles", "Reactivate Lou Leaver"]
