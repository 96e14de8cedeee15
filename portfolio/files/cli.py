"""``flask files ...``: housekeeping for stored evidence files."""

import click

from ..services.evidence_files import make_missing_copies
from ..storage import get_storage
from .views import bp


@bp.cli.command("clean-staging")
@click.option("--hours", default=24, show_default=True, help="Remove parts older than this.")
def clean_staging(hours):
    """Remove partial uploads a crashed worker left behind."""
    removed = get_storage().remove_stale_staging(hours * 3600)
    click.echo(f"Removed {removed} partial upload(s) older than {hours} hours.")


@bp.cli.command("make-copies")
def make_copies():
    """Give photos, video and audio uploaded before this version the copies they lack."""
    done, problems = make_missing_copies()
    click.echo(f"Made copies of {done} file(s).")
    for problem in problems:
        click.echo(f"Not done: {problem}", err=True)
