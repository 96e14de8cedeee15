"""The provider's sampling strategy for internal quality assurance, and each assessor's risk
rating, on one page (services/quality/strategy.py holds the rules)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from .. import policy
from ..extensions import db
from ..models import AssessorRisk, Role, User
from ..services import people
from ..services.problems import Problem, attach
from ..services.quality import strategy as strategies
from .blueprint import bp, my_provider
from .forms import AUTOMATIC, AssessorRatingForm, SamplingStrategyForm

STRATEGY_FIELDS = (
    "percent_new",
    "percent_low",
    "percent_medium",
    "percent_high",
    "new_months",
    "interim",
    "summative",
    "period_months",
)


def _provider():
    return policy.require("manage_sampling", my_provider())


def _rating_form(assessor: User, strategy, rated, formdata=None) -> AssessorRatingForm:
    form = AssessorRatingForm(
        formdata=formdata,
        prefix=f"assessor-{assessor.id}",
        rating=rated.rating.value if rated else AUTOMATIC,
    )
    form.rating.label.text = f"Risk rating for {assessor.name}"
    form.rating.choices = [
        SelectChoice(AUTOMATIC, f"Automatic: new for {strategy.new_months} months, then low")
    ] + [SelectChoice(risk.value, risk.label) for risk in AssessorRisk]
    return form


def _page(provider, form, status=200, sent: AssessorRatingForm | None = None, sent_for=None):
    """The strategy form and one rating form per assessor (``sent``: the one just refused)."""
    strategy = strategies.strategy_for(provider)
    assessors = people.staff(provider, Role.ASSESSOR)
    ratings = strategies.ratings_of(assessors)
    rows = []
    for assessor in assessors:
        rated = ratings.get(assessor.id)
        rating_form = sent if sent_for is assessor else _rating_form(assessor, strategy, rated)
        rows.append((assessor, strategies.rating_of(assessor, strategy, rated), rated, rating_form))
    return render_template(
        "admin/sampling.html",
        provider=provider,
        form=form,
        strategy=strategy,
        rows=rows,
        rating_errors=bool(sent and sent.errors),
    ), status


@bp.route("/sampling", methods=["GET", "POST"])
def sampling():
    provider = _provider()
    form = SamplingStrategyForm(obj=strategies.strategy_for(provider))
    if form.validate_on_submit():
        try:
            strategies.save_strategy(
                provider,
                current_user._get_current_object(),
                **{name: getattr(form, name).data for name in STRATEGY_FIELDS},
            )
        except Problem as problem:
            db.session.rollback()
            attach(form, problem)
        else:
            flash("The sampling strategy is saved. IQAs’ plans follow it from now on.", "success")
            return redirect(url_for(".sampling"))
    status = 422 if request.method == "POST" else 200
    return _page(provider, form, status)


@bp.post("/sampling/assessors/<int:user_id>")
def rate_assessor(user_id):
    provider = _provider()
    assessor = policy.require("rate", db.session.get(User, user_id))
    strategy = strategies.strategy_for(provider)
    form = _rating_form(assessor, strategy, None, formdata=request.form)
    if form.validate_on_submit():
        chosen = None if form.rating.data == AUTOMATIC else AssessorRisk(form.rating.data)
        try:
            strategies.set_rating(current_user._get_current_object(), assessor, chosen)
        except Problem as problem:
            db.session.rollback()
            attach(form, problem)
        else:
            flash(f"{assessor.name}’s risk rating is saved.", "success")
            return redirect(url_for(".sampling"))
    strategy_form = SamplingStrategyForm(formdata=None, obj=strategy)
    return _page(provider, strategy_form, 422, sent=form, sent_for=assessor)
