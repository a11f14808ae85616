"""issue 26: clinics, care teams, a shared library and the access log

Each therapist gets a clinic of one, as its admin who treats patients; each
patient's therapist stays their lead (users.therapist_id) with nobody else on the
care team yet; every existing exercise and program stays its therapist's own.

Revision ID: 19a0b1c2d3e4
Revises: 18b2c3d4e5f6
Create Date: 2026-12-05 05:00:00

"""
import sqlalchemy as sa
from alembic import op

from kinetic.models.types import UTCDateTime

# revision identifiers, used by Alembic.
revision = '19a0b1c2d3e4'
down_revision = '18b2c3d4e5f6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'clinics',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_table(
        'clinic_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=False),
        sa.Column(
            'treats_patients', sa.Boolean(), server_default=sa.true(), nullable=False
        ),
        sa.Column('joined_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['clinic_id'], ['clinics.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id'),
    )
    op.create_index('ix_clinic_members_clinic_id', 'clinic_members', ['clinic_id'])
    op.create_table(
        'care_team_members',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('therapist_id', sa.Integer(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('added_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['patient_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['therapist_id'], ['users.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('patient_id', 'therapist_id', name='uq_care_team_member'),
    )
    op.create_index(
        'ix_care_team_members_patient_id', 'care_team_members', ['patient_id']
    )
    op.create_index(
        'ix_care_team_members_therapist_id', 'care_team_members', ['therapist_id']
    )
    op.create_table(
        'access_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('clinic_id', sa.Integer(), nullable=True),
        sa.Column('therapist_id', sa.Integer(), nullable=False),
        sa.Column('patient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('window', sa.Integer(), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint(
            'therapist_id', 'patient_id', 'kind', 'window', name='uq_access_window'
        ),
        sqlite_autoincrement=True,
    )
    op.create_index('ix_access_log_clinic_id', 'access_log', ['clinic_id'])
    op.create_index('ix_access_log_patient_at', 'access_log', ['patient_id', 'at'])
    op.create_index('ix_access_log_clinic_at', 'access_log', ['clinic_id', 'at'])
    for table in ('exercises', 'programs'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('clinic_id', sa.Integer(), nullable=True))
            batch_op.create_index(f'ix_{table}_clinic_id', ['clinic_id'])
            batch_op.create_foreign_key(
                f'fk_{table}_clinic', 'clinics', ['clinic_id'], ['id'],
                ondelete='CASCADE',
            )
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'role', sa.String(length=16), server_default='patient', nullable=False
            )
        )
        batch_op.add_column(sa.Column('clinic_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_invites_clinic_id', ['clinic_id'])
        batch_op.create_foreign_key(
            'fk_invites_clinic', 'clinics', ['clinic_id'], ['id'], ondelete='CASCADE'
        )

    bind = op.get_bind()
    therapists = bind.execute(
        sa.text("SELECT id FROM users WHERE role = 'therapist' ORDER BY id")
    ).scalars().all()
    for user_id in therapists:
        bind.execute(
            sa.text(
                "INSERT INTO clinics (name, created_at) "
                "SELECT substr(name || '''s practice', 1, 120), created_at "
                "FROM users WHERE id = :id"
            ),
            {"id": user_id},
        )
        clinic_id = bind.execute(sa.text("SELECT max(id) FROM clinics")).scalar_one()
        bind.execute(
            sa.text(
                "INSERT INTO clinic_members "
                "(clinic_id, user_id, role, treats_patients, joined_at) "
                "SELECT :clinic, id, 'admin', true, created_at FROM users "
                "WHERE id = :id"
            ),
            {"clinic": clinic_id, "id": user_id},
        )


def downgrade():
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_constraint('fk_invites_clinic', type_='foreignkey')
        batch_op.drop_index('ix_invites_clinic_id')
        batch_op.drop_column('clinic_id')
        batch_op.drop_column('role')
    for table in ('programs', 'exercises'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_clinic', type_='foreignkey')
            batch_op.drop_index(f'ix_{table}_clinic_id')
            batch_op.drop_column('clinic_id')
    op.drop_table('access_log')
    op.drop_table('care_team_members')
    op.drop_table('clinic_members')
    op.drop_table('clinics')
