"""Every page fits a 390 px phone screen without sideways scrolling, as every role sees it.

One portfolio is built with judged evidence, evidence waiting to be assessed, a sampled
decision the IQA did not agree with and an EQA grant, with a long unbroken name, email and web
address in it (the words that push a page wider than the screen). Each role then opens their
main pages at 390 x 844: the page's width must not exceed the screen's (wide tables stack or
scroll inside their own labelled region), and every page passes the accessibility check."""

from datetime import timedelta

import pytest
from assessment_helpers import assess, fully_met, sign, submitted
from evidence_samples import make_draft
from people_helpers import PASSWORD
from playwright.sync_api import expect

from portfolio.extensions import db
from portfolio.models import EqaGrant, Export, ExportKind, ExportStatus, SampleKind, SampleOutcome
from portfolio.models._types import utcnow
from portfolio.services import witness
from portfolio.services.quality import plan, records
from portfolio.services.quality.decisions import decisions_on

PHONE = {"width": 390, "height": 844}
LONG_URL = "https://example.org/youth-panel/co-production/planning-meeting-notes-2026-10-01"

# What sticks out past the right edge, named so a failure says where to look.
WIDEST = """() => {
  const width = window.innerWidth;
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.className && typeof el.className === "string"
       ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  return [...document.body.querySelectorAll("*")]
    .filter(el => el.getBoundingClientRect().right > width + 1)
    .filter(el => !el.closest(".app-table-scroll") || el.matches(".app-table-scroll"))
    .slice(0, 5)
    .map(el => `${name(el)} (right edge ${Math.round(el.getBoundingClientRect().right)} px)`);
}"""


@pytest.fixture
def portfolio(make_enrolment, make_user):
    """Lee's portfolio: PC1 and PC2 judged, K1 waiting, the PC1 judgement sampled and not
    agreed, and an EQA who may read the cohort."""
    enrolment = make_enrolment()
    learner = enrolment.learner
    learner.name = "Leah Learner-Featherstonehaugh-Cholmondeley"
    learner.email = "leah.learner-featherstonehaugh-cholmondeley@long-example-provider.org.uk"
    enrolment.assessor.name, enrolment.iqa.name = "Sam Assessor", "Jo Quality"
    enrolment.cohort.name = "Youth work apprenticeship, spring 2026 (Tuesday group)"
    db.session.commit()
    judged = submitted(
        enrolment,
        "PC1",
        "PC2",
        title="Planning meeting with the youth panel and the co-production steering group",
        account_md=f"The minutes are at {LONG_URL} and the plan is in the shared drive.",
    )
    assess(judged, outcomes={"PC2": "not_yet_met"}, feedback={"PC2": f"See {LONG_URL}."})
    waiting = submitted(enrolment, "K1", title="Reflective account of safeguarding training")
    draft = make_draft(enrolment, title="Draft: youth forum evaluation", account_md=LONG_URL)
    _, token = witness.request_testimony(
        enrolment,
        learner,
        name="Priya Shah-Wolstenholme",
        email="priya.shah-wolstenholme@harehills-residents-association.example.org",
        role="Youth worker",
        organisation="Harehills Residents’ Association",
        relationship="Ran the youth panel with the learner",
        criteria=[enrolment.standard.criterion("PC1")],
        message="Please say what you saw Leah do at the youth panel planning meeting.",
    )
    decision = next(
        d for d in decisions_on([enrolment])
        if d.kind == SampleKind.JUDGEMENT and d.record.criterion.code == "PC1"
    )  # fmt: skip
    sample = plan.add(enrolment.iqa, enrolment, SampleKind.JUDGEMENT, decision.record.id)
    records.record(
        sample,
        enrolment.iqa,
        outcome=SampleOutcome.NOT_AGREED,
        rules_comment="The photo does not show who led the session.",
        feedback_comment=f"The feedback points to {LONG_URL} but not to what Leah did.",
        action="Ask the learner for a witness statement and judge PC1 again.",
        action_due=utcnow().date() + timedelta(days=14),
    )
    admin = make_user("admin", provider=enrolment.cohort.provider, name="Ada Admin")
    eqa = make_user("eqa", provider=enrolment.cohort.provider, name="Eve External")
    db.session.add(
        EqaGrant(
            provider_id=enrolment.cohort.provider_id,
            eqa=eqa,
            granted_by=admin,
            cohort=enrolment.cohort,
            expires_at=utcnow() + timedelta(days=7),
        )
    )
    db.session.commit()
    return {
        "enrolment": enrolment,
        "judged": judged,
        "waiting": waiting,
        "draft": draft,
        "witness_token": token,
        "sample": sample,
        "admin": admin,
        "eqa": eqa,
    }


