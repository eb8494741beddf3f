"""The only code that changes a balance.

Each change is one ledger row plus one conditional UPDATE of the cached balance, in the
caller's transaction. The UPDATE's WHERE clause (`balance + amount >= 0`) is what makes
overdrawing impossible under any interleaving: the database evaluates it against the
row's current value at the moment of the write, not a value read earlier. The bet writer
(storage.placement) runs these same two statements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Literal, TypedDict

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LedgerEntry, Member
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


class Credit(TypedDict):
    """One credit for post_credits: the same fields as a post_entry call, amount >= 0."""

    league_id: int
    member_id: int
    kind: EntryKind
    amount: int
    dedupe_key: str
    bet_id: int | None
    week_id: int | None
    memo: str | None


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


async def post_credits(session: AsyncSession, credits: Sequence[Credit], now: datetime) -> int:
    """Record many credits at once and move each member's balance by what was recorded.

    Settlement pays a whole league's bets in one transaction; one statement per entry
    made that cost three round trips per bet. Here the entries go in as multi-row INSERTs
    (ON CONFLICT DO NOTHING on the dedupe key, RETURNING what was actually inserted) and
    each member's balance moves once by the sum of their inserted entries, so the balance
    still equals the ledger and a key already used moves nothing. Credits only: a credit
    cannot overdraw, so no per-entry balance check is needed. Returns entries inserted.
    """
    for credit in credits:
        amount = credit["amount"]
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise TypeError("ledger amounts are integers")
        if amount < 0:
            raise ValueError("post_credits takes credits only; debits go through post_entry")
    if not credits:
        return 0
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    table = LedgerEntry.__table__
    inserted = await session.execute(
        insert(table)
        .on_conflict_do_nothing(index_elements=["member_id", "dedupe_key"])
        .returning(table.c.member_id, table.c.amount),
        [{**credit, "created_at": now} for credit in credits],
    )
    totals: Counter[int] = Counter()
    count = 0
    for member_id, amount in inserted:
        totals[member_id] += amount
        count += 1
    moves = [{"m_id": member_id, "m_amount": total} for member_id, total in sorted(totals.items()) if total]
    if moves:
        members = Member.__table__
        await session.execute(
            update(members)
            .where(members.c.id == bindparam("m_id"))
            .values(balance=members.c.balance + bindparam("m_amount")),
            moves,
        )
    return count
