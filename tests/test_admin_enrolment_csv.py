"""An administrator enrols a cohort from a CSV file: all of it, or none of it with every reason."""

import io
import re

import pytest
from people_helpers import audit_actions, page_text

from portfolio.extensions import db
from portfolio.models import Enrolment, Role, User


@pytest.fixture
def admin(make_user, login_as):
    person = make_user("admin")
    login_as(person)
    return person


@pytest.fixture
def cohort(admin, make_cohort):
    return make_cohort(provider=admin.provider, name="Spring 2027")


def upload(client, cohort, content, **fields):
    data = {"file": (io.BytesIO(content), "learners.csv", "text/csv"), **fields}
    return client.post(
        f"/admin/cohorts/{cohort.id}/upload", data=data, content_type="multipart/form-data"
    )


def report_rows(page: str) -> list[list[str]]:
    """The cells of the "Who was enrolled" table, as a person reads them."""
    body = page.split("<tbody", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def enrolled_emails(cohort):
    db.session.expire_all()
    return sorted(e.learner.email for e in cohort.enrolments)


GOOD = (
    "name,email,uln\n"
    "Amina Shah,amina@example.org,1234567890\n"
    "Tom Price,Tom@Example.org,\n"
    "\n"
    '"O\'Neill, Siobhan",siobhan@example.org,0987654321\n'
)


def test_a_good_file_enrols_everyone_and_reports_what_it_created(client, cohort):
    response = upload(client, cohort, GOOD.encode())

    page = page_text(response)
    assert "3 learners enrolled" in page
    assert "O'Neill, Siobhan" in page
    assert enrolled_emails(cohort) == [
        "amina@example.org",
        "siobhan@example.org",
        "tom@example.org",
    ]
    amina = db.session.scalars(db.select(User).where(User.email == "amina@example.org")).one()
    assert amina.uln == "1234567890" and amina.roles == {Role.LEARNER}
    assert amina.provider_id == cohort.provider_id
    # Without a mail server, each new learner's invitation link is on the page.
    assert page.count("http://localhost/invitation/") == 3
    assert audit_actions().count("enrolment_created") == 3
    assert "enrolments_imported" in audit_actions()


def test_a_file_saved_by_excel_with_a_byte_order_mark_and_windows_lines_is_read(client, cohort):
    content = "\ufeffName,Email\r\nAmina Shah,amina@example.org\r\n".encode()

    response = upload(client, cohort, content)

    assert "1 learner enrolled" in page_text(response)
    assert enrolled_emails(cohort) == ["amina@example.org"]


def test_a_file_with_bad_rows_imports_nothing_and_lists_every_problem(
    client, cohort, make_enrolment, make_user
):
    already = make_enrolment(cohort=cohort)
    content = (
        "name,email,uln\n"
        "Good Person,good@example.org,1234567890\n"  # line 2: fine on its own
        ",noname@example.org,\n"  # 3: missing name
        "Bad Email,not-an-email,\n"  # 4: bad email
        "Bad Uln,baduln@example.org,12345\n"  # 5: bad ULN
        "Again,GOOD@example.org,\n"  # 6: duplicate of line 2
        f"Already,{already.learner.email},\n"  # 7: already enrolled
    )
    people_before = db.session.scalar(db.select(db.func.count(User.id)))

    response = upload(client, cohort, content.encode())

    page = page_text(response)
    assert response.status_code == 200
    assert "<title>Error: Enrol learners from a CSV file" in page
    assert "Nobody was enrolled: the file has 5 problems" in page
    assert "Line 3: Enter the learner's name." in page
    assert "Line 4: 'not-an-email' is not an email address." in page
    assert "Line 5: The ULN '12345' must be exactly 10 digits, or left blank." in page
    assert "Line 6: good@example.org appears twice in the file (also on line 2)." in page
    assert f"Line 7: {already.learner.email} is already enrolled on this cohort." in page
    assert "Line 2" not in page
    assert enrolled_emails(cohort) == [already.learner.email]
    assert db.session.scalar(db.select(db.func.count(User.id))) == people_before


def test_line_numbers_count_blank_lines_and_quoted_line_breaks(client, cohort):
    content = 'name,email\n\n"Two\nLines",two@example.org\nNo Email,\n'

    page = page_text(upload(client, cohort, content.encode()))

    assert "Line 5: Enter an email address." in page


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"name,email\n", "The file has a header row but no learners under it."),
        (b"Amina,amina@example.org\n", "Line 1: The first row must name the columns"),
        (b"name,uln\nAmina,1234567890\n", "Missing: email."),
        ("name,email\nZoë,zoe@example.org\n".encode("latin-1"), "The file is not UTF-8 text."),
    ],
)
def test_a_file_that_is_not_a_learner_list_is_refused_with_a_reason(
    client, cohort, content, message
):
    page = page_text(upload(client, cohort, content))

    assert message in page
    assert cohort.enrolments == []


