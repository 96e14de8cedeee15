"""How large a request body may be, decided by the route before anything reads it.

Every request may send MAX_FORM_BYTES (2 MiB: a long written account is a few hundred KiB);
Werkzeug refuses a larger body with 413 before reading it, so nobody can make the server spool
gigabytes to disk by posting to ``/sign-in``. A view marked ``@large_body(allowed)`` may take
up to MAX_REQUEST_BYTES, but only once ``allowed(**view_args)`` says so: a signed-in person who
may add files to that portfolio, or a witness link that has been checked.

The check runs before CSRF protection parses the body (see ``init_app``), because parsing is
what writes to disk.
"""

from collections.abc import Callable

from flask import current_app, g, request
from flask_login import current_user

from . import policy
from .extensions import db


def large_body(allowed: Callable[..., bool]):
    """Mark a view whose POST may carry files, once ``allowed`` (given the URL's values)."""

    def mark(view):
        view.large_body_allowed = allowed
        return view

    return mark


def when_allowed(model, action: str) -> Callable[..., bool]:
    """The signed-in person may ``action`` the ``model`` the URL names by its id."""

    def allowed(**view_args) -> bool:
        if not current_user.is_authenticated or len(view_args) != 1:
            return False
        return policy.can(current_user, action, db.session.get(model, *view_args.values()))

    return allowed


def raise_for_allowed_views() -> None:
    if request.method not in {"POST", "PUT"} or request.url_rule is None:
        return
    view = current_app.view_functions.get(request.endpoint)
    allowed = getattr(view, "large_body_allowed", None)
    if allowed is not None and allowed(**(request.view_args or {})):
        g.large_body = True
        request.max_content_length = max(
            int(current_app.config["MAX_REQUEST_BYTES"]), int(current_app.config["MAX_FORM_BYTES"])
        )


def raised() -> bool:
    """Whether this request may carry files (so a 413 is about files, not a form)."""
    return g.get("large_body", False)


def init_app(app) -> None:
    """Call before CSRF protection is set up: before-request hooks run in the order they were
    registered, and CSRF's reads the whole body."""
    app.before_request(raise_for_allowed_views)
