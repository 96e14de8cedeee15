"""The database models, one module per aggregate. Import from here."""

from .audit import AuditEntry
from .evidence import ConsentStatus, Evidence, EvidenceFile, EvidenceStatus, Mapping, Method
from .people import Cohort, Enrolment, OneTimeToken, Provider, Role, SignInAttempt, User, UserRole
from .standards import Criterion, CriterionKind, Standard

__all__ = [
    "AuditEntry",
    "Cohort",
    "ConsentStatus",
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
