"""Evidence pages: add, view, edit, upload files, map to criteria, submit, revise.

Each view parses its input, asks ``policy``, and calls a service; the services enforce the rules
(a submitted version is frozen) and write the audit trail.
"""

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.exceptions import ClientDisconnected, RequestEntityTooLarge

from .. import body_limits, policy
from ..body_limits import large_body, when_allowed
from ..errors import human_size, render_error
from ..extensions import db
from ..files.views import receives_original
from ..models import Enrolment, Evidence, EvidenceFile
from ..services import evidence as evidence_service
from ..services import evidence_files
from ..services.assessment import records, state
from ..services.evidence import EvidenceProblem
from ..services.filetypes import ACCEPT_ATTRIBUTE, ACCEPTED_SUMMARY
from ..services.markdown import render_markdown
from ..services.problems import Problem
from ..services.uploads import FileTooLarge, UploadRefused, streams_to_storage
from .forms import (
    EvidenceForm,
    FileConsentForm,
    NewEvidenceForm,
    NewRecordForm,
    RecordForm,
    SubmitForm,
    UploadForm,
    consent_value,
)
from .mapping import MappingChoice, read_mappings
from .views import bp, load_enrolment


@bp.errorhandler(ClientDisconnected)
def upload_cut_off(error):
    """The connection dropped mid-upload; the partial file is already gone (see uploads)."""
    return render_error(
        400,
        "The upload stopped before it finished, so nothing was saved. "
        "Check your connection, then upload the file again.",
    )


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """Name the file that was over the per-file limit; if the whole request was over its
    limit (several files in the plain form), explain both limits."""
    if isinstance(error, FileTooLarge):
        return render_error(413, error.description)
    if not body_limits.raised():
        return render_error(413)  # not a page this person may upload to: the form limit
    return render_error(
        413,
        f"Each file can be at most {human_size(current_app.config['MAX_UPLOAD_BYTES'])}, and "
        "the files you upload at once can be at most "
        f"{human_size(current_app.config['MAX_REQUEST_BYTES'])} altogether. Nothing was "
        "saved. Upload fewer files at a time, or smaller ones.",
    )


def load_evidence(evidence_id: int, action: str = "view") -> Evidence:
    return policy.require(action, db.session.get(Evidence, evidence_id))


def _refused(form, problem: EvidenceProblem) -> list:
    """Undo the refused change and put the service's message next to its field; return the
    errors that belong to no field (the error summary shows them)."""
    db.session.rollback()
    field = getattr(form, (problem.field or "").replace("-", "_"), None)
    if field is None:
        return [(None, problem.message)]
    field.errors = [*field.errors, problem.message]
    return []


def _preview(form):
    """The account as it will read, when the learner asked for a preview (not a save)."""
    if request.method == "POST" and request.form.get("action") == "preview":
        return render_markdown(form.account_md.data)
    return None


def _evidence_form_page(form, enrolment, evidence, errors, preview, **extra):
    """The add and change pages share one form: ``evidence`` is None when adding."""
    return render_template(
        "learner/evidence_form.html",
        form=form,
        enrolment=enrolment,
        evidence=evidence,
        errors=errors,
        preview=preview,
        **_upload_settings(),
        **extra,
    )


def _upload_settings() -> dict:
    return {
        "accept": ACCEPT_ATTRIBUTE,
        "accepted_summary": ACCEPTED_SUMMARY,
        "max_bytes": current_app.config["MAX_UPLOAD_BYTES"],
        "max_request_bytes": current_app.config["MAX_REQUEST_BYTES"],
    }


@bp.route("/portfolio/<int:enrolment_id>/evidence/new", methods=["GET", "POST"])
@login_required
@streams_to_storage
@large_body(when_allowed(Enrolment, "add_evidence"))
def new_evidence(enrolment_id):
    enrolment = load_enrolment(enrolment_id, "add_evidence")
    state.require_open(enrolment)  # said before the form is filled in, not after
    form = NewEvidenceForm()
    errors, preview = [], _preview(form)
    if preview is None and form.validate_on_submit():
        files = request.files.getlist("files")
        try:
            evidence = evidence_service.create(enrolment, **form.values(), commit=False)
            if any(f.filename for f in files):
                evidence_files.attach(evidence, files, consent_value(form.consent))
            else:
                db.session.commit()
        except UploadRefused as refused:
            form.files.errors = list(refused.problems)
        except Problem as problem:
            errors = _refused(form, problem)
        else:
            flash("Your evidence is saved as a draft.", "success")
            return redirect(url_for(".evidence", evidence_id=evidence.id))
    return _evidence_form_page(form, enrolment, None, errors, preview)


