"""multiway: week-level markets (the week's high score) beside matchup and NFL game ones

A market belonged to exactly one fantasy matchup or NFL game. The week's high score is about
every team of the league, so it belongs to the week alone: `one_parent` now also allows a
market with neither parent when its kind is `high_score`, and such markets are unique per
(week, kind, subject) through a partial unique index. Matchup MVPs and alternate lines are
matchup markets and need no change (an alternate's subject is its line).

Revision ID: 0013_multiway
Revises: 0011_yahoo (chained after main's latest head at rebase)
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_multiway"
down_revision: str | None = "0011_yahoo"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONE_PARENT = "(matchup_id IS NULL) != (game_id IS NULL)"
ONE_PARENT_OR_WEEK = (
    "((matchup_id IS NULL) != (game_id IS NULL))"
    " OR (matchup_id IS NULL AND game_id IS NULL AND kind = 'high_score')"
)
_WEEK_LEVEL = "matchup_id IS NULL AND game_id IS NULL"


def upgrade() -> None:
    _replace_check(ONE_PARENT_OR_WEEK)
    op.create_index(
        "ix_markets_week_level",
        "markets",
        ["week_id", "kind", "subject"],
        unique=True,
        sqlite_where=sa.text(_WEEK_LEVEL),
        postgresql_where=sa.text(_WEEK_LEVEL),
    )


def downgrade() -> None:
    op.drop_index("ix_markets_week_level", table_name="markets")
    op.execute(
        "DELETE FROM price_history WHERE selection_id IN (SELECT s.id FROM selections s"
        " JOIN markets m ON m.id = s.market_id WHERE m.kind = 'high_score')"
    )
    op.execute("DELETE FROM selections WHERE market_id IN (SELECT id FROM markets WHERE kind = 'high_score')")
    op.execute("DELETE FROM markets WHERE kind = 'high_score'")
    _replace_check(ONE_PARENT)


def _replace_check(condition: str) -> None:
    # SQLite rebuilds the table for the batch below; its partial index is put back as it was.
    op.drop_index("ix_markets_open_lock", table_name="markets")
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_markets_one_parent"), type_="check")
        batch_op.create_check_constraint("one_parent", condition)
    op.create_index(
        "ix_markets_open_lock",
        "markets",
        ["league_id", "lock_at"],
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
