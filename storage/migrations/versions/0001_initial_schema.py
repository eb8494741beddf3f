"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22 00:19:47.238070
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_state",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_state")),
    )
    op.create_table(
        "tenants",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("platform", sa.String(length=16), nullable=False),
        sa.Column("workspace_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
        sa.UniqueConstraint("platform", "workspace_id", name=op.f("uq_tenants_platform_workspace_id")),
    )
    op.create_table(
        "leagues",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tenant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("espn_league_id", sa.BigInteger(), nullable=True),
        sa.Column("season", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(length=64), nullable=True),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("espn_s2", sa.Text(), nullable=True),
        sa.Column("espn_swid", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], name=op.f("fk_leagues_tenant_id_tenants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leagues")),
    )
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leagues_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("actor_user_id", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_audit_log_league_id_leagues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_league_id"), ["league_id"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("dedupe_key", sa.String(length=100), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_outbox_league_id_leagues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("league_id", "dedupe_key", name=op.f("uq_outbox_league_id_dedupe_key")),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("espn_team_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("abbrev", sa.String(length=16), nullable=False),
        sa.Column("owner_name", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_teams_league_id_leagues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("league_id", "espn_team_id", name=op.f("uq_teams_league_id_espn_team_id")),
    )
    op.create_table(
        "weeks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("season", sa.Integer(), nullable=False),
        sa.Column("matchup_period", sa.Integer(), nullable=False),
        sa.Column("scoring_periods", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("first_kickoff", sa.DateTime(), nullable=True),
        sa.Column("last_kickoff", sa.DateTime(), nullable=True),
        sa.Column("final_at", sa.DateTime(), nullable=True),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_weeks_league_id_leagues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weeks")),
        sa.UniqueConstraint(
            "league_id", "season", "matchup_period", name=op.f("uq_weeks_league_id_season_matchup_period")
        ),
    )
    op.create_table(
        "matchups",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("week_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("home_team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("away_team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("home_score", sa.Float(), nullable=True),
        sa.Column("away_score", sa.Float(), nullable=True),
        sa.Column("lock_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["away_team_id"], ["teams.id"], name=op.f("fk_matchups_away_team_id_teams")),
        sa.ForeignKeyConstraint(["home_team_id"], ["teams.id"], name=op.f("fk_matchups_home_team_id_teams")),
        sa.ForeignKeyConstraint(["week_id"], ["weeks.id"], name=op.f("fk_matchups_week_id_weeks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matchups")),
    )
    with op.batch_alter_table("matchups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_matchups_week_id"), ["week_id"], unique=False)

    op.create_table(
        "members",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_members_balance_not_negative")),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_members_league_id_leagues")),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_members_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint("league_id", "user_id", name=op.f("uq_members_league_id_user_id")),
    )
    op.create_table(
        "ledger",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("bet_id", sa.BigInteger(), nullable=True),
        sa.Column("week_id", sa.BigInteger(), nullable=True),
        sa.Column("memo", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_ledger_league_id_leagues")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_ledger_member_id_members")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger")),
        sa.UniqueConstraint("member_id", "dedupe_key", name=op.f("uq_ledger_member_id_dedupe_key")),
    )
    with op.batch_alter_table("ledger", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ledger_league_id"), ["league_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_ledger_member_id"), ["member_id"], unique=False)

    op.create_table(
        "markets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("week_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("matchup_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("label", sa.String(length=160), nullable=False),
        sa.Column("line", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("lock_at", sa.DateTime(), nullable=False),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_markets_league_id_leagues")),
        sa.ForeignKeyConstraint(["matchup_id"], ["matchups.id"], name=op.f("fk_markets_matchup_id_matchups")),
        sa.ForeignKeyConstraint(["week_id"], ["weeks.id"], name=op.f("fk_markets_week_id_weeks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_markets")),
        sa.UniqueConstraint("matchup_id", "kind", "subject", name=op.f("uq_markets_matchup_id_kind_subject")),
    )
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_markets_league_id"), ["league_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_markets_week_id"), ["week_id"], unique=False)

    op.create_table(
        "starters",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("matchup_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.String(length=8), nullable=False),
        sa.Column("slot", sa.String(length=16), nullable=False),
        sa.Column("pro_team", sa.String(length=8), nullable=False),
        sa.Column("injury_status", sa.String(length=32), nullable=True),
        sa.Column("projection", sa.Float(), nullable=False),
        sa.Column("points", sa.Float(), nullable=True),
        sa.Column("game_id", sa.String(length=32), nullable=True),
        sa.Column("kickoff", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["matchup_id"], ["matchups.id"], name=op.f("fk_starters_matchup_id_matchups")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_starters_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_starters")),
        sa.UniqueConstraint("matchup_id", "player_id", name=op.f("uq_starters_matchup_id_player_id")),
    )
    op.create_table(
        "selections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("market_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=160), nullable=False),
        sa.Column("fair_p", sa.Float(), nullable=False),
        sa.Column("odds", sa.Integer(), nullable=True),
        sa.Column("liability", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("liability >= 0", name=op.f("ck_selections_liability_not_negative")),
        sa.ForeignKeyConstraint(["market_id"], ["markets.id"], name=op.f("fk_selections_market_id_markets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_selections")),
        sa.UniqueConstraint("market_id", "side", name=op.f("uq_selections_market_id_side")),
    )
    op.create_table(
        "bets",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("week_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("market_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("selection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stake", sa.BigInteger(), nullable=False),
        sa.Column("odds", sa.Integer(), nullable=False),
        sa.Column("line", sa.Float(), nullable=True),
        sa.Column("fair_p", sa.Float(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payout", sa.BigInteger(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.Column("lineup_snapshot", sa.JSON(), nullable=True),
        sa.CheckConstraint("stake > 0", name=op.f("ck_bets_stake_positive")),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_bets_league_id_leagues")),
        sa.ForeignKeyConstraint(["market_id"], ["markets.id"], name=op.f("fk_bets_market_id_markets")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_bets_member_id_members")),
        sa.ForeignKeyConstraint(
            ["selection_id"], ["selections.id"], name=op.f("fk_bets_selection_id_selections")
        ),
        sa.ForeignKeyConstraint(["week_id"], ["weeks.id"], name=op.f("fk_bets_week_id_weeks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bets")),
        sa.UniqueConstraint("league_id", "idempotency_key", name=op.f("uq_bets_league_id_idempotency_key")),
    )
    with op.batch_alter_table("bets", schema=None) as batch_op:
        batch_op.create_index("ix_bets_market_status", ["market_id", "status"], unique=False)
        batch_op.create_index("ix_bets_member_status", ["member_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_bets_week_id"), ["week_id"], unique=False)

    op.create_table(
        "price_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("selection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("line", sa.Float(), nullable=True),
        sa.Column("fair_p", sa.Float(), nullable=False),
        sa.Column("odds", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["selection_id"], ["selections.id"], name=op.f("fk_price_history_selection_id_selections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_price_history")),
    )
    with op.batch_alter_table("price_history", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_price_history_selection_id"), ["selection_id"], unique=False)

    op.create_table(
        "quotes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("selection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stake", sa.BigInteger(), nullable=False),
        sa.Column("odds", sa.Integer(), nullable=False),
        sa.Column("line", sa.Float(), nullable=True),
        sa.Column("fair_p", sa.Float(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_quotes_league_id_leagues")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_quotes_member_id_members")),
        sa.ForeignKeyConstraint(
            ["selection_id"], ["selections.id"], name=op.f("fk_quotes_selection_id_selections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quotes")),
        sa.UniqueConstraint("league_id", "idempotency_key", name=op.f("uq_quotes_league_id_idempotency_key")),
    )
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quotes_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quotes_member_id"))

    op.drop_table("quotes")
    with op.batch_alter_table("price_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_price_history_selection_id"))

    op.drop_table("price_history")
    with op.batch_alter_table("bets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bets_week_id"))
        batch_op.drop_index("ix_bets_member_status")
        batch_op.drop_index("ix_bets_market_status")

    op.drop_table("bets")
    op.drop_table("selections")
    op.drop_table("starters")
    with op.batch_alter_table("markets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_markets_week_id"))
        batch_op.drop_index(batch_op.f("ix_markets_league_id"))

    op.drop_table("markets")
    with op.batch_alter_table("ledger", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ledger_member_id"))
        batch_op.drop_index(batch_op.f("ix_ledger_league_id"))

    op.drop_table("ledger")
    op.drop_table("members")
    with op.batch_alter_table("matchups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_matchups_week_id"))

    op.drop_table("matchups")
    op.drop_table("weeks")
    op.drop_table("teams")
    op.drop_table("outbox")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_league_id"))

    op.drop_table("audit_log")
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leagues_tenant_id"))

    op.drop_table("leagues")
    op.drop_table("tenants")
    op.drop_table("app_state")
