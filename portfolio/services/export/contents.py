"""Everything a portfolio document shows, gathered once: the people, the standard, the
submitted evidence (never drafts: those are their author's own), judgements, decisions,
declarations, sign-offs, the internal quality assurer's sampling records and countersignatures,
what holds up certification, and the portfolio's audit trail."""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from ...extensions import db
from ...models import (
    AuditEntry,
    Countersignature,
    Criterion,
    Enrolment,
    Evidence,
    EvidenceStatus,
    Judgement,
    Mapping,
    SampleItem,
    SignOff,
)
from ...models._types import utcnow
from ..assessment import state
from ..quality import certification, records

#: audit events about the portfolio's content that its document summarises
SUMMARISED = ("evidence.", "assessment.", "quality.")


@dataclass
class EvidenceItem:
    number: int  # E1, E2... in the document
    evidence: Evidence

    @property
    def label(self) -> str:
        return f"E{self.number}"


@dataclass
class CriterionRow:
    criterion: Criterion
    judgement: Judgement | None
    mappings: list[Mapping]
    history: list[Judgement] = field(default_factory=list)


@dataclass
class PortfolioContents:
    enrolment: Enrolment
    evidence: list[EvidenceItem]
    criteria: list[CriterionRow]
    sign_offs: list[SignOff]
    audit: list[AuditEntry]
    made_at: datetime
    #: the IQAs' sampling records on this portfolio, oldest first
    samples: list[SampleItem] = field(default_factory=list)
    #: countersignatures of its sign-offs, newest first, voided ones included
    countersignatures: list[Countersignature] = field(default_factory=list)
    #: why the learner cannot be certified yet (open quality assurance actions)
    blocked: list[str] = field(default_factory=list)

    @property
    def sign_off(self) -> SignOff | None:
        return next((s for s in self.sign_offs if s.in_force), None)

    @property
    def countersignature(self) -> Countersignature | None:
        """The countersignature in force of the sign-off in force."""
        sign_off = self.sign_off
        return next(
            (
                c
                for c in self.countersignatures
                if sign_off and c.sign_off_id == sign_off.id and c.voided_at is None
            ),
            None,
        )

    @property
    def is_draft(self) -> bool:
        return self.sign_off is None

    @property
    def status(self) -> str:
        if self.sign_off:
            return (
                f"Signed off on {self.sign_off.signed_at:%-d %B %Y} by {self.sign_off.signer_name}"
            )
        return "Draft: not signed off"

    def label_of(self, evidence_id: int) -> str:
        return next((i.label for i in self.evidence if i.evidence.id == evidence_id), "")

    def mark(self, row: CriterionRow, item: EvidenceItem) -> str:
        """What the coverage matrix shows where a criterion meets an evidence item."""
        mapping = next((m for m in row.mappings if m.evidence_id == item.evidence.id), None)
        if row.judgement and any(e.id == item.evidence.id for e in row.judgement.evidence):
            return "M" if row.judgement.is_met else "N"
        if mapping is None:
            return ""
        if mapping.rejected:
            return "R"
        return "A" if mapping.decision else "•"


def gather(enrolment: Enrolment) -> PortfolioContents:
    current = state.current_judgements(enrolment)
    resting = {e.id for j in current.values() for e in j.evidence}
    evidence = db.session.scalars(
        select(Evidence)
        .where(
            Evidence.enrolment_id == enrolment.id,
            (Evidence.status == EvidenceStatus.SUBMITTED) | Evidence.id.in_(resting),
        )
        .options(
            selectinload(Evidence.files),
            selectinload(Evidence.mappings).selectinload(Mapping.decision),
            selectinload(Evidence.review),
            selectinload(Evidence.recorded_by),
        )
        .order_by(Evidence.activity_date, Evidence.id)
    ).all()
    items = [EvidenceItem(n, e) for n, e in enumerate(evidence, start=1)]
    history = db.session.scalars(
        select(Judgement)
        .where(Judgement.enrolment_id == enrolment.id)
        .order_by(Judgement.id.desc())
        .options(selectinload(Judgement.evidence), selectinload(Judgement.assessor))
    ).all()
    rows = []
    for criterion in enrolment.standard.criteria:
        rows.append(
            CriterionRow(
                criterion,
                current.get(criterion.id),
                [m for e in evidence for m in e.mappings if m.criterion_id == criterion.id],
                [j for j in history if j.criterion_id == criterion.id],
            )
        )
    audit = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.subject_id == enrolment.learner_id,
            AuditEntry.provider_id == enrolment.cohort.provider_id,
            or_(*(AuditEntry.action.startswith(prefix) for prefix in SUMMARISED)),
        )
        .order_by(AuditEntry.id)
        .options(selectinload(AuditEntry.actor))
    ).all()
    sign_offs = state.sign_offs(enrolment)
    countersignatures = db.session.scalars(
        select(Countersignature)
        .where(Countersignature.sign_off_id.in_([s.id for s in sign_offs]))
        .order_by(Countersignature.id.desc())
        .options(selectinload(Countersignature.iqa))
    ).all()
    return PortfolioContents(
        enrolment,
        items,
        rows,
        sign_offs,
        list(audit),
        utcnow(),
        samples=records.recorded_on(enrolment),
        countersignatures=list(countersignatures),
        blocked=certification.blocked_reasons(enrolment),
    )
