"""Every route, for every kind of person, against objects that are not theirs: refused.

The routes come from ``app.url_map``, so a route added later by any area is covered the moment
it exists. A route whose URL has a parameter this test cannot fill, or a route without objects in
its URL that is not listed below as public or with the roles it serves, FAILS the test: nobody
adds an unprotected route silently. Refused means 404 for a signed-in person (the same answer as
a missing object) and a redirect to the sign-in page for someone who is not signed in.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from people_helpers import PASSWORD
from routes import each_route, every_route

from portfolio.extensions import db
from portfolio.models import (
    CohortReport,
    ConsentStatus,
    Enrolment,
    EqaGrant,
    Evidence,
    EvidenceFile,
    EvidenceStatus,
    Export,
    ExportKind,
    ExportStatus,
    Judgement,
    Method,
    OneTimeToken,
    Outcome,
    SampleItem,
    SampleKind,
    SampleOutcome,
    SampleStage,
    WitnessRequest,
)
from portfolio.models._types import utcnow

ANONYMOUS = "not signed in"
ROLES = ("admin", "assessor", "iqa", "learner")
SIGNED_IN = frozenset(ROLES)

#: Anyone may use these, signed in or not.
PUBLIC_BLUEPRINTS = {"public", "assets"}
PUBLIC_ENDPOINTS = {
    "static",
    "auth.sign_in",
    "auth.forgot_password",
    "auth.invitation",
    "auth.reset_password",
    # A witness's link is their key: refused links get their own pages (test_witness_testimony)
    "witness.give",
    "witness.thanks",
}

#: Routes with no object in the URL, and the roles they serve: they act on the person's own
#: things (their home, their caseload) or their own provider. Everyone else is refused.
OWN_PAGES = {
    "auth.home": SIGNED_IN,
    "auth.sign_out": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "auth.account": SIGNED_IN,
    "auth.sign_out_elsewhere": SIGNED_IN,
    "admin.dashboard": {"admin"},
    "admin.audit": {"admin"},
    "admin.audit_csv": {"admin"},
    "admin.new_cohort": {"admin"},
    "admin.people_list": {"admin"},
    "admin.new_person": {"admin"},
    "caseload.home": {"assessor", "iqa"},
    "assessor.queue": {"assessor"},
    "notifications.index": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "learner.portfolios": {"learner"},
    "iqa.plan": {"iqa"},
    "iqa.propose": {"iqa"},
    "admin.sampling": {"admin"},
    "admin.eqa_access_page": {"admin"},
    "admin.reports": {"admin"},
    "admin.report_insights": {"admin"},
    "admin.report_settings": {"admin"},
    "admin.report_export_csv": {"admin"},
    "admin.report_export_xlsx": {"admin"},
    "admin.report_export_pdf": {"admin"},
    "eqa.home": set(),  # external quality assurers only: none of the roles above
}

#: URL parameters that name somebody's object: filled with another provider's or another
#: person's object, so the route must refuse.
OBJECT_PARAMETERS = {
    "enrolment_id",
    "evidence_id",
    "file_id",
    "cohort_id",
    "user_id",
    "token",
    "judgement_id",
    "sample_id",
    "export_id",
    "report_id",
    "grant_id",
    "witness_request_id",
}
#: URL parameters that name public things (a standard, a criterion code of it).
PUBLIC_PARAMETERS = {"standard_id", "code"}


def _is_public(endpoint: str) -> bool:
    return endpoint in PUBLIC_ENDPOINTS or endpoint.split(".")[0] in PUBLIC_BLUEPRINTS


ROUTES = [route for route in every_route() if not _is_public(route[0])]


# --------------------------------------------------------------------------------- the worlds


@dataclass
class World:
    """One enrolment with its people, a piece of evidence with a file, a live invitation, a
    finished portfolio PDF, an EQA's grant and a request for witness testimony."""

    cohort: object
    enrolment: Enrolment
    evidence: Evidence
    file: EvidenceFile
    token: str
    judgement: Judgement
    export: Export
    report: CohortReport
    grant: EqaGrant
    witness_request: WitnessRequest
    sample: SampleItem

    def fill(self, arguments, standard) -> dict:
        values = {
            "enrolment_id": self.enrolment.id,
            "evidence_id": self.evidence.id,
            "file_id": self.file.id,
            "cohort_id": self.cohort.id,
            "user_id": self.enrolment.learner_id,
            "token": self.token,
            "judgement_id": self.judgement.id,
            "sample_id": self.sample.id,
            "export_id": self.export.id,
            "report_id": self.report.id,
            "grant_id": self.grant.id,
            "witness_request_id": self.witness_request.id,
            "standard_id": standard.id,
            "code": standard.criteria[0].code,
        }
        return {name: values[name] for name in arguments}