def test_no_file_chosen_is_an_error_on_the_field(client, cohort):
    response = client.post(
        f"/admin/cohorts/{cohort.id}/upload", data={}, content_type="multipart/form-data"
    )
    assert "Choose a CSV file to upload" in page_text(response)


def test_the_upload_can_assign_an_assessor_and_iqa_to_everyone(client, cohort, make_user):
    assessor = make_user("assessor", provider=cohort.provider)
    iqa = make_user("iqa", provider=cohort.provider)

    upload(client, cohort, GOOD.encode(), assessor=assessor.id, iqa=iqa.id)

    enrolments = db.session.scalars(db.select(Enrolment)).all()
    assert len(enrolments) == 3
    assert {(e.assessor_id, e.iqa_id) for e in enrolments} == {(assessor.id, iqa.id)}


def test_the_assessor_cannot_also_be_a_learner_in_the_file(client, cohort, make_user):
    assessor = make_user("assessor", provider=cohort.provider, email="sam@example.org")
    content = b"name,email\nSam,sam@example.org\n"

    page = page_text(upload(client, cohort, content, assessor=assessor.id))

    assert "Line 2: sam@example.org is the assessor or IQA you chose" in page
    assert cohort.enrolments == []


def test_existing_people_of_this_provider_are_enrolled_without_a_new_account(
    client, cohort, make_user
):
    known = make_user("learner", provider=cohort.provider, email="known@example.org")

    page = page_text(upload(client, cohort, b"name,email\nKnown,known@example.org\n"))

    assert "Already had an account" in page
    assert "/invitation/" not in page
    assert [e.learner_id for e in cohort.enrolments] == [known.id]


def test_a_member_of_staff_in_the_file_is_enrolled_and_the_report_says_they_became_a_learner(
    client, cohort, make_user
):
    make_user("assessor", provider=cohort.provider, email="sam@example.org", name="Sam Staff")
    make_user("learner", provider=cohort.provider, email="lee@example.org", name="Lee Learner")

    response = upload(client, cohort, b"name,email\nSam,sam@example.org\nLee,lee@example.org\n")

    page = page_text(response)
    assert "2 learners enrolled" in page
    assert report_rows(page) == [
        ["Sam Staff", "sam@example.org", "Already had an account; the learner role was added"],
        ["Lee Learner", "lee@example.org", "Already had an account"],
    ]
    sam = db.session.scalars(db.select(User).where(User.email == "sam@example.org")).one()
    assert sam.roles == {Role.ASSESSOR, Role.LEARNER}


def test_an_email_used_at_another_provider_is_refused_without_saying_where(
    client, cohort, make_user
):
    make_user("learner", email="elsewhere@example.org")

    page = page_text(upload(client, cohort, b"name,email\nEl,elsewhere@example.org\n"))

    assert "Line 2: elsewhere@example.org cannot be used for an account here." in page
    assert "organisation" not in page.split("Line 2:")[1].split("</")[0]
    assert cohort.enrolments == []


def test_a_name_or_email_too_long_to_keep_is_reported_by_line_and_nothing_is_imported(
    client, cohort
):
    long_name = "N" * 250
    long_email = "a" * 315 + "@example.org"
    content = (
        "name,email\n"
        "Fine Person,fine@example.org\n"
        f"{long_name},long.name@example.org\n"
        f"Long Email,{long_email}\n"
        f"{'N' * 200},just.fits@example.org\n"
    )

    response = upload(client, cohort, content.encode())

    page = page_text(response)
    assert response.status_code == 200
    assert "Nobody was enrolled: the file has 2 problems" in page
    assert "Line 3: The name must be 200 characters or fewer (this one has 250)." in page
    assert "Line 4: The email address must be 320 characters or fewer (this one has 327)." in page
    assert "Line 5" not in page
    assert cohort.enrolments == []
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1  # the administrator
