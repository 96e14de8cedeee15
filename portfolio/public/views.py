"""Public pages: the home page and the standards, rendered from the data."""

from datetime import date
from itertools import groupby

from flask import Blueprint, render_template
from sqlalchemy import select

from ..extensions import db
from ..models import Standard
from ..uk_time import uk_today

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/standards")
def standards():
    rows = db.session.scalars(select(Standard).order_by(Standard.title, Standard.version)).all()
    return render_template("public/standards.html", standards=rows)


@bp.get("/standards/<int:standard_id>")
def standard(standard_id: int):
    standard = db.get_or_404(Standard, standard_id)
    return render_template(
        "public/standard.html",
        standard=standard,
        past_review=standard.is_past_review(uk_today()),
        facts=_facts(standard),
        performance_groups=_grouped(standard.performance_criteria),
        knowledge_groups=_grouped(standard.knowledge_items),
    )


def _facts(standard: Standard) -> list[tuple[str, str]]:
    """The summary rows with text values; the template adds relevant occupations as a list
    (their names contain commas, so they cannot be joined with them)."""
    rows = [
        ("URN", standard.urn),
        ("Version", standard.version),
        ("Business sectors (suites)", standard.suite),
        ("Developed by", standard.developed_by),
        ("Approved on", _long_date(standard.approved_on)),
        ("Indicative review date", _long_date(standard.review_date)),
    ]
    return [(key, value) for key, value in rows if value]


def _long_date(iso: str) -> str:
    """ "2022-03-30" as people read it: "30 March 2022"."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%B %Y}"


def _grouped(criteria):
    """Consecutive criteria under the same element or sub-heading, in published order."""
    return [(heading, list(items)) for heading, items in groupby(criteria, key=lambda c: c.group)]
