"""Serves the front-end packages installed by npm at setup (no CDN) and our compiled CSS/JS."""

from pathlib import Path

from flask import Blueprint, current_app, send_from_directory

bp = Blueprint("assets", __name__, url_prefix="/assets")
STATIC = Path(__file__).parent / "static"


def _govuk_dist() -> Path:
    return Path(current_app.config["FRONTEND_DIR"]) / "govuk-frontend" / "dist" / "govuk"


@bp.get("/govuk/<path:filename>")
def govuk(filename):
    """Fonts and images referenced by the GOV.UK Frontend stylesheet."""
    return send_from_directory(_govuk_dist() / "assets", filename, max_age=3600)


@bp.get("/govuk-frontend.min.js")
def govuk_js():
    return send_from_directory(_govuk_dist(), "govuk-frontend.min.js", max_age=3600)


@bp.get("/app.css")
def app_css():
    return send_from_directory(STATIC / "build", "app.css", max_age=300)


@bp.get("/js/<path:filename>")
def app_js(filename):
    return send_from_directory(STATIC / "js", filename, max_age=300)


def init_app(app):
    app.register_blueprint(bp)
