"""The learner's home: the standard as a task list with statuses, guidance and coverage."""

import html
import re

import pytest
from evidence_samples import make_draft
from people_helpers import page_text

from portfolio.extensions import db
from portfolio.models import Criterion, EvidenceStatus
from portfolio.services import evidence as evidence_service
from portfolio.services.progress import CriterionStatus, portfolio_progress


@pytest.fixture
def enrolment(make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    return enrolment


def criteria(enrolment, *codes):
    return [enrolment.standard.criterion(code) for code in codes]


def map_to(evidence, **justifications):
    chosen = {
        evidence.enrolment.standard.criterion(code): text for code, text in justifications.items()
    }
    evidence_service.set_mappings(evidence, chosen)


def submit(evidence):
    evidence_service.submit(evidence, full_name=evidence.enrolment.learner.name, confirmed=True)


def statuses(page: str) -> dict[str, str]:
    """Status text of every task list row, by criterion code."""
    found = re.findall(r'data-criterion="(\w+)">\s*(.*?)\s*</div>', page, re.S)
    return {code: re.sub(r"<[^>]+>", "", status).strip() for code, status in found}


def test_a_new_portfolio_lists_every_criterion_with_no_evidence_yet(client, enrolment):
    page = html.unescape(client.get(f"/portfolio/{enrolment.id}").get_data(as_text=True))
    assert "<title>Your portfolio" in page
    assert "0 of 13 performance criteria, 0 of 14 knowledge items" in page
    found = statuses(page)
    assert len(found) == 27
    assert set(found.values()) == {"No evidence yet"}
    assert "govuk-task-list" in page
    assert "No evidence yet. Add a photo" in page


def test_the_task_list_shows_the_sectors_top_tips_for_each_criterion(client, enrolment):
    page = html.unescape(client.get(f"/portfolio/{enrolment.id}").get_data(as_text=True))
    assert "Top tip: Do the groundwork" in page
    assert "Top tips: Identify and connect with your target audience; Create the best" in page
    assert "Communication doesn't need words!" in page


def test_statuses_and_coverage_follow_the_evidence(client, enrolment):
    first = make_draft(enrolment, title="Panel meeting")
    map_to(first, PC3="Objectives with the panel.", PC9="Weekly updates.", K2="Partnership.")
    second = make_draft(enrolment, title="Feedback survey")
    map_to(second, PC13="Feedback.", PC3="Also objectives.")
    submit(second)
    page = html.unescape(client.get(f"/portfolio/{enrolment.id}").get_data(as_text=True))
    found = statuses(page)
    assert found["PC3"] == "Submitted"  # submitted evidence outranks a draft
    assert found["PC9"] == "In a draft"
    assert found["K2"] == "In a draft"
    assert found["PC13"] == "Submitted"
    assert found["PC1"] == "No evidence yet"
    # drafts are the learner's own work in progress: only submitted evidence counts
    assert "2 of 13 performance criteria, 0 of 14 knowledge items" in page
    assert "Panel meeting" in page and "Feedback survey" in page


def test_a_correction_in_draft_keeps_the_submitted_status(enrolment):
    evidence = make_draft(enrolment)
    map_to(evidence, PC3="Objectives.")
    submit(evidence)
    correction = evidence_service.revise(evidence)
    map_to(correction, PC4="Timescales.")
    progress = portfolio_progress(enrolment, enrolment.learner)
    by_code = {item.criterion.code: item.status for item in progress.criteria}
    assert by_code["PC3"] == CriterionStatus.SUBMITTED
    assert by_code["PC4"] == CriterionStatus.IN_DRAFT
    assert [e.id for e in progress.evidence] == [correction.id]  # one row per piece of evidence
    assert evidence.status == EvidenceStatus.SUBMITTED


def test_the_assessor_sees_the_submitted_version_while_a_correction_is_in_draft(enrolment):
    evidence = make_draft(enrolment)
    map_to(evidence, PC3="Objectives.")
    submit(evidence)
    correction = evidence_service.revise(evidence)
    map_to(correction, PC4="Timescales.")
    progress = portfolio_progress(enrolment, enrolment.assessor)
    by_code = {item.criterion.code: item.status for item in progress.criteria}
    assert by_code["PC3"] == CriterionStatus.SUBMITTED
    assert by_code["PC4"] == CriterionStatus.NO_EVIDENCE  # mapped only in the learner's draft
    assert [e.id for e in progress.evidence] == [evidence.id]


def test_assessment_decisions_show_as_met_or_not_yet_met(enrolment):
    from assessment_helpers import assess

    evidence = make_draft(enrolment)
    map_to(evidence, PC1="Opportunities.", PC2="Expectations.")
    submit(evidence)
    assess(evidence, outcomes={"PC2": "not_yet_met"})
    progress = portfolio_progress(enrolment, enrolment.learner)
    by_code = {item.criterion.code: item.status.label for item in progress.criteria}
    assert (by_code["PC1"], by_code["PC2"]) == ("Met", "Not yet met")


def test_a_criterion_page_lists_the_evidence_and_justifications(client, enrolment):
    evidence = make_draft(enrolment, title="Panel meeting")
    map_to(evidence, PC3="We set the objectives with the youth panel.")
    response = client.get(f"/portfolio/{enrolment.id}/criteria/PC3")
    page = html.unescape(response.get_data(as_text=True))
    assert '<h1 class="govuk-heading-l">PC3</h1>' in page
    assert "work with key community stakeholders" in page
    assert "Top tip: Identify and connect with your target audience" in page
    assert "Panel meeting" in page
    assert "We set the objectives with the youth panel." in page
    assert "Evidence mapped" in page


def test_criterion_guidance_written_in_markdown_is_shown(client, enrolment):
    criterion = db.session.scalars(db.select(Criterion).where(Criterion.code == "PC1")).one()
    criterion.guidance_md = "Think about **who** decides."
    db.session.commit()
    page = client.get(f"/portfolio/{enrolment.id}/criteria/PC1").get_data(as_text=True)
    assert "Think about <strong>who</strong> decides." in page


def test_an_unknown_criterion_code_is_not_found(client, enrolment):
    assert client.get(f"/portfolio/{enrolment.id}/criteria/PC99").status_code == 404


def test_a_learner_with_no_enrolment_is_told_so(client, make_user, login_as):
    login_as(make_user("learner"))
    page = client.get("/portfolio").get_data(as_text=True)
    assert "You are not enrolled on a course yet." in page


def test_a_learner_on_two_courses_chooses_one(client, make_enrolment, make_cohort, login_as):
    first = make_enrolment()
    second = make_enrolment(
        cohort=make_cohort(provider=first.cohort.provider), learner=first.learner
    )
    login_as(first.learner)
    page = client.get("/portfolio").get_data(as_text=True)
    assert f"/portfolio/{first.id}" in page and f"/portfolio/{second.id}" in page


def test_a_signed_off_learner_is_not_offered_the_form_for_new_evidence(client, enrolment):
    from assessment_helpers import fully_met, sign

    fully_met(enrolment)
    sign(enrolment)

    portfolio = page_text(client.get(f"/portfolio/{enrolment.id}"))
    criterion = page_text(client.get(f"/portfolio/{enrolment.id}/criteria/PC1"))
    form = client.get(f"/portfolio/{enrolment.id}/evidence/new")

    assert "Add evidence" not in portfolio and "Add evidence" not in criterion
    assert form.status_code == 409
    assert "was signed off on" in page_text(form)
    assert "Title" not in page_text(form)  # refused before anything is filled in
