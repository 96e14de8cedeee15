"""An external quality assurer browses the portfolios they were given, in a real browser; every
page they open is in the audit trail, and the pages pass the accessibility check."""

import re
from datetime import timedelta

from assessment_helpers import assess, submitted
from people_helpers import PASSWORD
from playwright.sync_api import expect

from portfolio.extensions import db
from portfolio.models import AuditEntry, EqaGrant
from portfolio.models._types import utcnow


def test_an_eqa_browses_and_every_view_is_audited(
    new_page, assert_accessible, make_enrolment, make_user
):
    enrolment = make_enrolment()
    evidence = submitted(enrolment, "PC1", title="Youth panel workshop")
    assess(evidence, outcomes={"PC1": "not_yet_met"}, feedback={"PC1": "Name the partners."})
    eqa = make_user("eqa", provider=enrolment.cohort.provider, name="Eve External")
    db.session.add(
        EqaGrant(
            provider_id=enrolment.cohort.provider_id,
            eqa=eqa,
            granted_by=enrolment.assessor,
            cohort=enrolment.cohort,
            expires_at=utcnow() + timedelta(days=7),
        )
    )
    db.session.commit()

    page = new_page()
    page.goto("/")
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Email address").fill(eqa.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile("/eqa$"))
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(enrolment.learner.name)).click()
    expect(page.locator('[data-criterion="PC1"]')).to_have_text("Not yet met")
    assert_accessible(page)
    page.locator('a[href$="/criteria/PC1"]').click()
    expect(page.locator("[data-feedback]")).to_contain_text("Name the partners.")
    assert_accessible(page)
    page.get_by_role("link", name="Youth panel workshop").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Youth panel workshop")
    expect(page.get_by_role("button", name="Make a new version")).to_have_count(0)
    assert_accessible(page)

    db.session.expire_all()
    viewed = [
        e.details["endpoint"]
        for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "eqa_viewed").order_by(AuditEntry.id)
        )
    ]
    assert viewed[:4] == ["eqa.home", "learner.portfolio", "learner.criterion", "learner.evidence"]
