"""A withdrawn learner's portfolio is kept as it is: nobody adds to it or assesses it until
an administrator reinstates them."""

from datetime import date

import pytest
from assessment_helpers import assess, submitted
from evidence_samples import make_draft
from people_helpers import page_text

from portfolio.extensions import db
from portfolio.services.assessment.state import Withdrawn


@pytest.fixture
def withdrawn(make_enrolment):
    enrolment = make_enrolment()
    evidence = submitted(enrolment, "PC1")
    enrolment.withdrawn_on = date(2026, 11, 1)
    enrolment.withdrawal_reason = "Moved away."
    db.session.commit()
    return enrolment, evidence


def test_the_services_refuse_changes_to_a_withdrawn_learners_portfolio(withdrawn):
    enrolment, evidence = withdrawn
    with pytest.raises(Withdrawn, match="was withdrawn from .* on 1 November 2026"):
        make_draft(enrolment)
    db.session.rollback()
    with pytest.raises(Withdrawn):
        assess(evidence)


def test_the_learner_is_told_in_words(client, login_as, withdrawn):
    enrolment, _ = withdrawn
    login_as(enrolment.learner)
    response = client.post(
        f"/portfolio/{enrolment.id}/evidence/new",
        data={
            "title": "After withdrawal",
            "activity_date-day": "1",
            "activity_date-month": "10",
            "activity_date-year": "2026",
            "method": "product",
            "action": "save",
        },
    )
    assert "was withdrawn from" in page_text(response)
    from portfolio.models import Evidence

    titles = [e.title for e in db.session.scalars(db.select(Evidence))]
    assert "After withdrawal" not in titles
