"""The EQA's home page, and the audit of everything an EQA opens."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from .. import policy
from ..models import Role
from ..services import eqa_access

bp = Blueprint("eqa", __name__)


@bp.get("/eqa")
@login_required
def home():
    policy.require_role(Role.EQA)
    grants = eqa_access.grants_for(current_user)
    return render_template(
        "eqa/home.html",
        grants=[(g, eqa_access.enrolments_for(g)) for g in grants],
    )


def init_app(app):
    @app.after_request
    def audit_what_eqas_view(response):
        """Each page (and file) an external quality assurer receives is recorded: a HEAD, a
        byte range and a 304 (their cached copy is still the file) included."""
        if (
            request.method in {"GET", "HEAD"}
            and (200 <= response.status_code < 300 or response.status_code == 304)
            and request.blueprint not in {"assets", None}
            and current_user.is_authenticated
            and current_user.has_role(Role.EQA)
        ):
            eqa_access.record_view(
                current_user,
                request.full_path,
                request.endpoint,
                request.method,
                response.status_code,
            )
        return response
