"""People provisioning commands: ``users create`` and ``demo``."""

import click

users_group = click.Group("users", help="Create and manage people.")


@click.command("demo")
def demo_command():
    """Create the demo provider, cohort and people (idempotent) and print their sign-in details."""
    raise click.ClickException("Not built yet: see issue 4.")
