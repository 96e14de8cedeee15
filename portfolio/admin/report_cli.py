"""``flask --app portfolio report COHORT --format csv|xlsx|pdf -o FILE``: a cohort's figures
as on the provider dashboard, written to a file (``-`` for standard output)."""

import shutil

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Cohort, Provider
from ..services.reports import exports
from ..services.reports.figures import DashboardQuery


def _cohort(name: str, provider_name: str | None) -> Cohort:
    query = select(Cohort).join(Cohort.provider).where(Cohort.name == name.strip())
    if provider_name:
        query = query.where(Provider.name == provider_name.strip())
    found = db.session.scalars(query.order_by(Cohort.id)).all()
    if not found:
        at = f" at {provider_name}" if provider_name else ""
        raise click.ClickException(
            f"No cohort is called “{name}”{at}. Check the name on the provider dashboard."
        )
    if len(found) > 1:
        providers = ", ".join(c.provider.name for c in found)
        raise click.ClickException(
            f"Several providers have a cohort called “{name}” ({providers}): add --provider NAME."
        )
    return found[0]


@click.command("report")
@click.argument("cohort_name", metavar="COHORT")
@click.option(
    "--format",
    "extension",
    type=click.Choice(list(exports.FORMATS)),
    default="csv",
    show_default=True,
    help="CSV (UTF-8 with a byte-order mark), Excel workbook, or the PDF cohort report.",
)
@click.option(
    "-o", "--output", required=True, metavar="FILE", help="Where to write it; - for stdout."
)
@click.option("--provider", "provider_name", help="The provider, if several have the cohort.")
@with_appcontext
def report_command(cohort_name, extension, output, provider_name):
    """Write COHORT's learners and figures, as the provider dashboard shows them."""
    cohort = _cohort(cohort_name, provider_name)
    query = DashboardQuery(cohort_id=cohort.id)
    found = exports.gather(cohort.provider, query, summaries=extension != "csv")
    exports.record(found, extension, command="report")
    db.session.commit()
    with click.open_file(output, "wb", atomic=output != "-") as out:
        if extension == "csv":
            for chunk in exports.csv_chunks(found.rows):
                out.write(chunk)
        elif extension == "xlsx":
            with exports.xlsx_file(found) as workbook:
                shutil.copyfileobj(workbook, out, exports.CHUNK_BYTES)
        else:
            out.write(exports.pdf_report(found))
    if output != "-":
        learners = len(found.rows)
        click.echo(
            f"Wrote {output}: {cohort.name} at {cohort.provider.name}, {learners:,} "
            f"learner{'' if learners == 1 else 's'} ({exports.FORMATS[extension][1]})."
        )
