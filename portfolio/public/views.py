"""Public pages: the home page and the standards, rendered from the data."""

from flask import Blueprint, render_template
from sqlalchemy import select

from ..extensions import db
from ..models import Standard

bp = Blueprint("public", __name__)


@bp.get("/")
def home():
    return render_template("public/home.html")


@bp.get("/standards")
def standards():
    rows = db.session.scalars(select(Standard).order_by(Standard.title, Standard.version)).all()
    return render_template("public/standards.html", standards=rows)
