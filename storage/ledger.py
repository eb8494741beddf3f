"""The only code that changes a balance.

Each change is one ledger row plus one conditional UPDATE of the cached balance, in the
caller's transaction. The UPDATE's WHERE clause (`balance + amount >= 0`) is what makes
overdrawing impossible under any interleaving: the database evaluates it against the
row's current value at the moment of the write, not a value read earlier. The bet writer
(storage.placement) runs these same two statements.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Member
from storage.types import UTCDateTime

# "reset" takes away what is left of a week in the weekly-reset bankroll mode, before the grant.
EntryKind = Literal["grant", "reset", "stake", "payout", "refund", "rebuy", "adjustment", "correction"]

# The dedupe key makes every kind of entry exactly-once: a retried job or a second process
# that tries the same grant or payout inserts nothing and so moves nothing.
LEDGER_INSERT = """
INSERT INTO ledger (league_id, member_id, kind, amount, bet_id, week_id, memo, dedupe_key, created_at)
VALUES (:league_id, :member_id, :kind, :amount, :bet_id, :week_id, :memo, :dedupe_key, :now)
ON CONFLICT (member_id, dedupe_key) DO NOTHING
"""

BALANCE_MOVE = """
UPDATE members SET balance = balance + :amount
WHERE id = :member_id AND balance + :amount >= 0
RETURNING balance
"""

_LEDGER_INSERT = text(LEDGER_INSERT).bindparams(bindparam("now", type_=UTCDateTime()))
_BALANCE_MOVE = text(BALANCE_MOVE)


class InsufficientBalance(Exception):
    """The member's balance cannot cover a debit; the transaction must be rolled back."""

    def __init__(self, balance: int, needed: int) -> None:
        super().__init__(f"balance {balance} cannot cover {needed}")
        self.balance = balance
        self.needed = needed


async def post_entry(
    session: AsyncSession,
    *,
    league_id: int,
    member_id: int,
    kind: EntryKind,
    amount: int,
    dedupe_key: str,
    now: datetime,
    bet_id: int | None = None,
    week_id: int | None = None,
    memo: str | None = None,
) -> bool:
    """Record a ledger entry and move the balance with it; False if the key was already used."""
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("ledger amounts are integers")
    params = {
        "league_id": league_id,
        "member_id": member_id,
        "kind": kind,
        "amount": amount,
        "bet_id": bet_id,
        "week_id": week_id,
        "memo": memo,
        "dedupe_key": dedupe_key,
        "now": now,
    }
    if amount >= 0:  # a credit cannot be refused
        return await _insert_and_move(session, params)
    # A debit can be refused; the savepoint takes its ledger row back with it, so a caller
    # that catches InsufficientBalance and carries on is left with nothing half-written.
    async with session.begin_nested():
        return await _insert_and_move(session, params)


async def _insert_and_move(session: AsyncSession, params: dict[str, object]) -> bool:
    inserted = await session.execute(_LEDGER_INSERT, params)
    if inserted.rowcount == 0:
        return False
    moved = (await session.execute(_BALANCE_MOVE, params)).first()
    if moved is None:
        balance = await session.scalar(select(Member.balance).where(Member.id == params["member_id"]))
        raise InsufficientBalance(balance or 0, -int(params["amount"]))  # type: ignore[call-overload]
    return True
