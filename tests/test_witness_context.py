"""Witness testimony carries its context (issue 15): the witness says when they saw the work,
which becomes the evidence's date of the activity; the assessor judging it reads who the
witness is, how they know the learner, what they were asked and what they declared; the
witness reads only what was written for them."""

from datetime import date, timedelta

import pytest
from people_helpers import page_text
from test_witness_testimony import MESSAGE, ask, give, signed_in

from portfolio.extensions import db
from portfolio.models import AuditEntry, Evidence, WitnessRequest
from portfolio.services.evidence import today


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def seen(day: date) -> dict:
    return {
        "seen_on-day": str(day.day),
        "seen_on-month": str(day.month),
        "seen_on-year": str(day.year),
    }


def no_testimony_saved(row: WitnessRequest) -> bool:
    db.session.refresh(row)
    return row.used_at is None and db.session.scalars(db.select(Evidence)).all() == []


def test_the_witness_is_asked_when_they_saw_the_work(app, enrolment):
    row, token = ask(enrolment)

    page = page_text(app.test_client().get(f"/witness/{token}"))

    assert "When did you see the work?" in page
    assert 'name="seen_on-day"' in page


def test_the_day_the_witness_saw_the_work_is_the_date_of_the_activity(app, enrolment):
    row, token = ask(enrolment)

    response = give(app.test_client(), token, **seen(date(2026, 10, 14)))

    assert response.status_code == 302
    evidence = db.session.scalars(db.select(Evidence)).one()
    assert evidence.activity_date == date(2026, 10, 14)
    assert evidence.submitted_at.date() != evidence.activity_date
    [given] = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "witness_testimony_given")
    )
    assert given.details["seen_on"] == "2026-10-14"


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ({"seen_on-day": "", "seen_on-month": "", "seen_on-year": ""},
         "Enter the date you saw the work."),
        ({"seen_on-day": "31", "seen_on-month": "2", "seen_on-year": "2026"},
         "When did you see the work? must be a real date"),
        (seen(today() + timedelta(days=1)),
         "The date you saw the work must be today or in the past."),
        (seen(date(2026, 8, 31)),
         "The date you saw the work must be on or after 1 September 2026, when"),
    ],
)  # fmt: skip
def test_a_missing_impossible_future_or_too_early_date_is_refused(app, enrolment, when, message):
    row, token = ask(enrolment)

    response = give(app.test_client(), token, **when)

    assert response.status_code == 422
    text = page_text(response)
    assert message in text
    assert 'href="#seen_on-day"' in text  # the error summary links to the day box
    assert no_testimony_saved(row)


def test_the_assessor_reads_who_the_witness_is_and_what_they_were_asked(app, enrolment):
    row, token = ask(enrolment, enrolment.learner, "PC1", "PC3")
    give(app.test_client(), token, witness_role="Chair", **seen(date(2026, 10, 14)))
    evidence = db.session.scalars(db.select(Evidence)).one()

    page = page_text(signed_in(app, enrolment.assessor).get(f"/evidence/{evidence.id}/assess"))

    assert "The witness and what they were asked" in page
    for shown in (
        "Priya Shah",
        "Chair",
        "Harehills Residents’ Association",
        f"How they know {enrolment.learner.name}",
        "Ran the youth panel with the learner",
        "14 October 2026",
        f"{enrolment.learner.name} (the learner)",
        "PC1, PC3",
        MESSAGE,
        "I confirm that this testimony is true, that I am Chair at Harehills Residents’ "
        "Association",
        "Declared by Priya Shah",
    ):
        assert shown in page, shown


def test_the_assessors_page_for_other_evidence_has_no_witness_section(app, enrolment):
    from assessment_helpers import submitted

    evidence = submitted(enrolment, "PC1")

    page = page_text(signed_in(app, enrolment.assessor).get(f"/evidence/{evidence.id}/assess"))

    assert "The witness and what they were asked" not in page


def test_the_witness_does_not_read_how_the_learner_describes_them(app, enrolment):
    row, token = ask(enrolment, relationship="My old boss, a bit disorganised")

    page = page_text(app.test_client().get(f"/witness/{token}"))

    assert MESSAGE in page
    assert "disorganised" not in page
