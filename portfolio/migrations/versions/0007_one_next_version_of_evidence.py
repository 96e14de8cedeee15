"""one next version of evidence

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 10:12:40.518224

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # Before this index two clicks on "Make a new version" could start two next versions of the
    # same evidence. Which of them is the learner's is theirs and their assessor's to say, not a
    # migration's, so stop and name them rather than delete or re-link one.
    forks = op.get_bind().execute(sa.text(
        "SELECT previous_id, COUNT(*) FROM evidence WHERE previous_id IS NOT NULL "
        "GROUP BY previous_id HAVING COUNT(*) > 1 ORDER BY previous_id"
    )).all()
    if forks:
        listed = ", ".join(f"evidence {previous_id} ({count} of them)" for previous_id, count in forks)
        raise RuntimeError(
            "Some evidence has more than one next version, so the rule that a version has at "
            f"most one cannot be added yet: {listed}. For each, agree with the learner which "
            "version they carried on with, delete the other (a draft nobody submitted, as a "
            "rule) with its files and mappings, then run the upgrade again."
        )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_previous_id'), ['previous_id'], unique=True)


def downgrade():
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_previous_id'))
