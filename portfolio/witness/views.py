"""Witness testimony: the learner or their assessor asks a named witness and follows the
requests; the witness, who has no account, opens their link, reads what is asked and answers.

The witness's pages are public. The link is their only key: it is checked, and limited per
address, on every request before anything else, and its pages show that one request, never
the portfolio.
"""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from .. import policy
from ..body_limits import large_body
from ..errors import render_error
from ..extensions import db
from ..models import Enrolment, WitnessRequest
from ..services import witness
from ..services.filetypes import ACCEPT_ATTRIBUTE, ACCEPTED_SUMMARY
from ..services.markdown import render_markdown
from ..services.problems import Problem, attach
from ..services.uploads import FileTooLarge, UploadRefused
from .forms import TestimonyForm, WitnessRequestForm

bp = Blueprint("witness", __name__)


@bp.app_template_global()
def may_request_witness(enrolment) -> bool:
    """For the portfolio page's "Ask a witness" button: the policy decides."""
    return policy.can(current_user, "request_witness", enrolment)


@bp.app_template_global()
def witness_request_of(evidence):
    """For the evidence page: the request a witness's testimony answered, if it did."""
    return witness.request_for(evidence)


def _load_enrolment(enrolment_id: int, action: str) -> Enrolment:
    return policy.require(action, db.session.get(Enrolment, enrolment_id))


# ------------------------------------------------------------------------ asking and following


@bp.route("/portfolio/<int:enrolment_id>/witnesses/new", methods=["GET", "POST"])
@login_required
def new_request(enrolment_id):
    enrolment = _load_enrolment(enrolment_id, "request_witness")
    form = WitnessRequestForm().for_enrolment(enrolment)
    if form.validate_on_submit():
        try:
            row, token = witness.request_testimony(
                enrolment, current_user._get_current_object(), **form.values(enrolment)
            )
        except Problem as problem:
            db.session.rollback()
            attach(form, problem)
        else:
            link = witness.link_url(token) if token else None
            return render_template(
                "witness/requested.html", witness_request=row, enrolment=enrolment, link=link
            )
    return render_template("witness/request_form.html", form=form, enrolment=enrolment), (
        422 if form.errors else 200
    )


@bp.get("/portfolio/<int:enrolment_id>/witnesses")
@login_required
def requests(enrolment_id):
    enrolment = _load_enrolment(enrolment_id, "view")
    rows = [
        (row, witness.status_of(row), policy.can(current_user, "revoke", row))
        for row in witness.requests_for(enrolment)
    ]
    return render_template(
        "witness/requests.html",
        enrolment=enrolment,
        rows=rows,
        may_request=policy.can(current_user, "request_witness", enrolment),
    )


@bp.post("/witness-requests/<int:witness_request_id>/revoke")
@login_required
def revoke(witness_request_id):
    row = policy.require("revoke", db.session.get(WitnessRequest, witness_request_id))
    try:
        witness.revoke(row, current_user._get_current_object())
    except Problem as problem:
        db.session.rollback()
        flash(problem.message)
    else:
        flash(f"The link for {row.witness_name} is withdrawn: it no longer works.", "success")
    return redirect(url_for(".requests", enrolment_id=row.enrolment_id))


# ------------------------------------------------------------------------- the witness's pages


def _open_link(token: str):
    """(the request, None) when the link works; otherwise (None, the page that refuses it:
    too many tries from this address, or a link that does not work)."""
    if wait := witness.seconds_to_wait(request.remote_addr or ""):
        minutes = witness.minutes(wait)
        return None, render_error(
            429,
            "Too many links that do not work were opened from your network. Wait "
            f"{minutes} minute{'s' if minutes != 1 else ''}, then open your link again.",
        )
    found = witness.find_usable(token)
    if isinstance(found, witness.Refused):
        return None, (render_template("witness/refused.html", refused=found), found.status_code)
    return found, None


def _link_works(token: str) -> bool:
    """Only a witness link that works may send files (up to MAX_REQUEST_BYTES)."""
    return witness.is_usable(token)


@bp.route("/witness/<token>", methods=["GET", "POST"])
@large_body(_link_works)
def give(token):
    row, refusal = _open_link(token)
    if refusal is not None:
        return refusal
    if current_user.is_authenticated and current_user.id == row.enrolment.learner_id:
        # testimony about a learner is never written by the learner
        return render_error(
            403,
            f"This link is for {row.witness_name} to give testimony about your work, so you "
            "cannot use it. Send it to them, or sign out if you are passing on this device.",
        )
    form = TestimonyForm()
    if request.method == "GET":
        form.witness_role.data = row.witness_role
    preview = None
    if request.method == "POST" and request.form.get("action") == "preview":
        preview = render_markdown(form.testimony_md.data)
    errors = []
    if preview is None and form.validate_on_submit():
        try:
            witness.submit_testimony(
                row,
                testimony_md=form.testimony_md.data,
                witness_role=form.witness_role.data,
                seen_on=form.seen_on.data,
                confirmed=form.confirm.data,
                files=request.files.getlist("files"),
                consent=form.consent_value(),
            )
        except UploadRefused as refused:
            form.files.errors = list(refused.problems)
        except FileTooLarge as too_large:
            form.files.errors = [too_large.description]
        except Problem as problem:
            if problem.field:
                attach(form, problem)
            else:
                errors = [(None, problem.message)]
        else:
            session["witness_thanks"] = {
                "witness": row.witness_name,
                "learner": row.enrolment.learner.name,
            }
            return redirect(url_for(".thanks"))
    failed = bool(errors or form.errors)
    return render_template(
        "witness/give.html",
        token=token,
        witness_request=row,
        declaration=witness.declaration(row, form.witness_role.data or row.witness_role),
        criteria=witness.criteria_of(row),
        closed=witness.closed_because(row),
        form=form,
        errors=errors,
        preview=preview,
        accept=ACCEPT_ATTRIBUTE,
        accepted_summary=ACCEPTED_SUMMARY,
        max_bytes=current_app.config["MAX_UPLOAD_BYTES"],
    ), (422 if failed else 200)


@bp.get("/witness/thank-you")
def thanks():
    return render_template("witness/thanks.html", given=session.get("witness_thanks"))
