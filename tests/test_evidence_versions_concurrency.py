"""A learner who clicks "Make a new version" twice (or in two tabs at once) gets one new version,
never two drafts that fork the evidence's history; the second click is pointed to the first's."""

from assessment_helpers import submitted
from people_helpers import PASSWORD, audit_actions, page_text
from racing import race, together_at

from portfolio.extensions import db
from portfolio.models import Evidence


def _signed_in(app, user):
    browser = app.test_client()
    response = browser.post("/sign-in", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def _versions_after(evidence_id):
    return db.session.scalars(db.select(Evidence).where(Evidence.previous_id == evidence_id)).all()


def test_two_clicks_on_make_a_new_version_at_once_start_exactly_one(app, make_enrolment):
    enrolment = make_enrolment()
    evidence_id = submitted(enrolment, "PC1").id
    tabs = [_signed_in(app, enrolment.learner) for _ in range(2)]
    db.session.remove()  # let the threads' connections take the write lock

    def click(tab):
        return lambda: tab.post(f"/evidence/{evidence_id}/revise", follow_redirects=True)

    # Both have found no newer version before either inserts one: only the database can refuse.
    with together_at(r"INSERT INTO evidence \("):
        answers = race(app, *(click(tab) for tab in tabs))

    assert [a.status_code for a in answers] == [200, 200]
    texts = [page_text(a) for a in answers]
    started = [t for t in texts if "You are changing version 2" in t]
    refused = [t for t in texts if "A new version of this evidence has already been started" in t]
    assert len(started) == 1 and len(refused) == 1
    assert "Open version 2 to carry on with it." in refused[0]
    newer = _versions_after(evidence_id)
    assert [e.version for e in newer] == [2]
    assert f'href="/evidence/{newer[0].id}">version 2</a>' in refused[0]
    assert audit_actions().count("evidence.revised") == 1  # the refused click left nothing


def test_a_second_click_after_the_first_finished_is_pointed_to_the_new_version(
    client, login_as, make_enrolment
):
    enrolment = make_enrolment()
    evidence = submitted(enrolment, "PC1")
    login_as(enrolment.learner)
    client.post(f"/evidence/{evidence.id}/revise")

    response = client.post(f"/evidence/{evidence.id}/revise", follow_redirects=True)

    text = page_text(response)
    assert "A new version of this evidence has already been started" in text
    assert "Open version 2 to carry on with it." in text
    assert len(_versions_after(evidence.id)) == 1


def test_the_make_a_new_version_button_ignores_a_double_click(client, login_as, make_enrolment):
    enrolment = make_enrolment()
    evidence = submitted(enrolment, "PC1")
    login_as(enrolment.learner)

    text = page_text(client.get(f"/evidence/{evidence.id}"))

    button = text.split("Make a new version</button>")[0].rsplit("<button", 1)[1]
    assert 'data-prevent-double-click="true"' in button
