"""issue 24: a user's details for health-record exports

Optional family and given names, birth date and sex (FHIR administrative-gender
codes), and whether the email may go into an export (no by default, so existing
accounts' exports stop carrying it).

Revision ID: 18b2c3d4e5f6
Revises: 18b0d1e2f3a4
Create Date: 2026-12-05 10:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '18b2c3d4e5f6'
down_revision = '18b0d1e2f3a4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('family_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('given_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('sex', sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column(
                'share_email_in_exports',
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('share_email_in_exports')
        batch_op.drop_column('sex')
        batch_op.drop_column('birth_date')
        batch_op.drop_column('given_name')
        batch_op.drop_column('family_name')
