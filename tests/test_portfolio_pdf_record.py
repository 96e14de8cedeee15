"""The portfolio PDF carries the whole conversation and tells versions apart: the learner's
replies to feedback are printed under the feedback, and a corrected item's version is named
in the contents, so two items of the same title can be told apart."""

import io

from assessment_helpers import assess, submitted
from pypdf import PdfReader

from portfolio.services import evidence as evidence_service
from portfolio.services.assessment import feedback
from portfolio.services.export import portfolio_pdf


def text_of(pdf: bytes) -> str:
    pages = PdfReader(io.BytesIO(pdf)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_replies_to_feedback_and_versions_are_in_the_pdf(make_enrolment):
    enrolment = make_enrolment()
    first = submitted(enrolment, "PC1", "K2", title="Youth panel workshop")
    [judgement] = [
        j
        for j in assess(first, outcomes={"K2": "not_yet_met"}, feedback={"K2": "Say why."})
        if j.criterion.code == "K2"
    ]
    feedback.reply(judgement, enrolment.learner, "I will add the **panel's** own words.")
    correction = evidence_service.revise(first)
    evidence_service.submit(correction, full_name=enrolment.learner.name, confirmed=True)

    text = text_of(portfolio_pdf.make(enrolment).pdf)

    assert f"Reply from {enrolment.learner.name}" in text
    assert "I will add the panel's own words." in text
    assert "Youth panel workshop (version 2)" in text
