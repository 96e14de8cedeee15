"""A learner's portfolio: the standard as a task list, each criterion, and (in evidence_views)
the evidence itself. Assessors, IQAs and the provider's administrators may look; only the
learner may change anything (``policy`` decides both)."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import policy
from ..extensions import db
from ..models import Enrolment, Role
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
        may_add=policy.can(current_user, "add_evidence", enrolment),
    )


@bp.get("/portfolio/<int:enrolment_id>/criteria/<code>")
@login_required
def criterion(enrolment_id, code):
    enrolment = load_enrolment(enrolment_id)
    criterion = enrolment.standard.criterion(code)
    if criterion is None:
        abort(404)
    return render_template(
        "learner/criterion.html",
        enrolment=enrolment,
        item=portfolio_progress(enrolment, current_user).for_criterion(criterion),
        notes=enrolment.standard.notes_for(code),
        may_add=policy.can(current_user, "add_evidence", enrolment),
    )


from . import evidence_views  # noqa: E402, F401  (registers the evidence pages on bp)
