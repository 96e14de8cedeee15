"""A learner's portfolio: the standard as a task list, each criterion, and (in evidence_views)
the evidence itself. Assessors, IQAs and the provider's administrators may look; only the
learner may change anything (``policy`` decides both)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import policy
from ..extensions import db
from ..models import Enrolment, Judgement, Role
from ..services.assessment import feedback, state
from ..services.problems import Problem
from ..services.progress import portfolio_progress

bp = Blueprint("learner", __name__)


def load_enrolment(enrolment_id: int, action: str = "view") -> Enrolment:
    return policy.require(action, db.session.get(Enrolment, enrolment_id))


@bp.get("/portfolio")
@login_required
def portfolios():
    policy.require_role(Role.LEARNER)
    enrolments = db.session.scalars(
        select(Enrolment).where(Enrolment.learner_id == current_user.id).order_by(Enrolment.id)
    ).all()
    if len(enrolments) == 1:
        return redirect(url_for(".portfolio", enrolment_id=enrolments[0].id))
    return render_template("learner/portfolios.html", enrolments=enrolments)


@bp.get("/portfolio/<int:enrolment_id>")
@login_required
def portfolio(enrolment_id):
    enrolment = load_enrolment(enrolment_id)
    return render_template(
        "learner/portfolio.html",
        enrolment=enrolment,
        progress=portfolio_progress(enrolment, current_user),
        is_learner=enrolment.learner_id == current_user.id,
        may_add=policy.can(current_user, "add_evidence", enrolment) and state.is_open(enrolment),
        may_assess=policy.can(current_user, "assess", enrolment),
        may_countersign=policy.can(current_user, "countersign", enrolment),
        may_export=policy.can(current_user, "export", enrolment),
        may_read_quality=policy.can(current_user, "read_quality_assurance", enrolment),
        sign_offs=state.sign_offs(enrolment),
    )


@bp.get("/portfolio/<int:enrolment_id>/criteria/<code>")
@login_required
def criterion(enrolment_id, code):
    enrolment = load_enrolment(enrolment_id)
    criterion = enrolment.standard.criterion(code)
    if criterion is None:
        abort(404)
    return _criterion_page(enrolment, criterion)


def _criterion_page(enrolment, criterion, errors=(), reply_text="", status=200):
    item = portfolio_progress(enrolment, current_user).for_criterion(criterion)
    return render_template(
        "learner/criterion.html",
        enrolment=enrolment,
        item=item,
        history=state.judgement_history(enrolment, criterion.id),
        notes=enrolment.standard.notes_for(criterion.code),
        may_add=policy.can(current_user, "add_evidence", enrolment) and state.is_open(enrolment),
        may_reply=policy.can(current_user, "reply", item.judgement),
        errors=list(errors),
        reply_text=reply_text,
    ), status


@bp.post("/judgements/<int:judgement_id>/replies")
@login_required
def reply(judgement_id):
    judgement = policy.require("reply", db.session.get(Judgement, judgement_id))
    body = request.form.get("body", "")
    try:
        feedback.reply(judgement, current_user._get_current_object(), body)
    except Problem as problem:
        db.session.rollback()
        return _criterion_page(
            judgement.enrolment, judgement.criterion, [("body", problem.message)], body, 422
        )
    flash("Your reply is sent.", "success")
    return redirect(
        url_for(".criterion", enrolment_id=judgement.enrolment_id, code=judgement.criterion.code)
    )


from . import evidence_views  # noqa: E402, F401  (registers the evidence pages on bp)
