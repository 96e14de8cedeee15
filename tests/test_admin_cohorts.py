"""An administrator creates cohorts, enrols learners one by one and assigns assessors and IQAs."""

import re

import pytest
from people_helpers import audit_actions, date_boxes, invitation_link, page_text

from portfolio.extensions import db
from portfolio.models import AuditEntry, Cohort, Enrolment, Role, User


@pytest.fixture
def admin(make_user, login_as):
    person = make_user("admin", name="Ada Admin")
    login_as(person)
    return person


def cohort_form(standard, **changes):
    """The form as posted; dates are given as "YYYY-MM-DD" and typed into their three boxes."""
    fields = {
        "name": "September 2026",
        "standard": standard.id,
        "start_date": "2026-09-01",
        "planned_end_date": "2027-07-31",
        **changes,
    }
    dates = {"start_date", "planned_end_date"}
    data = {name: value for name, value in fields.items() if name not in dates}
    for name in sorted(dates):
        data.update(date_boxes(name, fields[name]))
    return data


def test_admin_creates_a_cohort_on_a_loaded_standard(client, admin, standard):
    response = client.post("/admin/cohorts/new", data=cohort_form(standard))

    cohort = db.session.scalars(db.select(Cohort)).one()
    assert response.headers["Location"] == f"/admin/cohorts/{cohort.id}"
    assert cohort.provider_id == admin.provider_id
    page = page_text(client.get(f"/admin/cohorts/{cohort.id}"))
    assert "September 2026" in page and standard.title in page
    assert "No learners are enrolled yet." in page
    entry = db.session.scalars(db.select(AuditEntry).where(AuditEntry.action == "cohort_created"))
    assert entry.one().actor_id == admin.id


def test_the_create_form_offers_every_loaded_standard(client, admin, standard):
    page = page_text(client.get("/admin/cohorts/new"))
    assert f"{standard.title} ({standard.urn}, version {standard.version})" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"planned_end_date": "2026-08-01"}, "The planned end date must be after the start date."),
        ({"planned_end_date": "2026-09-01"}, "The planned end date must be after the start date."),
        ({"start_date": "2026-02-31"}, "Start date must be a real date"),
        ({"start_date": ""}, "Enter the start date"),
        ({"name": "  "}, "Enter a name for the cohort"),
        ({"name": "C" * 201}, "Enter a cohort name of 200 characters or fewer"),
    ],
)
def test_a_cohort_with_bad_details_is_refused_with_a_reason(
    client, admin, standard, changes, message
):
    response = client.post("/admin/cohorts/new", data=cohort_form(standard, **changes))

    assert response.status_code == 200
    page = page_text(response)
    assert "<title>Error: Create a cohort" in page
    assert message in page
    assert db.session.scalars(db.select(Cohort)).all() == []


def test_cohort_names_are_unique_within_a_provider_only(
    client, admin, standard, make_cohort, make_provider
):
    make_cohort(provider=admin.provider, name="September 2026")
    make_cohort(provider=make_provider(), name="Spring 2027")

    clash = client.post("/admin/cohorts/new", data=cohort_form(standard, name="september 2026"))
    elsewhere = client.post("/admin/cohorts/new", data=cohort_form(standard, name="Spring 2027"))

    assert "You already have a cohort called 'september 2026'" in page_text(clash)
    assert elsewhere.status_code == 302


def test_admin_enrols_a_new_learner_and_sees_their_invitation_link(client, admin, make_cohort):
    cohort = make_cohort(provider=admin.provider)

    response = client.post(
        f"/admin/cohorts/{cohort.id}/enrol",
        data={"name": "Lee Learner", "email": "Lee@Example.org", "uln": "1234567890"},
    )

    page = page_text(response)
    assert "Invitation for Lee Learner" in page
    assert invitation_link(response).startswith("http://localhost/invitation/")
    learner = db.session.scalars(db.select(User).where(User.email == "lee@example.org")).one()
    assert learner.provider_id == admin.provider_id
    assert learner.roles == {Role.LEARNER}
    assert learner.uln == "1234567890"
    assert learner.password_hash is None
    assert [e.learner for e in cohort.enrolments] == [learner]
    assert audit_actions()[-3:] == ["person_added", "enrolment_created", "invitation_sent"]


