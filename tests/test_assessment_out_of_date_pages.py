"""Every form that changes a portfolio's assessment says which revision of the portfolio its
page showed. A form that says nothing (an old copy of the page, or one made by hand) or sends
something other than a number is refused with a sentence saying what to do, and saves nothing:
it never counts as based on the portfolio as it is now."""

import pytest
from assessment_helpers import ALL_RULES, fully_met, sign, submitted
from people_helpers import PASSWORD, audit_actions, page_text

from portfolio.extensions import db
from portfolio.models import Countersignature, EvidenceReview, SampleKind, SampleOutcome, SignOff
from portfolio.services.quality import plan, records
from portfolio.services.quality.decisions import decisions_on

OUT_OF_DATE = "This page is out of date, so nothing you sent was saved."
NO_REVISION = [pytest.param(None, id="missing"), pytest.param("not-a-number", id="not-a-number")]


def _with(revision, data):
    return data if revision is None else {**data, "revision": revision}


@pytest.mark.parametrize("revision", NO_REVISION)
def test_a_sign_off_from_a_page_that_sent_no_revision_is_refused(
    client, login_as, make_enrolment, revision
):
    enrolment = make_enrolment()
    fully_met(enrolment)
    login_as(enrolment.assessor)

    response = client.post(
        f"/portfolio/{enrolment.id}/sign-off",
        data=_with(
            revision, {"password": PASSWORD, "full_name": enrolment.assessor.name, "confirm": "y"}
        ),
    )

    text = page_text(response)
    assert response.status_code == 422
    assert OUT_OF_DATE in text
    assert '<a href="#revision">' not in text  # nothing on the page to go to
    db.session.refresh(enrolment)
    assert f'name="revision" type="hidden" value="{enrolment.revision}"' in text
    assert db.session.scalars(db.select(SignOff)).all() == []


@pytest.mark.parametrize("revision", NO_REVISION)
def test_reopening_from_a_page_that_sent_no_revision_is_refused(
    client, login_as, make_enrolment, revision
):
    enrolment = make_enrolment()
    fully_met(enrolment)
    sign_off = sign(enrolment)
    login_as(enrolment.assessor)

    response = client.post(
        f"/portfolio/{enrolment.id}/reopen",
        data=_with(revision, {"reason": "The witness withdrew consent."}),
    )

    assert response.status_code == 422
    assert OUT_OF_DATE in page_text(response)
    db.session.refresh(sign_off)
    assert sign_off.voided_at is None
    assert "assessment.reopened" not in audit_actions()


@pytest.mark.parametrize("revision", NO_REVISION)
def test_a_countersignature_from_a_page_that_sent_no_revision_is_refused(
    client, login_as, make_enrolment, revision
):
    enrolment = make_enrolment()
    fully_met(enrolment)
    sign(enrolment)
    decision = next(d for d in decisions_on([enrolment]) if d.kind == SampleKind.SIGN_OFF)
    records.record(
        plan.add(enrolment.iqa, enrolment, SampleKind.SIGN_OFF, decision.record.id),
        enrolment.iqa,
        outcome=SampleOutcome.AGREED,
        rules_comment="Valid, authentic, current and sufficient throughout.",
        feedback_comment="Clear feedback that says what the learner showed.",
    )
    login_as(enrolment.iqa)

    response = client.post(
        f"/portfolio/{enrolment.id}/countersign",
        data=_with(
            revision, {"password": PASSWORD, "full_name": enrolment.iqa.name, "confirm": "y"}
        ),
    )

    assert response.status_code == 422
    assert OUT_OF_DATE in page_text(response)
    assert db.session.scalars(db.select(Countersignature)).all() == []


@pytest.mark.parametrize("revision", NO_REVISION)
def test_an_assessment_from_a_page_that_sent_no_revision_is_refused(
    client, login_as, make_enrolment, revision
):
    enrolment = make_enrolment()
    evidence = submitted(enrolment, "PC1")
    login_as(enrolment.assessor)

    response = client.post(
        f"/evidence/{evidence.id}/assess",
        data=_with(
            revision,
            {**{f"rule-{rule}": "yes" for rule in ALL_RULES}, "mapping-PC1": "yes"}
            | {"outcome-PC1": "met"},
        ),
    )

    assert response.status_code == 409
    assert OUT_OF_DATE in page_text(response)
    assert db.session.scalars(db.select(EvidenceReview)).all() == []
