"""The database models, one module per aggregate. Import from here."""

from .assessment import (
    ASSESSOR_DECLARATION,
    RULE_QUESTIONS,
    RULES_OF_EVIDENCE,
    EvidenceReview,
    FeedbackReply,
    Judgement,
    MappingDecision,
    Outcome,
    SignOff,
)
from .audit import AuditEntry
from .disputes import DisputeOutcome, RecordDispute
from .evidence import (
    ConsentStatus,
    CopyStatus,
    Evidence,
    EvidenceFile,
    EvidenceStatus,
    Mapping,
    Method,
)
from .exports import Export, ExportKind, ExportStatus
from .notifications import Notification
from .people import Cohort, Enrolment, OneTimeToken, Provider, Role, SignInAttempt, User, UserRole
from .quality import (
    AssessorRating,
    AssessorRisk,
    Countersignature,
    EqaGrant,
    SampleItem,
    SampleKind,
    SampleOutcome,
    SampleStage,
    SamplingStrategy,
    WitnessRequest,
)
from .reports import CohortReport
from .standards import Criterion, CriterionKind, Standard

__all__ = [
    "AssessorRating",
    "AssessorRisk",
    "Countersignature",
    "EqaGrant",
    "SampleItem",
    "SampleKind",
    "SampleOutcome",
    "SampleStage",
    "SamplingStrategy",
    "WitnessRequest",
    "ASSESSOR_DECLARATION",
    "RULES_OF_EVIDENCE",
    "RULE_QUESTIONS",
    "EvidenceReview",
    "Export",
    "ExportKind",
    "ExportStatus",
    "FeedbackReply",
    "Judgement",
    "MappingDecision",
    "Notification",
    "Outcome",
    "SignOff",
    "AuditEntry",
    "DisputeOutcome",
    "RecordDispute",
    "Cohort",
    "CohortReport",
    "ConsentStatus",
    "CopyStatus",
    "Criterion",
    "CriterionKind",
    "Enrolment",
    "Evidence",
    "EvidenceFile",
    "EvidenceStatus",
    "Mapping",
    "Method",
    "OneTimeToken",
    "Provider",
    "Role",
    "SignInAttempt",
    "Standard",
    "User",
    "UserRole",
]
