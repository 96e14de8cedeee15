"""A standard past its indicative review date is flagged to the administrators whose cohorts
follow it, and on its public page: a newer version may have been published."""

from datetime import date, timedelta

from people_helpers import page_text

from portfolio.extensions import db
from portfolio.uk_time import uk_today


def test_the_admin_dashboard_flags_a_standard_past_its_review_date(
    client, make_user, make_cohort, login_as, standard
):
    admin = make_user("admin")
    make_cohort(provider=admin.provider)
    assert standard.review_date == "2026-03-30"  # as published with the seed standard
    login_as(admin)

    page = page_text(client.get("/admin"))

    assert (
        f"The standard {standard.title} (version {standard.version}) was due for review on "
        "30 March 2026." in page
    ) == (uk_today() > date(2026, 3, 30))
    standard.review_date = (uk_today() - timedelta(days=1)).isoformat()
    db.session.commit()
    page = page_text(client.get("/admin"))
    assert "data-review-due" in page and "Important" in page
    assert "Check whether a newer version has been published" in page


def test_no_banner_before_the_review_date_or_without_a_cohort_on_the_standard(
    client, make_user, make_cohort, login_as, standard
):
    admin = make_user("admin")
    login_as(admin)
    standard.review_date = "2020-01-01"
    db.session.commit()
    assert "data-review-due" not in page_text(client.get("/admin"))  # no cohort follows it

    make_cohort(provider=admin.provider)
    standard.review_date = uk_today().isoformat()  # due today: not yet past
    db.session.commit()
    assert "data-review-due" not in page_text(client.get("/admin"))


def test_the_public_standard_page_says_it_was_due_for_review(client, standard):
    standard.review_date = "2026-03-30"
    db.session.commit()
    page = page_text(client.get(f"/standards/{standard.id}"))

    past = uk_today() > date(2026, 3, 30)
    assert ("was due for review on 30 March 2026" in page) == past
    standard.review_date = (uk_today() + timedelta(days=30)).isoformat()
    db.session.commit()
    assert "data-review-due" not in page_text(client.get(f"/standards/{standard.id}"))
