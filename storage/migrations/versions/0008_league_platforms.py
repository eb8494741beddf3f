"""league platforms: Sleeper leagues beside ESPN ones, and player ids as text

Sleeper's player ids are strings, and a team defence's id is its team abbreviation ("KC"), so
`starters.player_id` and `bench_players.player_id` become text; ESPN's numeric ids are kept as
their decimal text, which is what market subjects and bet snapshots already held. A league's
data source stays in `leagues.source` ("espn" by default, "sleeper" now too); a Sleeper league's
id (an 18-19 digit string) goes in the new `leagues.sleeper_league_id`.

Revision ID: 0008
Revises: 0009_nfl_games (chained after main's latest head; its id is this branch's own)
Create Date: 2026-12-06 13:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0009_nfl_games"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PLAYER_TABLES = ("starters", "bench_players")


def upgrade() -> None:
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sleeper_league_id", sa.String(length=32), nullable=True))
    for table in _PLAYER_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "player_id",
                existing_type=sa.BigInteger(),
                type_=sa.String(length=16),
                existing_nullable=False,
                postgresql_using="player_id::text",
            )


def downgrade() -> None:
    for table in _PLAYER_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(
                "player_id",
                existing_type=sa.String(length=16),
                type_=sa.BigInteger(),
                existing_nullable=False,
                postgresql_using="player_id::bigint",
            )
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.drop_column("sleeper_league_id")
