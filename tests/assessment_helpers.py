"""Building assessed portfolios in tests, through the real services and pages."""

from datetime import date

from evidence_samples import make_draft

from portfolio.extensions import db
from portfolio.models import Evidence, Outcome
from portfolio.services import evidence as evidence_service
from portfolio.services.assessment import review, signing
from portfolio.services.assessment.review import JudgementChoice, MappingChoice

ALL_RULES = {"valid": True, "authentic": True, "current": True, "sufficient": True}


def submitted(enrolment, *codes, title="Planning meeting with the youth panel", **fields):
    """A piece of evidence mapped to ``codes`` and submitted by the learner."""
    draft = make_draft(enrolment, title=title, **fields)
    standard = enrolment.standard
    evidence_service.set_mappings(
        draft, {standard.criterion(code): f"This shows {code}." for code in codes}
    )
    evidence_service.submit(draft, full_name=enrolment.learner.name, confirmed=True)
    return draft


def assess(evidence: Evidence, assessor=None, *, outcomes=None, rejected=(), feedback=None):
    """The assessor reviews ``evidence``: every rule met, every mapping accepted except
    ``rejected`` (code -> reason or a list of codes), and ``outcomes`` (code -> Outcome or
    "met"/"not_yet_met"); unspecified criteria are marked met."""
    assessor = assessor or evidence.enrolment.assessor
    rejected = dict.fromkeys(rejected, "Not shown.") if not isinstance(rejected, dict) else rejected
    outcomes = outcomes if outcomes is not None else {}
    feedback = feedback or {}
    decisions, judgements = {}, {}
    for mapping in evidence.mappings:
        code = mapping.criterion.code
        decisions[mapping.id] = MappingChoice(code not in rejected, rejected.get(code, ""))
        outcome = outcomes.get(code, None if code in rejected else Outcome.MET)
        outcome = Outcome(outcome) if outcome else None
        text = feedback.get(code, "Work on this." if outcome == Outcome.NOT_YET_MET else "")
        judgements[mapping.criterion_id] = JudgementChoice(outcome, text)
    db.session.refresh(evidence.enrolment)
    return review.assess(
        evidence,
        assessor,
        seen=evidence.enrolment.revision,
        rules=ALL_RULES,
        notes={},
        decisions=decisions,
        judgements=judgements,
    )


def all_codes(enrolment) -> list[str]:
    return [c.code for c in enrolment.standard.criteria]


def fully_met(enrolment, title="Co-production project, start to finish"):
    """Evidence covering every criterion, submitted and judged met."""
    evidence = submitted(enrolment, *all_codes(enrolment), title=title)
    assess(evidence)
    return evidence


def sign(enrolment, assessor=None, password=None):
    from people_helpers import PASSWORD

    assessor = assessor or enrolment.assessor
    db.session.refresh(enrolment)
    return signing.sign_off(
        enrolment,
        assessor,
        password=password or PASSWORD,
        full_name=assessor.name,
        confirmed=True,
        seen=enrolment.revision,
    )


TODAY = date(2026, 10, 1)