def test_enrolling_someone_who_already_has_an_account_needs_no_invitation(
    client, admin, make_cohort, make_user
):
    cohort = make_cohort(provider=admin.provider)
    assessor = make_user("assessor", provider=admin.provider, email="sam@example.org")

    response = client.post(
        f"/admin/cohorts/{cohort.id}/enrol",
        data={"name": "Sam", "email": "sam@example.org"},
        follow_redirects=True,
    )

    page = page_text(response)
    assert f"{assessor.name} is enrolled on {cohort.name}." in page
    assert "They already had an account; the learner role was added." in page
    db.session.refresh(assessor)
    assert assessor.roles == {Role.ASSESSOR, Role.LEARNER}


@pytest.mark.parametrize("uln", ["123456789", "12345678901", "12345abcde", "1234 567890"])
def test_a_uln_must_be_exactly_ten_digits(client, admin, make_cohort, uln):
    cohort = make_cohort(provider=admin.provider)

    response = client.post(
        f"/admin/cohorts/{cohort.id}/enrol",
        data={"name": "Lee", "email": "lee@example.org", "uln": uln},
    )

    assert "Enter the ULN as exactly 10 digits, or leave it blank" in page_text(response)
    assert cohort.enrolments == []


def test_a_learner_cannot_be_enrolled_twice_on_one_cohort(
    client, admin, make_enrolment, make_cohort
):
    cohort = make_cohort(provider=admin.provider)
    enrolment = make_enrolment(cohort=cohort)

    response = client.post(
        f"/admin/cohorts/{cohort.id}/enrol",
        data={"name": "Again", "email": enrolment.learner.email},
    )

    assert f"{enrolment.learner.email} is already enrolled on this cohort." in page_text(response)
    assert len(db.session.scalars(db.select(Enrolment)).all()) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "N" * 201, "Enter a name of 200 characters or fewer"),
        ("email", "e" * 309 + "@example.org", "Enter an email address of 320 characters or fewer"),
    ],
)
def test_a_name_or_email_too_long_to_keep_is_refused_when_enrolling(
    client, admin, make_cohort, field, value, message
):
    cohort = make_cohort(provider=admin.provider)
    data = {"name": "Lee Learner", "email": "lee@example.org", field: value}

    response = client.post(f"/admin/cohorts/{cohort.id}/enrol", data=data)

    page = page_text(response)
    assert "<title>Error: " in page and message in page
    assert cohort.enrolments == []


def test_the_enrolment_service_refuses_a_long_name_whichever_form_sends_it(app, admin, make_cohort):
    from portfolio.services import enrolments
    from portfolio.services.problems import Problem

    cohort = make_cohort(provider=admin.provider)

    with pytest.raises(Problem, match="The name must be 200 characters or fewer"):
        enrolments.enrol(cohort, "N" * 250, "lee@example.org")
    assert db.session.scalars(db.select(User).where(User.email == "lee@example.org")).all() == []


def test_an_email_used_at_another_provider_cannot_be_enrolled(
    client, admin, make_cohort, make_user
):
    cohort = make_cohort(provider=admin.provider)
    make_user("learner", email="taken@example.org")

    response = client.post(
        f"/admin/cohorts/{cohort.id}/enrol", data={"name": "T", "email": "taken@example.org"}
    )

    page = page_text(response)
    assert "taken@example.org cannot be used for an account here. Ask the learner for a " in page
    assert "another organisation" not in page  # nothing about other providers' people
    assert cohort.enrolments == []


def test_assessor_and_iqa_choices_are_this_providers_people_with_that_role(
    client, admin, make_cohort, make_user, make_enrolment
):
    cohort = make_cohort(provider=admin.provider)
    enrolment = make_enrolment(cohort=cohort)
    make_user("assessor", provider=admin.provider, name="Our Assessor")
    make_user("assessor", name="Their Assessor")
    make_user("learner", provider=admin.provider, name="Just A Learner")
    gone = make_user("assessor", provider=admin.provider, name="Gone Assessor")
    gone.active = False
    db.session.commit()

    page = page_text(client.get(f"/admin/enrolments/{enrolment.id}"))
    assessor_select = re.search(r'<select[^>]*name="assessor".*?</select>', page, re.S).group(0)

    assert "Our Assessor" in assessor_select
    assert "Their Assessor" not in assessor_select
    assert "Just A Learner" not in assessor_select
    assert "Gone Assessor" not in assessor_select
    assert "Not assigned yet" in assessor_select


