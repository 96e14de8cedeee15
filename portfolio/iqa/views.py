"""The IQA's sampling plan, a sampled decision with its record, the countersignature, and the
assessor's response to an action. Each view loads its object through ``policy``, reads the
form and calls a service in services/quality; a refusal is rolled back and shown in words."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..extensions import db
from ..models import (
    RULE_QUESTIONS,
    RULES_OF_EVIDENCE,
    Enrolment,
    Role,
    SampleItem,
    SampleKind,
    SampleOutcome,
    User,
)
from ..services import sign_in_limits
from ..services.assessment import state
from ..services.assessment.revision import Conflict
from ..services.problems import Problem, attach
from ..services.quality import certification, countersigning, records
from ..services.quality import plan as sampling_plan
from ..services.quality.decisions import describe, record_of
from ..services.quality.document import IQA_DECLARATION, items_for
from ..services.quality.live import then_and_now
from .forms import CountersignForm, RecordForm, RespondForm

bp = Blueprint("iqa", __name__)


def _me() -> User:
    return current_user._get_current_object()


@bp.app_template_global()
def certification_blocked(enrolment: Enrolment) -> list[str]:
    """For every page and document that shows a portfolio: why it cannot be certified yet."""
    return certification.blocked_reasons(enrolment)


@bp.app_template_global()
def countersignature_of(sign_off):
    return countersigning.in_force(sign_off)


@bp.app_template_global()
def sampled_decision(item: SampleItem) -> str:
    return describe(item.kind, record_of(item))


@bp.app_template_filter()
def first_lower(text: str) -> str:
    """ "Judgement of PC3" inside a sentence: "judgement of PC3" (codes keep their case)."""
    return text[:1].lower() + text[1:]


def _plan_page(errors=(), status=200):
    assessor_id = request.args.get("assessor", type=int)
    plan = sampling_plan.build(_me(), assessor_id=assessor_id)
    signed = []
    for enrolment in plan.enrolments:
        if (sign_off := state.sign_off_in_force(enrolment)) is not None:
            signed.append((enrolment, sign_off, countersigning.in_force(sign_off)))
    return render_template(
        "iqa/plan.html",
        plan=plan,
        assessor_id=assessor_id,
        signed=signed,
        errors=list(errors),
    ), status


@bp.get("/iqa/plan")
@login_required
def plan():
    policy.require_role(Role.IQA)
    return _plan_page()


@bp.post("/iqa/plan/propose")
@login_required
def propose():
    policy.require_role(Role.IQA)
    added = sampling_plan.propose(_me())
    if added:
        flash(
            f"{len(added)} decision{'s' if len(added) > 1 else ''} added to your plan by the "
            "sampling strategy.",
            "success",
        )
    else:
        flash("Your plan already has everything the sampling strategy asks for.", "success")
    return redirect(url_for(".plan"))


@bp.post("/iqa/learners/<int:enrolment_id>/samples")
@login_required
def add_sample(enrolment_id):
    enrolment = policy.require("sample", db.session.get(Enrolment, enrolment_id))
    try:
        kind = SampleKind(request.form.get("kind", ""))
        decision_id = int(request.form.get("decision", ""))
    except ValueError:
        return _plan_page([(None, "Choose a decision from the plan to add it.")], 422)
    try:
        item = sampling_plan.add(_me(), enrolment, kind, decision_id)
    except Problem as problem:
        db.session.rollback()
        return _plan_page([(None, problem.message)], 422)
    flash(f"{sampled_decision(item)} for {enrolment.learner.name} added to your plan.", "success")
    return redirect(url_for(".plan"))


@bp.post("/iqa/samples/<int:sample_id>/remove")
@login_required
def remove_sample(sample_id):
    item = policy.require("record", db.session.get(SampleItem, sample_id))
    try:
        sampling_plan.remove(item, _me())
    except Problem as problem:
        db.session.rollback()
        return _plan_page([(None, problem.message)], 422)
    flash(
        f"{sampled_decision(item)} for {item.enrolment.learner.name} removed from your plan.",
        "success",
    )
    return redirect(url_for(".plan"))


def _decision_page(template, item, form, errors=(), status=200, **extra):
    enrolment = item.enrolment
    return render_template(
        template,
        item=item,
        enrolment=enrolment,
        decision=record_of(item),
        form=form,
        errors=list(errors),
        rules=[(rule, RULE_QUESTIONS[rule]) for rule in RULES_OF_EVIDENCE],
        current=state.current_judgements(enrolment) if item.kind == SampleKind.SIGN_OFF else {},
        live=then_and_now(item),
        **extra,
    ), status


@bp.route("/iqa/samples/<int:sample_id>", methods=["GET", "POST"])
@login_required
def sample(sample_id):
    item = policy.require("record", db.session.get(SampleItem, sample_id))
    form = RecordForm()
    status = 200
    if form.validate_on_submit():
        try:
            records.record(
                item,
                _me(),
                outcome=form.chosen_outcome(),
                rules_comment=form.rules_comment.data,
                feedback_comment=form.feedback_comment.data,
                action=form.action.data,
                action_due=form.action_due.data,
            )
        except Problem as problem:
            db.session.rollback()
            attach(form, problem)
            status = 422
        else:
            if item.outcome == SampleOutcome.AGREED:
                flash("Your sampling record is saved: you agreed with the decision.", "success")
            else:
                flash(
                    "Your sampling record is saved. The assessor has been told about the action.",
                    "success",
                )
            return redirect(url_for(".sample", sample_id=item.id))
    elif request.method == "POST":
        status = 422
    return _decision_page("iqa/sample.html", item, form, status=status)


@bp.post("/iqa/samples/<int:sample_id>/close")
@login_required
def close_action(sample_id):
    item = policy.require("record", db.session.get(SampleItem, sample_id))
    try:
        records.close(item, _me())
    except Problem as problem:
        db.session.rollback()
        return _decision_page("iqa/sample.html", item, RecordForm(), [(None, problem.message)], 422)
    flash("The action is closed. It no longer holds up certification.", "success")
    return redirect(url_for(".sample", sample_id=item.id))


@bp.route("/samples/<int:sample_id>/respond", methods=["GET", "POST"])
@login_required
def respond(sample_id):
    item = policy.require("respond", db.session.get(SampleItem, sample_id))
    form = RespondForm()
    status = 200
    if form.validate_on_submit():
        try:
            records.respond(item, _me(), response=form.response.data)
        except Problem as problem:
            db.session.rollback()
            attach(form, problem)
            status = 422
        else:
            flash("Your response is sent to the IQA, who closes the action.", "success")
            return redirect(url_for("caseload.home"))
    elif request.method == "POST":
        status = 422
    return _decision_page("iqa/respond.html", item, form, status=status)


@bp.route("/portfolio/<int:enrolment_id>/countersign", methods=["GET", "POST"])
@login_required
def countersign(enrolment_id):
    enrolment = policy.require("countersign", db.session.get(Enrolment, enrolment_id))
    form = CountersignForm(revision=enrolment.revision)
    errors, missing, status = [], None, 200
    if wait := form.is_submitted() and sign_in_limits.signing_wait(_me()):
        message = sign_in_limits.too_many_wrong_passwords(wait)
        errors, status = _beside(form, Problem(message, "password")), 429
    elif form.validate_on_submit():
        try:
            countersigning.countersign(
                enrolment,
                _me(),
                password=form.password.data,
                full_name=form.full_name.data,
                confirmed=form.confirm.data,
                seen=form.seen(),
            )
        except countersigning.SignOffProblem as problem:
            db.session.rollback()
            if problem.field == "password":
                sign_in_limits.count_wrong_signing_password(_me(), "countersignature", enrolment)
            missing, status = problem.missing or None, 422
            errors = _beside(form, problem)
        except Conflict as conflict:
            db.session.rollback()
            errors, status = [(None, conflict.message)], 409
        except Problem as problem:
            db.session.rollback()
            errors, status = [(None, problem.message)], 422
        else:
            flash(f"You countersigned {enrolment.learner.name}’s unit.", "success")
            return redirect(url_for("learner.portfolio", enrolment_id=enrolment.id))
    elif request.method == "POST":
        status = 422
    db.session.refresh(enrolment)
    form.revision.data = enrolment.revision
    sign_off = state.sign_off_in_force(enrolment)
    me = _me()
    return render_template(
        "iqa/countersign.html",
        enrolment=enrolment,
        form=form,
        errors=errors,
        missing=missing if missing is not None else countersigning.still_to_do(enrolment, me),
        sign_off=sign_off,
        countersignature=countersigning.in_force(sign_off),
        sampled_items=items_for(sign_off, me) if sign_off else [],
        declaration=IQA_DECLARATION,
    ), status


def _beside(form, problem: Problem) -> list:
    """Put the message beside its field; return what belongs to no field."""
    field = getattr(form, problem.field or "", None)
    if field is None:
        return [(None, problem.message)]
    field.errors = [*field.errors, problem.message]
    return []
