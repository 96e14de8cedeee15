"""The same form sent twice at once (a double click, a resent request) does its work once. Each
of these writes checks, then moves the portfolio's revision on, which holds the portfolio until
the commit; the check is made again under that hold, so the second sees the first."""

from assessment_helpers import fully_met, sign
from evidence_samples import make_draft
from people_helpers import audit_actions
from racing import race, together_at

from portfolio.extensions import db
from portfolio.models import Evidence, SampleItem, SampleKind, SampleOutcome, User
from portfolio.services import evidence as evidence_service
from portfolio.services.problems import Problem
from portfolio.services.quality import plan, records
from portfolio.services.quality.decisions import decisions_on

BOTH_CHECKED = r"UPDATE enrolment SET revision"


def test_a_sampling_record_sent_twice_at_once_is_kept_as_first_recorded(app, make_enrolment):
    enrolment = make_enrolment()
    fully_met(enrolment)
    sign(enrolment)
    decision = next(d for d in decisions_on([enrolment]) if d.kind == SampleKind.SIGN_OFF)
    item_id = plan.add(enrolment.iqa, enrolment, SampleKind.SIGN_OFF, decision.record.id).id
    iqa_id = enrolment.iqa_id
    db.session.remove()

    def record(comment):
        return lambda: (
            records.record(
                db.session.get(SampleItem, item_id),
                db.session.get(User, iqa_id),
                outcome=SampleOutcome.AGREED,
                rules_comment=comment,
                feedback_comment="Clear feedback.",
            ).rules_comment
        )

    with together_at(BOTH_CHECKED):
        results = race(app, record("First."), record("Second."))

    kept = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, Problem)]
    assert len(kept) == 1 and len(refused) == 1
    assert "a record is not changed afterwards" in refused[0].message
    assert db.session.get(SampleItem, item_id).rules_comment == kept[0]
    assert audit_actions().count("quality.sample_recorded") == 1


def test_a_draft_submitted_twice_at_once_is_submitted_once(app, make_enrolment):
    enrolment = make_enrolment()
    draft = make_draft(enrolment)
    evidence_service.set_mappings(draft, {enrolment.standard.criterion("PC1"): "It shows PC1."})
    draft_id, name = draft.id, enrolment.learner.name
    db.session.remove()

    def submit():
        evidence = db.session.get(Evidence, draft_id)
        evidence_service.submit(evidence, full_name=name, confirmed=True)
        return "submitted"

    with together_at(BOTH_CHECKED):
        results = race(app, submit, submit)

    assert results.count("submitted") == 1
    assert any(isinstance(r, Problem) and "has been submitted" in r.message for r in results)
    assert audit_actions().count("evidence.submitted") == 1
