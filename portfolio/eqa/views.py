"""The EQA's home page, their read-only pages of a portfolio's internal quality assurance
(sampling records and countersignatures), and the audit of everything an EQA opens."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from .. import policy
from ..extensions import db
from ..models import RULE_QUESTIONS, RULES_OF_EVIDENCE, Enrolment, Role, SampleItem, SampleKind
from ..services import eqa_access
from ..services.assessment import state
from ..services.quality import countersigning, records
from ..services.quality.decisions import record_of
from ..services.quality.live import then_and_now

bp = Blueprint("eqa", __name__)


@bp.get("/eqa")
@login_required
def home():
    policy.require_role(Role.EQA)
    grants = eqa_access.grants_for(current_user)
    return render_template(
        "eqa/home.html",
        grants=[(g, eqa_access.enrolments_for(g)) for g in grants],
    )


@bp.get("/eqa/portfolio/<int:enrolment_id>/quality-assurance")
@login_required
def quality_assurance(enrolment_id):
    enrolment = policy.require("read_quality_assurance", db.session.get(Enrolment, enrolment_id))
    return render_template(
        "eqa/quality_assurance.html",
        enrolment=enrolment,
        samples=records.recorded_on(enrolment),
        sign_offs=state.sign_offs(enrolment),
        countersignatures=countersigning.on_portfolio(enrolment),
    )


@bp.get("/eqa/portfolio/<int:enrolment_id>/sampling-records/<int:sample_id>")
@login_required
def sampling_record(enrolment_id, sample_id):
    item = policy.require("read_quality_assurance", db.session.get(SampleItem, sample_id))
    if item.enrolment_id != enrolment_id:
        abort(404)
    enrolment = item.enrolment
    return render_template(
        "eqa/sampling_record.html",
        item=item,
        enrolment=enrolment,
        decision=record_of(item),
        rules=[(rule, RULE_QUESTIONS[rule]) for rule in RULES_OF_EVIDENCE],
        current=state.current_judgements(enrolment) if item.kind == SampleKind.SIGN_OFF else {},
        live=then_and_now(item),
    )


def init_app(app):
    @app.after_request
    def audit_what_eqas_view(response):
        """Each page (and file) an external quality assurer receives is recorded: a HEAD, a
        byte range and a 304 (their cached copy is still the file) included."""
        if (
            request.method in {"GET", "HEAD"}
            and (200 <= response.status_code < 300 or response.status_code == 304)
            and request.blueprint not in {"assets", None}
            and current_user.is_authenticated
            and current_user.has_role(Role.EQA)
        ):
            eqa_access.record_view(
                current_user,
                request.full_path,
                request.endpoint,
                request.method,
                response.status_code,
            )
        return response