@pytest.fixture
def make_world(make_cohort, make_user):
    def make(provider, learner=None, assessor=None, iqa=None):
        cohort = make_cohort(provider=provider)
        first_criterion = cohort.standard.criteria[0]
        first_code = first_criterion.code
        eqa = make_user("eqa", provider=provider, password=None)
        provider_id, cohort_id = provider.id, cohort.id
        enrolment = Enrolment(
            cohort=cohort,
            learner=learner or make_user("learner", provider=provider, password=None),
            assessor=assessor or make_user("assessor", provider=provider, password=None),
            iqa=iqa or make_user("iqa", provider=provider, password=None),
        )
        evidence = Evidence(
            enrolment=enrolment,
            title="Planning meeting with residents",
            activity_date=date(2026, 10, 1),
            method=Method.OBSERVATION,
            status=EvidenceStatus.SUBMITTED,
            submitted_at=utcnow(),
        )
        file = EvidenceFile(
            evidence=evidence,
            original_name="plan.pdf",
            stored_name=secrets.token_hex(16),
            content_type="application/pdf",
            size=1024,
            sha256="0" * 64,
            consent=ConsentStatus.NO_PEOPLE,
        )
        token = secrets.token_urlsafe(32)
        judgement = Judgement(
            enrolment=enrolment,
            criterion=first_criterion,
            assessor=enrolment.assessor,
            outcome=Outcome.NOT_YET_MET,
            feedback_md="Say more.",
            evidence=[evidence],
        )
        export = Export(
            enrolment=enrolment,
            kind=ExportKind.PORTFOLIO_PDF,
            content_key=secrets.token_hex(32),
            status=ExportStatus.DONE,
            progress=100,
            storage_key=secrets.token_hex(16),
            size=2048,
            sha256="0" * 64,
        )
        report = CohortReport(
            provider_id=provider_id,
            cohort_id=cohort_id,
            query=f"cohort={cohort_id}",
            status=ExportStatus.DONE,
            progress=100,
            storage_key=secrets.token_hex(16),
            size=2048,
            sha256="0" * 64,
            learners=1,
            finished_at=utcnow(),
        )
        grant = EqaGrant(
            provider_id=provider_id,
            eqa=eqa,
            granted_by=enrolment.assessor,
            cohort=cohort,
            expires_at=utcnow() + timedelta(days=30),
        )
        witness_request = WitnessRequest(
            enrolment=enrolment,
            requested_by=enrolment.learner,
            witness_name="Priya Shah",
            witness_email="priya@example.org",
            witness_role="Youth worker",
            witness_organisation="Harehills Residents' Association",
            relationship_to_learner="Ran the youth panel with the learner",
            criteria=[first_code],
            message="What did you see?",
            token_hash=secrets.token_hex(32),
            expires_at=utcnow() + timedelta(days=14),
        )
        db.session.add_all(
            [enrolment, evidence, file, judgement, export, report, grant, witness_request]
        )
        # the IQA's record of the judgement, with an action open for its assessor
        sample = SampleItem(
            iqa=enrolment.iqa,
            enrolment=enrolment,
            assessor=enrolment.assessor,
            kind=SampleKind.JUDGEMENT,
            judgement=judgement,
            stage=SampleStage.INTERIM,
            period="2026-Q4",
            outcome=SampleOutcome.NOT_AGREED,
            rules_comment="The evidence is thin for PC1.",
            feedback_comment="The feedback does not say what to do next.",
            action="Ask the learner for a witness statement.",
            action_due=date(2027, 1, 15),
            recorded_at=utcnow(),
        )
        db.session.add(sample)
        db.session.add(
            OneTimeToken(
                user=enrolment.learner,
                purpose="invitation",
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                expires_at=utcnow() + timedelta(days=1),
            )
        )
        db.session.commit()
        return World(
            cohort,
            enrolment,
            evidence,
            file,
            token,
            judgement,
            export,
            report,
            grant,
            witness_request,
            sample,
        )

    return make


