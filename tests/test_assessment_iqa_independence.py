"""An IQA never quality-assures decisions they made: who judged, reviewed or signed off each
part of a portfolio decides, not only who is assigned today."""

from assessment_helpers import assess, fully_met, sign, submitted

from portfolio import policy
from portfolio.extensions import db


def test_an_iqa_who_judged_the_learner_earlier_cannot_quality_assure_them(
    make_enrolment, make_user
):
    enrolment = make_enrolment()
    provider = enrolment.cohort.provider
    both = make_user("assessor", "iqa", provider=provider, name="Former Assessor")
    enrolment.assessor = both
    db.session.commit()
    assess(submitted(enrolment, "PC1"))

    enrolment.assessor = make_user("assessor", provider=provider)
    enrolment.iqa = both
    db.session.commit()
    assert not policy.can(both, "quality_assure", enrolment)

    independent = make_user("iqa", provider=provider)
    enrolment.iqa = independent
    db.session.commit()
    assert policy.can(independent, "quality_assure", enrolment)


def test_signing_off_alone_is_a_decision_that_rules_out_quality_assuring(make_enrolment, make_user):
    enrolment = make_enrolment()
    fully_met(enrolment)  # judged by the assigned assessor
    provider = enrolment.cohort.provider
    signer = make_user("assessor", "iqa", provider=provider)
    enrolment.assessor = signer
    db.session.commit()
    sign(enrolment, signer)
    enrolment.assessor, enrolment.iqa = make_user("assessor", provider=provider), signer
    db.session.commit()
    assert not policy.can(signer, "quality_assure", enrolment)
