"""Yahoo leagues: a league's Yahoo key and its commissioner's OAuth grant

A Yahoo league is found by its key ("449.l.12345": the season's NFL game and the league id),
read with the access token of the commissioner who approved Sidebet, and kept readable with
the refresh token. The tokens are secrets like ESPN's cookies (never shown or logged); the
expiry is when the access token must be refreshed.

Revision ID: 0011_yahoo
Revises: 0012_parlays (main's head when this branch was rebased; its id is this branch's own)
Create Date: 2026-12-06 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_yahoo"
down_revision: str | None = "0012_parlays"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("yahoo_league_key", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("yahoo_access_token", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("yahoo_refresh_token", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("yahoo_token_expires_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.drop_column("yahoo_token_expires_at")
        batch_op.drop_column("yahoo_refresh_token")
        batch_op.drop_column("yahoo_access_token")
        batch_op.drop_column("yahoo_league_key")
