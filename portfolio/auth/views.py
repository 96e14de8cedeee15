"""Sign in, sign out, your account, and the home page each role lands on."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

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
from flask_login import current_user, login_required, logout_user

from ..models import Role
from ..services import accounts, sign_in_limits
from ..services.problems import Problem, attach
from . import sessions
from .forms import ChangePasswordForm, SignInForm
from .next_page import safe_next

bp = Blueprint("auth", __name__)

UK = ZoneInfo("Europe/London")
WRONG = "The email address or password is not right. Check them and try again."


def _idle_time() -> str:
    """SESSION_IDLE_MINUTES as people say it: "2 hours", "90 minutes"."""
    minutes = int(current_app.config["SESSION_IDLE_MINUTES"])
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _sign_in_page(form, **context):
    return render_template("auth/sign_in.html", form=form, idle_time=_idle_time(), **context)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        result = accounts.authenticate(
            form.email.data, form.password.data, request.remote_addr or ""
        )
        if result.wait_seconds:
            minutes = sign_in_limits.minutes(result.wait_seconds)
            message = (
                "Too many attempts to sign in. Wait "
                f"{minutes} minute{'s' if minutes != 1 else ''} and try again, or reset your "
                "password."
            )
            return _sign_in_page(form, blocked=message), 429
        if result.user is not None:
            sessions.start(result.user)
            return redirect(safe_next(request.args.get("next")) or url_for("auth.home"))
        form.password.errors.append(WRONG)
    return _sign_in_page(form)


@bp.post("/sign-out")
@login_required
def sign_out():
    accounts.signed_out(current_user)
    logout_user()
    session.clear()
    flash(
        "You have signed out. Signing out here also signed you out on any other device you "
        "were using.",
        "success",
    )
    return redirect(url_for("auth.sign_in"))


@bp.get("/home")
@login_required
def home():
    """Send each person to the page for their main role."""
    roles = current_user.roles
    if Role.ADMIN in roles:
        return redirect(url_for("admin.dashboard"))
    if Role.ASSESSOR in roles or Role.IQA in roles:
        return redirect(url_for("caseload.home"))
    if Role.LEARNER in roles:
        return redirect(url_for("learner.portfolios"))
    if Role.EQA in roles:
        return redirect(url_for("eqa.home"))
    return render_template("auth/no_role.html")


@bp.get("/account")
@login_required
def account():
    """Who you are signed in as, how long this session lasts, and the way to end the others."""
    signed_in_at = datetime.fromtimestamp(session[sessions.SIGNED_IN_AT], UK)
    hours = int(current_app.config["SESSION_MAX_HOURS"])
    return render_template(
        "auth/account.html",
        signed_in_at=signed_in_at,
        ends_at=signed_in_at + timedelta(hours=hours),
        idle_time=_idle_time(),
    )


@bp.post("/account/sign-out-elsewhere")
@login_required
def sign_out_elsewhere():
    sessions.end_everywhere_else(current_user._get_current_object())
    flash(
        "You have been signed out on every other device and browser. You are still signed in here.",
        "success",
    )
    return redirect(url_for("auth.account"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            accounts.change_password(user, form.current.data, form.password.data, form.confirm.data)
        except Problem as problem:
            attach(form, problem)
        else:
            sessions.start(user, signed_in_at=session.get(sessions.SIGNED_IN_AT))
            flash("Your password has changed. You have been signed out everywhere else.", "success")
            return redirect(url_for("auth.home"))
    return render_template("auth/change_password.html", form=form)


from . import links  # noqa: E402, F401  (invitation, reset and forgotten-password pages)
