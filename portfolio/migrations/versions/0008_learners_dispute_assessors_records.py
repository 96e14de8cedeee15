"""learners dispute assessors' records

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('record_dispute',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('evidence_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Enum('amended', 'answered', name='disputeoutcome', native_enum=False, length=32), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.Text(), server_default='', nullable=False),
    sa.Column('amended_by_evidence_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['amended_by_evidence_id'], ['evidence.id'], name=op.f('fk_record_dispute_amended_by_evidence_id_evidence')),
    sa.ForeignKeyConstraint(['evidence_id'], ['evidence.id'], name=op.f('fk_record_dispute_evidence_id_evidence')),
    sa.ForeignKeyConstraint(['learner_id'], ['user.id'], name=op.f('fk_record_dispute_learner_id_user')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['user.id'], name=op.f('fk_record_dispute_resolved_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_dispute'))
    )
    with op.batch_alter_table('record_dispute', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_dispute_evidence_id'), ['evidence_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_record_dispute_learner_id'), ['learner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('record_dispute', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_dispute_learner_id'))
        batch_op.drop_index(batch_op.f('ix_record_dispute_evidence_id'))
    op.drop_table('record_dispute')
