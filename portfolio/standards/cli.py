"""``flask --app portfolio standards import|list|show``."""

import click

standards_group = click.Group("standards", help="Import, list and show standards.")