@pytest.fixture
def phone(new_page):
    def open_phone():
        page = new_page()
        page.set_viewport_size(PHONE)
        return page

    return open_phone


@pytest.fixture
def check_pages(phone, assert_accessible):
    """Sign ``person`` in (or nobody, if None) and open each of ``pages`` (name -> URL) on a
    phone; every page must fit the screen and pass axe-core. Returns the tab, still signed in."""

    def check(person, pages):
        page = phone()
        if person is not None:
            page.goto("/sign-in")
            page.get_by_label("Email address").fill(person.email)
            page.get_by_label("Password", exact=True).fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(lambda url: "/sign-in" not in url)
        too_wide = []
        for name, url in pages.items():
            response = page.goto(url)
            assert response.ok, f"{name} ({url}) answered {response.status}"
            width, screen = page.evaluate(
                "[document.documentElement.scrollWidth, window.innerWidth]"
            )
            if width > screen:
                too_wide.append(f"{name} ({url}): {width} px; {', '.join(page.evaluate(WIDEST))}")
            assert_accessible(page)
        assert not too_wide, "pages wider than a 390 px phone:\n" + "\n".join(too_wide)
        return page

    return check


def test_public_pages_fit_a_phone(check_pages, standard):
    check_pages(
        None,
        {
            "home page": "/",
            "standards": "/standards",
            "standard page": f"/standards/{standard.id}",
            "sign-in page": "/sign-in",
            "forgotten password page": "/forgot-password",
        },
    )


def test_a_witness_page_fits_a_phone(check_pages, portfolio):
    check_pages(None, {"witness testimony form": f"/witness/{portfolio['witness_token']}"})


def test_a_learners_pages_fit_a_phone(check_pages, portfolio):
    enrolment, judged = portfolio["enrolment"], portfolio["judged"]
    check_pages(
        enrolment.learner,
        {
            "portfolio": f"/portfolio/{enrolment.id}",
            "evidence page": f"/evidence/{judged.id}",
            "criterion page": f"/portfolio/{enrolment.id}/criteria/PC2",
            "add-evidence form": f"/portfolio/{enrolment.id}/evidence/new",
            "draft's edit form": f"/evidence/{portfolio['draft'].id}/edit",
            "draft's criteria form": f"/evidence/{portfolio['draft'].id}/mappings",
            "draft's declaration": f"/evidence/{portfolio['draft'].id}/submit",
            "ask a witness form": f"/portfolio/{enrolment.id}/witnesses/new",
            "witness requests": f"/portfolio/{enrolment.id}/witnesses",
            "notifications": "/notifications",
            "account": "/account",
        },
    )


def test_an_assessors_pages_fit_a_phone(check_pages, portfolio):
    enrolment = portfolio["enrolment"]
    page = check_pages(
        enrolment.assessor,
        {
            "caseload": "/caseload",
            "assessment queue": "/caseload/queue",
            "assessment form": f"/evidence/{portfolio['waiting'].id}/assess",
            "observation record form": f"/portfolio/{enrolment.id}/records/new",
            "judged evidence": f"/evidence/{portfolio['judged'].id}",
            "learner's portfolio": f"/portfolio/{enrolment.id}",
            "criterion page": f"/portfolio/{enrolment.id}/criteria/PC1",
            "sampling action": f"/samples/{portfolio['sample'].id}/respond",
            "notifications": "/notifications",
        },
    )

    # The caseload stacks: each learner is a block whose cells say which column they are.
    page.goto("/caseload")
    cohort = page.locator('[data-caseload] td[data-label="Cohort"]').first
    expect(cohort).to_contain_text("Tuesday group")
    assert "Cohort" in cohort.evaluate("cell => getComputedStyle(cell, '::before').content")


