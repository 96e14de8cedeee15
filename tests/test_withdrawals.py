"""An administrator marks a learner withdrawn, with a date and a reason, and can reinstate them.
A withdrawn learner keeps their portfolio, leaves the "in progress" figures and shows as withdrawn
on the dashboard, the cohort and enrolment pages and their portfolio."""

import re
from datetime import date, timedelta

import pytest
from assessment_helpers import fully_met, sign, submitted
from people_helpers import PASSWORD, audit_actions, date_boxes, page_text

from portfolio.extensions import db
from portfolio.models import AuditEntry, Evidence
from portfolio.services import withdrawals
from portfolio.services.evidence import today
from portfolio.services.problems import Problem


@pytest.fixture
def admin(make_user):
    return make_user("admin", name="Ada Admin")


@pytest.fixture
def enrolment(admin, make_cohort, make_enrolment, make_user):
    cohort = make_cohort(provider=admin.provider, name="Autumn 2026")
    learner = make_user("learner", provider=admin.provider, name="Wendy Walker")
    return make_enrolment(cohort=cohort, learner=learner)


def text(response) -> str:
    """The page's words without its markup, as a person reads them."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


def withdraw_form(on, reason="Moved to another city."):
    return {**date_boxes("withdrawn_on", on), "reason": reason}


def test_admin_withdraws_a_learner_who_keeps_their_portfolio(client, login_as, admin, enrolment):
    submitted(enrolment, "PC1")
    login_as(admin)

    form = page_text(client.get(f"/admin/enrolments/{enrolment.id}"))
    assert "Withdraw Wendy Walker from Autumn 2026" in form
    response = client.post(
        f"/admin/enrolments/{enrolment.id}/withdraw", data=withdraw_form("2026-10-15")
    )

    assert response.headers["Location"] == f"/admin/enrolments/{enrolment.id}"
    db.session.refresh(enrolment)
    assert enrolment.withdrawn_on == date(2026, 10, 15)
    assert enrolment.withdrawal_reason == "Moved to another city."
    assert enrolment.withdrawn_by_id == admin.id
    page = text(client.get(response.headers["Location"]))
    assert "Wendy Walker is withdrawn from Autumn 2026. Their portfolio is kept." in page
    assert "Withdrawn on 15 October 2026 because Moved to another city." in page
    assert db.session.scalars(db.select(Evidence)).all(), "the portfolio keeps its evidence"
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "enrolment_withdrawn")
    ).one()
    assert (entry.actor_id, entry.subject_id) == (admin.id, enrolment.learner_id)
    assert entry.details["withdrawn_on"] == "2026-10-15"
    assert entry.details["reason"] == "Moved to another city."


def test_a_withdrawn_learner_shows_as_withdrawn_everywhere(app, client, login_as, admin, enrolment):
    withdrawals.withdraw(enrolment, admin, on=date(2026, 10, 15), reason="Moved away.")
    login_as(admin)

    cohort = text(client.get(f"/admin/cohorts/{enrolment.cohort_id}"))
    portfolio = text(client.get(f"/portfolio/{enrolment.id}"))
    dashboard = text(client.get("/admin/reports"))

    assert "Withdrawn on 15 October 2026 because Moved away." in cohort
    assert "Withdrawn on 15 October 2026 because Moved away." in portfolio
    assert "Withdrawn on 15 Oct 2026" in dashboard
    learner_client = app.test_client()
    learner_client.post("/sign-in", data={"email": enrolment.learner.email, "password": PASSWORD})
    own = text(learner_client.get(f"/portfolio/{enrolment.id}"))
    assert "Your portfolio" in own and "Withdrawn on 15 October 2026 because Moved away." in own


def test_withdrawn_learners_leave_the_in_progress_figures(client, login_as, admin, enrolment):
    login_as(admin)
    before = page_text(client.get("/admin/reports"))
    withdrawals.withdraw(enrolment, admin, on=date(2026, 10, 15), reason="Moved away.")
    after = page_text(client.get("/admin/reports"))

    # Autumn 2026: learners, in progress, signed off, withdrawn, completion
    assert _cohort_row(before) == ["1", "1", "0", "0", "0%"]
    assert _cohort_row(after) == ["1", "0", "0", "1", "None yet"]


def _cohort_row(page: str) -> list[str]:
    """The figures in the cohort's row of the dashboard's cohort table."""
    row = page[page.index('Autumn 2026<span class="govuk-visually-hidden">: its learners') :]
    row = row[: row.index("</tr>")]
    return re.findall(r'govuk-table__cell--numeric">([^<]+)</td>', row)


@pytest.mark.parametrize(
    ("on", "reason", "message"),
    [
        (None, "Moved away.", "Enter the date the learner withdrew"),
        ("2026-02-31", "Moved away.", "Date of withdrawal must be a real date"),
        ("future", "Moved away.", "The date of withdrawal must be today or in the past."),
        (
            "2026-08-31",
            "Moved away.",
            "The date of withdrawal must be on or after the cohort's start, 1 September 2026.",
        ),
        ("2026-10-15", "   ", "Give the reason the learner withdrew"),
        ("2026-10-15", "x" * 2001, "Keep the reason to 2,000 characters"),
    ],
)
def test_a_withdrawal_needs_a_real_past_date_in_the_cohort_and_a_reason(
    client, login_as, admin, enrolment, on, reason, message
):
    login_as(admin)
    if on == "future":
        on = (today() + timedelta(days=1)).isoformat()

    url = f"/admin/enrolments/{enrolment.id}/withdraw"
    response = client.post(url, data=withdraw_form(on, reason))

    assert response.status_code == 200
    page = page_text(response)
    assert "There is a problem" in page and message in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: Withdraw Wendy Walker" in page
    db.session.refresh(enrolment)
    assert enrolment.withdrawn_on is None
    assert "enrolment_withdrawn" not in audit_actions()


def test_a_signed_off_learner_cannot_be_withdrawn(admin, enrolment):
    fully_met(enrolment)
    sign(enrolment)

    with pytest.raises(Problem, match="signed off, so they have completed it"):
        withdrawals.withdraw(enrolment, admin, on=date(2026, 10, 15), reason="Moved away.")


def test_admin_reinstates_a_withdrawn_learner(client, login_as, admin, enrolment):
    withdrawals.withdraw(enrolment, admin, on=date(2026, 10, 15), reason="Moved away.")
    login_as(admin)

    page = page_text(client.get(f"/admin/enrolments/{enrolment.id}/withdraw"))
    assert "Reinstate Wendy Walker" in page and "Moved away." in page
    response = client.post(f"/admin/enrolments/{enrolment.id}/reinstate")

    assert response.headers["Location"] == f"/admin/enrolments/{enrolment.id}"
    db.session.refresh(enrolment)
    assert (enrolment.withdrawn_on, enrolment.withdrawal_reason) == (None, "")
    assert enrolment.withdrawn_by_id is None
    assert "Wendy Walker is back on Autumn 2026, in progress." in page_text(
        client.get(response.headers["Location"])
    )
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "enrolment_reinstated")
    ).one()
    assert entry.details["was_withdrawn_on"] == "2026-10-15"
    assert entry.details["reason_was"] == "Moved away."
    actions = [a for a in audit_actions() if a.startswith("enrolment_")]
    assert actions == ["enrolment_withdrawn", "enrolment_reinstated"]


def test_withdrawing_twice_or_reinstating_someone_still_here_is_refused(admin, enrolment):
    with pytest.raises(Problem, match="has not withdrawn"):
        withdrawals.reinstate(enrolment, admin)
    withdrawals.withdraw(enrolment, admin, on=date(2026, 10, 15), reason="Moved away.")
    with pytest.raises(Problem, match="already withdrawn on 15 October 2026"):
        withdrawals.withdraw(enrolment, admin, on=date(2026, 10, 16), reason="Again.")


def test_another_providers_administrator_cannot_withdraw_our_learner(
    client, login_as, make_user, enrolment
):
    login_as(make_user("admin"))

    response = client.post(
        f"/admin/enrolments/{enrolment.id}/withdraw", data=withdraw_form("2026-10-15")
    )

    assert response.status_code == 404
    db.session.refresh(enrolment)
    assert enrolment.withdrawn_on is None
