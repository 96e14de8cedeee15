"""An external quality assurer gets read-only access to chosen learners or a cohort for a
limited time: they see portfolios, judgements and downloads, change nothing, every page they
open is audited, and access ends by itself at its expiry or early when an administrator ends it."""

from datetime import timedelta

import pytest
from assessment_helpers import assess, submitted
from evidence_samples import make_draft
from people_helpers import PASSWORD, audit_actions, date_boxes, page_text

from portfolio.extensions import db
from portfolio.models import AuditEntry, EqaGrant, Judgement
from portfolio.models._types import utcnow
from portfolio.services import evidence as evidence_service
from portfolio.services.evidence import today
from portfolio.uk_time import uk


@pytest.fixture
def world(make_enrolment, make_cohort, make_user):
    cohort = make_cohort(name="Autumn cohort")
    provider = cohort.provider
    admin = make_user("admin", provider=provider, name="Ada Admin")
    eqa = make_user("eqa", provider=provider, name="Eve External")
    seen = make_enrolment(cohort=cohort)
    other = make_enrolment(cohort=make_cohort(provider=provider, name="Spring cohort"))
    evidence = submitted(seen, "PC1", title="Youth panel workshop")
    assess(evidence, outcomes={"PC1": "not_yet_met"}, feedback={"PC1": "Name the partners."})
    return {"admin": admin, "eqa": eqa, "seen": seen, "other": other, "evidence": evidence}


def grant(client, world, **fields):
    data = {
        "eqa": str(world["eqa"].id),
        "cohort": "0",
        "learners": [str(world["seen"].id)],
        **date_boxes("expires_on", today() + timedelta(days=30)),
    }
    data.update(fields)
    return client.post("/admin/eqa", data=data)


def test_an_administrator_grants_access_and_the_eqa_sees_only_those_portfolios(
    client, login_as, world
):
    login_as(world["admin"])
    assert grant(client, world).status_code == 302
    assert "eqa_access_granted" in audit_actions()
    client.post("/sign-out")

    login_as(world["eqa"])
    home = client.get("/home")
    assert home.headers["Location"] == "/eqa"
    page = page_text(client.get("/eqa"))
    assert world["seen"].learner.name in page and world["other"].learner.name not in page
    portfolio = page_text(client.get(f"/portfolio/{world['seen'].id}"))
    assert "Not yet met" in portfolio
    criterion = page_text(client.get(f"/portfolio/{world['seen'].id}/criteria/PC1"))
    assert "Name the partners." in criterion
    assert client.get(f"/evidence/{world['evidence'].id}").status_code == 200
    assert client.get(f"/portfolio/{world['other'].id}").status_code == 404


def test_the_eqa_changes_nothing(client, login_as, world):
    login_as(world["admin"])
    grant(client, world)
    client.post("/sign-out")
    login_as(world["eqa"])
    evidence, enrolment = world["evidence"], world["seen"]
    for method, url in [
        ("get", f"/evidence/{evidence.id}/assess"),
        ("post", f"/evidence/{evidence.id}/revise"),
        ("get", f"/portfolio/{enrolment.id}/sign-off"),
        ("get", f"/portfolio/{enrolment.id}/evidence/new"),
        ("get", f"/portfolio/{enrolment.id}/records/new"),
        ("get", "/admin/eqa"),
    ]:
        assert getattr(client, method)(url).status_code == 404, url
    judgement = db.session.scalars(db.select(Judgement)).one()
    assert (
        client.post(f"/judgements/{judgement.id}/replies", data={"body": "hi"}).status_code == 404
    )


def test_every_page_the_eqa_views_is_audited(client, login_as, world):
    login_as(world["admin"])
    grant(client, world)
    client.post("/sign-out")
    login_as(world["eqa"])
    client.get("/eqa")
    client.get(f"/portfolio/{world['seen'].id}")
    client.get(f"/evidence/{world['evidence'].id}")
    viewed = [
        e.details["path"]
        for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "eqa_viewed").order_by(AuditEntry.id)
        )
    ]
    assert viewed == [
        "/eqa?",
        f"/portfolio/{world['seen'].id}?",
        f"/evidence/{world['evidence'].id}?",
    ]


