"""Command-line interface: ``flask --app portfolio <command>``."""

import click
from flask.cli import with_appcontext


@click.command("upgrade")
@with_appcontext
def upgrade_command():
    """Create or migrate the database, then load every standard in criteria/. Idempotent."""
    from flask_migrate import upgrade

    from .standards.loader import StandardFileError, load_directory

    upgrade()
    try:
        lines = load_directory()
    except StandardFileError as error:
        raise click.ClickException(str(error)) from error
    for line in lines:
        click.echo(line)


@click.group("audit")
def audit_group():
    """Check the audit trail."""


@audit_group.command("verify")
@with_appcontext
def audit_verify():
    """Check that no audit entry was changed, removed or inserted behind the app's back.

    Needs the same AUDIT_KEY (or, without it, SECRET_KEY) as the application that wrote them.
    """
    from .services.audit_chain import verify

    result = verify()
    if result.ok:
        click.echo(f"Audit trail intact: {result.checked} entries checked.")
        return
    if result.first_bad_id is None:
        click.echo(
            f"Audit trail broken: {result.reason} ({result.checked} entries checked are intact).",
            err=True,
        )
    else:
        click.echo(
            f"Audit trail broken at entry {result.first_bad_id}: {result.reason} "
            f"({result.checked} entries before it are intact).",
            err=True,
        )
    raise SystemExit(1)


def init_app(app):
    from .admin.cli import users_group
    from .admin.report_cli import report_command
    from .assessor.cli import signoff_group
    from .demo.cli import demo_command
    from .exports.cli import archive_command, pdf_command, verify_command
    from .standards.cli import standards_group

    commands = (
        upgrade_command,
        audit_group,
        standards_group,
        users_group,
        demo_command,
        signoff_group,
        pdf_command,
        archive_command,
        verify_command,
        report_command,
    )
    for command in commands:
        app.cli.add_command(command)
