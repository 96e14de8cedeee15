"""The administrator's pages: cohorts, people and the audit trail of their own provider."""

from flask import render_template

from ..uk_time import uk_today
from .blueprint import bp, my_provider


@bp.get("")
def dashboard():
    provider = my_provider()
    cohorts = sorted(provider.cohorts, key=lambda c: (c.start_date, c.name), reverse=True)
    today = uk_today()
    standards = {c.standard.id: c.standard for c in cohorts}.values()
    past_review = sorted((s for s in standards if s.is_past_review(today)), key=lambda s: s.title)
    return render_template(
        "admin/dashboard.html", provider=provider, cohorts=cohorts, past_review=past_review
    )


# Each module registers its routes on ``bp``.
from . import (  # noqa: E402, F401
    audit_views,
    cohort_views,
    eqa_views,
    people_views,
    report_export_views,
    report_views,
    sampling_views,
)
