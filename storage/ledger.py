"""The only code that changes a balance.

Each change is one ledger row plus one conditional UPDATE of the cached balance, in the
caller's transaction. The UPDATE's WHERE clause (`balance + amount >= 0`) is what makes
overdrawing impossible under any interleaving: the database evaluates it against the
row's current value at the moment of the write, not a value read earlier. The bet writer
(storage.placement) runs these same two statements.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypedDict

from sqlalchemy import bindparam, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage import row_sets
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

# The rule every debit obeys, written once (storage.bet_rules composes it into the bet
# writer's statements too): `{amount}` is what the entry adds, negative for a debit.
BALANCE_COVERS = "members.balance + {amount} >= 0"

BALANCE_MOVE = f"""
UPDATE members SET balance = balance + :amount
WHERE id = :member_id AND {BALANCE_COVERS.format(amount=":amount")}
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


async def _insert_and_move(session: AsyncSession, params: Mapping[str, Any]) -> bool:
    inserted = await session.execute(_LEDGER_INSERT, params)
    if row_sets.rows_changed(inserted) == 0:
        return False
    moved = (await session.execute(_BALANCE_MOVE, params)).first()
    if moved is None:
        balance = await session.scalar(select(Member.balance).where(Member.id == params["member_id"]))
        raise InsufficientBalance(balance or 0, -int(params["amount"]))
    return True


@dataclass(frozen=True, slots=True)
class Clawback:
    moved: int  # what the entry actually moved: the amount, or for a debit at most the balance
    shortfall: int  # what the balance could not cover and so was not taken back (>= 0)


async def post_clawback(
    session: AsyncSession,
    *,
    league_id: int,
    member_id: int,
    amount: int,
    dedupe_key: str,
    now: datetime,
    bet_id: int | None,
    week_id: int | None,
    memo: str,
) -> Clawback:
    """A correction entry of `amount`, taking back at most what the member has.

    For corrections of bets already paid (a stat correction, a void of a settled bet): a
    balance never goes below zero, so a debit the balance cannot cover takes the whole
    balance and reports the rest as the shortfall. The member's row is locked first
    (FOR UPDATE on PostgreSQL; SQLite's write transaction holds the database) so the
    balance the amount is capped at is the one the debit meets.
    """
    moved = amount
    if amount < 0:
        balance = await session.scalar(select(Member.balance).where(Member.id == member_id).with_for_update())
        moved = max(amount, -(balance or 0))
    shortfall = moved - amount
    if moved and not await post_entry(
        session,
        league_id=league_id,
        member_id=member_id,
        kind="correction",
        amount=moved,
        dedupe_key=dedupe_key,
        now=now,
        bet_id=bet_id,
        week_id=week_id,
        memo=f"{memo}; {shortfall} not recoverable" if shortfall else memo,
    ):
        return Clawback(0, 0)  # the key was used already: nothing moved now
    return Clawback(moved, shortfall)


_CREDIT_COLUMNS: row_sets.Columns = (
    ("league_id", "bigint"),
    ("member_id", "bigint"),
    ("kind", "text"),
    ("amount", "bigint"),
    ("bet_id", "bigint"),
    ("week_id", "bigint"),
    ("memo", "text"),
    ("dedupe_key", "text"),
)
# `WHERE true` lets SQLite parse ON CONFLICT after an INSERT ... SELECT.
_CREDITS_INSERT = """
INSERT INTO ledger (league_id, member_id, kind, amount, bet_id, week_id, memo, dedupe_key, created_at)
SELECT r.league_id, r.member_id, r.kind, r.amount, r.bet_id, r.week_id, r.memo, r.dedupe_key, :now
FROM {rows} WHERE true
ON CONFLICT (member_id, dedupe_key) DO NOTHING
RETURNING member_id, amount
"""
_BALANCES_MOVE = """
UPDATE members SET balance = members.balance + r.amount FROM {rows} WHERE members.id = r.member_id
"""
_MOVE_COLUMNS: row_sets.Columns = (("member_id", "bigint"), ("amount", "bigint"))


async def post_credits(session: AsyncSession, credits: Sequence[Credit], now: datetime) -> int:
    """Record many credits at once and move each member's balance by what was recorded.

    Settlement pays a whole league's bets in one transaction; one statement per entry
    made that cost three round trips per bet. Here the entries go in as one INSERT over
    a JSON row set (storage.row_sets; ON CONFLICT DO NOTHING on the dedupe key,
    RETURNING what was actually inserted) and each member's balance moves once by the sum
    of their inserted entries, so the balance still equals the ledger and a key already
    used moves nothing. Credits only: a credit cannot overdraw, so no per-entry balance
    check is needed. Returns entries inserted.
    """
    for credit in credits:
        amount = credit["amount"]
        if not isinstance(amount, int) or isinstance(amount, bool):
            raise TypeError("ledger amounts are integers")
        if amount < 0:
            raise ValueError("post_credits takes credits only; debits go through post_entry")
    if not credits:
        return 0
    execute = await row_sets.driver_executor(session)
    dialect = session.get_bind().dialect.name
    rows = (
        (
            c["league_id"],
            c["member_id"],
            c["kind"],
            c["amount"],
            c["bet_id"],
            c["week_id"],
            c["memo"],
            c["dedupe_key"],
        )
        for c in credits
    )
    inserted = await execute(
        row_sets.with_rows(_CREDITS_INSERT, dialect, _CREDIT_COLUMNS),
        {"rows": row_sets.rows_param(rows), "now": now},
    )
    totals: Counter[int] = Counter()
    for member_id, amount in inserted:
        totals[member_id] += amount
    moves = [(member_id, total) for member_id, total in sorted(totals.items()) if total]
    if moves:
        await execute(
            row_sets.with_rows(_BALANCES_MOVE, dialect, _MOVE_COLUMNS), {"rows": row_sets.rows_param(moves)}
        )
    return len(inserted)
