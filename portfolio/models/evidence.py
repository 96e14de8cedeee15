"""Evidence a learner gathers, its files, and its mappings to criteria.

A submitted version is frozen. A correction is a new ``Evidence`` row (``version`` + 1) whose
``previous`` points at the frozen one, so the history stays readable.
"""

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, str_enum, utcnow


class Method(enum.StrEnum):
    OBSERVATION = "observation"
    PRODUCT = "product"
    WITNESS_TESTIMONY = "witness_testimony"
    PROFESSIONAL_DISCUSSION = "professional_discussion"
    QUESTIONING = "questioning"
    REFLECTIVE_ACCOUNT = "reflective_account"
    RECOGNITION_OF_PRIOR_LEARNING = "recognition_of_prior_learning"

    @property
    def label(self) -> str:
        return {
            "observation": "Observation",
            "product": "Product (work produced)",
            "witness_testimony": "Witness testimony",
            "professional_discussion": "Professional discussion",
            "questioning": "Questioning",
            "reflective_account": "Reflective account",
            "recognition_of_prior_learning": "Recognition of prior learning",
        }[self.value]


class ConsentStatus(enum.StrEnum):
    NO_PEOPLE = "no_people"
    OBTAINED = "obtained"
    NOT_OBTAINED = "not_obtained"

    @property
    def label(self) -> str:
        return {
            "no_people": "No identifiable people are shown",
            "obtained": "Identifiable people are shown and consent was obtained",
            "not_obtained": "Identifiable people are shown and consent was not obtained",
        }[self.value]


class EvidenceStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SUPERSEDED = "superseded"


class Evidence(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    #: unique: a version has at most one next version, so two clicks on "Make a new version"
    #: cannot fork the history (services/evidence.py revise)
    previous_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence.id"), default=None, index=True, unique=True
    )
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[EvidenceStatus] = mapped_column(
        str_enum(EvidenceStatus), default=EvidenceStatus.DRAFT
    )
    title: Mapped[str] = mapped_column(String(200))
    activity_date: Mapped[date] = mapped_column(Date)
    method: Mapped[Method] = mapped_column(str_enum(Method))
    account_md: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    declaration_name: Mapped[str] = mapped_column(String(200), default="")
    declaration_text: Mapped[str] = mapped_column(Text, default="")
    #: assessor-led evidence (an observation, professional discussion or questioning record):
    #: the assessor who recorded it, where or in what context, and the learner's agreement
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)
    context: Mapped[str] = mapped_column(String(500), default="", server_default="")
    learner_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: witness testimony given through a request's link (models/quality.py WitnessRequest)
    witness_request_id: Mapped[int | None] = mapped_column(
        ForeignKey("witness_request.id", use_alter=True), default=None
    )

    enrolment = relationship("Enrolment")
    previous: Mapped["Evidence | None"] = relationship(remote_side=[id])
    files: Mapped[list["EvidenceFile"]] = relationship(
        back_populates="evidence", order_by="EvidenceFile.id", cascade="all, delete-orphan"
    )
    mappings: Mapped[list["Mapping"]] = relationship(
        back_populates="evidence", cascade="all, delete-orphan"
    )
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    review = relationship("EvidenceReview", back_populates="evidence", uselist=False)
    #: a learner's disagreements with an assessor's record, oldest first (models/disputes.py)
    disputes = relationship(
        "RecordDispute",
        back_populates="evidence",
        foreign_keys="RecordDispute.evidence_id",
        order_by="RecordDispute.id",
    )

    @property
    def author_id(self) -> int:
        """Whose draft this is: the assessor who recorded it, or the learner."""
        return self.recorded_by_id or self.enrolment.learner_id

    @property
    def is_assessor_led(self) -> bool:
        return self.recorded_by_id is not None

    @property
    def awaits_learner_confirmation(self) -> bool:
        return self.is_assessor_led and not self.is_draft and self.learner_confirmed_at is None

    @property
    def open_dispute(self):
        """The learner's disagreement the assessor has still to amend or answer, if any."""
        return next((d for d in self.disputes if d.is_open), None)

    @property
    def is_draft(self) -> bool:
        return self.status == EvidenceStatus.DRAFT

    @property
    def consent_summary(self) -> ConsentStatus | None:
        """What the files say about the people they show, taken together (None without files):
        one file without consent is enough for the evidence to be without consent."""
        answers = {file.consent for file in self.files}
        for answer in (ConsentStatus.NOT_OBTAINED, ConsentStatus.OBTAINED, ConsentStatus.NO_PEOPLE):
            if answer in answers:
                return answer
        return None

    @property
    def files_without_consent(self) -> list["EvidenceFile"]:
        """Files showing identifiable people who did not consent: these block submission."""
        return [file for file in self.files if file.consent == ConsentStatus.NOT_OBTAINED]

    @property
    def versions(self) -> list["Evidence"]:
        """This version and every earlier one, newest first."""
        chain, current = [], self
        while current is not None:
            chain.append(current)
            current = current.previous
        return chain


