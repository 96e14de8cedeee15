"""learner pages."""

from flask import Blueprint

bp = Blueprint("learner", __name__)