@bp.route("/portfolio/<int:enrolment_id>/records/new", methods=["GET", "POST"])
@login_required
@streams_to_storage
@large_body(when_allowed(Enrolment, "assess"))
def new_record(enrolment_id):
    """The assessor records an observation, professional discussion or questioning: a draft of
    their own, with files, mapped and submitted through the same pages as a learner's."""
    enrolment = load_enrolment(enrolment_id, "assess")
    state.require_open(enrolment)
    form = NewRecordForm()
    errors, preview = [], _preview(form)
    if preview is None and form.validate_on_submit():
        files = request.files.getlist("files")
        try:
            evidence = records.create_record(
                enrolment, current_user._get_current_object(), **form.values(), commit=False
            )
            if any(f.filename for f in files):
                evidence_files.attach(evidence, files, consent_value(form.consent))
            else:
                db.session.commit()
        except UploadRefused as refused:
            form.files.errors = list(refused.problems)
        except Problem as problem:
            errors = _refused(form, problem)
        else:
            flash("Your record is saved as a draft. Map it to criteria, then submit it.", "success")
            return redirect(url_for(".evidence", evidence_id=evidence.id))
    return _evidence_form_page(
        form,
        enrolment,
        None,
        errors,
        preview,
        heading="Record assessor-led evidence",
        action=url_for(".new_record", enrolment_id=enrolment.id),
    )


@bp.get("/evidence/<int:evidence_id>")
@login_required
def evidence(evidence_id):
    evidence = load_evidence(evidence_id)
    return _evidence_page(evidence, UploadForm())


def _evidence_page(evidence, upload_form, errors=(), status=200, **extra):
    sign_off = state.sign_off_in_force(evidence.enrolment)
    newer = evidence_service.newer_version(evidence)
    if not policy.can(current_user, "view", newer):
        newer = None  # a correction still in draft is the learner's own
    return (
        render_template(
            "learner/evidence.html",
            evidence=evidence,
            enrolment=evidence.enrolment,
            newer=newer,
            upload_form=upload_form,
            errors=list(errors),
            may_edit=(may_edit := policy.can(current_user, "edit", evidence)),
            may_revise=newer is None
            and sign_off is None
            and policy.can(current_user, "revise", evidence),
            sign_off=sign_off,
            submit_blocked=_submit_blocked(evidence) if may_edit else None,
            originals={f.id for f in evidence.files if receives_original(f)},
            judgements=state.judgements_resting_on(evidence),
            may_assess=policy.can(current_user, "assess", evidence)
            and evidence.status.value == "submitted"
            and sign_off is None,
            may_confirm=policy.can(current_user, "confirm_record", evidence),
            **_upload_settings(),
            **extra,
        ),
        status,
    )


def _submit_blocked(evidence) -> str | None:
    """Why the draft cannot be submitted as it stands (files shown without consent), if so."""
    if missing := evidence.files_without_consent:
        return evidence_service.consent_missing_message([f.original_name for f in missing])
    return None


@bp.route("/evidence/<int:evidence_id>/edit", methods=["GET", "POST"])
@login_required
def edit_evidence(evidence_id):
    evidence = load_evidence(evidence_id, "edit")
    form = (RecordForm if evidence.is_assessor_led else EvidenceForm)(obj=evidence)
    errors, preview = [], _preview(form)
    if preview is None and form.validate_on_submit():
        try:
            evidence_service.update(evidence, **form.values())
        except Problem as problem:
            errors = _refused(form, problem)
        else:
            flash("Your changes are saved.", "success")
            return redirect(url_for(".evidence", evidence_id=evidence.id))
    return _evidence_form_page(form, evidence.enrolment, evidence, errors, preview)


@bp.post("/evidence/<int:evidence_id>/files")
@login_required
@streams_to_storage
@large_body(when_allowed(Evidence, "edit"))
def upload_files(evidence_id):
    """The JavaScript uploader sends one file at a time and wants JSON; a plain form, HTML."""
    evidence = load_evidence(evidence_id, "edit")
    form = UploadForm()
    wants_json = request.accept_mimetypes.best == "application/json"
    problems = []
    try:
        added = evidence_files.attach(
            evidence, request.files.getlist("files"), consent_value(form.consent)
        )
    except UploadRefused as refused:
        problems = [("files", message) for message in refused.problems]
    except Problem as problem:
        problems = [(problem.field or "files", problem.message)]
    else:
        if wants_json:
            return jsonify(files=[_file_json(f) for f in added]), 201
        names = ", ".join(f.original_name for f in added)
        flash(f"Uploaded: {names}", "success")
        return redirect(url_for(".evidence", evidence_id=evidence.id, _anchor="evidence-files"))
    if wants_json:
        return jsonify(errors=[message for _, message in problems]), 422
    for field, message in problems:
        target = getattr(form, field, form.files)
        target.errors = [*target.errors, message]
    return _evidence_page(evidence, form, status=422)


