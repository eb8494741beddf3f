"""season economy, analytics and scale-out

Bench players and eligible slots (awards), closing team projections (calibration),
pools, DM opt-in, and the leases and outbox claims that let several processes share
one database.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 02:06:12.611267
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_job_leases")),
    )
    op.create_table(
        "team_projections",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("week_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("mean", sa.Float(), nullable=False),
        sa.Column("sd", sa.Float(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_team_projections_team_id_teams")),
        sa.ForeignKeyConstraint(["week_id"], ["weeks.id"], name=op.f("fk_team_projections_week_id_weeks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_projections")),
        sa.UniqueConstraint("week_id", "team_id", name=op.f("uq_team_projections_week_id_team_id")),
    )
    with op.batch_alter_table("team_projections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_team_projections_week_id"), ["week_id"], unique=False)

    op.create_table(
        "bench_players",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("matchup_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("player_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("position", sa.String(length=8), nullable=False),
        sa.Column("slot", sa.String(length=16), nullable=False),
        sa.Column("eligible_slots", sa.JSON(), nullable=True),
        sa.Column("projection", sa.Float(), nullable=False),
        sa.Column("points", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["matchup_id"], ["matchups.id"], name=op.f("fk_bench_players_matchup_id_matchups")
        ),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_bench_players_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bench_players")),
        sa.UniqueConstraint("matchup_id", "player_id", name=op.f("uq_bench_players_matchup_id_player_id")),
    )
    with op.batch_alter_table("bench_players", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bench_players_matchup_id"), ["matchup_id"], unique=False)

    op.create_table(
        "pool_assignments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("week_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("member_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("pool", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_pool_assignments_member_id_members")
        ),
        sa.ForeignKeyConstraint(["week_id"], ["weeks.id"], name=op.f("fk_pool_assignments_week_id_weeks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pool_assignments")),
        sa.UniqueConstraint("week_id", "member_id", name=op.f("uq_pool_assignments_week_id_member_id")),
    )
    with op.batch_alter_table("pool_assignments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_pool_assignments_week_id"), ["week_id"], unique=False)

    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("calibration_k", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("calibration_fitted_at", sa.DateTime(), nullable=True))

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dm_opt_in", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(), nullable=True))

    with op.batch_alter_table("starters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("eligible_slots", sa.JSON(), nullable=True))

    with op.batch_alter_table("weeks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pool_seed", sa.BigInteger(), nullable=True))

    with op.batch_alter_table("team_projections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("k", sa.Float(), nullable=False, server_default=sa.text("1.0")))

    # ESPN's lineup slot counts (rosterSettings), for the optimal-lineup award.
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lineup_slots", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.drop_column("lineup_slots")

    with op.batch_alter_table("team_projections", schema=None) as batch_op:
        batch_op.drop_column("k")

    with op.batch_alter_table("weeks", schema=None) as batch_op:
        batch_op.drop_column("pool_seed")

    with op.batch_alter_table("starters", schema=None) as batch_op:
        batch_op.drop_column("eligible_slots")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_column("dm_opt_in")

    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.drop_column("calibration_fitted_at")
        batch_op.drop_column("calibration_k")

    with op.batch_alter_table("pool_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_pool_assignments_week_id"))

    op.drop_table("pool_assignments")
    with op.batch_alter_table("bench_players", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bench_players_matchup_id"))

    op.drop_table("bench_players")
    with op.batch_alter_table("team_projections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_projections_week_id"))

    op.drop_table("team_projections")
    op.drop_table("job_leases")
