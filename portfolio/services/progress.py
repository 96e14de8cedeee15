"""Where a learner stands against each criterion of their standard, and overall coverage.

Computed from the latest version of each piece of evidence the viewer may see (and, while a
correction is in draft, the submitted version it corrects). Drafts are the learner's own.
Assessment decisions (met / not yet met) come from services/assessment: the judgement in force
for a criterion decides its status.
"""

import enum
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import policy
from ..extensions import db
from ..models import (
    Criterion,
    CriterionKind,
    Enrolment,
    Evidence,
    EvidenceStatus,
    Judgement,
    Mapping,
)
from .assessment.state import current_judgements


class CriterionStatus(enum.StrEnum):
    NO_EVIDENCE = "no_evidence"
    MAPPED = "mapped"
    SUBMITTED = "submitted"
    NOT_YET_MET = "not_yet_met"
    MET = "met"

    @property
    def label(self) -> str:
        return {
            "no_evidence": "No evidence yet",
            "mapped": "Evidence mapped",
            "submitted": "Submitted",
            "not_yet_met": "Not yet met",
            "met": "Met",
        }[self.value]

    @property
    def colour(self) -> str:
        """GOV.UK tag colour."""
        return {
            "no_evidence": "grey",
            "mapped": "light-blue",
            "submitted": "blue",
            "not_yet_met": "orange",
            "met": "green",
        }[self.value]


@dataclass
class CriterionProgress:
    criterion: Criterion
    status: CriterionStatus
    mappings: list[Mapping] = field(default_factory=list)
    #: the judgement in force, if the criterion has been judged
    judgement: Judgement | None = None


@dataclass
class PortfolioProgress:
    criteria: list[CriterionProgress]
    evidence: list[Evidence]

    def _of(self, kind: CriterionKind) -> list[CriterionProgress]:
        return [item for item in self.criteria if item.criterion.kind == kind]

    @property
    def performance_criteria(self) -> list[CriterionProgress]:
        return self._of(CriterionKind.PERFORMANCE)

    @property
    def knowledge_items(self) -> list[CriterionProgress]:
        return self._of(CriterionKind.KNOWLEDGE)

    @staticmethod
    def _covered(items: list[CriterionProgress]) -> int:
        return sum(1 for item in items if item.status != CriterionStatus.NO_EVIDENCE)

    @staticmethod
    def _met(items: list[CriterionProgress]) -> int:
        return sum(1 for item in items if item.status == CriterionStatus.MET)

    @property
    def met_text(self) -> str:
        """For example "7 of 13 performance criteria met, 3 of 14 knowledge items met"."""
        pcs, kis = self.performance_criteria, self.knowledge_items
        return (
            f"{self._met(pcs)} of {len(pcs)} performance criteria met, "
            f"{self._met(kis)} of {len(kis)} knowledge items met"
        )

    @property
    def coverage_text(self) -> str:
        """For example "9 of 13 performance criteria, 5 of 14 knowledge items"."""
        pcs, kis = self.performance_criteria, self.knowledge_items
        return (
            f"{self._covered(pcs)} of {len(pcs)} performance criteria, "
            f"{self._covered(kis)} of {len(kis)} knowledge items"
        )

    def for_criterion(self, criterion: Criterion) -> CriterionProgress:
        return next(item for item in self.criteria if item.criterion.id == criterion.id)


def latest_evidence(enrolment: Enrolment, viewer) -> list[Evidence]:
    """The newest version of each piece of evidence that ``viewer`` may see, most recent
    activity first: the learner's drafts for the learner, the latest submitted versions for
    their assessor and everyone else (``policy`` decides)."""
    rows = db.session.scalars(
        select(Evidence)
        .where(Evidence.enrolment_id == enrolment.id)
        .options(selectinload(Evidence.mappings), selectinload(Evidence.files))
        .order_by(Evidence.activity_date.desc(), Evidence.id.desc())
    ).all()
    visible = [e for e in rows if policy.can(viewer, "view", e)]
    replaced = {e.previous_id for e in visible if e.previous_id is not None}
    return [e for e in visible if e.id not in replaced]


def portfolio_progress(enrolment: Enrolment, viewer) -> PortfolioProgress:
    """Where the learner stands, as ``viewer`` may see it (drafts count only for the learner)."""
    judgements = current_judgements(enrolment)
    latest = latest_evidence(enrolment, viewer)
    counted: list[Evidence] = []
    for evidence in latest:
        counted.append(evidence)
        earlier = evidence.previous
        if evidence.is_draft and earlier is not None and earlier.status == EvidenceStatus.SUBMITTED:
            counted.append(earlier)
    by_criterion: dict[int, list[Mapping]] = {}
    for evidence in counted:
        for mapping in evidence.mappings:
            by_criterion.setdefault(mapping.criterion_id, []).append(mapping)
    items = []
    for criterion in enrolment.standard.criteria:
        mappings = by_criterion.get(criterion.id, [])
        judgement = judgements.get(criterion.id)
        if judgement is not None:
            status = CriterionStatus.MET if judgement.is_met else CriterionStatus.NOT_YET_MET
        elif any(not m.evidence.is_draft for m in mappings):
            status = CriterionStatus.SUBMITTED
        elif mappings:
            status = CriterionStatus.MAPPED
        else:
            status = CriterionStatus.NO_EVIDENCE
        items.append(CriterionProgress(criterion, status, mappings, judgement))
    return PortfolioProgress(items, latest)
