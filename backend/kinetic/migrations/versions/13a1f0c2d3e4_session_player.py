"""session player: per-exercise feedback, pain entries linked to a session and
exercise and correctable, exercise_pain alerts open once per exercise and day

Revision ID: 13a1f0c2d3e4
Revises: 15a1c0d3e5f7
Create Date: 2026-11-22 06:40:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '13a1f0c2d3e4'
down_revision = '15a1c0d3e5f7'
branch_labels = None
depends_on = None

OLD = sa.text("status = 'open' AND kind <> 'red_flag'")
NEW = sa.text("status = 'open' AND kind NOT IN ('red_flag', 'exercise_pain')")


def _open_once(batch_op, where):
    batch_op.create_index(
        'uq_alerts_open_kind', ['patient_id', 'kind'], unique=True,
        sqlite_where=where, postgresql_where=where,
    )


def upgrade():
    with op.batch_alter_table('scheduled_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exercise_feedback', sa.JSON(), nullable=True))

    with op.batch_alter_table('pain_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('exercise', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('corrected_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            'fk_pain_entries_session', 'scheduled_sessions',
            ['session_id'], ['id'], ondelete='SET NULL',
        )

    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('uq_alerts_open_kind', sqlite_where=OLD, postgresql_where=OLD)
        _open_once(batch_op, NEW)


def downgrade():
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_index('uq_alerts_open_kind', sqlite_where=NEW, postgresql_where=NEW)
        _open_once(batch_op, OLD)

    with op.batch_alter_table('pain_entries', schema=None) as batch_op:
        batch_op.drop_constraint(
            'fk_pain_entries_session', type_='foreignkey'
        )
        batch_op.drop_column('corrected_at')
        batch_op.drop_column('exercise')
        batch_op.drop_column('session_id')

    with op.batch_alter_table('scheduled_sessions', schema=None) as batch_op:
        batch_op.drop_column('exercise_feedback')
