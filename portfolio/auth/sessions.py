"""How a session cookie maps back to a person, and when a session ends.

The cookie holds ``<user id>:<session token>``; changing a person's token (on sign-out, a
password change or reset, or "sign out everywhere else") ends every other session they had.

A session also ends, whatever the cookie says, when:

- it has not been used for SESSION_IDLE_MINUTES (Flask refuses a cookie signed longer ago than
  PERMANENT_SESSION_LIFETIME, and each request signs it afresh);
- it began more than SESSION_MAX_HOURS ago, however busy it has been (a shared computer in a
  college library is never "idle" while someone else uses it);
- it arrives from another browser, or (SESSION_BIND_ADDRESS) another network address, than the
  one that signed in: a copied cookie works nowhere else.

Flask-Login's own ``session_protection`` does nothing for permanent sessions (ours all are), so
it is off and this module enforces the binding instead.
"""

import hashlib
import hmac
import secrets
import time

from flask import current_app, flash, request, session
from flask_login import current_user, login_user, logout_user

from ..extensions import db, login_manager
from ..models import User
from ..services import audit

SIGNED_IN_AT = "signed_in_at"
CLIENT = "client"

ENDED = {
    "lifetime": "You have been signed out because you signed in more than {hours} hours ago. "
    "Sign in again to carry on.",
    "client": "You have been signed out because your session was used from another browser "
    "or network. Sign in again to carry on.",
}


@login_manager.user_loader
def load_user(session_id: str):
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.session_token, token):
        return None
    return user


def _now() -> float:
    return time.time()


def _client() -> str:
    """What a session is bound to: the browser, and (by default) the network address."""
    parts = [request.headers.get("User-Agent", "")]
    if current_app.config["SESSION_BIND_ADDRESS"]:
        parts.append(request.remote_addr or "")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:32]


def start(user: User, *, signed_in_at: int | None = None) -> None:
    """A new session for a newly signed-in person: nothing from before survives. It is
    permanent, so it ends after SESSION_IDLE_MINUTES without a request rather than when the
    browser closes (which many never do)."""
    session.clear()
    session.permanent = True
    session[SIGNED_IN_AT] = signed_in_at or int(_now())
    session[CLIENT] = _client()
    login_user(user)


def end_everywhere_else(user: User) -> None:
    """Every other session of this person ends; this one carries on (its lifetime unchanged)."""
    signed_in_at = session.get(SIGNED_IN_AT)
    user.session_token = secrets.token_hex(16)
    audit.record("signed_out_elsewhere", user, actor=user)
    db.session.commit()
    start(user, signed_in_at=signed_in_at)


def _why_it_ended() -> str | None:
    signed_in_at = session.get(SIGNED_IN_AT)
    hours = int(current_app.config["SESSION_MAX_HOURS"])
    if not isinstance(signed_in_at, int) or _now() - signed_in_at > hours * 3600:
        return "lifetime"
    if not hmac.compare_digest(str(session.get(CLIENT, "")), _client()):
        return "client"
    return None


def enforce() -> None:
    """Before each request: a signed-in session past its lifetime, or used from elsewhere,
    ends here; the page then answers as it would to anyone signed out."""
    if "_user_id" not in session or not current_user.is_authenticated:
        return
    reason = _why_it_ended()
    if reason is None:
        return
    user = current_user._get_current_object()
    audit.record("session_ended", user, actor=user, reason=reason)
    db.session.commit()
    logout_user()
    session.clear()
    message = ENDED[reason].format(hours=current_app.config["SESSION_MAX_HOURS"])
    flash(message, "important")


def init_app(app) -> None:
    app.before_request(enforce)
