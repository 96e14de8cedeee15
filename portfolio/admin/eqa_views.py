"""External quality assurers' access: granted for a cohort or chosen learners, until a date."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from .. import policy
from ..extensions import db
from ..models import Cohort, Enrolment, EqaGrant, Role, User
from ..models._types import utcnow
from ..services import eqa_access, people
from ..services.evidence import today
from ..services.problems import Problem, attach
from .blueprint import bp, my_provider
from .forms import EqaGrantForm


def _form(provider) -> EqaGrantForm:
    form = EqaGrantForm()
    form.eqa.choices = [SelectChoice(0, "Choose a person")] + [
        SelectChoice(p.id, f"{p.name} ({p.email})") for p in people.staff(provider, Role.EQA)
    ]
    cohorts = sorted(provider.cohorts, key=lambda c: c.name)
    form.cohort.choices = [SelectChoice(0, "No: chosen learners below")] + [
        SelectChoice(c.id, c.name) for c in cohorts
    ]
    enrolments = db.session.scalars(
        select(Enrolment)
        .join(Enrolment.cohort)
        .join(Enrolment.learner)
        .where(Cohort.provider_id == provider.id)
        .order_by(User.name)
    ).all()
    form.learners.choices = [
        SelectChoice(e.id, f"{e.learner.name} ({e.cohort.name})") for e in enrolments
    ]
    return form


@bp.route("/eqa", methods=["GET", "POST"])
def eqa_access_page():
    provider = my_provider()
    form = _form(provider)
    if form.validate_on_submit():
        enrolments = [db.session.get(Enrolment, i) for i in form.learners.data or []]
        try:
            eqa_access.grant(
                provider,
                current_user._get_current_object(),
                eqa=db.session.get(User, form.eqa.data) if form.eqa.data else None,
                cohort=db.session.get(Cohort, form.cohort.data) if form.cohort.data else None,
                enrolments=[e for e in enrolments if e is not None],
                expires_on=form.expires_on.data,
                today=today(),
            )
        except Problem as problem:
            db.session.rollback()
            attach(form, problem)
        else:
            flash(
                "Access granted. The external quality assurer sees it when they sign in.", "success"
            )
            return redirect(url_for(".eqa_access_page"))
    return render_template(
        "admin/eqa.html",
        form=form,
        grants=eqa_access.provider_grants(provider),
        now=utcnow(),
        has_eqas=len(form.eqa.choices) > 1,
    ), (422 if form.errors else 200)


@bp.post("/eqa/<int:grant_id>/end")
def end_eqa_access(grant_id):
    row = policy.require("manage", db.session.get(EqaGrant, grant_id))
    try:
        eqa_access.end(row, current_user._get_current_object())
    except Problem as problem:
        flash(problem.message)
    else:
        flash(f"{row.eqa.name}'s access has ended.", "success")
    return redirect(url_for(".eqa_access_page"))
