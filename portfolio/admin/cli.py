"""People provisioning from the command line: ``users create``. (The demo is in portfolio/demo.)"""

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Provider, Role
from ..services import audit, people
from ..services.passwords import hash_password, password_problem
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
