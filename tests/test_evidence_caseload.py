"""An assessor sees work come in on their caseload: what each learner has submitted, and the
corrections they sent back; drafts stay the learner's own until submitted."""

import html
import re

import pytest
from evidence_samples import make_draft

from portfolio.extensions import db
from portfolio.models import Evidence


@pytest.fixture
def enrolment(make_enrolment, make_cohort):
    return make_enrolment(cohort=make_cohort(name="Autumn cohort"))


def as_learner(client, login_as, enrolment):
    client.post("/sign-out")
    login_as(enrolment.learner)


def as_assessor(client, login_as, enrolment):
    client.post("/sign-out")
    login_as(enrolment.assessor)


def map_and_submit(client, evidence):
    client.post(
        f"/evidence/{evidence.id}/mappings",
        data={"criteria": ["PC3"], "justification-PC3": "The panel set the objectives."},
    )
    response = client.post(
        f"/evidence/{evidence.id}/submit",
        data={"full_name": evidence.enrolment.learner.name, "confirm": "y"},
    )
    assert response.status_code == 302


def caseload_row(client, enrolment) -> dict[str, str]:
    """What the assessor's caseload says about this learner."""
    page = client.get("/caseload").get_data(as_text=True)
    name = re.escape(html.escape(enrolment.learner.name))
    row = re.search(rf'<tr class="govuk-table__row" data-learner="{name}">(.*?)</tr>', page, re.S)
    assert row, "the learner is not on the caseload"
    cells = dict(re.findall(r"data-([a-z-]+)>(.*?)</td>", row.group(1), re.S))
    return {key: re.sub(r"<[^>]+>", "", value).strip() for key, value in cells.items()}


def test_a_learners_draft_is_hidden_from_their_assessor_until_submitted(
    client, login_as, enrolment
):
    as_learner(client, login_as, enrolment)
    draft = make_draft(enrolment, title="Planning day with the youth panel")

    as_assessor(client, login_as, enrolment)
    assert client.get(f"/evidence/{draft.id}").status_code == 404
    assert caseload_row(client, enrolment) == {
        "coverage": "0 of 13 performance criteria met, 0 of 14 knowledge items met",
        "waiting-since": "Nothing waiting",
        "waiting": "0",
        "corrections": "0",
        "latest-submission": "Nothing submitted yet",
    }

    as_learner(client, login_as, enrolment)
    page = client.get(f"/evidence/{draft.id}").get_data(as_text=True)
    assert "When you submit, your assessor can see it" in page
    map_and_submit(client, draft)

    as_assessor(client, login_as, enrolment)
    page = client.get(f"/evidence/{draft.id}").get_data(as_text=True)
    assert "Planning day with the youth panel" in page
    row = caseload_row(client, enrolment)
    assert (row["waiting"], row["corrections"]) == ("1", "0")
    assert row["latest-submission"] == draft.submitted_at.strftime("%-d %B %Y")


def test_a_resubmitted_correction_shows_on_the_caseload_as_a_correction(
    client, login_as, enrolment
):
    as_learner(client, login_as, enrolment)
    first = make_draft(enrolment, title="Planning day")
    second = make_draft(enrolment, title="Feedback survey")
    map_and_submit(client, first)
    map_and_submit(client, second)

    # The assessor asks for a correction; the learner makes a new version...
    correction_url = client.post(f"/evidence/{first.id}/revise").location
    correction = db.session.scalars(
        db.select(Evidence).where(Evidence.previous_id == first.id)
    ).one()
    as_assessor(client, login_as, enrolment)
    # ...which the assessor cannot see while it is a draft, and which is not counted yet.
    assert client.get(correction_url).status_code == 404
    assert caseload_row(client, enrolment)["corrections"] == "0"

    as_learner(client, login_as, enrolment)
    map_and_submit(client, correction)

    as_assessor(client, login_as, enrolment)
    row = caseload_row(client, enrolment)
    assert row["waiting"] == "2"  # the corrected piece replaces the version it corrects
    assert row["corrections"] == "1 resubmitted"
    assert row["latest-submission"] == correction.submitted_at.strftime("%-d %B %Y")
    page = client.get(correction_url).get_data(as_text=True)
    assert "Evidence, version 2" in page


def test_the_caseload_counts_only_this_assessors_learners(
    client, login_as, enrolment, make_enrolment
):
    other = make_enrolment(cohort=enrolment.cohort)
    as_learner(client, login_as, other)
    map_and_submit(client, make_draft(other))

    as_assessor(client, login_as, enrolment)
    page = client.get("/caseload").get_data(as_text=True)
    assert other.learner.name not in page
    assert caseload_row(client, enrolment)["waiting"] == "0"


def test_the_iqa_sees_the_same_figures_for_the_learners_they_quality_assure(
    client, login_as, enrolment
):
    as_learner(client, login_as, enrolment)
    map_and_submit(client, make_draft(enrolment))
    client.post("/sign-out")
    login_as(enrolment.iqa)
    page = client.get("/caseload").get_data(as_text=True)
    assert "Learners you quality-assure" in page and "Learners you assess" not in page
    assert caseload_row(client, enrolment)["waiting"] == "1"
