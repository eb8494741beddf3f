"""money: liability stored on the slip and the bet, shortfalls recorded per bet

A slip's liability (what the house loses if the bet wins) is worked out once, by the
engine when the slip is quoted, and stored on it; the bet keeps the same number, so
placing a bet adds it to the side's liability and cancelling or voiding subtracts that
very number, with no arithmetic in SQL. Rows from before get the number the bet writer
used to compute (integer division of positive operands rounds down on both back ends).

A bet's shortfall is what its member holds beyond what the bet's final state owes them,
because a clawback (a stat correction, a void of a settled bet) found their balance short.
So, per bet, the ledger entries carrying its id sum to exactly (payout - stake) +
shortfall. Settled bets from before get it from the ledger.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_LIABILITY = "CASE WHEN odds > 0 THEN stake * odds / 100 ELSE stake * 100 / -odds END"
_HELD = "(SELECT COALESCE(SUM(ledger.amount), 0) FROM ledger WHERE ledger.bet_id = bets.id)"
_BEYOND = f"{_HELD} + bets.stake - COALESCE(bets.payout, 0)"


def upgrade() -> None:
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("liability", sa.BigInteger(), nullable=False, server_default="0"))
    with op.batch_alter_table("bets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("liability", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("shortfall", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.create_check_constraint(op.f("ck_bets_shortfall_not_negative"), "shortfall >= 0")
    op.execute(f"UPDATE quotes SET liability = {_LIABILITY}")
    op.execute(f"UPDATE bets SET liability = {_LIABILITY}")
    op.execute(
        f"UPDATE bets SET shortfall = {_BEYOND} "
        f"WHERE status IN ('won', 'lost', 'push', 'void') AND {_BEYOND} > 0"
    )


def downgrade() -> None:
    with op.batch_alter_table("bets", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_bets_shortfall_not_negative"), type_="check")
        batch_op.drop_column("shortfall")
        batch_op.drop_column("liability")
    with op.batch_alter_table("quotes", schema=None) as batch_op:
        batch_op.drop_column("liability")