@pytest.fixture
def people_and_worlds(make_provider, make_user, make_world):
    """Our four people at one provider, each with their own things; a neighbour at the same
    provider whose enrolment involves none of them; and a whole other provider."""
    home = make_provider("Home provider")
    actors = {role: make_user(role, provider=home, name=f"Our {role}") for role in ROLES}
    make_world(home, learner=actors["learner"], assessor=actors["assessor"], iqa=actors["iqa"])
    neighbour = make_world(home)
    far = make_world(make_provider("Another provider"))
    make_user("admin", provider=far.cohort.provider, password=None)
    worlds = {"another provider": far, "another person here": neighbour}
    return actors, worlds


def worlds_for(actor: str, worlds: dict) -> dict:
    """An administrator may see everyone at their own provider: test them against the other."""
    if actor == "admin":
        return {"another provider": worlds["another provider"]}
    return worlds


def client_for(app, actor, people):
    client = app.test_client()
    if actor != ANONYMOUS:
        response = client.post(
            "/sign-in", data={"email": people[actor].email, "password": PASSWORD}
        )
        assert response.status_code == 302, f"could not sign in as {actor}"
    return client


def refused(response, actor) -> bool:
    if actor == ANONYMOUS:
        return response.status_code == 302 and response.headers["Location"].startswith("/sign-in")
    return response.status_code == 404


# ---------------------------------------------------------------------------------- the tests


def test_every_route_is_known_to_this_test():
    """One place that lists what a new route needs: parameters we can fill, or a listing."""
    problems = []
    for endpoint, method, arguments in ROUTES:
        unknown = set(arguments) - OBJECT_PARAMETERS - PUBLIC_PARAMETERS
        if unknown:
            problems.append(f"{method} {endpoint}: unknown URL parameter(s) {sorted(unknown)}")
        elif not set(arguments) & OBJECT_PARAMETERS and endpoint not in OWN_PAGES:
            problems.append(f"{method} {endpoint}: no object in its URL and not in OWN_PAGES")
    stale = set(OWN_PAGES) - {endpoint for endpoint, _, _ in ROUTES}
    problems += [f"{endpoint}: listed in OWN_PAGES but no longer exists" for endpoint in stale]
    assert not problems, (
        "Tell tests/test_permissions.py how to check these routes (agreed parameter names: "
        f"{sorted(OBJECT_PARAMETERS | PUBLIC_PARAMETERS)}):\n" + "\n".join(problems)
    )


@each_route(ROUTES)
def test_every_route_refuses_people_it_does_not_belong_to(
    app, standard, people_and_worlds, endpoint, method, arguments
):
    unknown = set(arguments) - OBJECT_PARAMETERS - PUBLIC_PARAMETERS
    if unknown:
        pytest.fail(f"{endpoint} has URL parameter(s) {sorted(unknown)} this test cannot fill")
    people, worlds = people_and_worlds
    urls = app.url_map.bind("localhost")
    failures, checked = [], 0
    if set(arguments) & OBJECT_PARAMETERS:
        # Somebody else's object in the URL: refused for every role, and for visitors.
        for actor in (ANONYMOUS, *ROLES):
            client = client_for(app, actor, people)
            for whose, world in worlds_for(actor, worlds).items():
                url = urls.build(endpoint, world.fill(arguments, standard))
                response = client.open(url, method=method, data={})
                checked += 1
                if not refused(response, actor):
                    failures.append(f"{actor} got {response.status_code} for {whose}'s {url}")
    else:
        if endpoint not in OWN_PAGES:
            pytest.fail(f"{endpoint} has no object in its URL: add it to OWN_PAGES or PUBLIC")
        url = urls.build(endpoint, worlds["another provider"].fill(arguments, standard))
        for actor in (ANONYMOUS, *sorted(SIGNED_IN - OWN_PAGES[endpoint])):
            response = client_for(app, actor, people).open(url, method=method, data={})
            checked += 1
            if not refused(response, actor):
                failures.append(f"{actor} got {response.status_code} for {url}")
    assert checked, "nothing was checked"
    assert not failures, f"{method} {endpoint} was not refused:\n" + "\n".join(failures)


def test_an_administrator_can_open_their_own_providers_pages(app, standard, people_and_worlds):
    """The other side of the coin, so the refusals above are not just a broken app."""
    people, worlds = people_and_worlds
    neighbour = worlds["another person here"]
    client = client_for(app, "admin", people)

    for url in (
        f"/admin/cohorts/{neighbour.cohort.id}",
        f"/admin/enrolments/{neighbour.enrolment.id}",
        f"/admin/people/{neighbour.enrolment.learner_id}",
    ):
        assert client.get(url).status_code == 200, url
