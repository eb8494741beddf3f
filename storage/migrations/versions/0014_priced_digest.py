"""tick at scale: a digest of what a week's prices were last computed from

On a game-day tick most syncs bring new points and nothing else: the starters'
projections, lineups, kickoffs, the league's settings and calibration are those the
prices were last computed from. The digest of exactly those inputs lets such a sync
store the points and skip planning and comparing every market of the week.

Revision ID: 0014_priced_digest
Revises: 0008
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_priced_digest"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("weeks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priced_digest", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("weeks", schema=None) as batch_op:
        batch_op.drop_column("priced_digest")
