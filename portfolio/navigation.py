"""The service navigation: one link per area the signed-in person works in.

A person may hold several roles (an assessor who is also an IQA, an administrator who also
assesses), so every area they may use is one click away from every page.
"""

from flask import request, url_for
from flask_login import current_user

from .models import Role

#: (label, endpoint, blueprint, roles that open it), in the order shown
AREAS = [
    ("Your portfolio", "learner.portfolios", "learner", {Role.LEARNER}),
    ("Caseload", "caseload.home", "caseload", {Role.ASSESSOR, Role.IQA}),
    ("Evidence to assess", "assessor.queue", "assessor", {Role.ASSESSOR}),
    ("Quality assurance", "iqa.plan", "iqa", {Role.IQA}),
    ("Administration", "admin.dashboard", "admin", {Role.ADMIN}),
    ("External quality assurance", "eqa.home", "eqa", {Role.EQA}),
]


def navigation_items() -> list[dict]:
    if not current_user.is_authenticated:
        return []
    roles = current_user.roles
    items = [
        {"text": label, "href": url_for(endpoint), "current": request.blueprint == blueprint}
        for label, endpoint, blueprint, opened_by in AREAS
        if roles & opened_by
    ]
    items.append(
        {
            "text": "Your account",
            "href": url_for("auth.change_password"),
            "current": request.endpoint == "auth.change_password",
        }
    )
    return items


def init_app(app):
    app.context_processor(lambda: {"navigation_items": navigation_items})
