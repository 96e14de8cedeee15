"""The provider's reports: the dashboard of cohorts and learners, each cohort's insights, the
thresholds that decide who is at risk, and a learner's withdrawal."""

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from .. import policy
from ..extensions import db
from ..models import Cohort, Enrolment, Role
from ..models._types import utcnow
from ..services import people, withdrawals
from ..services.problems import Problem, attach
from ..services.reports import figures, insights, svg, thresholds
from ..services.reports.figures import LOCAL_TIME, PAGE_SIZE, SORTS, LearnerStatus
from .blueprint import bp, my_provider
from .forms import ReinstateForm, ReportFilterForm, RiskSettingsForm, WithdrawForm


@bp.app_template_filter("report_day")
def report_day(value) -> str:
    """A date, or the day a moment fell on in the UK: 20 Jun 2026."""
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TIME).date()
    return f"{value.day} {value:%b %Y}"


@bp.get("/reports")
def reports():
    provider = my_provider()
    now = utcnow()
    summaries = figures.cohort_summaries(provider, detail=False, now=now)
    form = ReportFilterForm(request.args)
    form.cohort.choices = [SelectChoice(0, "All cohorts")] + [
        SelectChoice(s.cohort_id, s.name) for s in summaries
    ]
    form.assessor.choices = [SelectChoice(0, "All assessors")] + [
        SelectChoice(p.id, p.name) for p in people.staff(provider, Role.ASSESSOR)
    ]
    form.status.choices = [SelectChoice("", "Any status")] + [
        SelectChoice(s.value, s.label) for s in LearnerStatus
    ]
    query = figures.DashboardQuery.from_args(request.args)
    page = figures.LearnerPage([], 0, 1, 1)
    valid = form.validate()
    if valid and request.args.to_dict() != {k: str(v) for k, v in query.to_args().items()}:
        # The filter form sends every box, empty or not: a link to share names only filters.
        return redirect(url_for("admin.reports", **query.to_args(), _anchor="learners"))
    if valid:
        page = figures.learner_page(provider, query, now=now)
        query = query.on_page(page.page)
    return render_template(
        "admin/reports.html",
        provider=provider,
        summaries=summaries,
        form=form,
        query=query,
        rows=page.rows,
        total=page.total,
        page_size=PAGE_SIZE,
        pages=page.pages,
        sorts=SORTS,
        now=now,
    )


@bp.get("/reports/insights")
def report_insights():
    provider = my_provider()
    cohorts = sorted(provider.cohorts, key=lambda c: (c.start_date, c.name), reverse=True)
    cohort = None
    if cohort_id := request.args.get("cohort", type=int):
        cohort = policy.require("manage", db.session.get(Cohort, cohort_id))
    heat = insights.criterion_heatmap(cohort) if cohort else []
    mix = insights.method_mix(provider, cohort)
    workload = insights.assessor_workload(provider, cohort)
    return render_template(
        "admin/reports_insights.html",
        provider=provider,
        cohorts=cohorts,
        cohort=cohort,
        heat=heat,
        least_met=sorted(heat, key=lambda h: h.met_percent or 0)[:5],  # stable: standard's order
        mix=mix,
        workload=workload,
        sampling=insights.iqa_sampling_coverage(provider, cohort),
        charts=_charts(cohort, heat, mix, workload),
        now=utcnow(),
    )


def _charts(cohort, heat, mix, workload) -> dict:
    """The page's SVG charts; the template shows a table of the same figures beside each."""
    scope = cohort.name if cohort else "all cohorts"
    charts = {
        "methods": svg.bar_chart(
            "methods-chart",
            f"Submitted evidence by assessment method, {scope}",
            "; ".join(f"{m.method.label}: {m.count}" for m in mix) + ".",
            [svg.Bar(m.method.label, m.count) for m in mix],
        ),
    }
    timed = [a for a in workload if a.median_days is not None]
    if timed:
        charts["turnaround"] = svg.bar_chart(
            "turnaround-chart",
            f"Median days from submission to first judgement, by assessor, {scope}",
            "; ".join(f"{a.name}: {a.median_days:.1f} days" for a in timed) + ".",
            [svg.Bar(a.name, a.median_days, f"{a.median_days:.1f} days") for a in timed],
        )
    if heat:
        charts["heat"] = svg.heat_chart(
            "criteria-chart",
            f"Share of learners who have met each criterion, {cohort.name}",
            "; ".join(f"{h.code}: {h.met} of {h.learners} met" for h in heat) + ".",
            [
                svg.HeatCell(
                    h.code,
                    h.met / h.learners if h.learners else None,
                    f"{h.met_percent}%" if h.learners else "none",
                    "Performance criteria" if h.kind == "performance" else "Knowledge items",
                )
                for h in heat
            ],
        )
    return charts


@bp.route("/reports/settings", methods=["GET", "POST"])
def report_settings():
    provider = my_provider()
    form = RiskSettingsForm()
    if not form.is_submitted():
        form.inactive_days.data = provider.risk_inactive_days
        form.behind_points.data = provider.risk_behind_points
    if form.validate_on_submit():
        try:
            changed = thresholds.change(
                provider,
                inactive_days=form.inactive_days.data,
                behind_points=form.behind_points.data,
            )
        except Problem as problem:
            attach(form, problem)
        else:
            flash(
                "Settings saved: the dashboard uses them now."
                if changed
                else "Nothing changed: the settings were already these.",
                "success",
            )
            return redirect(url_for("admin.reports"))
    return render_template("admin/reports_settings.html", form=form, provider=provider)


def _enrolment(enrolment_id: int) -> Enrolment:
    return policy.require("manage", db.session.get(Enrolment, enrolment_id))


@bp.route("/enrolments/<int:enrolment_id>/withdraw", methods=["GET", "POST"])
def withdraw(enrolment_id):
    enrolment = _enrolment(enrolment_id)
    form = WithdrawForm()
    if enrolment.withdrawn_on is None and form.validate_on_submit():
        try:
            withdrawals.withdraw(
                enrolment,
                current_user._get_current_object(),
                on=form.withdrawn_on.data,
                reason=form.reason.data,
            )
        except Problem as problem:
            attach(form, problem)
        else:
            flash(
                f"{enrolment.learner.name} is withdrawn from {enrolment.cohort.name}. "
                "Their portfolio is kept.",
                "success",
            )
            return redirect(url_for("admin.enrolment", enrolment_id=enrolment.id))
    return render_template(
        "admin/withdraw.html", form=form, enrolment=enrolment, reinstate_form=ReinstateForm()
    )


@bp.post("/enrolments/<int:enrolment_id>/reinstate")
def reinstate(enrolment_id):
    enrolment = _enrolment(enrolment_id)
    if ReinstateForm().validate_on_submit():
        try:
            withdrawals.reinstate(enrolment, current_user._get_current_object())
        except Problem as problem:
            flash(problem.message)
        else:
            flash(
                f"{enrolment.learner.name} is back on {enrolment.cohort.name}, in progress.",
                "success",
            )
    return redirect(url_for("admin.enrolment", enrolment_id=enrolment.id))
