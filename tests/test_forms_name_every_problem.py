"""Every form sent empty names every problem at once, in the error summary, each in words: a
learner or administrator puts them all right in one go instead of one per submit. (The
assessment form's own test is in the assessment tests.)"""

import html
import re

import pytest
from assessment_helpers import submitted
from evidence_samples import make_draft
from people_helpers import PASSWORD

FORMS = {
    "sign in": ("nobody", "/sign-in", ["Enter your email address", "Enter your password"]),
    "forgotten password": ("nobody", "/forgot-password", ["Enter your email address"]),
    "change password": (
        "learner",
        "/account/password",
        ["Enter your current password", "Enter a new password", "Enter the new password again"],
    ),
    "add a person": (
        "admin",
        "/admin/people/new",
        ["Enter the person's name", "Enter the person's email address", "Choose at least one role"],
    ),
    "new cohort": (
        "admin",
        "/admin/cohorts/new",
        [
            "Enter a name for the cohort",
            "Choose the standard the cohort works towards",
            "Enter the start date",
            "Enter the planned end date",
        ],
    ),
    "enrol a learner": (
        "admin",
        "/admin/cohorts/{cohort}/enrol",
        ["Enter the learner's name", "Enter the learner's email address"],
    ),
    "EQA access": (
        "admin",
        "/admin/eqa",
        [
            "Choose the external quality assurer",
            "Choose a whole cohort, or the chosen learners",
            "Enter the date access ends",
        ],
    ),
    "withdraw a learner": (
        "admin",
        "/admin/enrolments/{enrolment}/withdraw",
        ["Enter the date the learner withdrew", "Give the reason the learner withdrew"],
    ),
    "new evidence": (
        "learner",
        "/portfolio/{enrolment}/evidence/new",
        [
            "Enter a title for the evidence.",
            "Enter the date of the activity.",
            "Select the assessment method.",
        ],
    ),
    "the declaration": (
        "learner",
        "/evidence/{draft}/submit",
        ["Enter your full name.", "Confirm that the declaration is true."],
    ),
    "ask a witness": (
        "learner",
        "/portfolio/{enrolment}/witnesses/new",
        [
            "Enter the witness's name.",
            "Enter an email address.",
            "Enter the witness's role, for example “Youth worker”.",
            "Enter the witness's organisation or community group.",
            "Say how the witness knows the learner, for example “Ran the youth panel with them”.",
            "Choose at least one criterion the testimony is about.",
            "Write what you would like the witness to tell you.",
        ],
    ),
    "an assessor's record": (
        "assessor",
        "/portfolio/{enrolment}/records/new",
        [
            "Enter a title for the evidence.",
            "Enter the date of the activity.",
            "Choose observation, professional discussion or questioning.",
            "Say where this took place, or in what context.",
            "Write what you saw, asked and heard.",
        ],
    ),
    "sign-off": (
        "assessor",
        "/portfolio/{enrolment}/sign-off",
        ["Enter your password to sign.", "Type your full name to sign."],
    ),
}


def error_summary(response) -> list[str]:
    page = response.get_data(as_text=True)
    found = re.search(r'govuk-error-summary__list">(.*?)</ul>', page, re.S)
    assert found, "the page has no error summary"
    items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)).strip() for item in items]


@pytest.mark.parametrize("name", FORMS)
def test_a_form_sent_empty_names_every_missing_answer_at_once(name, app, make_enrolment, make_user):
    enrolment = make_enrolment()
    people = {
        "learner": enrolment.learner,
        "assessor": enrolment.assessor,
        "admin": make_user("admin", provider=enrolment.cohort.provider),
    }
    draft = make_draft(enrolment)
    submitted(enrolment, "PC1")  # something for the assessor to sign off over
    who, path, expected = FORMS[name]
    client = app.test_client()
    if who != "nobody":
        signed_in = client.post("/sign-in", data={"email": people[who].email, "password": PASSWORD})
        assert signed_in.status_code == 302

    response = client.post(
        path.format(enrolment=enrolment.id, cohort=enrolment.cohort_id, draft=draft.id), data={}
    )

    problems = error_summary(response)
    for message in expected:
        assert message in problems, f"{name}: {message!r} not among {problems}"
    assert "Not a valid choice." not in problems
