"""`flask demo --learners N` fills a provider at benchmark scale: several cohorts, assessors and
IQAs, learners at every stage with about 50 evidence items and 150 mappings each, and an audit
trail and sign-offs that still verify."""

import pytest
from sqlalchemy import func, select

from portfolio.demo import scale
from portfolio.extensions import db
from portfolio.models import (
    AuditEntry,
    Cohort,
    Enrolment,
    Evidence,
    EvidenceReview,
    EvidenceStatus,
    Judgement,
    Mapping,
    MappingDecision,
    Outcome,
    Provider,
    Role,
    SignOff,
    User,
    UserRole,
)

LEARNERS = 40


@pytest.fixture
def scale_demo(runner, standard):
    result = runner.invoke(args=["demo", "--learners", str(LEARNERS)])
    assert result.exit_code == 0, result.output
    return result.output


def count(statement) -> int:
    return db.session.scalar(select(func.count()).select_from(statement.subquery()))


def provider() -> Provider:
    return db.session.scalars(select(Provider).where(Provider.name == scale.PROVIDER_NAME)).one()


def with_role(role: Role):
    return select(User.id).join(UserRole).where(UserRole.role == role)


def test_the_scale_demo_makes_cohorts_staff_and_learners_with_about_50_items_each(scale_demo):
    cohorts = db.session.scalars(select(Cohort).where(Cohort.provider_id == provider().id)).all()
    assert len(cohorts) >= 3
    assert len({c.start_date for c in cohorts}) == len(cohorts)
    assert count(with_role(Role.LEARNER)) == LEARNERS
    assert count(select(Enrolment.id)) == LEARNERS
    assert count(with_role(Role.ASSESSOR)) >= 3
    assert count(with_role(Role.IQA)) >= 2
    evidence, mappings = count(select(Evidence.id)), count(select(Mapping.id))
    assert 0.9 * 50 * LEARNERS <= evidence <= 1.1 * 50 * LEARNERS
    assert 0.9 * 150 * LEARNERS <= mappings <= 1.1 * 150 * LEARNERS
    submitted = db.session.execute(
        select(func.min(Evidence.submitted_at), func.max(Evidence.submitted_at))
    ).one()
    assert (submitted[1] - submitted[0]).days > 180  # spread over months
    assert f"{LEARNERS} learners in {len(cohorts)} cohorts" in scale_demo
    assert f"admin admin@{scale.DOMAIN} {scale.PASSWORD}" in scale_demo
    assert "Took " in scale_demo


def test_every_stage_of_a_portfolio_is_there(scale_demo):
    reviewed = select(EvidenceReview.evidence_id)
    assert count(select(Evidence.id).where(Evidence.status == EvidenceStatus.DRAFT)) > 0
    waiting = select(Evidence.id).where(
        Evidence.status == EvidenceStatus.SUBMITTED, Evidence.id.not_in(reviewed)
    )
    assert count(waiting) > 0
    assert count(select(MappingDecision.id).where(MappingDecision.accepted)) > 0
    assert count(select(MappingDecision.id).where(~MappingDecision.accepted)) > 0
    assert count(select(Judgement.id).where(Judgement.outcome == Outcome.MET)) > 0
    assert count(select(Judgement.id).where(Judgement.outcome == Outcome.NOT_YET_MET)) > 0
    corrections = select(Evidence.id).where(
        Evidence.version == 2, Evidence.status == EvidenceStatus.SUBMITTED
    )
    assert count(corrections) > 0
    assert count(select(Evidence.id).where(Evidence.status == EvidenceStatus.SUPERSEDED)) > 0
    assert count(select(Evidence.id).where(Evidence.recorded_by_id.is_not(None))) > 0
    assert count(select(SignOff.id).where(SignOff.voided_at.is_(None))) > 0
    withdrawn = db.session.scalars(
        select(Enrolment).where(Enrolment.withdrawn_on.is_not(None))
    ).all()
    assert withdrawn and all(e.withdrawal_reason and e.withdrawn_by_id for e in withdrawn)
    without_evidence = select(Enrolment.id).where(
        Enrolment.id.not_in(select(Evidence.enrolment_id))
    )
    assert count(without_evidence) > 0  # not started


def test_a_signed_off_learner_has_every_criterion_met_and_nothing_waiting(scale_demo, standard):
    from portfolio.services.assessment import state

    sign_off = db.session.scalars(select(SignOff)).first()
    assert state.missing_for_sign_off(sign_off.enrolment) == []
    assert len(state.current_judgements(sign_off.enrolment)) == len(standard.criteria)


def test_the_audit_trail_and_a_sign_off_still_verify(scale_demo, runner):
    audited = runner.invoke(args=["audit", "verify"])
    assert audited.exit_code == 0, audited.output
    assert "Audit trail intact" in audited.output
    learner = db.session.scalars(
        select(User).join(Enrolment, Enrolment.learner_id == User.id).join(SignOff)
    ).first()
    verified = runner.invoke(args=["signoff", "verify", learner.email])
    assert verified.exit_code == 0, verified.output
    assert "MATCHES" in verified.output


def test_each_batch_and_each_sign_off_has_its_audit_entry(scale_demo):
    actions = dict(
        db.session.execute(
            select(AuditEntry.action, func.count()).group_by(AuditEntry.action)
        ).all()
    )
    assert actions["demo.scale_learners_added"] >= 1
    assert actions["assessment.signed_off"] == count(select(SignOff.id))


def test_the_scale_people_sign_in_with_the_printed_password(scale_demo, client):
    for email in (f"admin@{scale.DOMAIN}", f"learner{1:04}@{scale.DOMAIN}"):
        response = client.post("/sign-in", data={"email": email, "password": scale.PASSWORD})
        assert response.status_code == 302, email
        client.post("/sign-out")


def test_a_second_run_is_refused_and_adds_nothing(scale_demo, runner):
    before = count(select(Evidence.id)), count(select(AuditEntry.id))

    again = runner.invoke(args=["demo", "--learners", "5"])

    assert again.exit_code != 0
    assert "already holds the scale test data" in again.output
    assert (count(select(Evidence.id)), count(select(AuditEntry.id))) == before


def test_later_rows_get_new_ids_after_the_bulk_insert(scale_demo, make_user):
    """On PostgreSQL the id sequences were moved past the ids the bulk insert chose."""
    newest = db.session.scalar(select(func.max(User.id)))
    assert make_user("learner").id > newest


def test_no_criterion_is_met_on_an_item_the_assessor_found_insufficient(scale_demo):
    """As the assessment service refuses it: "Sufficient: no" and "met" in the same review."""
    from portfolio.models.assessment import judgement_evidence

    insufficient = select(EvidenceReview).where(EvidenceReview.sufficient.is_(False))
    assert count(insufficient) > 0
    met_in_that_review = (
        select(Judgement.id)
        .join(judgement_evidence, judgement_evidence.c.judgement_id == Judgement.id)
        .join(EvidenceReview, EvidenceReview.evidence_id == judgement_evidence.c.evidence_id)
        .where(
            EvidenceReview.sufficient.is_(False),
            Judgement.outcome == Outcome.MET,
            Judgement.judged_at == EvidenceReview.reviewed_at,
        )
    )
    assert count(met_in_that_review) == 0
