"""prescriptions; therapists' own exercises and programs

Revision ID: 12a7c4e9b2d1
Revises: 13a1f0c2d3e4
Create Date: 2026-11-22 06:32:07.359700

Every existing plan gets prescription version 1, copied from the program version it
was assigned (the last phase stretched or clipped to the plan's weeks), and its
sessions are pinned to it. Slugs become unique per owner (the library's owner is
NULL) instead of across the whole table.
"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '12a7c4e9b2d1'
down_revision = '13a1f0c2d3e4'
branch_labels = None
depends_on = None

# The slug's unnamed unique constraint of the initial schema, as each database
# names it (SQLite through the naming convention given to the batch below).
NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _slug_unique(table):
    if op.get_bind().dialect.name == "sqlite":
        return f"uq_{table}_slug"
    return f"{table}_slug_key"


def _fit(phases, weeks):
    fitted = [
        {**phase, "weeks": [phase["weeks"][0], min(phase["weeks"][1], weeks)]}
        for phase in phases
        if phase["weeks"][0] <= weeks
    ]
    fitted[-1]["weeks"] = [fitted[-1]["weeks"][0], weeks]
    return fitted


def _first_versions():
    bind = op.get_bind()
    assignments = sa.table(
        "assignments",
        sa.column("id", sa.Integer),
        sa.column("therapist_id", sa.Integer),
        sa.column("program_version_id", sa.Integer),
        sa.column("start_date", sa.Date),
        sa.column("end_date", sa.Date),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    versions = sa.table(
        "program_versions", sa.column("id", sa.Integer), sa.column("content", sa.JSON)
    )
    prescriptions = sa.table(
        "prescriptions",
        sa.column("id", sa.Integer),
        sa.column("assignment_id", sa.Integer),
        sa.column("version", sa.Integer),
        sa.column("phases", sa.JSON),
        sa.column("phases_hash", sa.String),
        sa.column("note", sa.String),
        sa.column("changes", sa.JSON),
        sa.column("changed_by_id", sa.Integer),
        sa.column("changed_at", sa.DateTime(timezone=True)),
    )
    sessions = sa.table(
        "scheduled_sessions",
        sa.column("assignment_id", sa.Integer),
        sa.column("prescription_id", sa.Integer),
    )
    rows = bind.execute(
        sa.select(assignments, versions.c.content).join(
            versions, versions.c.id == assignments.c.program_version_id
        )
    ).all()
    for row in rows:
        weeks = ((row.end_date - row.start_date).days + 1) // 7
        phases = _fit(row.content["sessions"], weeks)
        digest = hashlib.sha256(json.dumps(phases, sort_keys=True).encode())
        bind.execute(
            prescriptions.insert().values(
                assignment_id=row.id,
                version=1,
                phases=phases,
                phases_hash=digest.hexdigest(),
                note=None,
                changes=[f"Prescribed from {row.content['title']}"],
                changed_by_id=row.therapist_id,
                changed_at=row.created_at,
            )
        )
        pinned = sa.select(prescriptions.c.id).where(
            prescriptions.c.assignment_id == row.id
        ).scalar_subquery()
        bind.execute(
            sessions.update()
            .where(sessions.c.assignment_id == row.id)
            .values(prescription_id=pinned)
        )


def upgrade():
    op.create_table('prescriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('phases', sa.JSON(), nullable=False),
    sa.Column('phases_hash', sa.String(length=64), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=True),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('assignment_id', 'version')
    )
    with op.batch_alter_table('prescriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prescriptions_assignment_id'), ['assignment_id'], unique=False)

    with op.batch_alter_table('exercises', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(_slug_unique('exercises'), type_='unique')
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_exercises_owner_id'), ['owner_id'], unique=False)
        batch_op.create_unique_constraint('uq_exercises_owner', ['owner_id', 'slug'])
        batch_op.create_foreign_key('fk_exercises_owner', 'users', ['owner_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('programs', schema=None, naming_convention=NAMING) as batch_op:
        batch_op.drop_constraint(_slug_unique('programs'), type_='unique')
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_programs_owner_id'), ['owner_id'], unique=False)
        batch_op.create_unique_constraint('uq_programs_owner', ['owner_id', 'slug'])
        batch_op.create_foreign_key('fk_programs_owner', 'users', ['owner_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('scheduled_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prescription_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_sessions_prescription', 'prescriptions', ['prescription_id'], ['id'], ondelete='CASCADE')

    _first_versions()


def downgrade():
    # Slugs become unique across the table again: this fails while two owners
    # (the library and a therapist, or two therapists) share a slug.
    with op.batch_alter_table('scheduled_sessions', schema=None) as batch_op:
        batch_op.drop_constraint('fk_sessions_prescription', type_='foreignkey')
        batch_op.drop_column('prescription_id')

    with op.batch_alter_table('programs', schema=None) as batch_op:
        batch_op.drop_constraint('fk_programs_owner', type_='foreignkey')
        batch_op.drop_constraint('uq_programs_owner', type_='unique')
        batch_op.drop_index(batch_op.f('ix_programs_owner_id'))
        batch_op.drop_column('archived_at')
        batch_op.drop_column('owner_id')
        batch_op.create_unique_constraint(_slug_unique('programs'), ['slug'])

    with op.batch_alter_table('exercises', schema=None) as batch_op:
        batch_op.drop_constraint('fk_exercises_owner', type_='foreignkey')
        batch_op.drop_constraint('uq_exercises_owner', type_='unique')
        batch_op.drop_index(batch_op.f('ix_exercises_owner_id'))
        batch_op.drop_column('archived_at')
        batch_op.drop_column('version')
        batch_op.drop_column('owner_id')
        batch_op.create_unique_constraint(_slug_unique('exercises'), ['slug'])

    with op.batch_alter_table('prescriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prescriptions_assignment_id'))

    op.drop_table('prescriptions')
