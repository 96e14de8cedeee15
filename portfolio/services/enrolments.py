"""Enrolling learners on cohorts and assigning each an assessor and an IQA.

The rules live here so the one-by-one form and the CSV upload apply exactly the same checks.
"""

import re
from dataclasses import dataclass

from ..extensions import db
from ..models import Cohort, Enrolment, Role, User, UserRole
from . import audit
from .people import email_problem, find_by_email, name_problem, new_user, unusable_email
from .problems import Problem

ULN = re.compile(r"\d{10}")


@dataclass
class LearnerProblem:
    field: str
    message: str


def learner_problems(cohort: Cohort, name: str, email: str, uln: str) -> list[LearnerProblem]:
    """Everything wrong with enrolling this person on ``cohort``; empty when all is well."""
    problems = []
    if bad_name := name_problem(name, "the learner's"):
        problems.append(LearnerProblem("name", bad_name))
    bad_email = email_problem(email)
    if bad_email:
        problems.append(LearnerProblem("email", bad_email))
    if uln and not ULN.fullmatch(uln):
        problems.append(
            LearnerProblem("uln", f"The ULN '{uln}' must be exactly 10 digits, or left blank.")
        )
    if bad_email:
        return problems
    existing = find_by_email(email)
    if existing is None:
        return problems
    if existing.provider_id != cohort.provider_id:
        problems.append(LearnerProblem("email", unusable_email(email, "the learner")))
    elif any(e.learner_id == existing.id for e in cohort.enrolments):
        problems.append(
            LearnerProblem("email", f"{existing.email} is already enrolled on this cohort.")
        )
    elif uln and existing.uln and existing.uln != uln:
        problems.append(
            LearnerProblem(
                "uln",
                f"We hold a different ULN for {existing.email} ({existing.uln}). Check the number.",
            )
        )
    return problems


def check_assignment(cohort: Cohort, learner_id, assessor: User | None, iqa: User | None):
    """Refuse an assessor or IQA who is not right for this learner; say why."""
    for person, role, field in ((assessor, Role.ASSESSOR, "assessor"), (iqa, Role.IQA, "iqa")):
        if person is None:
            continue
        if person.provider_id != cohort.provider_id or not person.active:
            raise Problem("Choose a person from your own organisation.", field)
        if not person.has_role(role):
            raise Problem(f"{person.name} is not an {role.label.lower()}.", field)
        if learner_id is not None and person.id == learner_id:
            raise Problem(
                f"{person.name} is the learner: choose someone else to judge their work.", field
            )
    if assessor is not None and iqa is not None and assessor.id == iqa.id:
        raise Problem(
            f"{iqa.name} cannot be both assessor and IQA for the same learner: an IQA never "
            "quality-assures their own assessment decisions. Choose a different IQA.",
            "iqa",
        )


@dataclass
class Enrolled:
    enrolment: Enrolment
    created_person: bool
    #: an existing member of staff who became a learner too
    learner_role_added: bool = False


def add_learner(
    cohort: Cohort,
    name: str,
    email: str,
    uln: str = "",
    assessor: User | None = None,
    iqa: User | None = None,
) -> Enrolled:
    """Add one learner to the transaction (no commit): creates the person if new."""
    problems = learner_problems(cohort, name, email, uln)
    if problems:
        raise Problem(problems[0].message, problems[0].field)
    learner = find_by_email(email)
    created = learner is None
    role_added = False
    check_assignment(cohort, learner.id if learner else None, assessor, iqa)
    if created:
        learner = new_user(cohort.provider, name, email, {Role.LEARNER}, uln=uln or None)
        audit.record(
            "person_added",
            learner,
            provider_id=cohort.provider_id,
            email=learner.email,
            roles=[Role.LEARNER],
        )
    else:
        if not learner.has_role(Role.LEARNER):
            role_added = True
            learner.role_rows.append(UserRole(role=Role.LEARNER))
            audit.record(
                "roles_changed",
                learner,
                provider_id=cohort.provider_id,
                before=sorted(learner.roles - {Role.LEARNER}),
                after=sorted(learner.roles | {Role.LEARNER}),
            )
        if uln and not learner.uln:
            learner.uln = uln
    enrolment = Enrolment(cohort=cohort, learner=learner, assessor=assessor, iqa=iqa)
    db.session.add(enrolment)
    db.session.flush()
    audit.record(
        "enrolment_created",
        enrolment,
        provider_id=cohort.provider_id,
        cohort=cohort.name,
        learner=learner.email,
        assessor_id=assessor.id if assessor else None,
        iqa_id=iqa.id if iqa else None,
    )
    return Enrolled(enrolment, created, role_added)


def enrol(cohort: Cohort, name, email, uln="", assessor=None, iqa=None) -> Enrolled:
    """Enrol one learner and commit."""
    try:
        enrolled = add_learner(cohort, name, email, uln, assessor, iqa)
    except Problem:
        db.session.rollback()
        raise
    db.session.commit()
    return enrolled


def assign(enrolment: Enrolment, assessor: User | None, iqa: User | None) -> None:
    """Assign or change the learner's assessor and IQA."""
    check_assignment(enrolment.cohort, enrolment.learner_id, assessor, iqa)
    before = (enrolment.assessor_id, enrolment.iqa_id)
    after = (assessor.id if assessor else None, iqa.id if iqa else None)
    if before == after:
        return
    enrolment.assessor = assessor
    enrolment.iqa = iqa
    audit.record(
        "enrolment_assigned",
        enrolment,
        provider_id=enrolment.cohort.provider_id,
        learner=enrolment.learner.email,
        assessor_before=before[0],
        assessor_after=after[0],
        iqa_before=before[1],
        iqa_after=after[1],
    )
    db.session.commit()
