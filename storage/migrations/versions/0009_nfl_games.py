"""nfl games: the week's real NFL games, their sportsbooks' line history, and their markets

A market now belongs to a fantasy matchup or to an NFL game (exactly one of the two), so
`markets.matchup_id` may be NULL and `markets.game_id` names the game. `game_odds` keeps
every price each provider showed, with when it was seen, for line history and CLV.

Revision ID: 0009_nfl_games
Revises: 0007_league_numbers
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_nfl_games"
down_revision: str | None = "0007_league_numbers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "nfl_games",
        sa.Column("id", _ID, nullable=False),
        sa.Column("week_id", _ID, nullable=False),
        sa.Column("event_id", sa.String(length=32), nullable=False),
        sa.Column("home", sa.String(length=8), nullable=False),
        sa.Column("away", sa.String(length=8), nullable=False),
        sa.Column("home_name", sa.String(length=120), nullable=False),
        sa.Column("away_name", sa.String(length=120), nullable=False),
        sa.Column("kickoff", sa.DateTime(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("completed", sa.Boolean(), nullable=False),
        sa.Column("status_name", sa.String(length=40), nullable=False),
        sa.Column("home_score", sa.Integer(), nullable=False),
        sa.Column("away_score", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["week_id"], ["weeks.id"], name=op.f("fk_nfl_games_week_id_weeks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nfl_games")),
        sa.UniqueConstraint("week_id", "event_id", name=op.f("uq_nfl_games_week_id_event_id")),
    )
    with op.batch_alter_table("nfl_games", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nfl_games_week_id"), ["week_id"], unique=False)
    op.create_table(
        "game_odds",
        sa.Column("id", _ID, nullable=False),
        sa.Column("game_id", _ID, nullable=False),
        sa.Column("provider_id", sa.String(length=32), nullable=False),
        sa.Column("provider_name", sa.String(length=120), nullable=False),
        sa.Column("phase", sa.String(length=8), nullable=False),
        sa.Column("details", sa.String(length=40), nullable=True),
        sa.Column("home_moneyline", sa.Integer(), nullable=True),
        sa.Column("away_moneyline", sa.Integer(), nullable=True),
        sa.Column("spread", sa.Float(), nullable=True),
        sa.Column("home_spread_odds", sa.Integer(), nullable=True),
        sa.Column("away_spread_odds", sa.Integer(), nullable=True),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("over_odds", sa.Integer(), nullable=True),
        sa.Column("under_odds", sa.Integer(), nullable=True),
        sa.Column("observed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["game_id"], ["nfl_games.id"], name=op.f("fk_game_odds_game_id_nfl_games")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_game_odds")),
    )
    with op.batch_alter_table("game_odds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_game_odds_game_id"), ["game_id"], unique=False)
    # SQLite rebuilds the table for the batch below; its partial index is put back as it was.
    op.drop_index("ix_markets_open_lock", table_name="markets")
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("game_id", _ID, nullable=True))
        batch_op.alter_column("matchup_id", existing_type=_ID, nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_markets_game_id_nfl_games"), "nfl_games", ["game_id"], ["id"]
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_markets_game_id_kind_subject"), ["game_id", "kind", "subject"]
        )
        batch_op.create_check_constraint("one_parent", "(matchup_id IS NULL) != (game_id IS NULL)")
    _open_lock_index()


def downgrade() -> None:
    op.execute("DELETE FROM markets WHERE game_id IS NOT NULL")
    op.drop_index("ix_markets_open_lock", table_name="markets")
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_markets_one_parent"), type_="check")
        batch_op.drop_constraint(batch_op.f("uq_markets_game_id_kind_subject"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_markets_game_id_nfl_games"), type_="foreignkey")
        batch_op.alter_column("matchup_id", existing_type=_ID, nullable=False)
        batch_op.drop_column("game_id")
    _open_lock_index()
    with op.batch_alter_table("game_odds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_game_odds_game_id"))
    op.drop_table("game_odds")
    with op.batch_alter_table("nfl_games", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nfl_games_week_id"))
    op.drop_table("nfl_games")


def _open_lock_index() -> None:
    """Revision 0010's partial index of open markets' lock times, as it made it."""
    op.create_index(
        "ix_markets_open_lock",
        "markets",
        ["league_id", "lock_at"],
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
