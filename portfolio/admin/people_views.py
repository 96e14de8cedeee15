"""People: the provider's staff and learners, their roles, deactivation and new links."""

from flask import flash, redirect, render_template, url_for
from flask_login import current_user

from .. import policy
from ..extensions import db
from ..models import User
from ..services import invitations, people
from ..services.problems import Problem, attach
from .blueprint import bp, my_provider
from .forms import PersonForm, RolesForm

#: The buttons on a person's page, each shown only when the policy allows it.
PAGE_ACTIONS = ("deactivate", "reactivate", "send_link")


def _person(user_id: int) -> User:
    return policy.require("manage", db.session.get(User, user_id))


@bp.get("/people")
def people_list():
    provider = my_provider()
    everyone = sorted(provider.people, key=lambda p: (not p.active, p.name.lower(), p.id))
    return render_template("admin/people.html", provider=provider, people=everyone)


@bp.route("/people/new", methods=["GET", "POST"])
def new_person():
    provider = my_provider()
    form = PersonForm()
    if form.validate_on_submit():
        try:
            person = people.add_person(provider, form.name.data, form.email.data, form.roles.data)
        except Problem as problem:
            attach(form, problem)
        else:
            link = invitations.issue(person, invitations.INVITATION)
            return render_template("admin/link.html", link=link)
    return render_template("admin/person_new.html", form=form)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
def person(user_id):
    person = _person(user_id)
    form = RolesForm()
    if not form.is_submitted():
        form.roles.data = sorted(role.value for role in person.roles)
    if form.validate_on_submit():
        try:
            people.change_roles(person, form.roles.data, actor=current_user)
        except Problem as problem:
            attach(form, problem)
        else:
            flash(f"Roles saved for {person.name}.", "success")
            return redirect(url_for("admin.person", user_id=person.id))
    may = {action: policy.can(current_user, action, person) for action in PAGE_ACTIONS}
    return render_template("admin/person.html", person=person, form=form, may=may)


def _set_active(user_id: int, active: bool):
    person = _person(user_id)
    try:
        people.set_active(person, active, actor=current_user)
    except Problem as problem:
        flash(problem.message, "important")
    else:
        flash(
            f"{person.name} can sign in again."
            if active
            else f"{person.name} is deactivated and can no longer sign in.",
            "success",
        )
    return redirect(url_for("admin.person", user_id=person.id))


@bp.post("/people/<int:user_id>/deactivate")
def deactivate(user_id):
    return _set_active(user_id, False)


@bp.post("/people/<int:user_id>/reactivate")
def reactivate(user_id):
    return _set_active(user_id, True)


@bp.post("/people/<int:user_id>/link")
def new_link(user_id):
    """A fresh invitation (no password yet) or password-reset link for this person."""
    person = _person(user_id)
    if not person.active:
        flash(f"Reactivate {person.name} before sending them a link.", "important")
        return redirect(url_for("admin.person", user_id=person.id))
    purpose = invitations.RESET if person.password_hash else invitations.INVITATION
    link = invitations.issue(person, purpose)
    return render_template("admin/link.html", link=link)
