"""Pages behind the single-use links: set a password from an invitation, reset a forgotten one."""

from flask import flash, redirect, render_template, request, url_for

from ..errors import render_error
from ..services import accounts, invitations, mail, sign_in_limits
from ..services.problems import Problem, attach
from .forms import ForgotPasswordForm, SetPasswordForm
from .views import bp


def _use_link(token: str, purpose: str):
    row = invitations.find(token, purpose)
    if row is None:
        return render_template("auth/link_invalid.html", purpose=purpose), 404
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.set_password_from_link(row, form.password.data, form.confirm.data)
        except Problem as problem:
            attach(form, problem)
        else:
            flash("Your password is set. Sign in with your email and new password.", "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/set_password.html", form=form, person=row.user, purpose=purpose)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def invitation(token):
    return _use_link(token, invitations.INVITATION)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token):
    return _use_link(token, invitations.RESET)


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if wait := accounts.request_reset(form.email.data, request.remote_addr or ""):
            minutes = sign_in_limits.minutes(wait)
            return render_error(
                429,
                "Too many password resets were asked for from your network. Wait "
                f"{minutes} minute{'s' if minutes != 1 else ''}, then try again.",
            )
        # The same answer whether or not the address has an account, or is over its limit.
        return render_template(
            "auth/reset_requested.html", email=form.email.data.strip(), emailed=mail.configured()
        )
    return render_template("auth/forgot_password.html", form=form)
