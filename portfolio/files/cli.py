"""``flask files clean-staging``: remove partial uploads a crashed worker left behind."""

import click

from ..storage import get_storage
from .views import bp


@bp.cli.command("clean-staging")
@click.option("--hours", default=24, show_default=True, help="Remove parts older than this.")
def clean_staging(hours):
    removed = get_storage().remove_stale_staging(hours * 3600)
    click.echo(f"Removed {removed} partial upload(s) older than {hours} hours.")
