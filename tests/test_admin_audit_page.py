"""Administrators browse and filter their own provider's audit trail."""

import re
from datetime import timedelta

import pytest
from people_helpers import date_boxes, page_text

from portfolio.extensions import db
from portfolio.models import AuditEntry, User
from portfolio.models._types import utcnow
from portfolio.services import audit


@pytest.fixture
def admin(make_user, login_as):
    person = make_user("admin", name="Ada Admin")
    login_as(person)
    return person


def entries(response) -> str:
    """The table of entries only (the filter's options name every event too)."""
    page = page_text(response)
    return page[page.index('id="audit-entries"') :] if 'id="audit-entries"' in page else ""


def rows(response) -> int:
    return entries(response).count('<tr class="govuk-table__row">') - 1  # minus the header


def test_the_audit_page_shows_who_did_what_to_which_object(client, admin, make_user):
    person = make_user("assessor", provider=admin.provider, name="Sam Assessor")
    client.post(f"/admin/people/{person.id}", data={"roles": ["assessor", "iqa"]})

    page = entries(client.get("/admin/audit"))

    assert "Ada Admin changed Sam Assessor’s roles from assessor to assessor, iqa." in page
    assert "Ada Admin signed in." in page
    assert "After: assessor, iqa" in page and "IP address: 127.0.0.1" in page


def test_the_audit_page_never_shows_another_providers_events(client, admin, make_user):
    stranger = make_user("admin", name="Other Admin")
    audit.record("roles_changed", stranger, actor=stranger, secret="theirs")
    db.session.commit()

    page = page_text(client.get("/admin/audit"))

    assert "theirs" not in page and "Other Admin" not in page


def test_filtering_by_event_and_person(client, admin, make_user):
    person = make_user("learner", provider=admin.provider, name="Lee Learner")
    client.post(f"/admin/people/{person.id}", data={"roles": ["learner", "assessor"]})
    audit.record("signed_in", person, actor=person)
    db.session.commit()

    by_event = client.get("/admin/audit", query_string={"action": "roles_changed"})
    by_person = client.get("/admin/audit", query_string={"person": person.id})

    assert rows(by_event) == 1 and "changed Lee Learner’s roles" in entries(by_event)
    # Events by Lee (signing in) and about Lee (their roles changed by the administrator).
    assert rows(by_person) == 2
    assert "Lee Learner signed in." in entries(by_person)
    assert "changed Lee Learner’s roles" in entries(by_person)
    assert "Clear filters" in page_text(by_person)


def test_filtering_by_a_learner_shows_what_was_done_about_them_by_others(
    client, admin, make_user, make_cohort
):
    """The administrator enrols Lee and later changes Lee's assessor: neither was done by Lee,
    but both are about Lee."""
    cohort = make_cohort(provider=admin.provider)
    assessor = make_user("assessor", provider=admin.provider, name="Sam Assessor")
    client.post(
        f"/admin/cohorts/{cohort.id}/enrol",
        data={"name": "Lee Learner", "email": "lee@example.org", "assessor": assessor.id},
    )
    lee = db.session.scalars(db.select(User).where(User.email == "lee@example.org")).one()
    enrolment = cohort.enrolments[0]
    client.post(f"/admin/enrolments/{enrolment.id}", data={"assessor": 0, "iqa": 0})
    audit.record("roles_changed", assessor, actor=admin, unrelated=True)
    db.session.commit()

    about_lee = entries(client.get("/admin/audit", query_string={"person": lee.id}))

    for event in (
        "Ada Admin added Lee Learner as learner.",
        f"Ada Admin enrolled Lee Learner on {cohort.name}.",
        "Ada Admin changed Lee Learner’s assessor or IQA: removed the assessor.",
        "Ada Admin invited Lee Learner",
    ):
        assert event in about_lee
    assert "Unrelated" not in about_lee
    assert rows(client.get("/admin/audit", query_string={"person": lee.id})) == 4


def test_filtering_by_date_range(client, admin):
    old = audit.record("cohort_created", admin, actor=admin, name="last year")
    db.session.flush()
    db.session.execute(
        db.update(AuditEntry)
        .where(AuditEntry.id == old.id)
        .values(at=utcnow() - timedelta(days=400))
    )
    db.session.commit()
    today = utcnow().date()

    recent = entries(client.get("/admin/audit", query_string=date_boxes("date_from", today)))
    back_then = entries(
        client.get(
            "/admin/audit",
            query_string={
                **date_boxes("date_from", today - timedelta(days=401)),
                **date_boxes("date_to", today - timedelta(days=399)),
            },
        )
    )

    assert "last year" not in recent and "signed in" in recent
    assert "last year" in back_then and "signed in" not in back_then


def test_a_backwards_date_range_is_an_error(client, admin):
    response = client.get(
        "/admin/audit",
        query_string={
            **date_boxes("date_from", "2026-05-02"),
            **date_boxes("date_to", "2026-05-01"),
        },
    )

    page = page_text(response)
    assert "<title>Error: Audit trail" in page
    assert "The 'to' date must be the same as or after the 'from' date" in page


def test_the_audit_page_is_paginated_newest_first(client, admin):
    for n in range(60):
        audit.record("roles_changed", admin, actor=admin, step=n)
    db.session.commit()

    first = client.get("/admin/audit", query_string={"action": "roles_changed"})
    second = client.get("/admin/audit", query_string={"action": "roles_changed", "page": 2})

    assert rows(first) == 50 and rows(second) == 10
    assert "60 entries, page 1 of 2" in page_text(first)
    assert "Step: 59" in entries(first) and "Step: 0\n" in entries(second)
    assert 'href="/admin/audit?page=2&amp;action=roles_changed"' in first.get_data(as_text=True)


def test_only_administrators_see_the_audit_trail(client, make_user, login_as):
    login_as(make_user("assessor", "iqa"))

    assert client.get("/admin/audit").status_code == 404


def test_an_impossible_date_in_the_filter_is_an_error_beside_its_boxes(client, admin):
    response = client.get("/admin/audit", query_string=date_boxes("date_from", "2026-02-31"))

    page = page_text(response)
    assert "<title>Error: Audit trail" in page
    assert (
        "<a href=\"#date_from-day\">The 'from' date must be a real date, for example 27 3 2026.</a>"
        in page
    )
    assert 'id="date_from-day" name="date_from-day" type="text" inputmode="numeric"' in page
    assert 'value="31"' in page  # what they typed stays in the box to be put right
    assert entries(response) == ""


def test_the_pages_of_a_date_filtered_trail_keep_the_dates(client, admin):
    for n in range(60):
        audit.record("roles_changed", admin, actor=admin, step=n)
    db.session.commit()
    today = utcnow().date()

    first = client.get(
        "/admin/audit", query_string={"action": "roles_changed", **date_boxes("date_from", today)}
    )
    next_page = re.search(r'href="([^"]+)" rel="next"', page_text(first)).group(1)
    second = client.get(next_page)

    assert f"date_from-year={today.year}" in next_page
    assert rows(first) == 50 and rows(second) == 10
    assert "60 entries, page 2 of 2" in page_text(second)
    day_box = re.search(r'id="date_from-day"[^>]*value="([^"]*)"', page_text(second), re.S)
    assert day_box.group(1) == f"{today.day:02d}"  # the filter still shows the date it used
