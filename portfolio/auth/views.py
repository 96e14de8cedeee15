"""Sign in, sign out, and the home page each role lands on."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import Role, User
from ..services.passwords import check_password
from .forms import SignInForm

bp = Blueprint("auth", __name__)


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(func.lower(User.email) == email))
        if (
            user is not None
            and user.active
            and check_password(user.password_hash, form.password.data)
        ):
            login_user(user)
            return redirect(url_for("auth.home"))
        form.password.errors.append(
            "The email address or password is not right. Check them and try again."
        )
    return render_template("auth/sign_in.html", form=form)


@bp.post("/sign-out")
def sign_out():
    logout_user()
    flash("You have signed out.", "success")
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
    return redirect(url_for("learner.portfolios"))
