"""A learner adds evidence without JavaScript, maps it, submits it, and corrects it later."""

import html
import io
from datetime import date, timedelta

import pytest
from evidence_samples import make_draft, pdf_document, photo_jpeg, upload, wav_recording

from portfolio.extensions import db
from portfolio.models import AuditEntry, ConsentStatus, Evidence, EvidenceStatus
from portfolio.services import evidence as evidence_service
from portfolio.services import evidence_files
from portfolio.services.evidence import EvidenceFrozen


@pytest.fixture
def enrolment(make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    return enrolment


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def new_evidence_form(**overrides):
    today = date.today() - timedelta(days=1)
    data = {
        "title": "Youth panel planning session",
        "activity_date-day": str(today.day),
        "activity_date-month": str(today.month),
        "activity_date-year": str(today.year),
        "method": "observation",
        "account_md": "We *agreed* the objectives with the panel.",
        "action": "save",
    }
    data.update(overrides)
    return data


def mapping_form(**justifications):
    data = {"criteria": list(justifications)}
    data.update({f"justification-{code}": text for code, text in justifications.items()})
    return data


def audit_actions():
    return [e.action for e in db.session.scalars(db.select(AuditEntry).order_by(AuditEntry.id))]


def test_learner_with_one_portfolio_lands_on_it(client, enrolment):
    response = client.get("/portfolio")
    assert response.status_code == 302
    assert response.location.endswith(f"/portfolio/{enrolment.id}")


def test_learner_adds_evidence_with_files_in_one_plain_form(app, client, enrolment):
    data = new_evidence_form(consent="obtained")
    data["files"] = [
        (io.BytesIO(photo_jpeg()), "session.jpg"),
        (io.BytesIO(pdf_document()), "plan.pdf"),
    ]
    response = client.post(
        f"/portfolio/{enrolment.id}/evidence/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    page = text_of(client.get(response.location))
    assert "Your evidence is saved as a draft." in page
    assert "Youth panel planning session" in page
    assert "<em>agreed</em>" in page
    assert "session.jpg" in page and "plan.pdf" in page
    assert "Identifiable people are shown and consent was obtained" in page
    assert audit_actions()[-3:] == [
        "evidence.created",
        "evidence.file_added",
        "evidence.file_added",
    ]


def test_the_form_explains_each_mistake_next_to_its_field(client, enrolment):
    tomorrow = date.today() + timedelta(days=2)
    response = client.post(
        f"/portfolio/{enrolment.id}/evidence/new",
        data=new_evidence_form(
            title="",
            method="",
            **{
                "activity_date-day": str(tomorrow.day),
                "activity_date-month": str(tomorrow.month),
                "activity_date-year": str(tomorrow.year),
            },
        ),
    )
    page = text_of(response)
    assert "<title>Error: Add evidence" in page
    assert '<a href="#title">Enter a title for the evidence.</a>' in page
    assert (
        '<a href="#activity_date-day">The date of the activity must be today or in the past.'
        in page
    )
    assert '<a href="#method">Select the assessment method.</a>' in page
    assert db.session.scalars(db.select(Evidence)).all() == []


def test_a_date_that_does_not_exist_is_refused(client, enrolment):
    response = client.post(
        f"/portfolio/{enrolment.id}/evidence/new",
        data=new_evidence_form(**{"activity_date-day": "31", "activity_date-month": "2"}),
    )
    assert "The date of the activity must be a real date" in text_of(response)


def test_files_attached_without_a_consent_answer_are_refused(app, client, enrolment):
    data = new_evidence_form()
    data["files"] = [(io.BytesIO(photo_jpeg()), "children.jpg")]
    response = client.post(
        f"/portfolio/{enrolment.id}/evidence/new", data=data, content_type="multipart/form-data"
    )
    page = text_of(response)
    assert "<title>Error: " in page
    assert "whether they consented" in page
    assert db.session.scalars(db.select(Evidence)).all() == []


def test_a_refused_file_on_the_new_form_saves_nothing(app, client, enrolment):
    data = new_evidence_form(consent="no_people")
    data["files"] = [(io.BytesIO(b"MZ" + bytes(300)), "plan.pdf")]
    response = client.post(
        f"/portfolio/{enrolment.id}/evidence/new", data=data, content_type="multipart/form-data"
    )
    assert "plan.pdf is not a type of file you can upload" in text_of(response)
    assert db.session.scalars(db.select(Evidence)).all() == []


def test_preview_renders_the_account_without_saving(client, enrolment):
    response = client.post(
        f"/portfolio/{enrolment.id}/evidence/new",
        data=new_evidence_form(action="preview", account_md="## What went well\n\n- **trust**"),
    )
    page = response.get_data(as_text=True)
    assert "Preview of your account" in page
    assert '<h2 class="govuk-heading-m">What went well</h2>' in page
    assert "<strong>trust</strong>" in page
    assert db.session.scalars(db.select(Evidence)).all() == []


def test_learner_maps_evidence_to_criteria_and_changes_the_mapping(client, enrolment):
    draft = make_draft(enrolment)
    response = client.post(
        f"/evidence/{draft.id}/mappings",
        data=mapping_form(
            PC3="We set the objectives with the panel.",
            PC9="I updated the panel each week.",
            K2="Shows why the partnership helped.",
        ),
    )
    assert response.status_code == 302
    assert sorted(m.criterion.code for m in draft.mappings) == ["K2", "PC3", "PC9"]
    client.post(
        f"/evidence/{draft.id}/mappings",
        data=mapping_form(PC3="We set the objectives together.", K2="Shows the partnership."),
    )
    db.session.refresh(draft)
    assert {m.criterion.code: m.justification for m in draft.mappings} == {
        "PC3": "We set the objectives together.",
        "K2": "Shows the partnership.",
    }
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "evidence.mappings_changed")
    ).all()[-1]
    assert [m["code"] for m in entry.details["removed"]] == ["PC9"]
    assert [m["code"] for m in entry.details["changed"]] == ["PC3", "K2"]


