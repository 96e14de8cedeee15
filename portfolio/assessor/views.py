"""The assessor's pages. Each view loads its object through ``policy``, parses the form and
calls a service in services/assessment; a refusal is rolled back and shown beside its field."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..extensions import db
from ..files.views import receives_original
from ..models import (
    RULE_QUESTIONS,
    RULES_OF_EVIDENCE,
    Enrolment,
    Evidence,
    EvidenceStatus,
    Role,
    User,
)
from ..services import sign_in_limits
from ..services.assessment import review, signing, state
from ..services.assessment.revision import Conflict
from ..services.export import jobs
from ..services.problems import Problem
from . import queue as queue_query
from .forms import ReopenForm, SignOffForm
from .review_form import ReviewAnswers

bp = Blueprint("assessor", __name__)


def _me() -> User:
    return current_user._get_current_object()


@bp.get("/caseload/queue")
@login_required
def queue():
    policy.require_role(Role.ASSESSOR)
    only = queue_query.QueueFilter.from_args(request.args)
    learners, cohorts = queue_query.filter_choices(_me())
    return render_template(
        "assessor/queue.html",
        waiting=queue_query.waiting_for(_me(), only),
        only=only,
        learners=learners,
        cohorts=cohorts,
        waiting_text=queue_query.waiting_text,
    )


def _review_page(evidence: Evidence, answers: ReviewAnswers, errors=(), status=200):
    enrolment = evidence.enrolment
    return (
        render_template(
            "assessor/review.html",
            evidence=evidence,
            enrolment=enrolment,
            answers=answers,
            errors=list(errors),
            rules=[(rule, RULE_QUESTIONS[rule]) for rule in RULES_OF_EVIDENCE],
            current=state.current_judgements(enrolment),
            sign_off=state.sign_off_in_force(enrolment),
            originals={f.id for f in evidence.files if receives_original(f)},
            may_edit=False,
        ),
        status,
    )


@bp.route("/evidence/<int:evidence_id>/assess", methods=["GET", "POST"])
@login_required
def assess(evidence_id):
    evidence = policy.require("assess", db.session.get(Evidence, evidence_id))
    if request.method == "GET":
        if _opens_the_item(evidence):
            return redirect(url_for("learner.evidence", evidence_id=evidence.id))
        return _review_page(evidence, ReviewAnswers.from_record(evidence))
    answers = ReviewAnswers.from_form(request.form, evidence)
    before = ReviewAnswers.from_record(evidence) if evidence.review else None
    try:
        review.assess(
            evidence,
            _me(),
            seen=answers.seen,
            rules=answers.rules,
            notes=answers.notes,
            decisions=answers.decisions,
            judgements=answers.judgements,
        )
    except Conflict as conflict:
        db.session.rollback()
        db.session.refresh(evidence.enrolment)
        answers.seen = evidence.enrolment.revision  # they may send it again, knowingly
        return _review_page(evidence, answers, [(None, conflict.message)], 409)
    except review.AssessmentProblem as problem:
        db.session.rollback()
        return _review_page(evidence, answers, [(p.field, p.message) for p in problem.every], 422)
    except Problem as problem:
        db.session.rollback()
        return _review_page(evidence, answers, [(problem.field, problem.message)], 422)
    if before is None:
        flash(f"Your assessment of “{evidence.title}” is saved.", "success")
        return redirect(url_for(".queue"))
    changed = before.changes_to(ReviewAnswers.from_record(evidence), evidence)
    flash(
        f"Your assessment of “{evidence.title}” is saved. "
        + ("What changed: " + "; ".join(changed) + "." if changed else "Nothing changed."),
        "success",
    )
    return redirect(url_for("learner.evidence", evidence_id=evidence.id))


def _opens_the_item(evidence: Evidence) -> bool:
    """A link to assess evidence already assessed (a notification, a bookmark), replaced, or
    in a signed-off unit opens the item, where its decision is; changing an assessment is
    asked for with ``?change=yes`` (the item page's "Change your assessment")."""
    if evidence.status != EvidenceStatus.SUBMITTED:
        return True
    if state.sign_off_in_force(evidence.enrolment) is not None:
        return True
    return evidence.review is not None and request.args.get("change") != "yes"


@bp.route("/portfolio/<int:enrolment_id>/sign-off", methods=["GET", "POST"])
@login_required
def sign_off(enrolment_id):
    enrolment = policy.require("assess", db.session.get(Enrolment, enrolment_id))
    form = SignOffForm(revision=enrolment.revision)
    errors, missing, status = [], None, 200
    if wait := form.is_submitted() and sign_in_limits.signing_wait(_me()):
        message = sign_in_limits.too_many_wrong_passwords(wait)
        errors, status = _beside(form, Problem(message, "password")), 429
    elif form.validate_on_submit():
        try:
            signing.sign_off(
                enrolment,
                _me(),
                password=form.password.data,
                full_name=form.full_name.data,
                confirmed=form.confirm.data,
                seen=form.seen(),
            )
        except signing.SignOffProblem as problem:
            db.session.rollback()
            if problem.field == "password":
                sign_in_limits.count_wrong_signing_password(_me(), "sign-off", enrolment)
            missing, status = problem.missing, 422
            errors = _beside(form, problem)
        except Conflict as conflict:
            db.session.rollback()
            errors, status = [(None, conflict.message)], 409
        else:
            jobs.prepare_signed_off(enrolment, _me())  # after the sign-off's commit
            flash(f"You signed off {enrolment.learner.name}’s unit.", "success")
            return redirect(url_for("learner.portfolio", enrolment_id=enrolment.id))
    elif request.method == "POST":
        status = 422
    db.session.refresh(enrolment)
    form.revision.data = enrolment.revision
    return render_template(
        "assessor/sign_off.html",
        enrolment=enrolment,
        form=form,
        errors=errors,
        missing=missing if missing is not None else state.missing_for_sign_off(enrolment),
        sign_off=state.sign_off_in_force(enrolment),
        current=state.current_judgements(enrolment),
        declaration=signing.ASSESSOR_DECLARATION,
    ), status


@bp.route("/portfolio/<int:enrolment_id>/reopen", methods=["GET", "POST"])
@login_required
def reopen(enrolment_id):
    enrolment = policy.require("assess", db.session.get(Enrolment, enrolment_id))
    form = ReopenForm(revision=enrolment.revision)
    errors, status = [], 200
    if form.validate_on_submit():
        try:
            signing.reopen(enrolment, _me(), reason=form.reason.data, seen=form.seen())
        except signing.SignOffProblem as problem:
            db.session.rollback()
            errors, status = _beside(form, problem), 422
        except Conflict as conflict:
            db.session.rollback()
            errors, status = [(None, conflict.message)], 409
        else:
            flash(
                "The unit is reopened. Its sign-off is void; the learner has been told.", "success"
            )
            return redirect(url_for("learner.portfolio", enrolment_id=enrolment.id))
    elif request.method == "POST":
        status = 422
    db.session.refresh(enrolment)
    form.revision.data = enrolment.revision
    return render_template(
        "assessor/reopen.html",
        enrolment=enrolment,
        form=form,
        errors=errors,
        sign_off=state.sign_off_in_force(enrolment),
    ), status


def _beside(form, problem: Problem) -> list:
    """Put the message beside its field; return what belongs to no field."""
    field = getattr(form, problem.field or "", None)
    if field is None:
        return [(None, problem.message)]
    field.errors = [*field.errors, problem.message]
    return []
