"""Providers, people and their roles, cohorts and enrolments (a learner's portfolio)."""

import enum
from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, str_enum, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    ASSESSOR = "assessor"
    IQA = "iqa"
    LEARNER = "learner"
    EQA = "eqa"

    @property
    def label(self) -> str:
        return {
            "admin": "Provider administrator",
            "assessor": "Assessor",
            "iqa": "Internal quality assurer",
            "learner": "Learner",
            "eqa": "External quality assurer",
        }[self.value]


class Provider(db.Model):
    """A training provider; its administrators see only its own data."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: "at risk" on the provider dashboard (docs/reports.md): no activity for this many days...
    risk_inactive_days: Mapped[int] = mapped_column(default=30, server_default="30")
    #: ...or criteria met behind the share of the planned time gone by this many points
    risk_behind_points: Mapped[int] = mapped_column(default=25, server_default="25")

    people: Mapped[list["User"]] = relationship(back_populates="provider")
    cohorts: Mapped[list["Cohort"]] = relationship(back_populates="provider")


class User(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Unique Learner Number, 10 digits, learners only
    uln: Mapped[str | None] = mapped_column(String(10), default=None)
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    #: changes when the password changes, so old sessions stop working
    session_token: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    provider: Mapped[Provider] = relationship(back_populates="people")
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @property
    def roles(self) -> set[Role]:
        return {row.role for row in self.role_rows}

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    @property
    def is_active(self) -> bool:  # flask-login asks this
        return self.active

    def get_id(self) -> str:
        # Binding the session to session_token ends other sessions when it changes.
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class UserRole(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "role", name="uq_user_role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[Role] = mapped_column(str_enum(Role))

    user: Mapped[User] = relationship(back_populates="role_rows")


class Cohort(db.Model):
    __table_args__ = (UniqueConstraint("provider_id", "name", name="uq_cohort_provider_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standard.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[date] = mapped_column(Date)
    planned_end_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    provider: Mapped[Provider] = relationship(back_populates="cohorts")
    standard = relationship("Standard")
    enrolments: Mapped[list["Enrolment"]] = relationship(
        back_populates="cohort", order_by="Enrolment.id"
    )


class Enrolment(db.Model):
    """A learner on a cohort: their portfolio against the cohort's standard."""

    __table_args__ = (
        UniqueConstraint("cohort_id", "learner_id", name="uq_enrolment_learner"),
        # An IQA never quality-assures their own assessment decisions, and nobody judges
        # their own portfolio. The services check this first with a clear message.
        CheckConstraint(
            "assessor_id IS NULL OR iqa_id IS NULL OR assessor_id <> iqa_id",
            name="assessor_is_not_iqa",
        ),
        CheckConstraint(
            "(assessor_id IS NULL OR assessor_id <> learner_id) "
            "AND (iqa_id IS NULL OR iqa_id <> learner_id)",
            name="learner_is_not_assessor_or_iqa",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id"), index=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    iqa_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: goes up by one with every assessment event (a submission, a judgement, a sign-off...);
    #: a form carries the number it showed, so a write based on an older page is refused
    #: instead of silently overwriting what happened since (services/assessment/revision.py)
    revision: Mapped[int] = mapped_column(default=0, server_default="0")
    #: a withdrawn learner keeps their portfolio but leaves the "in progress" figures
    withdrawn_on: Mapped[date | None] = mapped_column(Date, default=None)
    withdrawal_reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), default=None)

    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    learner: Mapped[User] = relationship(foreign_keys=[learner_id])
    assessor: Mapped[User | None] = relationship(foreign_keys=[assessor_id])
    iqa: Mapped[User | None] = relationship(foreign_keys=[iqa_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def standard(self):
        return self.cohort.standard


class OneTimeToken(db.Model):
    """An invitation or password-reset link: stored hashed, single use, expiring."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))  # "invitation" or "reset"
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: asked for on the forgotten-password page, not made by an administrator: such a request
    #: never cancels a link an administrator made
    self_service: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship()


class SignInAttempt(db.Model):
    """Failed sign-ins, kept in the database so rate limits hold across worker processes."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
