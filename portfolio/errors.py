"""Friendly error pages that answer HTML, or JSON to clients that ask for it."""

from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from .extensions import db

MESSAGES = {
    400: (
        "Something was wrong with that request",
        "Go back, check what you entered and try again.",
    ),
    403: (
        "You cannot do that",
        "You do not have permission to do that. Sign in as the right person or go back.",
    ),
    404: (
        "Page not found",
        "If you typed the web address, check it is correct. "
        "If you followed a link, it may be out of date.",
    ),
    405: ("That action is not available here", "Go back and use the buttons on the page."),
    413: (
        "That file is too large",
        "Each file can be at most {limit}. Make the file smaller or split it, "
        "then upload it again.",
    ),
    # a body over MAX_FORM_BYTES where no upload was allowed (see services/body_limits.py)
    "413-form": (
        "That was more than this page accepts",
        "A form here can send at most {limit}. If you meant to upload a file, sign in and use "
        "the page for adding evidence.",
    ),
    409: ("That can no longer change", "Go back and reload the page to see where things stand."),
    429: ("Too many attempts", "Wait a few minutes before you try again."),
    500: (
        "Sorry, there is a problem with the service",
        "Nothing you entered has been saved in a half-finished state. Try again later.",
    ),
}


def human_size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:g} {unit}" if unit == "bytes" else f"{size:.3g} {unit}"
        size /= 1024
    return str(size)


def render_error(code: int, detail: str | None = None):
    from flask.globals import request_ctx

    from . import body_limits

    if request_ctx.url_adapter is None:
        # A host we do not serve (TRUSTED_HOSTS): no page of ours, no link built from it.
        return "This site is not served at that address.", code, {"Content-Type": "text/plain"}
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    key = code
    if code == 413 and not body_limits.raised():
        key, limit = "413-form", request.max_content_length  # no upload allowed here
    title, advice = MESSAGES.get(key, MESSAGES[500])
    advice = advice.format(limit=human_size(limit))
    if request.accept_mimetypes.best == "application/json":
        return jsonify(error=title, detail=detail or advice), code
    return render_template("error.html", code=code, title=title, advice=detail or advice), code


def init_app(app):
    app.jinja_env.filters["human_size"] = human_size

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "Your form expired or was sent from somewhere else. "
            "Go back, reload the page and try again.",
        )

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, lambda error, code=code: render_error(code))

    from .services.assessment.state import SignedOff, Withdrawn

    @app.errorhandler(SignedOff)
    @app.errorhandler(Withdrawn)
    def signed_off(error):
        """A change to a signed-off portfolio, or a withdrawn learner's, that no page handled
        itself: nothing was saved."""
        db.session.rollback()
        return render_error(409, error.message)

    from sqlalchemy.exc import IntegrityError

    @app.errorhandler(IntegrityError)
    def same_change_twice(error):
        """A unique constraint refused a second copy of something (two clicks, or two people
        at once) that no page handled itself: the first one stands, and nothing else was
        saved. Said as a conflict, not as a crash."""
        db.session.rollback()
        current_app.logger.info("A change refused by a database constraint: %s", error.orig)
        return render_error(
            409,
            "That was already done, perhaps by a second click or by someone else at the same "
            "time, so nothing more was saved. Reload the page to see where things stand.",
        )

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
