"""The demo's providers, their people and cohorts, made through the same services as a real
site's (so each step has its audit entry), and found again on a second run."""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from ..admin.cli import SET_AT_COMMAND_LINE
from ..extensions import db
from ..models import Cohort, Enrolment, Role, Standard, User
from ..services import audit, cohorts, enrolments, people
from ..services.evidence import today
from ..services.passwords import check_password, hash_password


@dataclass(frozen=True)
class DemoPerson:
    role: Role
    email: str
    name: str
    #: fixed so every run prints the same; demo only, never on a real site
    password: str
    #: how far a learner's portfolio has got (``portfolios.STAGES``)
    stage: str | None = None


@dataclass(frozen=True)
class DemoProvider:
    name: str
    cohort: str
    people: tuple[DemoPerson, ...]

    def first(self, role: Role) -> DemoPerson | None:
        return next((p for p in self.people if p.role == role), None)


DEMO_PROVIDER = DemoProvider(
    "Demo Training Provider",
    "Demo cohort",
    (
        DemoPerson(
            Role.ADMIN, "admin@demo.example.org", "Ada Administrator", "demo-admin-password"
        ),
        DemoPerson(
            Role.ASSESSOR, "assessor@demo.example.org", "Sam Assessor", "demo-assessor-password"
        ),
        DemoPerson(Role.IQA, "iqa@demo.example.org", "Indira Quality", "demo-iqa-password"),
        DemoPerson(
            Role.LEARNER,
            "learner1@demo.example.org",
            "Lee Learner",
            "demo-learner-password",
            "just_started",
        ),
        DemoPerson(
            Role.LEARNER,
            "learner2@demo.example.org",
            "Leah Learner",
            "demo-learner-password",
            "mid_way",
        ),
        DemoPerson(
            Role.LEARNER,
            "learner3@demo.example.org",
            "Luis Learner",
            "demo-learner-password",
            "signed_off",
        ),
    ),
)
#: a second, smaller provider, so anyone can check that providers never see each other's people
NORTHERN_PROVIDER = DemoProvider(
    "Northern Arts Training",
    "Community arts cohort",
    (
        DemoPerson(
            Role.ADMIN, "admin@northern.example.org", "Nia Administrator", "northern-admin-password"
        ),
        DemoPerson(
            Role.ASSESSOR,
            "assessor@northern.example.org",
            "Ned Assessor",
            "northern-assessor-password",
        ),
        DemoPerson(
            Role.LEARNER,
            "learner@northern.example.org",
            "Nell Learner",
            "northern-learner-password",
            "first_submission",
        ),
    ),
)
PROVIDERS = (DEMO_PROVIDER, NORTHERN_PROVIDER)
#: how long ago the demo cohorts started, so their evidence can date from weeks back
COHORT_STARTED_WEEKS_AGO = 20


def everyone() -> list[DemoPerson]:
    return [person for provider in PROVIDERS for person in provider.people]


def holds_other_people() -> bool:
    """Whether anyone but the demo's people uses this database."""
    emails = [person.email for person in everyone()]
    return db.session.scalar(select(User.id).where(User.email.not_in(emails)).limit(1)) is not None


@dataclass
class Cast:
    """One demo provider's people and enrolments as they are in the database."""

    site: DemoProvider
    people: dict[str, User] = field(default_factory=dict)
    enrolments: dict[str, Enrolment] = field(default_factory=dict)

    def user(self, person: DemoPerson) -> User:
        return self.people[person.email]


def set_up(site: DemoProvider, standard: Standard) -> Cast:
    """The provider, its cohort on ``standard``, its people with their printed passwords, and
    each learner enrolled with the provider's assessor and IQA; whatever already exists is kept."""
    provider = people.provider_named(site.name, create=True)
    cohort = db.session.scalar(
        select(Cohort).where(Cohort.provider_id == provider.id, Cohort.name == site.cohort)
    )
    if cohort is None:
        start = today() - timedelta(weeks=COHORT_STARTED_WEEKS_AGO)
        cohort = cohorts.create_cohort(
            provider, site.cohort, standard, start, start + timedelta(days=365)
        )
    cast = Cast(site)
    for person in site.people:
        cast.people[person.email] = _person(provider, person)
    db.session.commit()
    assessor, iqa = (site.first(role) for role in (Role.ASSESSOR, Role.IQA))
    for person in site.people:
        if person.role != Role.LEARNER:
            continue
        enrolment = db.session.scalar(
            select(Enrolment).where(
                Enrolment.cohort_id == cohort.id, Enrolment.learner.has(email=person.email)
            )
        )
        if enrolment is None:
            enrolment = enrolments.enrol(
                cohort,
                person.name,
                person.email,
                assessor=cast.user(assessor) if assessor else None,
                iqa=cast.user(iqa) if iqa else None,
            ).enrolment
        cast.enrolments[person.email] = enrolment
    return cast


def _person(provider, person: DemoPerson) -> User:
    user = people.find_by_email(person.email)
    if user is None:
        user = people.add_person(provider, person.name, person.email, {person.role})
    if not check_password(user.password_hash, person.password):
        # A new demo person, or one whose password was changed: put the printed one back.
        user.password_hash = hash_password(person.password)
        audit.record(
            SET_AT_COMMAND_LINE,
            user,
            provider_id=provider.id,
            command="demo",
            reason="the demo password is printed for anyone to use",
        )
    return user
