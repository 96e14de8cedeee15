"""The audit trail is a keyed hash chain with a seal on its newest entry: `flask audit verify`
finds any entry changed, removed or added behind the application's back, even by someone who
recomputes the hashes, as long as they do not hold the audit key."""

import pytest
from sqlalchemy import text

from portfolio.extensions import db
from portfolio.models import AuditEntry, Provider
from portfolio.models.audit import AuditSeal
from portfolio.services import audit, audit_chain


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
    assert trail[0].prev_hash == audit_chain.GENESIS
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


def test_verify_reports_an_entry_whose_person_was_changed(trail, runner):
    """Who an event is about is part of what the hash covers."""
    target = trail[-2]
    assert target.subject_id is not None
    db.session.execute(
        text("UPDATE audit_entry SET subject_id = NULL WHERE id = :id"), {"id": target.id}
    )
    db.session.commit()

    assert f"broken at entry {target.id}: its contents were changed" in verify(runner).output


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
    entry.hash = audit_chain.digest(entry)
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


def delete(entry_id):
    db.session.execute(text("DELETE FROM audit_entry WHERE id = :id"), {"id": entry_id})
    db.session.commit()


def test_verify_reports_the_newest_entry_deleted(trail, runner):
    newest = trail[-1].id
    delete(newest)

    result = verify(runner)

    assert result.exit_code == 1
    assert (
        f"Audit trail broken at entry {newest}: it and any entries after it were deleted (the "
        f"seal says the newest entry is {newest}, but the trail ends at entry {newest - 1}) "
        f"({newest - 1} entries before it are intact)." in result.output
    )


def test_verify_reports_the_newest_entries_deleted_even_after_new_ones_are_added(
    trail, runner, make_user
):
    """Deleting the tail and letting the application carry on does not hide the gap."""
    newest = trail[-1].id
    delete(newest)
    delete(newest - 1)

    audit.record("roles_changed", make_user("iqa"), step="after the deletion")
    db.session.commit()

    assert f"broken at entry {newest + 1}: entry {newest - 1} is missing" in verify(runner).output


def test_verify_reports_a_deleted_seal(trail, runner):
    db.session.execute(text("DELETE FROM audit_seal"))
    db.session.commit()

    result = verify(runner)

    assert result.exit_code == 1
    assert "Audit trail broken: the seal that names the newest entry is missing" in result.output


def rehash_from(entry_id, key_bytes, details):
    """What someone with write access to the database does to hide an edit: change an entry,
    recompute its hash and every later one, and rewrite the seal to match."""
    previous = None
    for entry in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id)):
        if entry.id == entry_id:
            entry.details = details
        if entry.id >= entry_id:
            entry.prev_hash = previous or entry.prev_hash
            entry.hash = audit_chain.digest(entry, key_bytes)
        previous = entry.hash
    seal = db.session.get(AuditSeal, 1)
    seal.last_hash = previous
    seal.mac = audit_chain.seal_mac(seal.last_id, previous, key_bytes)
    db.session.commit()


def test_verify_reports_an_edit_even_when_every_later_hash_is_recomputed_without_the_key(
    trail, runner
):
    target = trail[2].id
    rehash_from(target, b"a guess at the key", {"step": 99})

    result = verify(runner)

    assert result.exit_code == 1
    assert f"Audit trail broken at entry {target}: its contents were changed" in result.output


def test_verify_reports_an_entry_added_without_the_seal(trail, runner, app):
    """Even someone holding the key who appends an entry by hand is found, unless they also
    rewrite the seal."""
    last = trail[-1]
    forged = AuditEntry(
        id=last.id + 1,
        at=last.at,
        action="signed_in",
        details={},
        prev_hash=last.hash,
        object_type="",
        object_id="",
    )
    forged.hash = audit_chain.digest(forged)
    db.session.execute(db.insert(AuditEntry).values(
        id=forged.id, at=forged.at, action=forged.action, details={}, prev_hash=forged.prev_hash,
        object_type="", object_id="", hash=forged.hash,
    ))  # fmt: skip
    db.session.commit()

    result = verify(runner)

    assert (
        f"Audit trail broken at entry {forged.id}: it was added behind the application's back"
        in result.output
    )


def test_a_trail_checked_with_another_key_fails_from_its_first_entry(trail, runner, app):
    app.config["AUDIT_KEY"] = "not the key the trail was written with"

    result = verify(runner)

    assert f"Audit trail broken at entry {trail[0].id}: its contents were changed" in result.output


def test_the_trail_keeps_verifying_when_the_secret_key_rotates_with_audit_key_set(
    trail, runner, app
):
    """The documented way to rotate SECRET_KEY: set AUDIT_KEY to the old one first."""
    app.config["AUDIT_KEY"] = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a brand new secret key"

    result = verify(runner)

    assert result.exit_code == 0, result.output
    assert f"{len(trail)} entries checked" in result.output


def test_an_empty_trail_verifies(app, runner):
    assert verify(runner).output.strip() == "Audit trail intact: 0 entries checked."
