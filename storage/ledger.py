"""The only code that changes a balance.

Each change is one ledger row plus one conditional UPDATE of the cached balance, in the
caller's transaction. The UPDATE's WHERE clause (`balance + amount >= 0`) is what makes
overdrawing impossible under any interleaving: the database evaluates it against the
row's current value at the moment of the write, not a value read earlier.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LedgerEntry, Member

EntryKind = Literal["grant", "stake", "payout", "refund", "rebuy", "adjustment", "correction"]


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
    """Record a ledger entry and move the balance with it; False if the key was already used.

    The dedupe key makes every kind of entry exactly-once: a retried job or a second
    process that tries the same grant or payout inserts nothing and changes nothing.
    """
    if not isinstance(amount, int) or isinstance(amount, bool):
        raise TypeError("ledger amounts are integers")
    values = {
        "league_id": league_id,
        "member_id": member_id,
        "kind": kind,
        "amount": amount,
        "bet_id": bet_id,
        "week_id": week_id,
        "memo": memo,
        "dedupe_key": dedupe_key,
        "created_at": now,
    }
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(LedgerEntry)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["member_id", "dedupe_key"])
    )
    result = await session.execute(stmt)
    if result.rowcount == 0:
        return False
    moved = await session.execute(
        update(Member)
        .where(Member.id == member_id, Member.balance + amount >= 0)
        .values(balance=Member.balance + amount)
    )
    if moved.rowcount != 1:
        balance = await session.scalar(select(Member.balance).where(Member.id == member_id))
        raise InsufficientBalance(balance or 0, -amount)
    return True
