"""``flask --app portfolio pdf|archive|verify``: the portfolio PDF and the archive bundle from
the command line, and checking either as an awarding body would."""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Enrolment, User


def _enrolment(email: str, cohort: str | None) -> Enrolment:
    from ..models import Cohort

    learner = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if learner is None:
        raise click.ClickException(f"Nobody has the email address {email}.")
    query = select(Enrolment).join(Enrolment.cohort).where(Enrolment.learner_id == learner.id)
    if cohort:
        query = query.where(Cohort.name == cohort)
    enrolments = db.session.scalars(query).all()
    if not enrolments:
        raise click.ClickException(
            f"{learner.name} is not enrolled on any cohort{' of that name' if cohort else ''}."
        )
    if len(enrolments) > 1:
        names = ", ".join(e.cohort.name for e in enrolments)
        raise click.ClickException(
            f"{learner.name} is on several cohorts ({names}): pass --cohort NAME."
        )
    return enrolments[0]


def _progress(percent: int, stage: str) -> None:
    click.echo(f"{percent:3d}%  {stage}", err=True)


@click.command("pdf")
@click.argument("email")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--cohort", help="Which cohort, when the learner is on several.")
@with_appcontext
def pdf_command(email, output, cohort):
    """Write LEARNER's signed portfolio PDF to FILE."""
    from ..services.export import portfolio_pdf

    made = portfolio_pdf.make(_enrolment(email, cohort), _progress)
    output.write_bytes(made.pdf)
    click.echo(f"Wrote {output}: {made.pages} pages, {len(made.pdf):,} bytes.")


@click.command("archive")
@click.argument("email")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--cohort", help="Which cohort, when the learner is on several.")
@with_appcontext
def archive_command(email, output, cohort):
    """Write LEARNER's archive bundle (signed PDF, evidence files, manifest) to FILE.zip."""
    from ..services.export import bundle

    temporary = output.with_name(output.name + ".part")
    try:
        with temporary.open("wb") as handle:
            manifest = bundle.write(_enrolment(email, cohort), handle, _progress)
        temporary.replace(output)
    finally:
        temporary.unlink(missing_ok=True)
    click.echo(f"Wrote {output}: {len(manifest['files'])} evidence files and the signed PDF.")


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--certificate",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The provider's signing certificate (PEM) to trust; default: this site's own.",
)
@with_appcontext
def verify_command(file, certificate):
    """Check a portfolio PDF or archive bundle; exit 1 saying what fails."""
    from ..pdf import signature
    from ..services.export.verify import verify

    trusted = certificate.read_bytes() if certificate else signature.certificate_pem()
    report = verify(file, trusted)
    for line in report.passed:
        click.echo(f"ok      {line}")
    for line in report.failed:
        click.echo(f"FAILED  {line}", err=True)
    if not report.ok:
        raise SystemExit(1)
    click.echo(f"{file} verifies.")
