"""The portfolio PDF: every section, the DRAFT marking, metadata, bookmarks, the attached
manifest and the provider's signature, read back with pypdf and pyHanko."""

import io
import json

import pytest
from assessment_helpers import assess, fully_met, sign, submitted
from evidence_samples import make_draft, photo_jpeg, upload
from people_helpers import PASSWORD
from pypdf import PdfReader

from portfolio.pdf import signature
from portfolio.services import evidence as evidence_service
from portfolio.services.export import portfolio_pdf


@pytest.fixture
def enrolment(make_enrolment, make_user, make_cohort):
    cohort = make_cohort(name="Spring 2027 cohort")
    return make_enrolment(
        cohort=cohort,
        learner=make_user(
            "learner", provider=cohort.provider, name="Lee Learner", uln="1234567890"
        ),
    )


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_draft_portfolio_says_draft_on_every_page(enrolment):
    evidence = submitted(enrolment, "PC1", "K2", title="Youth panel workshop")
    assess(
        evidence, outcomes={"K2": "not_yet_met"}, feedback={"K2": "Explain **why** it mattered."}
    )
    made = portfolio_pdf.make(enrolment)
    reader = PdfReader(io.BytesIO(made.pdf))
    assert len(reader.pages) >= 6
    for page in reader.pages:
        assert "DRAFT" in page.extract_text()
    text = text_of(made.pdf)
    for heading in (
        "Contents",
        "Declarations and signatures",
        "Coverage matrix",
        "Criteria and judgements",
        "Evidence",
        "Audit trail summary",
    ):
        assert heading in text
    assert "Lee Learner" in text and "1234567890" in text and "Spring 2027 cohort" in text
    assert "E1 Youth panel workshop" in text
    assert "why" in text and "Not yet met" in text
    # the audit trail in sentences, in UK time, as on the administrator's page
    assert f"{enrolment.assessor.name} judged K2 not yet met for Lee Learner." in " ".join(
        text.split()
    )
    assert "When (UK time)" in text and "UTC" not in text
    assert made.refused_urls == []


def test_metadata_bookmarks_manifest_and_signature(enrolment):
    fully_met(enrolment)
    sign(enrolment)
    made = portfolio_pdf.make(enrolment)
    reader = PdfReader(io.BytesIO(made.pdf))
    assert reader.metadata.title.startswith("Evidence portfolio: Lee Learner")
    assert reader.metadata.author == enrolment.cohort.provider.name
    assert "Signed off" in reader.metadata.subject
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert {"Contents", "Coverage matrix", "Evidence", "Audit trail summary"} <= set(outline)
    manifest = json.loads(reader.attachments["manifest.json"][0])
    assert manifest["status"] == "signed_off"
    assert "DRAFT" not in reader.pages[1].extract_text()
    check = signature.check(made.pdf, signature.certificate_pem())
    assert check.ok and check.trusted, check


def test_pages_render_to_images_for_a_visual_check(enrolment, client, tmp_path):
    """A smoke test of the layout: pdftoppm (poppler) draws the cover and the matrix."""
    import subprocess

    draft = make_draft(enrolment, title="Festival photo diary")
    client.post("/sign-in", data={"email": enrolment.learner.email, "password": PASSWORD})
    assert (
        upload(client, draft, (photo_jpeg(width=1600, height=1200), "stage.jpg")).status_code == 201
    )
    evidence_service.set_mappings(
        draft, {enrolment.standard.criterion("PC4"): "The stage we built."}
    )
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)
    assess(draft)
    made = portfolio_pdf.make(enrolment)
    (tmp_path / "portfolio.pdf").write_bytes(made.pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", str(tmp_path / "portfolio.pdf"), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == made.pages
    from PIL import Image

    sizes, colours = [], []
    for path in pages:
        with Image.open(path) as image:
            sizes.append(image.size)
            colours.append(len(image.convert("RGB").getcolors(1 << 20)))
    width, height = sizes[0]
    assert width < height  # the cover is A4 portrait
    assert any(w > h for w, h in sizes)  # the coverage matrix is landscape
    assert max(colours) > 50  # the photo is drawn, not only text
