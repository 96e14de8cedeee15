"""Where a learner stands against each criterion of their standard, and overall coverage.

This module is where the words are defined, once, for every page, report and document:

- **mapped**: the learner linked a piece of evidence to the criterion, with a justification;
  in a draft that is the learner's own work in progress, and counts for nobody's figures.
- **submitted**: the mapping is on a submitted version the assessor has not rejected it on:
  evidence *for* the criterion, waiting for assessment or assessed.
- **not accepted**: the assessor rejected the mapping (the evidence does not show this
  criterion); it no longer counts as evidence for it.
- **accepted**: the assessor accepted the mapping in a review.
- **met / not yet met**: the judgement in force for the criterion (services/assessment).

"Evidence for" a criterion (``counts_as_evidence``) is submitted and not rejected, or judged;
the learner, their assessor, the IQA, the EQA and the reports all count the same criteria. The
learner alone also sees what their drafts map (``IN_DRAFT``), never counted.

Computed from the latest version of each piece of evidence the viewer may see (and, while a
correction is in draft, the submitted version it corrects).
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
    IN_DRAFT = "in_draft"
    NOT_ACCEPTED = "not_accepted"
    SUBMITTED = "submitted"
    NOT_YET_MET = "not_yet_met"
    MET = "met"

    @property
    def label(self) -> str:
        return {
            "no_evidence": "No evidence yet",
            "in_draft": "In a draft",
            "not_accepted": "Mapping not accepted",
            "submitted": "Submitted",
            "not_yet_met": "Not yet met",
            "met": "Met",
        }[self.value]

    @property
    def colour(self) -> str:
        """GOV.UK tag colour."""
        return {
            "no_evidence": "grey",
            "in_draft": "light-blue",
            "not_accepted": "red",
            "submitted": "blue",
            "not_yet_met": "orange",
            "met": "green",
        }[self.value]

    @property
    def counts_as_evidence(self) -> bool:
        """Whether the criterion has evidence for it, in every role's figures."""
        return self in {CriterionStatus.SUBMITTED, CriterionStatus.NOT_YET_MET, CriterionStatus.MET}


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
        return sum(1 for item in items if item.status.counts_as_evidence)

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


def criterion_status(mappings: list[Mapping], judgement: Judgement | None) -> CriterionStatus:
    """The one rule for a criterion's status (see the module's definitions)."""
    if judgement is not None:
        return CriterionStatus.MET if judgement.is_met else CriterionStatus.NOT_YET_MET
    submitted = [m for m in mappings if not m.evidence.is_draft]
    if any(not m.rejected for m in submitted):
        return CriterionStatus.SUBMITTED
    if any(m.evidence.is_draft for m in mappings):
        return CriterionStatus.IN_DRAFT
    if submitted:
        return CriterionStatus.NOT_ACCEPTED
    return CriterionStatus.NO_EVIDENCE


def latest_evidence(enrolment: Enrolment, viewer) -> list[Evidence]:
    """The newest version of each piece of evidence that ``viewer`` may see, most recent
    activity first: the learner's drafts for the learner, the latest submitted versions for
    their assessor and everyone else (``policy`` decides)."""
    rows = db.session.scalars(
        select(Evidence)
        .where(Evidence.enrolment_id == enrolment.id)
        .options(
            selectinload(Evidence.mappings).selectinload(Mapping.decision),
            selectinload(Evidence.files),
        )
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
        status = criterion_status(mappings, judgement)
        items.append(CriterionProgress(criterion, status, mappings, judgement))
    return PortfolioProgress(items, latest)
