"""The assessor's home and queue cost the same number of SQL statements whatever the size of the
caseload (issue 8): two learners or eight, each with work assessed, met, waiting and resubmitted,
one signed off. A page that lazy-loads per learner shows up here as a count that grows."""

import re
from dataclasses import dataclass

import pytest
from assessment_helpers import assess, fully_met, sign, submitted
from conftest import PASSWORD
from query_counting import Visit, repeated, visit

from portfolio.services import evidence as evidence_service

PAGES = ("/caseload", "/caseload/queue", "/caseload/queue?learner={learner}")


@dataclass
class Caseload:
    assessor_email: str
    last_learner_id: int


def build_caseload(make_user, make_cohort, make_enrolment, learners: int) -> Caseload:
    """One assessor with ``learners`` learners over two cohorts. The first learner has every
    criterion met and is signed off; each other has evidence assessed (PC1 and K1 met, PC2 not
    yet), a correction of the not-yet-met piece waiting, and a new piece waiting."""
    assessor = make_user("assessor", name=f"Assessor of {learners}")
    cohorts = [
        make_cohort(provider=assessor.provider, name=f"Cohort {c} of {learners}") for c in "AB"
    ]
    for n in range(learners):
        learner = make_user("learner", provider=assessor.provider, name=f"Learner {n:02}")
        enrolment = make_enrolment(cohort=cohorts[n % 2], learner=learner, assessor=assessor)
        if n == 0:
            fully_met(enrolment)
            sign(enrolment)
            continue
        assess(submitted(enrolment, "PC1", "K1", title="Youth panel"), outcomes={"PC1": "met"})
        plan = submitted(enrolment, "PC2", title="Workshop plan")
        assess(plan, outcomes={"PC2": "not_yet_met"})
        correction = evidence_service.revise(plan)
        evidence_service.submit(correction, full_name=learner.name, confirmed=True)
        submitted(enrolment, "PC3", "K2", title="Reflective account")
    return Caseload(assessor.email, learner.id)


def visit_pages(app, caseload: Caseload) -> dict[str, Visit]:
    client = app.test_client()
    sign_in = {"email": caseload.assessor_email, "password": PASSWORD}
    response = client.post("/sign-in", data=sign_in)
    assert response.status_code == 302
    visits = {}
    for page in PAGES:
        url = page.format(learner=caseload.last_learner_id)
        client.get(url)  # once first: nothing a first request does once is per learner
        visits[page] = visit(client, url)
    return visits


@pytest.fixture
def caseloads(app, make_user, make_cohort, make_enrolment):
    """The pages as the assessor of 2 learners and the assessor of 8 see them."""
    built = {n: build_caseload(make_user, make_cohort, make_enrolment, n) for n in (2, 8)}
    return {n: visit_pages(app, caseload) for n, caseload in built.items()}


@pytest.mark.parametrize("page", PAGES)
def test_the_page_runs_as_many_queries_for_eight_learners_as_for_two(caseloads, page):
    small, large = caseloads[2][page], caseloads[8][page]
    assert small.queries == large.queries, (
        f"{page}: {small.queries} queries for 2 learners, {large.queries} for 8; repeated:\n"
        + "\n".join(repeated(small, large))
    )


def test_the_caseload_lists_every_learner_with_coverage_and_what_waits(caseloads):
    home = caseloads[8]["/caseload"].page
    assert all(f"Learner {n:02}" in home for n in range(8))
    assert "13 of 13 performance criteria met, 14 of 14 knowledge items met" in home
    assert home.count("1 of 13 performance criteria met, 1 of 14 knowledge items met") == 7
    assert "Signed off" in home
    assert "2 waiting from Learner 07" in home
    assert home.count("1 resubmitted") == 7


def test_the_queue_lists_what_waits_from_every_learner_and_filters_to_one(caseloads):
    learners = r'<td[^>]*class="govuk-table__cell"[^>]*>(Learner \d\d)</td>'
    queue = caseloads[8]["/caseload/queue"].page
    assert "14 waiting" in queue  # seven learners, each a correction and a new piece
    assert set(re.findall(learners, queue)) == {f"Learner {n:02}" for n in range(1, 8)}
    assert queue.count("Resubmission (version 2)") == 7
    only = caseloads[8]["/caseload/queue?learner={learner}"].page
    assert "2 waiting" in only
    assert set(re.findall(learners, only)) == {"Learner 07"}