def _file_json(file: EvidenceFile) -> dict:
    return {
        "id": file.id,
        "name": file.original_name,
        "kind": file.kind,
        "size": file.size,
        "url": url_for("files.download", file_id=file.id),
        #: its copies without metadata are still to be made on the worker (services/copies.py)
        "being_prepared": file.copies_waiting,
    }


def load_draft_file(evidence_id: int, file_id: int) -> tuple[Evidence, EvidenceFile]:
    """A file of a draft the current person may change."""
    evidence = load_evidence(evidence_id, "edit")
    file = db.session.get(EvidenceFile, file_id)
    if file is None or file.evidence_id != evidence.id:
        abort(404)
    return evidence, file


@bp.route("/evidence/<int:evidence_id>/files/<int:file_id>/consent", methods=["GET", "POST"])
@login_required
def file_consent(evidence_id, file_id):
    evidence, file = load_draft_file(evidence_id, file_id)
    form = FileConsentForm()
    if request.method == "GET":
        form.consent.data = file.consent.value  # the answer so far
    elif form.validate_on_submit():
        evidence_files.set_consent(file, consent_value(form.consent))
        flash(f"Saved what {file.original_name} shows about people.", "success")
        return redirect(url_for(".evidence", evidence_id=evidence.id, _anchor="evidence-files"))
    return render_template("learner/file_consent.html", evidence=evidence, file=file, form=form)


@bp.post("/evidence/<int:evidence_id>/files/<int:file_id>/delete")
@login_required
def delete_file(evidence_id, file_id):
    evidence, file = load_draft_file(evidence_id, file_id)
    name = file.original_name
    evidence_files.remove(file)
    flash(f"Removed {name}.", "success")
    return redirect(url_for(".evidence", evidence_id=evidence.id, _anchor="evidence-files"))


@bp.route("/evidence/<int:evidence_id>/mappings", methods=["GET", "POST"])
@login_required
def mappings(evidence_id):
    evidence = load_evidence(evidence_id, "edit")
    choices = MappingChoice.for_evidence(evidence)
    errors = []
    if request.method == "POST":
        chosen, errors = read_mappings(request.form, choices)
        if not errors:
            try:
                evidence_service.set_mappings(evidence, chosen)
            except Problem as problem:
                db.session.rollback()
                errors = [(problem.field, problem.message)]
            else:
                flash("The criteria this evidence shows are saved.", "success")
                return redirect(url_for(".evidence", evidence_id=evidence.id))
    return render_template(
        "learner/mappings.html", evidence=evidence, choices=choices, errors=errors
    ), (422 if errors else 200)


@bp.route("/evidence/<int:evidence_id>/submit", methods=["GET", "POST"])
@login_required
def submit_evidence(evidence_id):
    evidence = load_evidence(evidence_id, "edit")
    form = SubmitForm()
    errors = []
    if form.validate_on_submit():
        try:
            evidence_service.submit(
                evidence, full_name=form.full_name.data, confirmed=form.confirm.data
            )
        except Problem as problem:
            errors = _refused(form, problem)
        else:
            flash("Your evidence is submitted to your assessor.", "success")
            return redirect(url_for(".evidence", evidence_id=evidence.id))
    return render_template(
        "learner/submit.html",
        evidence=evidence,
        form=form,
        errors=errors,
        declaration=evidence_service.declaration_for(evidence),
    )


@bp.post("/evidence/<int:evidence_id>/revise")
@login_required
def revise_evidence(evidence_id):
    evidence = load_evidence(evidence_id, "revise")
    try:
        draft = evidence_service.revise(evidence)
    except Problem as problem:
        flash(problem.message)
        return redirect(url_for(".evidence", evidence_id=evidence.id))
    flash(
        f"You are changing version {draft.version}. Version {evidence.version} stays as you "
        "submitted it until you submit this one.",
        "success",
    )
    return redirect(url_for(".evidence", evidence_id=draft.id))


@bp.post("/evidence/<int:evidence_id>/confirm")
@login_required
def confirm_record(evidence_id):
    """The learner agrees that the assessor's record of them is accurate."""
    evidence = load_evidence(evidence_id, "confirm_record")
    try:
        records.confirm(
            evidence, current_user._get_current_object(), agreed=request.form.get("agree") == "y"
        )
    except Problem as problem:
        db.session.rollback()
        return _evidence_page(evidence, UploadForm(), [(problem.field, problem.message)], 422)
    flash("You confirmed the record is accurate.", "success")
    return redirect(url_for(".evidence", evidence_id=evidence.id))


from . import record_disputes  # noqa: E402, F401  (registers the dispute forms on bp)
