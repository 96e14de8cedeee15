"""The administrator's area: every page needs a signed-in administrator of the provider."""

from flask import Blueprint
from flask_login import current_user, login_required

from .. import policy

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _signed_in():
    """Anonymous visitors go to the sign-in page; each view then asks the policy."""


def my_provider():
    """The signed-in administrator's provider (404 for anyone else)."""
    return policy.require("administer", current_user.provider)
