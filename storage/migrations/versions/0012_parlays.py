"""parlays: slips being built (parlay_picks), quoted slips, placed parlays and their legs

A parlay is one bet on several selections; its legs keep what re-prices any subset of
them (engine.parlay), so a pushed or void leg can drop out at settlement.

Revision ID: 0012_parlays
Revises: 0014_priced_digest
Create Date: 2026-12-06 16:35:46.080148
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_parlays"
down_revision: str | None = "0014_priced_digest"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "parlay_slips",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("week_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stake", sa.BigInteger(), nullable=False),
        sa.Column("odds_num", sa.BigInteger(), nullable=False),
        sa.Column("odds_den", sa.BigInteger(), nullable=False),
        sa.Column("fair_p", sa.Float(), nullable=False),
        sa.Column("liability", sa.BigInteger(), nullable=False),
        sa.Column("legs", sa.JSON(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["league_id"], ["leagues.id"], name=op.f("fk_parlay_slips_league_id_leagues")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_parlay_slips_member_id_members")
        ),
        sa.ForeignKeyConstraint(["week_id"], ["weeks.id"], name=op.f("fk_parlay_slips_week_id_weeks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parlay_slips")),
        sa.UniqueConstraint(
            "league_id", "idempotency_key", name=op.f("uq_parlay_slips_league_id_idempotency_key")
        ),
    )
    with op.batch_alter_table("parlay_slips", schema=None) as batch_op:
        batch_op.create_index("ix_parlay_slips_league_number", ["league_id", "number"], unique=True)
        batch_op.create_index(batch_op.f("ix_parlay_slips_member_id"), ["member_id"], unique=False)

    op.create_table(
        "parlays",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("league_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.BigInteger(), nullable=False),
        sa.Column("slip_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("week_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("stake", sa.BigInteger(), nullable=False),
        sa.Column("odds_num", sa.BigInteger(), nullable=False),
        sa.Column("odds_den", sa.BigInteger(), nullable=False),
        sa.Column("fair_p", sa.Float(), nullable=False),
        sa.Column("liability", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payout", sa.BigInteger(), nullable=True),
        sa.Column("shortfall", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("corrections", sa.Integer(), server_default="0", nullable=False),
        sa.Column("placed_at", sa.DateTime(), nullable=False),
        sa.Column("settled_at", sa.DateTime(), nullable=True),
        sa.Column("void_reason", sa.Text(), nullable=True),
        sa.CheckConstraint("shortfall >= 0", name=op.f("ck_parlays_shortfall_not_negative")),
        sa.CheckConstraint("stake > 0", name=op.f("ck_parlays_stake_positive")),
        sa.ForeignKeyConstraint(["league_id"], ["leagues.id"], name=op.f("fk_parlays_league_id_leagues")),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"], name=op.f("fk_parlays_member_id_members")),
        sa.ForeignKeyConstraint(
            ["slip_id"], ["parlay_slips.id"], name=op.f("fk_parlays_slip_id_parlay_slips")
        ),
        sa.ForeignKeyConstraint(["week_id"], ["weeks.id"], name=op.f("fk_parlays_week_id_weeks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parlays")),
        sa.UniqueConstraint("slip_id", name=op.f("uq_parlays_slip_id")),
    )
    with op.batch_alter_table("parlays", schema=None) as batch_op:
        batch_op.create_index("ix_parlays_league_number", ["league_id", "number"], unique=True)
        batch_op.create_index(batch_op.f("ix_parlays_member_id"), ["member_id"], unique=False)
        batch_op.create_index("ix_parlays_week_status", ["week_id", "status"], unique=False)

    op.create_table(
        "parlay_legs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("parlay_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("market_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("selection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("subject", sa.String(length=32), nullable=False),
        sa.Column("side", sa.String(length=16), nullable=False),
        sa.Column("line", sa.Float(), nullable=True),
        sa.Column("odds", sa.Integer(), nullable=False),
        sa.Column("fair_p", sa.Float(), nullable=False),
        sa.Column("loading", sa.JSON(), nullable=False),
        sa.Column("z", sa.Float(), nullable=False),
        sa.Column("label", sa.String(length=160), nullable=False),
        sa.Column("outcome", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(["market_id"], ["markets.id"], name=op.f("fk_parlay_legs_market_id_markets")),
        sa.ForeignKeyConstraint(["parlay_id"], ["parlays.id"], name=op.f("fk_parlay_legs_parlay_id_parlays")),
        sa.ForeignKeyConstraint(
            ["selection_id"], ["selections.id"], name=op.f("fk_parlay_legs_selection_id_selections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parlay_legs")),
        sa.UniqueConstraint("parlay_id", "position", name=op.f("uq_parlay_legs_parlay_id_position")),
    )
    with op.batch_alter_table("parlay_legs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parlay_legs_market_id"), ["market_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_parlay_legs_parlay_id"), ["parlay_id"], unique=False)

    op.create_table(
        "parlay_picks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("selection_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_parlay_picks_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["selection_id"], ["selections.id"], name=op.f("fk_parlay_picks_selection_id_selections")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parlay_picks")),
        sa.UniqueConstraint("member_id", "selection_id", name=op.f("uq_parlay_picks_member_id_selection_id")),
    )
    with op.batch_alter_table("parlay_picks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parlay_picks_member_id"), ["member_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("parlay_picks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parlay_picks_member_id"))

    op.drop_table("parlay_picks")
    with op.batch_alter_table("parlay_legs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parlay_legs_parlay_id"))
        batch_op.drop_index(batch_op.f("ix_parlay_legs_market_id"))

    op.drop_table("parlay_legs")
    with op.batch_alter_table("parlays", schema=None) as batch_op:
        batch_op.drop_index("ix_parlays_week_status")
        batch_op.drop_index(batch_op.f("ix_parlays_member_id"))
        batch_op.drop_index("ix_parlays_league_number")

    op.drop_table("parlays")
    with op.batch_alter_table("parlay_slips", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parlay_slips_member_id"))
        batch_op.drop_index("ix_parlay_slips_league_number")

    op.drop_table("parlay_slips")
