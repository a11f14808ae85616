"""issue 24: PEG-3 answers keep no band

The PEG-3 file gave its means the cut-points of a single 0-10 pain rating
("low" below 4), which Krebs et al. 2009 never set for the PEG; the file now has
no bands, so new answers get none. Answers stored with such a label lose it:
the label was never true of them. Their scores and answers are kept. Nothing
can be restored on downgrade.

Revision ID: 18b0d1e2f3a4
Revises: 17a0c1d2e3f4
Create Date: 2026-12-05 12:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '18b0d1e2f3a4'
down_revision = '17a0c1d2e3f4'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE questionnaire_responses SET band = NULL WHERE questionnaire_id IN "
        "(SELECT id FROM questionnaires WHERE slug = 'peg-3')"
    )


def downgrade():
    pass