class CopyStatus(enum.StrEnum):
    """How far the worker has got with a file's copies without metadata (services/copies.py)."""

    NOT_NEEDED = "not_needed"  # documents and PDFs: everyone receives them as uploaded
    PENDING = "pending"  # stored, waiting for a worker
    RUNNING = "running"  # a worker holds the lease until ``copy_lease_until``
    READY = "ready"
    FAILED = "failed"  # ``copy_problem`` says why, in words for the learner


class EvidenceFile(db.Model):
    """A file attached to one evidence version. Bytes live in storage under ``stored_name``."""

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), index=True)
    original_name: Mapped[str] = mapped_column(String(255))  # for display only
    stored_name: Mapped[str] = mapped_column(String(128))  # random; the storage key
    content_type: Mapped[str] = mapped_column(String(128))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    #: asked for each batch of files at upload; a draft's learner may change it
    consent: Mapped[ConsentStatus] = mapped_column(str_enum(ConsentStatus))
    #: display-sized image derivative (EXIF-oriented, metadata stripped), if any
    derivative_name: Mapped[str | None] = mapped_column(String(128), default=None)
    derivative_width: Mapped[int | None] = mapped_column(default=None)
    derivative_height: Mapped[int | None] = mapped_column(default=None)
    #: photos only: the full-resolution copy without metadata that everyone but the learner
    #: downloads (services/images.py); its type differs from the original's for HEIC (JPEG)
    shared_name: Mapped[str | None] = mapped_column(String(128), default=None)
    shared_content_type: Mapped[str | None] = mapped_column(String(128), default=None)
    shared_size: Mapped[int | None] = mapped_column(BigInteger, default=None)
    #: SHA-256 of the shared copy, noted the first time a manifest lists it
    shared_sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    #: photos only: a print-sized JPEG (long side about 1600 px, no metadata) made at upload,
    #: which the portfolio PDF embeds instead of the full-size photo
    print_name: Mapped[str | None] = mapped_column(String(128), default=None)
    print_width: Mapped[int | None] = mapped_column(default=None)
    print_height: Mapped[int | None] = mapped_column(default=None)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: photos, video and audio get their copies on a worker after the upload has answered
    copy_status: Mapped[CopyStatus] = mapped_column(
        str_enum(CopyStatus), default=CopyStatus.NOT_NEEDED
    )
    #: a pending copy is queued again after this; a running one is taken over by another worker
    copy_lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    #: how many times a worker has started the copies: the number a worker's lease holds
    copy_attempt: Mapped[int] = mapped_column(default=0)
    copy_problem: Mapped[str] = mapped_column(Text, default="")

    evidence: Mapped[Evidence] = relationship(back_populates="files")

    @property
    def copies_waiting(self) -> bool:
        """The copies without metadata are still to be made."""
        return self.copy_status in (CopyStatus.PENDING, CopyStatus.RUNNING)

    @property
    def stored_keys(self) -> list[str]:
        """Every stored file this row uses: the original and any copies of it."""
        keys = (self.stored_name, self.derivative_name, self.shared_name, self.print_name)
        return [k for k in keys if k]

    @property
    def kind(self) -> str:
        """image, audio, video, pdf or document: decides how the page shows it."""
        major = self.content_type.split("/")[0]
        if major in {"image", "audio", "video"}:
            return major
        return "pdf" if self.content_type == "application/pdf" else "document"


class Mapping(db.Model):
    """Evidence claimed against one criterion, with the learner's justification."""

    __table_args__ = (UniqueConstraint("evidence_id", "criterion_id", name="uq_mapping"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), index=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id"), index=True)
    justification: Mapped[str] = mapped_column(Text)

    evidence: Mapped[Evidence] = relationship(back_populates="mappings")
    criterion = relationship("Criterion")
    decision = relationship("MappingDecision", back_populates="mapping", uselist=False)

    @property
    def rejected(self) -> bool:
        return self.decision is not None and not self.decision.accepted