def test_access_ends_by_itself_at_its_expiry(client, login_as, world):
    login_as(world["admin"])
    grant(client, world)
    client.post("/sign-out")
    db.session.execute(db.update(EqaGrant).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    login_as(world["eqa"])
    assert client.get(f"/portfolio/{world['seen'].id}").status_code == 404
    assert "You have no access at the moment" in page_text(client.get("/eqa"))


def test_an_administrator_ends_access_early(client, login_as, world):
    login_as(world["admin"])
    grant(client, world)
    row = db.session.scalars(db.select(EqaGrant)).one()
    assert client.post(f"/admin/eqa/{row.id}/end").status_code == 302
    assert "eqa_access_ended" in audit_actions()
    client.post("/sign-out")
    login_as(world["eqa"])
    assert client.get(f"/portfolio/{world['seen'].id}").status_code == 404


def test_a_whole_cohort_can_be_granted(client, login_as, world):
    login_as(world["admin"])
    response = grant(client, world, cohort=str(world["other"].cohort_id), learners=[])
    assert response.status_code == 302
    client.post("/sign-out")
    login_as(world["eqa"])
    assert client.get(f"/portfolio/{world['other'].id}").status_code == 200
    assert client.get(f"/portfolio/{world['seen'].id}").status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"eqa": "0"}, "Choose the external quality assurer."),
        ({"learners": []}, "Choose a cohort or at least one learner."),
        (
            {"expires_on-day": "", "expires_on-month": "", "expires_on-year": ""},
            "Enter the date access ends",
        ),
        (date_boxes("expires_on", today()), "The date access ends must be after today."),
        (
            date_boxes("expires_on", today() + timedelta(days=400)),
            "Access can last at most 365 days.",
        ),
    ],
)
def test_a_bad_grant_is_refused_with_a_reason(client, login_as, world, fields, message):
    login_as(world["admin"])
    response = grant(client, world, **fields)
    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.scalars(db.select(EqaGrant)).all() == []


def test_a_head_request_and_a_cached_file_are_audited_too(app, client, login_as, world):
    from evidence_samples import pdf_document, upload

    from portfolio.models import EvidenceFile

    learner = app.test_client()
    learner.post("/sign-in", data={"email": world["seen"].learner.email, "password": PASSWORD})
    draft = make_draft(world["seen"], title="Workshop plan")
    assert upload(learner, draft, (pdf_document(), "plan.pdf")).status_code == 201
    evidence_service.set_mappings(draft, {world["seen"].standard.criterion("PC2"): "The plan."})
    evidence_service.submit(draft, full_name=world["seen"].learner.name, confirmed=True)
    file = db.session.scalars(db.select(EvidenceFile)).one()
    login_as(world["admin"])
    grant(client, world)
    client.post("/sign-out")
    login_as(world["eqa"])

    assert client.head(f"/evidence/{draft.id}").status_code == 200
    with client.get(f"/files/{file.id}") as first:
        etag = first.headers["ETag"]
    with client.get(f"/files/{file.id}", headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304

    viewed = [
        (e.details["path"], e.details.get("answer"))
        for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.action == "eqa_viewed").order_by(AuditEntry.id)
        )
    ]
    assert viewed == [
        (f"/evidence/{draft.id}?", "HEAD 200"),
        (f"/files/{file.id}?", None),
        (f"/files/{file.id}?", "GET 304"),
    ]


def test_the_eqa_reads_the_judgement_in_their_own_words_not_the_learners(client, login_as, world):
    login_as(world["admin"])
    grant(client, world)
    client.post("/sign-out")
    login_as(world["eqa"])

    page = page_text(client.get(f"/portfolio/{world['seen'].id}/criteria/PC1"))

    assert "The assessor’s judgement" in page
    assert "Your assessor" not in page


def test_access_lasts_to_the_end_of_its_last_day_in_the_uk_summer_or_winter(
    client, login_as, world
):
    """Access chosen to end on a summer day ends at midnight in London (23:00 UTC), and every
    page names that day, not the next."""
    last_day = next(
        today() + timedelta(days=n)
        for n in range(1, 366)
        if (today() + timedelta(days=n)).month == 7
    )
    login_as(world["admin"])
    assert grant(client, world, **date_boxes("expires_on", last_day)).status_code == 302

    row = db.session.scalars(db.select(EqaGrant)).one()
    assert uk(row.expires_at).date() == last_day
    assert uk(row.expires_at + timedelta(seconds=1)).date() == last_day + timedelta(days=1)
    said = f"{last_day.day} {last_day:%B %Y}"
    assert said in page_text(client.get("/admin/eqa"))
    client.post("/sign-out")
    login_as(world["eqa"])
    assert f"Your access ends on {said}." in page_text(client.get("/eqa"))
