"""caseload pages."""

from flask import Blueprint

bp = Blueprint("caseload", __name__)