def test_a_ticked_criterion_needs_a_justification(client, enrolment):
    draft = make_draft(enrolment)
    response = client.post(f"/evidence/{draft.id}/mappings", data=mapping_form(PC3=""))
    page = text_of(response)
    assert "<title>Error: " in page
    assert '<a href="#justification-PC3">Explain how this evidence shows PC3.</a>' in page
    assert draft.mappings == []


def test_learner_submits_with_a_declaration_and_the_version_freezes(client, enrolment):
    draft = make_draft(enrolment)
    upload(client, draft, (wav_recording(), "meeting.wav"))
    client.post(f"/evidence/{draft.id}/mappings", data=mapping_form(PC3="We set objectives."))
    response = client.post(
        f"/evidence/{draft.id}/submit",
        data={"full_name": f"  {enrolment.learner.name.upper()} ", "confirm": "y"},
    )
    assert response.status_code == 302
    db.session.refresh(draft)
    assert draft.status == EvidenceStatus.SUBMITTED
    assert draft.declaration_name == enrolment.learner.name.upper()
    assert draft.declaration_text == evidence_service.DECLARATION
    assert draft.submitted_at is not None
    page = text_of(client.get(f"/evidence/{draft.id}"))
    assert "Submitted" in page and evidence_service.DECLARATION in page
    assert "Make a new version" in page
    assert "Remove" not in page and "Add files" not in page
    # The frozen version cannot be changed through any page...
    assert client.get(f"/evidence/{draft.id}/edit").status_code == 404
    assert client.post(f"/evidence/{draft.id}/mappings", data={}).status_code == 404
    assert upload(client, draft, (pdf_document(), "late.pdf")).status_code == 404
    # ...nor through the services themselves.
    with pytest.raises(EvidenceFrozen):
        evidence_service.update(draft, title="Changed after submission")
    with pytest.raises(EvidenceFrozen):
        evidence_service.set_mappings(draft, {})
    with pytest.raises(EvidenceFrozen):
        evidence_files.attach(draft, [], ConsentStatus.NO_PEOPLE)
    with pytest.raises(EvidenceFrozen):
        evidence_files.remove(draft.files[0])
    assert len(draft.files) == 1
    assert "evidence.submitted" in audit_actions()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"full_name": "Someone Else", "confirm": "y"}, "Enter your full name as it appears"),
        ({"full_name": "", "confirm": "y"}, "Enter your full name."),
        ({"full_name": "NAME"}, "Confirm that the declaration is true."),
    ],
)
def test_the_declaration_must_be_made_properly(client, enrolment, form, message):
    draft = make_draft(enrolment)
    client.post(f"/evidence/{draft.id}/mappings", data=mapping_form(PC1="It shows it."))
    if form.get("full_name") == "NAME":
        form["full_name"] = enrolment.learner.name
    response = client.post(f"/evidence/{draft.id}/submit", data=form)
    assert message in text_of(response)
    assert "<title>Error: Submit for assessment" in text_of(response)
    assert draft.is_draft


