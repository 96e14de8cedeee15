"""Every time people read is UK time: stored in UTC, shown in Europe/London, summer or winter."""

from datetime import UTC, date, datetime

from assessment_helpers import submitted

from portfolio.extensions import db
from portfolio.uk_time import uk_date, uk_datetime, uk_time

SUMMER = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
WINTER = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_summer_time_is_an_hour_ahead_of_utc_and_winter_time_is_utc():
    assert uk_time(SUMMER) == "13:00"
    assert uk_time(WINTER) == "12:00"
    assert uk_datetime(SUMMER) == "1 July 2026 at 13:00"
    assert uk_datetime(WINTER, zone=True) == "1 December 2026 at 12:00 (UK time)"


def test_the_clocks_change_on_the_last_sundays_of_march_and_october():
    assert uk_time(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)) == "00:59"
    assert uk_time(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == "02:00"
    assert uk_time(datetime(2026, 10, 25, 0, 59, tzinfo=UTC)) == "01:59"
    assert uk_time(datetime(2026, 10, 25, 1, 0, tzinfo=UTC)) == "01:00"


def test_late_on_a_summer_evening_in_utc_is_already_the_next_day_in_the_uk():
    assert uk_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC)) == "1 July 2026"
    assert uk_date(datetime(2026, 6, 30, 23, 30, tzinfo=UTC), short=True) == "1 Jul 2026"


def test_naive_times_are_taken_as_utc_and_dates_stay_as_they_are():
    assert uk_time(datetime(2026, 7, 1, 12, 0)) == "13:00"
    assert uk_date(date(2026, 3, 30)) == "30 March 2026"
    assert uk_datetime(None) == "" and uk_date(None) == ""


def test_the_evidence_page_shows_when_it_was_submitted_in_uk_time(client, make_enrolment, login_as):
    enrolment = make_enrolment()
    evidence = submitted(enrolment, "PC1")
    evidence.submitted_at = SUMMER
    db.session.commit()
    login_as(enrolment.learner)

    page = client.get(f"/evidence/{evidence.id}").get_data(as_text=True)

    assert "1 July 2026 at 13:00" in page
    assert "UTC" not in page and "12:00" not in page
