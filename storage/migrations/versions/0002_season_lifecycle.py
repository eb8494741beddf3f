"""season lifecycle: sync health, team records, claims, week schedule, editable posts

Existing rows get defaults; weeks created before this revision already had markets.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 00:37:19.882406
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_synced_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("sync_failures", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_sync_error", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("season_over", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_team_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_members_claimed_team_id_teams"), "teams", ["claimed_team_id"], ["id"]
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("message_ref", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))

    with op.batch_alter_table("starters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("game_state", sa.String(length=8), nullable=True))

    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wins", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("losses", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("ties", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("points_for", sa.Float(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("points_against", sa.Float(), nullable=False, server_default="0"))

    with op.batch_alter_table("weeks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_playoff", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("lines_open_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("markets_open", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column("corrections_close_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("weeks", schema=None) as batch_op:
        batch_op.drop_column("corrections_close_at")
        batch_op.drop_column("markets_open")
        batch_op.drop_column("lines_open_at")
        batch_op.drop_column("is_playoff")

    with op.batch_alter_table("teams", schema=None) as batch_op:
        batch_op.drop_column("points_against")
        batch_op.drop_column("points_for")
        batch_op.drop_column("ties")
        batch_op.drop_column("losses")
        batch_op.drop_column("wins")

    with op.batch_alter_table("starters", schema=None) as batch_op:
        batch_op.drop_column("game_state")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("revision")
        batch_op.drop_column("message_ref")

    with op.batch_alter_table("members", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_members_claimed_team_id_teams"), type_="foreignkey")
        batch_op.drop_column("claimed_team_id")

    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.drop_column("season_over")
        batch_op.drop_column("last_sync_error")
        batch_op.drop_column("sync_failures")
        batch_op.drop_column("last_synced_at")