def test_evidence_must_be_mapped_before_it_is_submitted(client, enrolment):
    draft = make_draft(enrolment)
    response = client.post(
        f"/evidence/{draft.id}/submit", data={"full_name": enrolment.learner.name, "confirm": "y"}
    )
    assert "Map this evidence to at least one criterion before you submit it." in text_of(response)
    assert draft.is_draft


def test_a_correction_is_a_new_version_and_the_submitted_one_stays_in_history(
    app, client, enrolment
):
    draft = make_draft(enrolment)
    upload(client, draft, (photo_jpeg(), "session.jpg"), consent="obtained")
    client.post(f"/evidence/{draft.id}/mappings", data=mapping_form(PC3="Objectives."))
    client.post(
        f"/evidence/{draft.id}/submit", data={"full_name": enrolment.learner.name, "confirm": "y"}
    )
    response = client.post(f"/evidence/{draft.id}/revise")
    second = db.session.scalars(db.select(Evidence).where(Evidence.previous_id == draft.id)).one()
    assert response.location.endswith(f"/evidence/{second.id}")
    assert (second.version, second.status, second.title) == (2, EvidenceStatus.DRAFT, draft.title)
    assert [f.sha256 for f in second.files] == [f.sha256 for f in draft.files]
    assert [(m.criterion.code, m.justification) for m in second.mappings] == [
        ("PC3", "Objectives.")
    ]
    # Removing the photo from the correction keeps the submitted version's bytes.
    client.post(f"/evidence/{second.id}/files/{second.files[0].id}/delete")
    assert draft.files[0].stored_name
    with client.get(f"/files/{draft.files[0].id}") as original:
        assert original.status_code == 200
    client.post(f"/evidence/{second.id}/mappings", data=mapping_form(PC3="Objectives, better."))
    client.post(
        f"/evidence/{second.id}/submit", data={"full_name": enrolment.learner.name, "confirm": "y"}
    )
    db.session.refresh(draft)
    assert draft.status == EvidenceStatus.SUPERSEDED
    page = text_of(client.get(f"/evidence/{draft.id}"))
    assert "There is a newer version of this evidence" in page
    history = text_of(client.get(f"/evidence/{second.id}"))
    assert "Version 1" in history and "Version 2 (this one)" in history
    assert client.post(f"/evidence/{draft.id}/revise").status_code == 302
    assert db.session.scalars(db.select(Evidence)).all().__len__() == 2
    assert audit_actions().count("evidence.submitted") == 2
    assert "evidence.revised" in audit_actions() and "evidence.file_removed" in audit_actions()


def test_a_removed_file_is_deleted_from_storage_when_nothing_else_uses_it(app, client, enrolment):
    from evidence_samples import stored_files

    draft = make_draft(enrolment)
    upload(client, draft, (photo_jpeg(), "session.jpg"))
    assert len(stored_files(app)) == 4  # the original, its display, print and shared copies
    response = client.post(f"/evidence/{draft.id}/files/{draft.files[0].id}/delete")
    assert response.status_code == 302
    assert stored_files(app) == []
    assert "Removed session.jpg." in text_of(client.get(response.location))


def test_learner_changes_the_details_of_a_draft(client, enrolment):
    draft = make_draft(enrolment)
    page = text_of(client.get(f"/evidence/{draft.id}/edit"))
    assert 'value="Planning meeting with the youth panel"' in page
    response = client.post(
        f"/evidence/{draft.id}/edit", data=new_evidence_form(title="Planning meeting, revised")
    )
    assert response.status_code == 302
    assert draft.title == "Planning meeting, revised"
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "evidence.updated")
    ).one()
    assert "title" in entry.details["fields"]
