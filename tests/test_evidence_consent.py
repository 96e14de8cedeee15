"""Consent belongs to each file: a learner answers for every batch they upload, can record
consent later on a draft, and cannot submit while a file shows people who did not consent."""

import html

import pytest
from evidence_samples import make_draft, pdf_document, photo_jpeg, upload, wav_recording

from portfolio.extensions import db
from portfolio.models import AuditEntry, ConsentStatus, Evidence, EvidenceFile
from portfolio.services import evidence_files
from portfolio.services.evidence import EvidenceFrozen


@pytest.fixture
def enrolment(make_enrolment, login_as):
    enrolment = make_enrolment()
    login_as(enrolment.learner)
    return enrolment


@pytest.fixture
def draft(enrolment, client):
    draft = make_draft(enrolment)
    client.post(
        f"/evidence/{draft.id}/mappings",
        data={"criteria": ["PC3"], "justification-PC3": "The panel set the objectives."},
    )
    return draft


def text_of(response) -> str:
    return " ".join(html.unescape(response.get_data(as_text=True)).split())


def file_named(name: str) -> EvidenceFile:
    return db.session.scalars(
        db.select(EvidenceFile).where(EvidenceFile.original_name == name)
    ).one()


def submit(client, draft):
    return client.post(
        f"/evidence/{draft.id}/submit",
        data={"full_name": draft.enrolment.learner.name, "confirm": "y"},
    )


def test_each_batch_of_files_keeps_its_own_consent_answer(client, draft):
    upload(client, draft, (photo_jpeg(), "panel photo.jpg"), consent="obtained")
    upload(client, draft, (pdf_document(), "plan.pdf"), consent="no_people")
    upload(client, draft, (wav_recording(), "meeting.wav"), consent="not_obtained")

    assert file_named("panel photo.jpg").consent == ConsentStatus.OBTAINED
    assert file_named("plan.pdf").consent == ConsentStatus.NO_PEOPLE
    assert file_named("meeting.wav").consent == ConsentStatus.NOT_OBTAINED
    page = text_of(client.get(f"/evidence/{draft.id}"))
    assert "People shown: Identifiable people are shown and consent was obtained." in page
    assert "People shown: No identifiable people are shown." in page
    assert "People shown: Identifiable people are shown and consent was not obtained." in page
    # Taken together, the evidence shows someone who did not consent.
    assert draft.consent_summary == ConsentStatus.NOT_OBTAINED


def test_the_upload_form_asks_again_for_every_batch(client, draft):
    upload(client, draft, (photo_jpeg(), "panel photo.jpg"), consent="obtained")
    page = client.get(f"/evidence/{draft.id}").get_data(as_text=True)
    assert 'value="obtained" checked' not in page and "checked" not in page.split("upload-form")[1]


def test_a_file_showing_people_without_consent_stops_submission_and_says_what_to_do(client, draft):
    upload(client, draft, (pdf_document(), "plan.pdf"), consent="no_people")
    upload(client, draft, (photo_jpeg(), "children at the workshop.jpg"), consent="not_obtained")

    evidence_page = text_of(client.get(f"/evidence/{draft.id}"))
    message = (
        "You cannot submit this evidence yet: children at the workshop.jpg shows people who can "
        "be identified and did not give consent. Remove children at the workshop.jpg, or if you "
        "now have consent, record it with “Change consent” next to the file, then submit."
    )
    assert message in evidence_page

    response = submit(client, draft)
    assert response.status_code == 200
    page = text_of(response)
    assert "<title>Error: Submit for assessment" in page
    assert message in page
    assert draft.is_draft


def test_several_files_without_consent_are_all_named(client, draft):
    upload(
        client,
        draft,
        (photo_jpeg(), "group.jpg"),
        (wav_recording(), "interview.wav"),
        consent="not_obtained",
    )
    page = text_of(submit(client, draft))
    assert "group.jpg and interview.wav show people who can be identified" in page
    assert "Remove those files, or if you now have consent, record it" in page


