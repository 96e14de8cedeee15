"""``flask --app portfolio demo``: the demo providers, people and portfolios."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Standard
from . import people, portfolios


@click.command("demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only on a fresh database (no people yet) or one that already holds the demo; "
    "`make run` uses this to offer the demo without touching a real site.",
)
@with_appcontext
def demo_command(if_empty):
    """Create the demo providers, cohorts, people and portfolios, and print sign-in details.

    Idempotent: a second run changes nothing and prints the same lines, one person a line:
    ``role email password``. The passwords are fixed and public: demo data only, never on a
    site that holds real people's data.
    """
    if if_empty and people.holds_other_people():
        click.echo("People already use this database: no demo data added (`flask demo` adds it).")
        return
    standard = db.session.scalars(select(Standard).order_by(Standard.id)).first()
    if standard is None:
        raise click.ClickException(
            "No standard is loaded yet. Run `flask --app portfolio upgrade` first: it loads "
            "the standards in criteria/."
        )
    for site in people.PROVIDERS:
        portfolios.build(people.set_up(site, standard))
    for person in people.everyone():
        click.echo(f"{person.role.value} {person.email} {person.password}")
