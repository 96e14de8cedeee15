"""One portfolio, every page: the learner, their assessor and IQA, the caseload, the dashboard,
the CSV report and the PDF's contents count the same criteria as evidenced and as met.

The portfolio: a workshop record mapped to PC1 (judged met) and PC2 (mapping not accepted), an
evaluation form mapped to PC3 waiting for assessment, and a draft mapped to PC4."""

import csv
import io

import pytest
from assessment_helpers import assess, submitted
from evidence_samples import make_draft
from people_helpers import PASSWORD, page_text

from portfolio.services import evidence as evidence_service
from portfolio.services.export.contents import gather
from portfolio.services.progress import CriterionStatus, portfolio_progress

EVIDENCE_FOR = "2 of 13 performance criteria, 0 of 14 knowledge items"
MET = "1 of 13 performance criteria met, 0 of 14 knowledge items met"


@pytest.fixture
def portfolio(make_enrolment, make_user):
    enrolment = make_enrolment()
    workshop = submitted(enrolment, "PC1", "PC2", title="Workshop record")
    assess(workshop, rejected={"PC2": "This does not show the risks being agreed."})
    submitted(enrolment, "PC3", title="Evaluation form")
    draft = make_draft(enrolment, title="Notes in progress")
    evidence_service.set_mappings(draft, {enrolment.standard.criterion("PC4"): "Timescales."})
    admin = make_user("admin", provider=enrolment.cohort.provider)
    return enrolment, admin


def signed_in(app, person):
    client = app.test_client()
    assert (
        client.post("/sign-in", data={"email": person.email, "password": PASSWORD}).status_code
        == 302
    )
    return client


@pytest.mark.parametrize("who", ["learner", "assessor", "iqa"])
def test_everyone_who_reads_the_portfolio_page_reads_the_same_figures(app, portfolio, who):
    enrolment, _ = portfolio
    text = page_text(signed_in(app, getattr(enrolment, who)).get(f"/portfolio/{enrolment.id}"))

    assert EVIDENCE_FOR in text
    assert MET in text


def test_a_rejected_mapping_reads_as_not_accepted_and_a_draft_only_to_its_learner(app, portfolio):
    enrolment, _ = portfolio
    as_learner = portfolio_progress(enrolment, enrolment.learner)
    as_assessor = portfolio_progress(enrolment, enrolment.assessor)

    statuses = {i.criterion.code: i.status for i in as_learner.criteria}
    assert statuses["PC1"] == CriterionStatus.MET
    assert statuses["PC2"] == CriterionStatus.NOT_ACCEPTED
    assert statuses["PC3"] == CriterionStatus.SUBMITTED
    assert statuses["PC4"] == CriterionStatus.IN_DRAFT
    assert {i.criterion.code: i.status for i in as_assessor.criteria}["PC4"] == (
        CriterionStatus.NO_EVIDENCE
    )
    criterion = page_text(
        signed_in(app, enrolment.learner).get(f"/portfolio/{enrolment.id}/criteria/PC2")
    )
    assert "Not accepted for PC2" in criterion
    assert "This does not show the risks being agreed." in criterion


def test_the_caseload_dashboard_csv_and_pdf_count_the_same_criteria_met(app, portfolio):
    enrolment, admin = portfolio
    caseload = page_text(signed_in(app, enrolment.assessor).get("/caseload"))
    administrator = signed_in(app, admin)
    dashboard = page_text(administrator.get("/admin/reports"))
    report = administrator.get(
        "/admin/reports/export.csv", query_string={"cohort": enrolment.cohort_id}
    )
    rows = list(csv.DictReader(io.StringIO(report.get_data().decode("utf-8-sig"))))

    assert MET in caseload
    assert "1 of 13" in dashboard and "0 of 14" in dashboard
    [row] = rows
    assert (row["Performance criteria met"], row["Knowledge items met"]) == ("1", "0")
    contents = gather(enrolment)
    assert sum(1 for c in contents.criteria if c.judgement and c.judgement.is_met) == 1
