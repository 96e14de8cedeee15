"""A judgement rests on what the assessor had in front of them: the versions they reviewed and
accepted for the criterion in that decision, and earlier accepted ones that still stand, never
evidence that arrived while they were looking at something else; and the rules of evidence and
the judgements never contradict each other."""

import re

import pytest
from assessment_helpers import assess, submitted
from people_helpers import PASSWORD, page_text

from portfolio.extensions import db
from portfolio.models import Evidence, Judgement, Method
from portfolio.services import witness
from portfolio.services.assessment import state


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def signed_in(app, person):
    client = app.test_client()
    response = client.post("/sign-in", data={"email": person.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def review_form(evidence, revision=None, **overrides):
    """What an assessor sends when every rule holds and every mapping is accepted and met."""
    data = {"revision": str(revision if revision is not None else evidence.enrolment.revision)}
    for rule in ("valid", "authentic", "current", "sufficient"):
        data[f"rule-{rule}"] = "yes"
    for mapping in evidence.mappings:
        data[f"mapping-{mapping.criterion.code}"] = "yes"
        data[f"outcome-{mapping.criterion.code}"] = "met"
    data.update(overrides)
    return data


def revision_on(page: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', page).group(1)


def judgements_of(enrolment, code):
    criterion = enrolment.standard.criterion(code)
    return db.session.scalars(
        db.select(Judgement).where(Judgement.criterion_id == criterion.id).order_by(Judgement.id)
    ).all()


def test_testimony_arriving_while_the_assessor_has_other_evidence_open_is_not_a_basis(
    app, enrolment
):
    workshop = submitted(enrolment, "PC1", title="Residents' workshop")
    _, token = witness.request_testimony(
        enrolment,
        enrolment.learner,
        name="Priya Shah",
        email="priya@harehills.example.org",
        role="Youth worker",
        organisation="Harehills Residents’ Association",
        relationship="Ran the youth panel with the learner",
        criteria=[enrolment.standard.criterion("PC1")],
        message="What did the learner do to involve residents?",
    )
    workshop_id, learner_email = workshop.id, enrolment.learner.email
    assessor = signed_in(app, enrolment.assessor)
    form = page_text(assessor.get(f"/evidence/{workshop_id}/assess"))

    given = app.test_client().post(
        f"/witness/{token}",
        data={
            "witness_role": "Youth worker",
            "testimony_md": "I saw them run the residents' workshop.",
            "seen_on-day": "14",
            "seen_on-month": "10",
            "seen_on-year": "2026",
            "confirm": "y",
            "action": "send",
        },
        content_type="multipart/form-data",
    )
    assert given.status_code == 302
    testimony = db.session.scalars(
        db.select(Evidence).where(Evidence.method == Method.WITNESS_TESTIMONY)
    ).one()

    # the testimony moved the portfolio on: the assessor is told, then sends it again knowingly
    told = assessor.post(
        f"/evidence/{workshop_id}/assess", data=review_form(workshop, revision_on(form))
    )
    assert told.status_code == 409
    saved = assessor.post(
        f"/evidence/{workshop_id}/assess",
        data=review_form(workshop, revision_on(page_text(told))),
    )
    assert saved.status_code == 302

    db.session.expire_all()
    [judgement] = judgements_of(enrolment, "PC1")
    assert [e.id for e in judgement.evidence] == [workshop_id]
    assert state.judgements_resting_on(testimony) == []
    learner = app.test_client()
    learner.post("/sign-in", data={"email": learner_email, "password": PASSWORD})
    for client in (assessor, learner):
        page = page_text(client.get(f"/evidence/{testimony.id}"))
        assert "based on" not in page.lower()
    criterion = re.sub(
        r"<[^>]+>", "", page_text(learner.get(f"/portfolio/{enrolment.id}/criteria/PC1"))
    )
    assert "Based on: Residents' workshop (version 1)\n" in criterion

    # once the testimony is assessed and accepted, a judgement made on it names both
    assess(testimony)
    newest = judgements_of(enrolment, "PC1")[-1]
    assert [e.id for e in newest.evidence] == [workshop_id, testimony.id]


def test_met_with_nothing_accepted_is_refused_and_not_yet_met_says_nothing_was_accepted(
    client, login_as, enrolment
):
    evidence = submitted(enrolment, "PC1", "PC2", title="Youth panel notes")
    login_as(enrolment.assessor)
    rejected = {"mapping-PC2": "no", "reason-PC2": "This is about PC1 only."}

    refused = client.post(f"/evidence/{evidence.id}/assess", data=review_form(evidence, **rejected))
    assert refused.status_code == 422
    assert "You rejected this evidence for PC2 and no other evidence shows it" in page_text(refused)
    assert db.session.scalars(db.select(Judgement)).all() == []

    saved = client.post(
        f"/evidence/{evidence.id}/assess",
        data=review_form(
            evidence, **rejected, **{"outcome-PC2": "not_yet_met", "feedback-PC2": "Show PC2."}
        ),
    )
    assert saved.status_code == 302
    page = page_text(client.get(f"/portfolio/{enrolment.id}/criteria/PC2"))
    assert "No evidence was accepted for PC2 when it was judged." in page
    assert "Based on: no evidence" not in page


def test_met_on_evidence_whose_rule_of_evidence_fails_is_refused(client, login_as, enrolment):
    evidence = submitted(enrolment, "PC1", "PC2", title="Youth panel notes")
    login_as(enrolment.assessor)

    response = client.post(
        f"/evidence/{evidence.id}/assess",
        data=review_form(
            evidence,
            **{"rule-sufficient": "no", "note-sufficient": "One page of notes is not enough."},
        ),
    )

    assert response.status_code == 422
    page = page_text(response)
    for code in ("PC1", "PC2"):
        assert (
            f"Sufficient is No, so {code} cannot be met on this evidence. Change the rule or "
            f"judge {code} not yet met."
        ) in page
        assert f'href="#outcome-{code}"' in page
    assert db.session.scalars(db.select(Judgement)).all() == []


def test_the_empty_assessment_form_names_every_problem_at_once(client, login_as, enrolment):
    evidence = submitted(enrolment, "PC1", "PC2", "K1", title="Youth panel notes")
    login_as(enrolment.assessor)

    response = client.post(
        f"/evidence/{evidence.id}/assess", data={"revision": str(enrolment.revision)}
    )

    assert response.status_code == 422
    page = page_text(response)
    start = page.index("There is a problem")
    summary = page[start : page.index("</ul>", start)]
    for rule in ("valid", "authentic", "current", "sufficient"):
        assert f'<a href="#rule-{rule}">Say whether the evidence is {rule}.</a>' in summary
    for code in ("PC1", "PC2", "K1"):
        assert (
            f'<a href="#mapping-{code}">Accept or reject the learner\'s mapping to {code}.</a>'
            in summary
        )


def test_a_reassessment_starts_from_the_current_decision_and_says_what_changed(
    client, login_as, enrolment
):
    evidence = submitted(enrolment, "PC1", "PC2", title="Youth panel notes")
    assess(evidence, outcomes={"PC2": "not_yet_met"}, feedback={"PC2": "Name the partners."})
    login_as(enrolment.assessor)

    form = page_text(client.get(f"/evidence/{evidence.id}/assess?change=yes"))
    assert 'name="outcome-PC1" type="radio" value="met" checked' in form
    assert 'name="outcome-PC2" type="radio" value="not_yet_met" checked' in form
    assert "Name the partners.</textarea>" in form
    assert "Previously: Not yet met" in form

    unchanged = {"outcome-PC2": "not_yet_met", "feedback-PC2": "Name the partners."}
    again = client.post(
        f"/evidence/{evidence.id}/assess",
        data=review_form(evidence, **unchanged),
        follow_redirects=True,
    )
    assert "Nothing changed." in page_text(again)
    assert len(db.session.scalars(db.select(Judgement)).all()) == 2  # no copies

    changed = client.post(
        f"/evidence/{evidence.id}/assess",
        data=review_form(evidence, revision=enrolment.revision),
        follow_redirects=True,
    )
    assert "What changed: PC2: Not yet met, now Met." in page_text(changed)
    history = page_text(client.get(f"/portfolio/{enrolment.id}/criteria/PC2"))
    assert "Earlier judgements of PC2 (1)" in history and "Name the partners." in history


def test_rejecting_the_evidence_a_met_judgement_rests_on_needs_a_new_judgement(
    client, login_as, enrolment
):
    evidence = submitted(enrolment, "PC1", title="Youth panel notes")
    assess(evidence)
    login_as(enrolment.assessor)

    response = client.post(
        f"/evidence/{evidence.id}/assess",
        data=review_form(
            evidence, **{"mapping-PC1": "no", "reason-PC1": "Not shown.", "outcome-PC1": ""}
        ),
    )

    assert response.status_code == 422
    assert "PC1 is met on this evidence and you now reject it for it: judge PC1 again." in (
        page_text(response)
    )


def test_links_to_an_assessed_or_signed_off_item_open_the_item(client, login_as, enrolment):
    from assessment_helpers import fully_met, sign

    evidence = submitted(enrolment, "PC1", title="Youth panel notes")
    assess(evidence)
    login_as(enrolment.assessor)

    opened = client.get(f"/evidence/{evidence.id}/assess")
    assert opened.status_code == 302 and opened.location.endswith(f"/evidence/{evidence.id}")
    item = page_text(client.get(opened.location))
    assert f"/evidence/{evidence.id}/assess?change=yes" in item and "Change your assessment" in item

    everything = fully_met(enrolment)
    sign(enrolment)
    for shown in (evidence, everything):
        opened = client.get(f"/evidence/{shown.id}/assess?change=yes")
        assert opened.location.endswith(f"/evidence/{shown.id}")
        assert "Change your assessment" not in page_text(client.get(opened.location))