def test_admin_changes_the_assessor_and_iqa_and_the_cohort_page_shows_them(
    client, admin, make_cohort, make_user, make_enrolment
):
    cohort = make_cohort(provider=admin.provider)
    enrolment = make_enrolment(cohort=cohort)
    new_assessor = make_user("assessor", provider=admin.provider, name="Nia Newassessor")
    new_iqa = make_user("iqa", provider=admin.provider, name="Ian Newiqa")

    response = client.post(
        f"/admin/enrolments/{enrolment.id}",
        data={"assessor": new_assessor.id, "iqa": new_iqa.id},
        follow_redirects=True,
    )

    page = page_text(response)
    assert f"Assessor and IQA saved for {enrolment.learner.name}." in page
    assert "Nia Newassessor" in page and "Ian Newiqa" in page
    assert (enrolment.assessor_id, enrolment.iqa_id) == (new_assessor.id, new_iqa.id)
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "enrolment_assigned")
    ).one()
    assert entry.details["assessor_after"] == new_assessor.id


def test_an_iqa_is_never_the_assessor_of_the_same_learner(
    client, admin, make_cohort, make_user, make_enrolment
):
    cohort = make_cohort(provider=admin.provider)
    enrolment = make_enrolment(cohort=cohort)
    both = make_user("assessor", "iqa", provider=admin.provider, name="Bo Both")
    before = (enrolment.assessor_id, enrolment.iqa_id)

    response = client.post(
        f"/admin/enrolments/{enrolment.id}", data={"assessor": both.id, "iqa": both.id}
    )

    page = page_text(response)
    assert "<title>Error: " in page
    assert (
        "Bo Both cannot be both assessor and IQA for the same learner: an IQA never "
        "quality-assures their own assessment decisions." in page
    )
    db.session.refresh(enrolment)
    assert (enrolment.assessor_id, enrolment.iqa_id) == before


def test_the_same_rule_holds_when_enrolling(client, admin, make_cohort, make_user):
    cohort = make_cohort(provider=admin.provider)
    both = make_user("assessor", "iqa", provider=admin.provider, name="Bo Both")

    response = client.post(
        f"/admin/cohorts/{cohort.id}/enrol",
        data={"name": "Lee", "email": "lee@example.org", "assessor": both.id, "iqa": both.id},
    )

    assert "an IQA never quality-assures their own assessment decisions" in page_text(response)
    assert cohort.enrolments == []
    assert db.session.scalars(db.select(User).where(User.email == "lee@example.org")).all() == []


def test_the_database_refuses_an_enrolment_whose_iqa_is_its_assessor(make_cohort, make_user, app):
    from sqlalchemy.exc import IntegrityError

    cohort = make_cohort()
    both = make_user("assessor", "iqa", provider=cohort.provider, password=None)
    learner = make_user("learner", provider=cohort.provider, password=None)
    db.session.add(Enrolment(cohort=cohort, learner=learner, assessor=both, iqa=both))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_same_cohort_made_twice_at_once_is_one_cohort_and_a_plain_answer(
    app, client, admin, standard
):
    from conftest import PASSWORD
    from racing import race, together_at

    second_tab = app.test_client()
    second_tab.post("/sign-in", data={"email": admin.email, "password": PASSWORD})

    def make(browser):
        return lambda: browser.post("/admin/cohorts/new", data=cohort_form(standard))

    with together_at(r"INSERT INTO cohort"):
        answers = race(app, make(client), make(second_tab))

    assert sorted(a.status_code for a in answers) == [302, 409]
    refused = next(a for a in answers if a.status_code == 409)
    assert "That was already done" in page_text(refused)
    assert len(db.session.scalars(db.select(Cohort)).all()) == 1
