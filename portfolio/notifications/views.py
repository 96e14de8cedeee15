"""A person's notifications: the newest first; opening the page marks nothing, the button does."""

from flask import Blueprint, flash, has_request_context, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..services import notifications

bp = Blueprint("notifications", __name__)


@bp.get("/notifications")
@login_required
def index():
    return render_template("notifications/index.html", notices=notifications.recent(current_user))


@bp.post("/notifications/read")
@login_required
def mark_read():
    count = notifications.mark_all_read(current_user)
    flash(f"Marked {count} notification{'s' if count != 1 else ''} as read.", "success")
    return redirect(url_for(".index"))


def init_app(app):
    @app.context_processor
    def unread():
        """The count in the header: one small query per page, for signed-in people only."""
        if not has_request_context() or not current_user.is_authenticated:
            return {"unread_notifications": 0}
        return {"unread_notifications": notifications.unread_count(current_user)}
