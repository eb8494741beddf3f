"""matchup adjustments: ESPN's commissioner point adjustments, kept beside the scores

A matchup's scores are ESPN's official ones (the starters' points plus the commissioner's
adjustment); the adjustment is also stored on its own so pricing can count one set before
kickoff and the calibration fit can leave it out. Existing matchups had none.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("matchups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_adjustment", sa.Float(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("away_adjustment", sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("matchups", schema=None) as batch_op:
        batch_op.drop_column("away_adjustment")
        batch_op.drop_column("home_adjustment")
