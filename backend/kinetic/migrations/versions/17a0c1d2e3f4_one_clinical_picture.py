"""issue 21: a session's done fraction, a withdrawn suggestion's reason

`done_fraction` is the share of a session's exercises that were done: 1 for a
session done in full, between 0 and 1 for one `partly_done`, null otherwise.
Adherence counts a partly done session as that fraction. Sessions already done
are backfilled with 1, as they were counted before.

Revision ID: 17a0c1d2e3f4
Revises: 16a0b1c2d3e4
Create Date: 2026-12-04 22:15:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '17a0c1d2e3f4'
down_revision = '16a0b1c2d3e4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('scheduled_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_fraction', sa.Double(), nullable=True))
    op.execute(
        "UPDATE scheduled_sessions SET done_fraction = 1 WHERE status = 'done'"
    )
    with op.batch_alter_table('progression_suggestions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('withdrawn_reason', sa.String(length=500), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('progression_suggestions', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_reason')
    with op.batch_alter_table('scheduled_sessions', schema=None) as batch_op:
        batch_op.drop_column('done_fraction')
