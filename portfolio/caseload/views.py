"""The home page of assessors and IQAs: the learners they assess or quality-assure, with the
work each has submitted (corrections coming back stand out), and the quality assurance actions
open on the assessor's decisions."""

from dataclasses import dataclass

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from .. import policy
from ..models import Role
from ..services.quality.records import actions_for
from . import queries
from .queries import CaseloadRow

bp = Blueprint("caseload", __name__)


@dataclass
class Section:
    id: str
    heading: str
    rows: list[CaseloadRow]
    empty: str


@bp.get("/caseload")
@login_required
def home():
    person = policy.require("view_caseload", current_user._get_current_object())
    sections = []
    if person.has_role(Role.ASSESSOR):
        sections.append(
            Section(
                "assessing",
                "Learners you assess",
                queries.assessing(person),
                "Nobody has been assigned to you as assessor yet. "
                "Your administrator assigns learners on each cohort's page.",
            )
        )
    if person.has_role(Role.IQA):
        sections.append(
            Section(
                "assuring",
                "Learners you quality-assure",
                queries.quality_assuring(person),
                "Nobody has been assigned to you as internal quality assurer yet. "
                "Your administrator assigns learners on each cohort's page.",
            )
        )
    actions = actions_for(person) if person.has_role(Role.ASSESSOR) else None
    return render_template("caseload/home.html", person=person, sections=sections, actions=actions)
