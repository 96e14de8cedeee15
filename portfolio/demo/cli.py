"""``flask --app portfolio demo``: the demo providers, people and portfolios; with
``--learners N``, a provider at benchmark scale instead (``scale``)."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Standard
from . import people, portfolios, scale


@click.command("demo")
@click.option(
    "--if-empty",
    is_flag=True,
    help="Only on a fresh database (no people yet) or one that already holds the demo; "
    "`make run` uses this to offer the demo without touching a real site.",
)
@click.option(
    "--learners",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Instead of the demo, add 'Scale Test Provider' with N learners at every stage "
    "(about 50 evidence items and 150 mappings each), for benchmarks. Once per database.",
)
@with_appcontext
def demo_command(if_empty, learners):
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
    if learners is not None:
        _scale(standard, learners)
        return
    for site in people.PROVIDERS:
        portfolios.build(people.set_up(site, standard))
    for person in people.everyone():
        click.echo(f"{person.role.value} {person.email} {person.password}")


def _scale(standard, learners: int) -> None:
    click.echo(f"Adding {scale.PROVIDER_NAME} with {learners:,} learners...")
    try:
        summary = scale.add(standard, learners, echo=click.echo)
    except scale.ScaleDataExists as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    rows = summary.rows
    click.echo(
        f"{scale.PROVIDER_NAME}: {summary.learners:,} learners in {len(summary.cohorts)} "
        f"cohorts, {summary.assessors} assessors, {summary.iqas} IQAs; "
        f"{rows['evidence']:,} evidence items, {rows['mapping']:,} mappings, "
        f"{rows['judgement']:,} judgements, {summary.sign_offs:,} sign-offs"
    )
    stages = [f"{summary.stages[s]:,} {s.replace('_', ' ')}" for s in scale.scale_plan.PROFILES]
    click.echo("Stages: " + ", ".join(stages))
    click.echo(
        "Took " + ", ".join(f"{what} {seconds:.1f} s" for what, seconds in summary.seconds.items())
    )
    for role, email, stage in summary.people:
        stage = f" ({stage.replace('_', ' ')})" if stage else ""
        click.echo(f"{role} {email} {scale.PASSWORD}{stage}")
