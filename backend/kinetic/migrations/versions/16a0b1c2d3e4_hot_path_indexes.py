"""indexes for issue 16's hot paths: the newest pain entry, a schedule's answers

The therapist's patient list asks each patient's newest score ordered by
recorded_at, then id. Without id in the index PostgreSQL sorted all of a
patient's entries whenever its statistics were stale. A questionnaire answer
reads its schedule's responses in order, which had no index at all.

Revision ID: 16a0b1c2d3e4
Revises: 14b2d4f6a8c1
Create Date: 2026-11-22 10:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '16a0b1c2d3e4'
down_revision = '14b2d4f6a8c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pain_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_pain_patient_recorded')
        batch_op.create_index(
            'ix_pain_patient_recorded', ['patient_id', 'recorded_at', 'id'], unique=False
        )
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.create_index(
            'ix_responses_schedule', ['schedule_id', 'answered_at', 'id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('questionnaire_responses', schema=None) as batch_op:
        batch_op.drop_index('ix_responses_schedule')
    with op.batch_alter_table('pain_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_pain_patient_recorded')
        batch_op.create_index(
            'ix_pain_patient_recorded', ['patient_id', 'recorded_at'], unique=False
        )
