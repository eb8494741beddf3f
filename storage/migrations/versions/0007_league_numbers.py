"""league numbers: markets, slips and bets numbered per league

Users saw the rows' primary keys, which run across every league of the database: a
league's first market could be #48213, and a slip showed one number while the bet placed
from it got another. Each market now has a number in its league, and so has each slip; a
bet keeps its slip's number. The league row holds the last number of each counter.

Existing rows are numbered per league in id order: markets by their own order, slips by
theirs, and each bet takes the number of the slip it was placed from (same league, same
idempotency key); a bet with no slip to be found takes the next numbers after the slips.

Revision ID: 0007_league_numbers
Revises: 0010
Create Date: 2026-12-06 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_league_numbers"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NUMBERED = ("markets", "quotes", "bets")
_IN_ID_ORDER = """
UPDATE {table} SET number = r.n
FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY league_id ORDER BY id) AS n FROM {table}) AS r
WHERE {table}.id = r.id
"""
_BETS_FROM_SLIPS = """
UPDATE bets SET number = quotes.number
FROM quotes
WHERE quotes.league_id = bets.league_id AND quotes.idempotency_key = bets.idempotency_key
"""
_BETS_WITHOUT_SLIPS = """
UPDATE bets SET number = r.n
FROM (
    SELECT b.id,
           ROW_NUMBER() OVER (PARTITION BY b.league_id ORDER BY b.id)
           + COALESCE((SELECT MAX(q.number) FROM quotes q WHERE q.league_id = b.league_id), 0) AS n
    FROM bets b WHERE b.number = 0
) AS r
WHERE bets.id = r.id
"""
_COUNTERS = (
    """
    UPDATE leagues SET
        last_market_number = COALESCE(
            (SELECT MAX(number) FROM markets WHERE markets.league_id = leagues.id), 0
        ),
        last_bet_number = COALESCE((SELECT MAX(number) FROM quotes WHERE quotes.league_id = leagues.id), 0)
    """,
    # A bet without a slip was numbered after the slips.
    """
    UPDATE leagues SET last_bet_number = (SELECT MAX(number) FROM bets WHERE bets.league_id = leagues.id)
    WHERE (SELECT MAX(number) FROM bets WHERE bets.league_id = leagues.id) > last_bet_number
    """,
)


def upgrade() -> None:
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_market_number", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("last_bet_number", sa.BigInteger(), nullable=False, server_default="0"))
    # Added in place, never by copying the table (SQLite's batch mode would drop `markets`
    # under its selections, which enforced foreign keys refuse), so the uniqueness is a
    # unique index, which SQLite can add to a table as it stands.
    for table in NUMBERED:
        op.add_column(table, sa.Column("number", sa.BigInteger(), nullable=False, server_default="0"))
    op.execute(_IN_ID_ORDER.format(table="markets"))
    op.execute(_IN_ID_ORDER.format(table="quotes"))
    op.execute(_BETS_FROM_SLIPS)
    op.execute(_BETS_WITHOUT_SLIPS)
    for statement in _COUNTERS:
        op.execute(statement)
    for table in NUMBERED:
        op.create_index(f"ix_{table}_league_number", table, ["league_id", "number"], unique=True)
        if op.get_bind().dialect.name != "sqlite":  # SQLite can only drop a default by copying
            op.alter_column(table, "number", server_default=None)


def downgrade() -> None:
    for table in reversed(NUMBERED):
        op.drop_index(f"ix_{table}_league_number", table_name=table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("number")
    with op.batch_alter_table("leagues", schema=None) as batch_op:
        batch_op.drop_column("last_bet_number")
        batch_op.drop_column("last_market_number")
