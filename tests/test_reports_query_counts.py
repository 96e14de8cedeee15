"""The provider dashboard and insights cost the same number of SQL statements whatever the number
of learners: 3 or 12, at every stage (not started, assessed, waiting, signed off, reopened,
withdrawn), over two cohorts. A page that counts in Python or lazy-loads per learner shows up
here as a count that grows."""

from dataclasses import dataclass
from datetime import date

import pytest
from assessment_helpers import assess, fully_met, sign, submitted
from conftest import PASSWORD
from query_counting import Visit, repeated, visit

from portfolio.extensions import db
from portfolio.services import withdrawals
from portfolio.services.assessment import signing

PAGES = (
    "/admin/reports",
    "/admin/reports?sort=status&order=desc",
    "/admin/reports?status=at_risk&cohort={cohort}",
    "/admin/reports?active_from-day=1&active_from-month=1&active_from-year=2026&sort=waiting",
    "/admin/reports/insights",
    "/admin/reports/insights?cohort={cohort}",
)


@dataclass
class Provider:
    admin_email: str
    cohort_id: int


def build_provider(make_user, make_cohort, make_enrolment, learners: int) -> Provider:
    """An administrator's provider with ``learners`` learners over two cohorts and two
    assessors, going round the stages: nothing yet, assessed (PC1 not yet met, K1 met) with
    work waiting, signed off, signed off and reopened, and withdrawn."""
    admin = make_user("admin", name=f"Admin of {learners}")
    provider = admin.provider
    assessors = [make_user("assessor", provider=provider, name=f"Assessor {a}") for a in "AB"]
    cohorts = [make_cohort(provider=provider, name=f"Cohort {c} of {learners}") for c in "AB"]
    for n in range(learners):
        learner = make_user("learner", provider=provider, name=f"Learner {n:02}")
        assessor = assessors[n % 2]
        enrolment = make_enrolment(cohort=cohorts[n % 2], learner=learner, assessor=assessor)
        stage = n % 6
        if stage == 0:
            continue
        if stage in (2, 3):
            fully_met(enrolment)
            sign(enrolment)
            if stage == 3:
                db.session.refresh(enrolment)
                signing.reopen(enrolment, assessor, reason="Check K3.", seen=enrolment.revision)
            continue
        assess(submitted(enrolment, "PC1", "K1"), outcomes={"PC1": "not_yet_met"})
        submitted(enrolment, "PC2", title="Workshop plan")
        if stage == 4:
            withdrawals.withdraw(enrolment, admin, on=date(2026, 9, 30), reason="Left the course.")
    return Provider(admin.email, cohorts[0].id)


def visit_pages(app, provider: Provider) -> dict[str, Visit]:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": provider.admin_email, "password": PASSWORD})
    assert response.status_code == 302
    visits = {}
    for page in PAGES:
        url = page.format(cohort=provider.cohort_id)
        client.get(url)  # once first: nothing a first request does once is per learner
        visits[page] = visit(client, url)
    return visits


@pytest.fixture
def providers(app, make_user, make_cohort, make_enrolment):
    """The pages as the administrator of 3 learners and of 12 see them."""
    built = {n: build_provider(make_user, make_cohort, make_enrolment, n) for n in (3, 12)}
    return {n: visit_pages(app, provider) for n, provider in built.items()}


@pytest.mark.parametrize("page", PAGES)
def test_the_page_runs_as_many_queries_for_twelve_learners_as_for_three(providers, page):
    small, large = providers[3][page], providers[12][page]
    assert small.queries == large.queries, (
        f"{page}: {small.queries} queries for 3 learners, {large.queries} for 12; repeated:\n"
        + "\n".join(repeated(small, large))
    )


def test_the_dashboard_runs_a_handful_of_queries(providers):
    """Signing in, the provider, the cohort summaries, the assessors, the count and the page
    of learners: a number that stays small whatever the provider's size."""
    assert providers[12]["/admin/reports"].queries <= 12


def test_the_pages_show_every_learner_and_cohort(providers):
    dashboard = providers[12]["/admin/reports"].page
    assert all(f"Learner {n:02}" in dashboard for n in range(12))
    assert "12 learners, sorted by learner" in dashboard
    assert "Cohort A of 12" in dashboard and "Cohort B of 12" in dashboard
    insights = providers[12]["/admin/reports/insights?cohort={cohort}"].page
    assert "Criteria met across the cohort" in insights and "PC13" in insights
