"""Signing off and countersigning ask for the password again, so someone at an unlocked,
signed-in computer cannot sign. Guessing that password is limited as signing in is: after
REAUTH_MAX_FAILURES wrong ones within the sign-in window the form refuses, even the right one,
and nothing is signed."""

from datetime import timedelta

import pytest
from assessment_helpers import fully_met, sign
from people_helpers import PASSWORD, audit_actions, page_text

from portfolio.extensions import db
from portfolio.models import AuditEntry, Countersignature, SignOff

TOO_MANY = "Too many wrong passwords. Wait 15 minutes and try again."


def signing_form(enrolment, signer, password):
    db.session.refresh(enrolment)
    return {
        "revision": str(enrolment.revision),
        "password": password,
        "full_name": signer.name,
        "confirm": "y",
    }


@pytest.fixture
def ready_to_sign_off(make_enrolment):
    enrolment = make_enrolment()
    fully_met(enrolment)
    return enrolment


@pytest.fixture
def signed_off(make_enrolment):
    enrolment = make_enrolment()
    fully_met(enrolment)
    sign(enrolment)
    return enrolment


def sixteen_minutes_pass():
    """The wrong passwords are counted from their audit entries; moving those back in time
    stands in for waiting out the 15-minute window."""
    wrong = db.select(AuditEntry).where(AuditEntry.action == "signing_password_wrong")
    for entry in db.session.scalars(wrong):
        entry.at -= timedelta(minutes=16)
    db.session.commit()


def sign_off(client, enrolment, password):
    form = signing_form(enrolment, enrolment.assessor, password)
    return client.post(f"/portfolio/{enrolment.id}/sign-off", data=form)


def countersign(client, enrolment, password):
    form = signing_form(enrolment, enrolment.iqa, password)
    return client.post(f"/portfolio/{enrolment.id}/countersign", data=form)


def test_after_five_wrong_passwords_even_the_right_one_does_not_sign_off(
    client, login_as, ready_to_sign_off
):
    login_as(ready_to_sign_off.assessor)
    for _ in range(5):
        wrong = sign_off(client, ready_to_sign_off, "a guess")
        assert "The password is not right." in page_text(wrong)

    refused = sign_off(client, ready_to_sign_off, PASSWORD)

    assert refused.status_code == 429
    assert TOO_MANY in page_text(refused)
    assert db.session.scalars(db.select(SignOff)).all() == []
    assert audit_actions().count("signing_password_wrong") == 5


def test_after_five_wrong_passwords_even_the_right_one_does_not_countersign(
    client, login_as, signed_off
):
    login_as(signed_off.iqa)
    for _ in range(5):
        assert countersign(client, signed_off, "a guess").status_code == 422

    refused = countersign(client, signed_off, PASSWORD)

    assert refused.status_code == 429
    assert TOO_MANY in page_text(refused)
    assert db.session.scalars(db.select(Countersignature)).all() == []


def test_four_wrong_passwords_still_let_the_assessor_sign_off(client, login_as, ready_to_sign_off):
    login_as(ready_to_sign_off.assessor)
    for _ in range(4):
        sign_off(client, ready_to_sign_off, "a guess")

    signed = sign_off(client, ready_to_sign_off, PASSWORD)

    assert signed.status_code == 302
    assert len(db.session.scalars(db.select(SignOff)).all()) == 1


def test_once_the_window_has_passed_the_assessor_may_sign_again(
    client, login_as, ready_to_sign_off
):
    login_as(ready_to_sign_off.assessor)
    for _ in range(5):
        sign_off(client, ready_to_sign_off, "a guess")
    assert sign_off(client, ready_to_sign_off, PASSWORD).status_code == 429

    sixteen_minutes_pass()

    assert sign_off(client, ready_to_sign_off, PASSWORD).status_code == 302


def test_one_persons_wrong_passwords_do_not_stop_another_signing(
    client, login_as, ready_to_sign_off, signed_off
):
    login_as(signed_off.iqa)
    for _ in range(5):
        countersign(client, signed_off, "a guess")

    login_as(ready_to_sign_off.assessor)
    assert sign_off(client, ready_to_sign_off, PASSWORD).status_code == 302


def test_a_wrong_password_at_sign_off_does_not_count_against_signing_in(
    app, client, login_as, ready_to_sign_off
):
    assessor = ready_to_sign_off.assessor
    login_as(assessor)
    for _ in range(5):
        sign_off(client, ready_to_sign_off, "a guess")

    laptop = app.test_client()
    signed_in = laptop.post("/sign-in", data={"email": assessor.email, "password": PASSWORD})

    assert signed_in.status_code == 302
