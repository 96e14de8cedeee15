"""Migration 0009: judgements saved before the fix named evidence nobody had reviewed (a witness
testimony that arrived while the assessor had another item open). The upgrade takes those links
away, keeps every link the audit trail shows was reviewed and accepted, and leaves a sign-off in
force verifying."""

import importlib

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from assessment_helpers import all_codes, assess, sign, submitted

from portfolio.extensions import db
from portfolio.models import Judgement
from portfolio.models.assessment import judgement_evidence
from portfolio.services.assessment import signing, state

migration = importlib.import_module(
    "portfolio.migrations.versions.0009_judgements_rest_on_reviewed_evidence"
)


def upgrade():
    db.session.commit()
    with db.engine.begin() as connection:
        with Operations.context(MigrationContext.configure(connection)):
            migration.upgrade()
    db.session.expire_all()


def judged_before_the_fix(judgement, *evidence):
    """What the old code recorded: every submitted, not-rejected version mapped to it."""
    for item in evidence:
        db.session.execute(
            judgement_evidence.insert().values(judgement_id=judgement.id, evidence_id=item.id)
        )
    db.session.commit()


@pytest.fixture
def enrolment(make_enrolment):
    return make_enrolment()


def test_links_to_evidence_nobody_had_reviewed_are_taken_away(enrolment):
    workshop = submitted(enrolment, "PC1", title="Residents' workshop")
    testimony = submitted(enrolment, "PC1", title="Witness testimony from Priya Shah")
    [judgement] = assess(workshop)
    judged_before_the_fix(judgement, testimony)
    waiting = submitted(enrolment, "PC2", title="Still waiting")

    upgrade()

    assert [e.id for e in db.session.get(Judgement, judgement.id).evidence] == [workshop.id]
    assert state.judgements_resting_on(testimony) == []
    assert waiting.review is None


def test_links_reviewed_and_accepted_before_the_judgement_stay(enrolment):
    first = submitted(enrolment, "PC1", title="First workshop")
    assess(first, outcomes={"PC1": "not_yet_met"})
    second = submitted(enrolment, "PC1", title="Second workshop")
    [judgement] = assess(second)

    upgrade()

    assert [e.id for e in db.session.get(Judgement, judgement.id).evidence] == [
        first.id,
        second.id,
    ]


def test_a_sign_off_in_force_still_verifies(enrolment):
    everything = submitted(enrolment, *all_codes(enrolment), title="Whole project")
    late = submitted(enrolment, "PC1", title="Arrived while the assessor was looking")
    judgements = assess(everything)
    pc1 = next(j for j in judgements if j.criterion.code == "PC1")
    judged_before_the_fix(pc1, late)
    assess(late, outcomes={"PC1": None})
    signed = sign(enrolment)
    assert signing.verify(signed).ok

    upgrade()

    assert signing.verify(db.session.get(type(signed), signed.id)).ok
    assert [e.id for e in db.session.get(Judgement, pc1.id).evidence] == [everything.id, late.id]
