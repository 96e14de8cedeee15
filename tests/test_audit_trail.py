"""The audit trail is a hash chain: `flask audit verify` finds any entry changed or removed
behind the application's back."""

import pytest
from sqlalchemy import text

from portfolio.extensions import db
from portfolio.models import AuditEntry, Provider
from portfolio.services import audit


@pytest.fixture
def trail(make_user, make_cohort):
    """A few real events: people and a cohort created, then some audited changes."""
    cohort = make_cohort()
    person = make_user("assessor", provider=cohort.provider, password=None)
    for n in range(4):
        audit.record("roles_changed", person, provider_id=cohort.provider_id, step=n)
    db.session.commit()
    return db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)).all()


def verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_verify_passes_on_an_untouched_trail(trail, runner):
    result = verify(runner)

    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Audit trail intact: {len(trail)} entries checked."


def test_every_entry_carries_the_hash_of_the_one_before(trail):
    assert trail[0].prev_hash == audit.GENESIS
    for before, after in zip(trail, trail[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.id == before.id + 1


def test_verify_reports_the_first_entry_whose_details_were_edited(trail, runner):
    target = trail[-3]
    db.session.execute(
        text("UPDATE audit_entry SET details = :details WHERE id = :id"),
        {"details": '{"step": 99}', "id": target.id},
    )
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 1
    assert (
        f"Audit trail broken at entry {target.id}: its contents were changed after it was "
        f"written ({target.id - 1} entries before it are intact)." in result.output
    )


def test_verify_reports_an_edited_actor_or_time(trail, runner):
    target = trail[-2]
    db.session.execute(
        text("UPDATE audit_entry SET actor_id = NULL, action = 'signed_in' WHERE id = :id"),
        {"id": target.id},
    )
    db.session.commit()

    assert f"broken at entry {target.id}" in verify(runner).output


def test_verify_reports_a_deleted_entry(trail, runner):
    gone = trail[2].id
    db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": gone})
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 1
    assert f"Audit trail broken at entry {gone + 1}: entry {gone} is missing" in result.output


def test_verify_reports_an_entry_whose_hash_was_recomputed_alone(trail, runner):
    """Rewriting an entry and its own hash still breaks the link from the next entry."""
    target = trail[1]
    entry = db.session.get(AuditEntry, target.id)
    entry.details = {"forged": True}
    entry.hash = audit._digest(entry)
    db.session.commit()

    result = verify(runner)

    assert f"Audit trail broken at entry {target.id + 1}: its link to the previous entry" in (
        result.output
    )


def test_an_entry_about_a_new_object_names_it(app):
    provider = Provider(name="Fresh provider")
    db.session.add(provider)

    entry = audit.record("provider_created", provider, provider_id=None)
    db.session.commit()

    assert entry.object_type == "Provider"
    assert entry.object_id == str(provider.id)


def test_an_entry_about_the_signed_in_person_names_them_not_a_proxy(app, make_user):
    """Services may pass ``current_user`` itself; the entry still names a User."""
    from flask_login import current_user, login_user

    person = make_user("assessor")
    with app.test_request_context():
        login_user(person)

        entry = audit.record("roles_changed", current_user, actor=current_user)

    assert (entry.object_type, entry.object_id) == ("User", str(person.id))
    assert entry.actor_id == person.id
