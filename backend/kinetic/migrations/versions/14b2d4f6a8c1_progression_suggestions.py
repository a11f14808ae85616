"""progression: a plan's mode and the suggestions of progression.yaml (issue 14)

Revision ID: 14b2d4f6a8c1
Revises: 14a1c0e5d7b2
Create Date: 2026-11-22 07:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '14b2d4f6a8c1'
down_revision = '14a1c0e5d7b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.add_column(sa.Column(
            'progression', sa.String(length=8), server_default='suggest',
            nullable=False,
        ))
    op.create_table('progression_suggestions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('patient_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('trigger', sa.String(length=80), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('figures', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('prescription_id', sa.Integer(), nullable=True),
    sa.Column('previous_prescription_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['patient_id'], ['users.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['prescription_id'], ['prescriptions.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['previous_prescription_id'], ['prescriptions.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assignment_id', 'trigger')
    )
    with op.batch_alter_table('progression_suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_suggestions_assignment_status', ['assignment_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_progression_suggestions_patient_id'), ['patient_id'], unique=False)


def downgrade():
    with op.batch_alter_table('progression_suggestions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progression_suggestions_patient_id'))
        batch_op.drop_index('ix_suggestions_assignment_status')
    op.drop_table('progression_suggestions')
    with op.batch_alter_table('assignments', schema=None) as batch_op:
        batch_op.drop_column('progression')
