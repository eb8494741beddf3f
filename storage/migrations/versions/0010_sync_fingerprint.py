"""tick at scale: a week's sync fingerprint, and an index of open markets' lock times

A game-day tick syncs every league every five minutes, and most of those syncs bring
exactly what the last one did. The digest of the provider's snapshot (with the league's
settings and calibration) lets such a sync skip storing and repricing the week. The
partial index answers "when does each league's next open market lock" in one read for
the scheduler's whole tick.

Revision ID: 0010
Revises: 0006
Create Date: 2026-12-06 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("weeks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("synced_fingerprint", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_markets_open_lock",
        "markets",
        ["league_id", "lock_at"],
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )


def downgrade() -> None:
    op.drop_index("ix_markets_open_lock", table_name="markets")
    with op.batch_alter_table("weeks", schema=None) as batch_op:
        batch_op.drop_column("synced_fingerprint")
