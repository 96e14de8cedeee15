"""``flask --app portfolio signoff verify <learner-email>``: does each sign-off, and the IQA's
countersignature of it, still match the records it was made from?"""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Enrolment, SignOff, User

signoff_group = click.Group("signoff", help="Check sign-offs against the live records.")


@signoff_group.command("verify")
@click.argument("email")
@with_appcontext
def verify_command(email):
    """Rebuild the canonical document of each sign-off in force for this learner, and of its
    countersignature when there is one, from the live records and compare each with the stored
    one and its SHA-256. Exit 1 if anything differs."""
    from ..services.assessment.signing import verify
    from ..services.quality import countersigning

    learner = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if learner is None:
        raise click.ClickException(f"Nobody has the email address {email}.")
    sign_offs = db.session.scalars(
        select(SignOff)
        .join(SignOff.enrolment)
        .where(Enrolment.learner_id == learner.id, SignOff.voided_at.is_(None))
        .order_by(SignOff.id)
    ).all()
    if not sign_offs:
        raise click.ClickException(f"{learner.name} has no unit signed off (none in force).")
    failed = False
    for sign_off in sign_offs:
        result = verify(sign_off)
        what = (
            f"{learner.name}: {sign_off.enrolment.standard.title} (cohort "
            f"{sign_off.enrolment.cohort.name}), signed off {sign_off.signed_at:%Y-%m-%d %H:%M} "
            f"UTC by {sign_off.signer_name}"
        )
        failed |= not _report(what, sign_off.sha256, result)
        countersignature = countersigning.in_force(sign_off)
        if countersignature is not None:
            what = (
                f"{learner.name}: countersignature of that sign-off, "
                f"{countersignature.signed_at:%Y-%m-%d %H:%M} UTC by {countersignature.typed_name}"
            )
            checked = countersigning.verify(countersignature)
            failed |= not _report(what, countersignature.sha256, checked)
    if failed:
        raise SystemExit(1)


def _report(what: str, sha256: str, result) -> bool:
    """Print MATCHES or CHANGED with what differs; say whether it matched."""
    if result.ok:
        click.echo(f"MATCHES  {what}\n         SHA-256 {sha256}")
        return True
    click.echo(f"CHANGED  {what}\n         stored SHA-256 {sha256}", err=True)
    if not result.document_intact:
        click.echo("         the stored document no longer hashes to the stored SHA-256", err=True)
    for difference in result.differences:
        click.echo(f"         {difference}", err=True)
    return False
