"""bet refusal function (PostgreSQL)

The PostgreSQL bet writer places a bet in one statement outside any explicit transaction
(storage/placement.py, PG_PLACE). When a step after the slip's claim refuses, that
statement calls this function, whose error aborts the whole statement, so nothing of the
bet is kept: the server undoes it instead of a ROLLBACK sent by the bot, which saves the
BEGIN and COMMIT round trips on every bet. It decides nothing itself; the conditions stay
in the statement's WHERE clauses. SQLite places bets through its own writer and needs none.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 05:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLSTATE "SB001" (an implementation-defined class) and the reason as the error's detail:
# storage.placement.REFUSED_SQLSTATE reads them back. VOLATILE (the default) keeps the
# planner from evaluating the call ahead of the CASE branch that makes it.
CREATE = """
CREATE FUNCTION sidebet_refuse_bet(reason text) RETURNS bigint
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'SB001', MESSAGE = 'bet refused: ' || reason, DETAIL = reason;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(CREATE)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION sidebet_refuse_bet(text)")
