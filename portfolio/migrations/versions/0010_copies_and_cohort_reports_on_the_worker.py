"""copies of photos and recordings, and cohort PDF reports, made on the worker

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-12 09:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

#: the types that get copies without metadata (services/images.py, services/media_metadata.py)
COPIED_TYPES = (
    'image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/heic',
    'video/mp4', 'video/quicktime', 'video/webm', 'audio/mp4', 'audio/3gpp', 'audio/aac',
    'audio/mpeg', 'audio/wav', 'audio/ogg', 'audio/flac',
)


def upgrade():
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copy_status', sa.Enum('not_needed', 'pending', 'running', 'ready', 'failed', name='copystatus', native_enum=False, length=32), nullable=False, server_default='not_needed'))
        batch_op.add_column(sa.Column('copy_lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('copy_attempt', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('copy_problem', sa.Text(), nullable=False, server_default=''))

    # Files with their copies are ready; those of a copied type without them (uploaded before
    # copies existed, or whose copy failed) are queued: the worker's periodic retry makes them.
    types = ', '.join(f"'{t}'" for t in COPIED_TYPES)
    op.execute(
        "UPDATE evidence_file SET copy_status = 'ready' WHERE shared_name IS NOT NULL"
    )
    op.execute(
        "UPDATE evidence_file SET copy_status = 'pending' "
        f"WHERE shared_name IS NULL AND content_type IN ({types})"
    )
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.alter_column('copy_status', server_default=None)
        batch_op.alter_column('copy_attempt', server_default=None)
        batch_op.alter_column('copy_problem', server_default=None)

    op.create_table('cohort_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.Enum('queued', 'running', 'done', 'failed', name='exportstatus', native_enum=False, length=32), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=200), nullable=False),
    sa.Column('storage_key', sa.String(length=128), nullable=True),
    sa.Column('size', sa.BigInteger(), nullable=True),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('learners', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_cohort_report_cohort_id_cohort')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_cohort_report_provider_id_provider')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_cohort_report_requested_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_report'))
    )
    with op.batch_alter_table('cohort_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_report_provider_id'), ['provider_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cohort_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_report_provider_id'))
    op.drop_table('cohort_report')
    with op.batch_alter_table('evidence_file', schema=None) as batch_op:
        batch_op.drop_column('copy_problem')
        batch_op.drop_column('copy_attempt')
        batch_op.drop_column('copy_lease_until')
        batch_op.drop_column('copy_status')
