"""Cohorts: create one, see its learners, enrol learners and assign assessors and IQAs."""

from flask import flash, redirect, render_template, url_for
from wtforms import SelectChoice

from .. import policy
from ..extensions import db
from ..models import Cohort, Enrolment, Role, Standard, User
from ..services import cohorts, enrolment_csv, enrolments, invitations, people
from ..services.problems import Problem, attach
from .blueprint import bp, my_provider
from .forms import NOT_ASSIGNED, AssignForm, CohortForm, EnrolForm, UploadForm, staff_choices


def _staff_form(form, provider):
    form.assessor.choices = staff_choices(people.staff(provider, Role.ASSESSOR))
    form.iqa.choices = staff_choices(people.staff(provider, Role.IQA))
    return form


def _chosen(person_id: int) -> User | None:
    """The person picked in a select; the service checks they belong here and hold the role."""
    return db.session.get(User, person_id) if person_id != NOT_ASSIGNED else None


def _cohort(cohort_id: int) -> Cohort:
    return policy.require("manage", db.session.get(Cohort, cohort_id))


@bp.route("/cohorts/new", methods=["GET", "POST"])
def new_cohort():
    provider = my_provider()
    form = CohortForm()
    standards = cohorts.standards_to_choose()
    form.standard.choices = [
        SelectChoice(s.id, f"{s.title} ({s.urn}, version {s.version})") for s in standards
    ]
    if form.validate_on_submit():
        try:
            cohort = cohorts.create_cohort(
                provider,
                form.name.data,
                db.session.get(Standard, form.standard.data),
                form.start_date.data,
                form.planned_end_date.data,
            )
        except Problem as problem:
            attach(form, problem)
        else:
            flash(f"Cohort {cohort.name} created. Now enrol its learners.", "success")
            return redirect(url_for("admin.cohort", cohort_id=cohort.id))
    return render_template("admin/cohort_form.html", form=form, standards=standards)


@bp.get("/cohorts/<int:cohort_id>")
def cohort(cohort_id):
    cohort = _cohort(cohort_id)
    return render_template("admin/cohort.html", cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>/enrol", methods=["GET", "POST"])
def enrol(cohort_id):
    cohort = _cohort(cohort_id)
    form = _staff_form(EnrolForm(), cohort.provider)
    if form.validate_on_submit():
        try:
            enrolled = enrolments.enrol(
                cohort,
                form.name.data,
                form.email.data,
                (form.uln.data or "").strip(),
                _chosen(form.assessor.data),
                _chosen(form.iqa.data),
            )
        except Problem as problem:
            attach(form, problem)
        else:
            learner = enrolled.enrolment.learner
            if not enrolled.created_person:
                added = " They already had an account; the learner role was added."
                flash(
                    f"{learner.name} is enrolled on {cohort.name}."
                    + (added if enrolled.learner_role_added else ""),
                    "success",
                )
                return redirect(url_for("admin.cohort", cohort_id=cohort.id))
            link = invitations.issue(learner, invitations.INVITATION)
            return render_template("admin/link.html", link=link, cohort=cohort)
    return render_template("admin/enrol.html", form=form, cohort=cohort)


@bp.route("/cohorts/<int:cohort_id>/upload", methods=["GET", "POST"])
def upload(cohort_id):
    cohort = _cohort(cohort_id)
    form = _staff_form(UploadForm(), cohort.provider)
    report = None
    if form.validate_on_submit():
        try:
            report = enrolment_csv.import_file(
                cohort, form.file.data.read(), _chosen(form.assessor.data), _chosen(form.iqa.data)
            )
        except Problem as problem:
            attach(form, problem)
        else:
            if report.ok:
                links = [
                    invitations.issue(e.enrolment.learner, invitations.INVITATION)
                    for e in report.enrolled
                    if e.created_person
                ]
                return render_template(
                    "admin/upload_done.html", cohort=cohort, report=report, links=links
                )
    return render_template("admin/upload.html", form=form, cohort=cohort, report=report)


@bp.route("/enrolments/<int:enrolment_id>", methods=["GET", "POST"])
def enrolment(enrolment_id):
    enrolment = policy.require("manage", db.session.get(Enrolment, enrolment_id))
    form = _staff_form(AssignForm(), enrolment.cohort.provider)
    if not form.is_submitted():
        form.assessor.data = enrolment.assessor_id or NOT_ASSIGNED
        form.iqa.data = enrolment.iqa_id or NOT_ASSIGNED
    if form.validate_on_submit():
        try:
            enrolments.assign(enrolment, _chosen(form.assessor.data), _chosen(form.iqa.data))
        except Problem as problem:
            attach(form, problem)
        else:
            flash(f"Assessor and IQA saved for {enrolment.learner.name}.", "success")
            return redirect(url_for("admin.cohort", cohort_id=enrolment.cohort_id))
    return render_template("admin/enrolment.html", form=form, enrolment=enrolment)
