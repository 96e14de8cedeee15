"""A learner disputes an assessor's record from the record's page, and the assessor answers
there (or amends the record by making a new version, as for any correction). Both forms live
on the evidence page (learner/_record_confirmation.html)."""

from flask import flash, redirect, request, url_for
from flask_login import current_user, login_required

from .. import policy
from ..extensions import db
from ..models import Role
from ..services.assessment import disputes
from ..services.problems import Problem
from .evidence_views import _evidence_page, load_evidence
from .forms import UploadForm
from .views import bp


@bp.app_template_global()
def record_disputes_of(evidence):
    """For the record's page: every disagreement with it, in any version, oldest first."""
    return disputes.raised_against(evidence) if evidence.is_assessor_led else []


@bp.app_template_global()
def may_dispute_record(evidence) -> bool:
    return policy.can(current_user, "dispute_record", evidence)


@bp.app_template_global()
def may_answer_dispute(evidence) -> bool:
    return policy.can(current_user, "answer_dispute", evidence)


@bp.app_template_global()
def record_disputes_waiting_for_me():
    """For the assessor's queue and caseload: their learners' disputes still to resolve."""
    if not current_user.is_authenticated or not current_user.has_role(Role.ASSESSOR):
        return []
    return disputes.open_for_assessor(current_user)


@bp.post("/evidence/<int:evidence_id>/dispute")
@login_required
def dispute_record(evidence_id):
    """The learner does not agree the assessor's record is accurate, and says what is wrong."""
    evidence = load_evidence(evidence_id, "dispute_record")
    reason = request.form.get("reason", "")
    try:
        disputes.dispute(evidence, current_user._get_current_object(), reason)
    except Problem as problem:
        db.session.rollback()
        errors = [(problem.field, problem.message)]
        return _evidence_page(evidence, UploadForm(), errors, 422, dispute_reason=reason)
    flash(
        f"You said you do not agree with the record. {evidence.recorded_by.name} will amend it "
        "or answer you.",
        "success",
    )
    return redirect(url_for(".evidence", evidence_id=evidence.id, _anchor="dispute"))


@bp.post("/evidence/<int:evidence_id>/dispute/answer")
@login_required
def answer_dispute(evidence_id):
    """The assessor keeps the record as it is and answers the learner's disagreement."""
    evidence = load_evidence(evidence_id, "answer_dispute")
    text = request.form.get("answer", "")
    try:
        disputes.answer(evidence.open_dispute, current_user._get_current_object(), text)
    except Problem as problem:
        db.session.rollback()
        errors = [(problem.field, problem.message)]
        return _evidence_page(evidence, UploadForm(), errors, 422, dispute_answer=text)
    flash(
        f"You answered {evidence.enrolment.learner.name} and kept the record. They can now "
        "confirm it.",
        "success",
    )
    return redirect(url_for(".evidence", evidence_id=evidence.id, _anchor="dispute"))