def test_learner_records_consent_that_arrived_later_and_then_submits(client, draft):
    upload(client, draft, (photo_jpeg(), "children at the workshop.jpg"), consent="not_obtained")
    photo = file_named("children at the workshop.jpg")

    evidence_page = text_of(client.get(f"/evidence/{draft.id}"))
    assert (
        f'<a class="govuk-link" href="/evidence/{draft.id}/files/{photo.id}/consent">Change '
        'consent<span class="govuk-visually-hidden"> for children at the workshop.jpg</span></a>'
    ) in evidence_page
    form = text_of(client.get(f"/evidence/{draft.id}/files/{photo.id}/consent"))
    assert '<h1 class="govuk-heading-l">People shown in children at the workshop.jpg</h1>' in form

    response = client.post(
        f"/evidence/{draft.id}/files/{photo.id}/consent", data={"consent": "obtained"}
    )
    assert response.status_code == 302
    assert "Saved what children at the workshop.jpg shows about people." in text_of(
        client.get(response.location)
    )
    assert photo.consent == ConsentStatus.OBTAINED
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "evidence.file_consent_changed")
    ).one()
    assert entry.details["file_id"] == photo.id
    assert (entry.details["old"], entry.details["new"]) == ("not_obtained", "obtained")

    assert submit(client, draft).status_code == 302
    assert not draft.is_draft


def test_removing_the_file_without_consent_lets_the_evidence_go(client, draft):
    upload(client, draft, (pdf_document(), "plan.pdf"), consent="no_people")
    upload(client, draft, (photo_jpeg(), "children.jpg"), consent="not_obtained")
    client.post(f"/evidence/{draft.id}/files/{file_named('children.jpg').id}/delete")
    assert submit(client, draft).status_code == 302


def test_the_consent_page_needs_an_answer(client, draft):
    upload(client, draft, (photo_jpeg(), "children.jpg"), consent="not_obtained")
    photo = file_named("children.jpg")
    response = client.post(f"/evidence/{draft.id}/files/{photo.id}/consent", data={})
    page = text_of(response)
    assert "<title>Error: People shown in children.jpg" in page
    assert "Select whether the file shows people who can be identified" in page
    assert photo.consent == ConsentStatus.NOT_OBTAINED


def test_consent_on_a_submitted_version_cannot_change_and_a_correction_keeps_it(client, draft):
    upload(client, draft, (photo_jpeg(), "panel.jpg"), consent="obtained")
    upload(client, draft, (pdf_document(), "plan.pdf"), consent="no_people")
    assert submit(client, draft).status_code == 302
    photo = file_named("panel.jpg")
    url = f"/evidence/{draft.id}/files/{photo.id}/consent"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"consent": "not_obtained"}).status_code == 404
    with pytest.raises(EvidenceFrozen):
        evidence_files.set_consent(photo, ConsentStatus.NOT_OBTAINED)
    assert "Change consent" not in text_of(client.get(f"/evidence/{draft.id}"))

    client.post(f"/evidence/{draft.id}/revise")
    correction = db.session.scalars(
        db.select(Evidence).where(Evidence.previous_id == draft.id)
    ).one()
    assert [(f.original_name, f.consent) for f in correction.files] == [
        ("panel.jpg", ConsentStatus.OBTAINED),
        ("plan.pdf", ConsentStatus.NO_PEOPLE),
    ]


def test_another_learner_cannot_change_consent_on_my_file(client, draft, login_as, make_enrolment):
    upload(client, draft, (photo_jpeg(), "children.jpg"), consent="not_obtained")
    photo = file_named("children.jpg")
    client.post("/sign-out")
    login_as(make_enrolment(cohort=draft.enrolment.cohort).learner)
    url = f"/evidence/{draft.id}/files/{photo.id}/consent"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"consent": "obtained"}).status_code == 404
    assert photo.consent == ConsentStatus.NOT_OBTAINED