def test_an_iqas_pages_fit_a_phone(check_pages, portfolio):
    enrolment = portfolio["enrolment"]
    check_pages(
        enrolment.iqa,
        {
            "caseload": "/caseload",
            "IQA plan": "/iqa/plan",
            "sample page": f"/iqa/samples/{portfolio['sample'].id}",
            "learner's portfolio": f"/portfolio/{enrolment.id}",
            "countersigning page": f"/portfolio/{enrolment.id}/countersign",
        },
    )


def test_an_administrators_pages_fit_a_phone(check_pages, portfolio):
    enrolment = portfolio["enrolment"]
    page = check_pages(
        portfolio["admin"],
        {
            "cohorts": "/admin",
            "new cohort form": "/admin/cohorts/new",
            "cohort": f"/admin/cohorts/{enrolment.cohort_id}",
            "enrol form": f"/admin/cohorts/{enrolment.cohort_id}/enrol",
            "CSV upload form": f"/admin/cohorts/{enrolment.cohort_id}/upload",
            "withdrawal form": f"/admin/enrolments/{enrolment.id}/withdraw",
            "new person form": "/admin/people/new",
            "enrolment": f"/admin/enrolments/{enrolment.id}",
            "people": "/admin/people",
            "person": f"/admin/people/{enrolment.learner_id}",
            "audit trail": "/admin/audit",
            "provider dashboard": "/admin/reports",
            "insights": "/admin/reports/insights",
            "at-risk settings": "/admin/reports/settings",
            "sampling strategy": "/admin/sampling",
            "EQA page": "/admin/eqa",
        },
    )

    # The dashboard's figures keep their columns and scroll inside a named, focusable region.
    page.goto("/admin/reports")
    learners = page.get_by_role("region", name="Learners", exact=True)
    expect(learners).to_have_attribute("tabindex", "0")
    expect(learners).to_have_accessible_description("Scroll sideways to see more")
    expect(page.locator("#learners-scroll-hint")).to_be_visible()
    assert learners.evaluate("region => region.scrollWidth > region.clientWidth")


def test_an_eqas_pages_fit_a_phone(check_pages, portfolio):
    enrolment, judged = portfolio["enrolment"], portfolio["judged"]
    check_pages(
        portfolio["eqa"],
        {
            "EQA home": "/eqa",
            "portfolio": f"/portfolio/{enrolment.id}",
            "criterion page": f"/portfolio/{enrolment.id}/criteria/PC1",
            "evidence page": f"/evidence/{judged.id}",
            "internal quality assurance": f"/eqa/portfolio/{enrolment.id}/quality-assurance",
            "sampling record": (
                f"/eqa/portfolio/{enrolment.id}/sampling-records/{portfolio['sample'].id}"
            ),
        },
    )


def test_sign_off_reopen_and_a_downloads_progress_fit_a_phone(
    check_pages, portfolio, make_enrolment
):
    """The sign-off form (a complete unit, and one with criteria still missing), the reopen
    form of a signed-off unit, and the page that follows a portfolio download being made."""
    complete = make_enrolment(assessor=portfolio["enrolment"].assessor)
    fully_met(complete, title="Co-production festival with the Harehills residents’ panel")
    signed = make_enrolment(assessor=complete.assessor)
    fully_met(signed)
    sign(signed)
    making = Export(
        enrolment_id=signed.id,
        kind=ExportKind.PORTFOLIO_PDF,
        content_key="0" * 64,
        status=ExportStatus.RUNNING,
        progress=40,
        stage="Drawing the coverage matrix of every criterion and its evidence",
        requested_by_id=signed.assessor_id,
    )
    db.session.add(making)
    db.session.commit()
    check_pages(
        complete.assessor,
        {
            "sign-off form": f"/portfolio/{complete.id}/sign-off",
            "sign-off form, unit not complete": f"/portfolio/{portfolio['enrolment'].id}/sign-off",
            "reopen form": f"/portfolio/{signed.id}/reopen",
            "download being made": f"/exports/{making.id}",
        },
    )
