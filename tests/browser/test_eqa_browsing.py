"""An external quality assurer browses the portfolios they were given, in a real browser; every
page they open is in the audit trail, and the pages pass the accessibility check."""

import re
from datetime import timedelta

from assessment_helpers import assess, submitted
from people_helpers import PASSWORD
from playwright.sync_api import expect

from portfolio.extensions import db
from portfolio.models import AuditEntry, EqaGrant, SampleKind, SampleOutcome
from portfolio.models._types import utcnow
from portfolio.services.quality import plan, records
from portfolio.services.quality.decisions import decisions_on


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
    page.get_by_role("link", name=re.compile(f"^{enrolment.learner.name}")).click()
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


def test_an_eqa_reads_the_sampling_records_and_countersignature_on_a_phone(
    new_page, assert_accessible, make_enrolment, make_user
):
    enrolment = make_enrolment()
    enrolment.assessor.name, enrolment.iqa.name = "Sam Assessor", "Jo Quality"
    evidence = submitted(enrolment, "PC1", title="Youth panel workshop")
    assess(evidence, feedback={"PC1": "You chaired the panel well."})
    judgement = next(d for d in decisions_on([enrolment]) if d.kind == SampleKind.JUDGEMENT)
    item = plan.add(enrolment.iqa, enrolment, SampleKind.JUDGEMENT, judgement.record.id)
    records.record(
        item,
        enrolment.iqa,
        outcome=SampleOutcome.NOT_AGREED,
        rules_comment="One photo is thin evidence for PC1.",
        feedback_comment="The feedback does not say what the learner showed.",
        action="Write feedback that names what the learner did for PC1.",
        action_due=utcnow().date() + timedelta(days=14),
    )
    eqa = make_user("eqa", provider=enrolment.cohort.provider, name="Eve External")
    db.session.add(
        EqaGrant(
            provider_id=enrolment.cohort.provider_id,
            eqa=eqa,
            granted_by=enrolment.assessor,
            enrolments=[enrolment],
            expires_at=utcnow() + timedelta(days=7),
        )
    )
    db.session.commit()

    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(eqa.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name=re.compile(f"^{enrolment.learner.name}")).first.click()
    page.locator("[data-eqa-quality-link]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Internal quality assurance")
    expect(page.locator("[data-sampling-summary]")).to_contain_text("1 action still open")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    page.get_by_role("link", name="Judgement of PC1 (met)").click()
    expect(page.locator("[data-sample-action]")).to_contain_text("Write feedback that names")
    expect(page.locator("[data-decision-unchanged]")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)

    db.session.expire_all()
    viewed = [
        e.details["endpoint"]
        for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "eqa_viewed").order_by(AuditEntry.id)
        )
    ]
    assert viewed[-2:] == ["eqa.quality_assurance", "eqa.sampling_record"]
