"""People provisioning commands: ``users create`` and ``demo``."""

import sys
from datetime import date, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Cohort, Enrolment, Provider, Role, Standard, User
from ..services import audit, people
from ..services.passwords import check_password, hash_password, password_problem
from ..services.problems import Problem

users_group = click.Group("users", help="Create and manage people.")

#: The audit event for a password typed at (or reset by) the command line, not from a link.
SET_AT_COMMAND_LINE = "password_set_at_command_line"


def _at_terminal() -> bool:
    return sys.stdin.isatty()


def _read_password() -> str:
    if _at_terminal():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _provider(name: str | None) -> Provider:
    if name:
        try:
            return people.provider_named(name, create=True)
        except Problem as error:
            raise click.UsageError(error.message) from error
    providers = db.session.scalars(select(Provider)).all()
    if len(providers) == 1:
        return providers[0]
    if not providers:
        raise click.UsageError("There is no provider yet: pass --provider NAME to create one.")
    raise click.UsageError("There are several providers: pass --provider NAME to choose one.")


@users_group.command("create")
@click.option("--email", required=True, help="The address they sign in with.")
@click.option("--name", required=True, help="Their full name.")
@click.option(
    "--role",
    "roles",
    required=True,
    multiple=True,
    type=click.Choice([role.value for role in Role]),
    help="A role; repeat for several.",
)
@click.option("--provider", "provider_name", help="Their organisation (created if new).")
@with_appcontext
def create_user(email, name, roles, provider_name):
    """Create a person with a password (prompted, or read from stdin when piped)."""
    provider = _provider(provider_name)
    password = _read_password()
    problem = password_problem(password)
    if problem:
        raise click.UsageError(problem)
    try:
        person = people.add_person(provider, name, email, roles)
    except Problem as error:
        db.session.rollback()
        raise click.UsageError(error.message) from error
    person.password_hash = hash_password(password)
    audit.record(SET_AT_COMMAND_LINE, person, provider_id=provider.id, command="users create")
    db.session.commit()
    click.echo(f"Created {person.email} at {provider.name} with roles {', '.join(roles)}.")


DEMO_PROVIDER = "Demo Training Provider"
DEMO_COHORT = "Demo cohort"
#: Demo sign-in details, fixed so every run prints the same. Demo only: never use on a real site.
DEMO_PEOPLE = [
    ("admin", "admin@demo.example.org", "Ada Administrator", "demo-admin-password"),
    ("assessor", "assessor@demo.example.org", "Sam Assessor", "demo-assessor-password"),
    ("iqa", "iqa@demo.example.org", "Indira Quality", "demo-iqa-password"),
    ("learner", "learner1@demo.example.org", "Lee Learner", "demo-learner-password"),
    ("learner", "learner2@demo.example.org", "Leah Learner", "demo-learner-password"),
    ("learner", "learner3@demo.example.org", "Luis Learner", "demo-learner-password"),
]


def _demo_person(provider, role, email, name, password):
    person = people.find_by_email(email)
    if person is None:
        person = people.new_user(provider, name, email, {role})
        audit.record("person_added", person, provider_id=provider.id, email=email, roles=[role])
    if not check_password(person.password_hash, password):
        # A new demo person, or one whose password was changed: put the printed one back.
        person.password_hash = hash_password(password)
        audit.record(
            SET_AT_COMMAND_LINE,
            person,
            provider_id=provider.id,
            command="demo",
            reason="the demo password is printed for anyone to use",
        )
    return person


def _holds_other_people() -> bool:
    demo_emails = [row[1] for row in DEMO_PEOPLE]
    return (
        db.session.scalar(select(User.id).where(User.email.not_in(demo_emails)).limit(1))
        is not None
    )


@click.command("demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only on a fresh database (no people yet) or one that already holds the demo; "
    "`make run` uses this to offer the demo without touching a real site.",
)
@with_appcontext
def demo_command(if_empty):
    """Create the demo provider, cohort and people, and print their sign-in details.

    Idempotent: a second run changes nothing and prints the same lines, one person a line:
    ``role email password``. The passwords are fixed and public: demo data only, never on a
    site that holds real people's data.
    """
    if if_empty and _holds_other_people():
        click.echo("People already use this database: no demo data added (`flask demo` adds it).")
        return
    standard = db.session.scalars(select(Standard).order_by(Standard.id)).first()
    if standard is None:
        raise click.ClickException(
            "No standard is loaded yet. Run `flask --app portfolio upgrade` first: it loads "
            "the standards in criteria/."
        )
    provider = people.provider_named(DEMO_PROVIDER, create=True)
    cohort = db.session.scalar(
        select(Cohort).where(Cohort.provider_id == provider.id, Cohort.name == DEMO_COHORT)
    )
    if cohort is None:
        today = date.today()
        cohort = Cohort(
            provider=provider,
            name=DEMO_COHORT,
            standard=standard,
            start_date=today,
            planned_end_date=today + timedelta(days=365),
        )
        db.session.add(cohort)
        db.session.flush()
        audit.record("cohort_created", cohort, provider_id=provider.id, name=DEMO_COHORT)
    persons = [_demo_person(provider, *row) for row in DEMO_PEOPLE]
    assessor, iqa = persons[1], persons[2]
    for learner in persons[3:]:
        enrolled = db.session.scalar(
            select(Enrolment).where(
                Enrolment.cohort_id == cohort.id, Enrolment.learner_id == learner.id
            )
        )
        if enrolled is None:
            enrolment = Enrolment(cohort=cohort, learner=learner, assessor=assessor, iqa=iqa)
            db.session.add(enrolment)
            db.session.flush()
            audit.record(
                "enrolment_created", enrolment, provider_id=provider.id, learner=learner.email
            )
    db.session.commit()
    for role, email, _name, password in DEMO_PEOPLE:
        click.echo(f"{role} {email} {password}")
