"""The home page of assessors and IQAs: the learners they assess or quality-assure."""

from flask import Blueprint, current_app, render_template, url_for
from flask_login import current_user, login_required

from .. import policy
from ..models import Enrolment
from . import queries

bp = Blueprint("caseload", __name__)


def portfolio_url(enrolment: Enrolment) -> str:
    """The learner's portfolio page (built by the evidence area)."""
    if "learner.portfolio" in current_app.view_functions:
        return url_for("learner.portfolio", enrolment_id=enrolment.id)
    return f"/portfolio/{enrolment.id}"


@bp.get("/caseload")
@login_required
def home():
    person = policy.require("view_caseload", current_user._get_current_object())
    return render_template(
        "caseload/home.html",
        assessing=queries.assessing(person),
        assuring=queries.quality_assuring(person),
        portfolio_url=portfolio_url,
    )
