"""Placing a bet: the money-moving statements, and how each back end runs them.

Each statement is a conditional write whose WHERE clause is the rule (storage.bet_rules,
where every rule is written once), so the database enforces it at the instant of the
write under any concurrency:
  claim   the slip is this member's, pending and unexpired, and the member's team is the
          one the own-matchup rule was applied for              (UPDATE quotes)
  take    the league is not paused, the market open and unlocked, the side offered, and
          its liability stays under the cap with the slip's own  (UPDATE selections)
  debit   the balance covers the stake                           (UPDATE members)
then the bet and its ledger entry are inserted. If any condition fails nothing is kept,
and the refusal names the rule that failed (bet_rules.Refusal), worked out by the same
conditions, so the caller can say why without deciding anything itself.

The slip carries its liability (what the house loses if the bet wins): the engine worked
it out when the slip was quoted, and the bet keeps it, so these statements only add a
stored number and a cancel or void takes off exactly the same one.

On SQLite, which admits one writer at a time anyway, a single writer drains a queue of
bets and runs a batch of them in one transaction on its own sqlite3 connection, with a
SAVEPOINT per bet so one refusal undoes only that bet. That is group commit: the same
guarantees, one thread hop and one fsync per batch instead of per bet.

On PostgreSQL a bet costs round trips and the Python around each one. So the same writes,
with the same WHERE clauses, run as one statement (PG_PLACE), which is its own
transaction: one round trip instead of seven (BEGIN, five statements, COMMIT). When a
step refuses, the statement aborts itself, so the server undoes every step before it and
a refusal still writes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import asyncpg
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage import keys
from storage.bet_rules import (
    BALANCE_RULE,
    CLAIM_RULES,
    NAMED,
    REFUSALS,
    SIDE_RULES,
    SLIP,
    Refusal,
    all_of,
    first_failed,
    render,
)
from storage.hot_pool import HotPool
from storage.inline_sqlite import open_sqlite
from storage.ledger import BALANCE_MOVE, LEDGER_INSERT
from storage.types import UTCDateTime

CLAIM = f"""
UPDATE quotes SET status = 'placed'
WHERE {render(SLIP, NAMED)} AND {all_of(CLAIM_RULES, NAMED)}
RETURNING selection_id, stake, odds, line, fair_p, idempotency_key, liability, number
"""
# Which claim rule the slip fails; no row: there is no such slip.
CLAIM_REFUSAL = (
    f"SELECT {first_failed(CLAIM_RULES, NAMED, 'not_pending')} FROM quotes WHERE {render(SLIP, NAMED)}"
)

TAKE = f"""
UPDATE selections SET liability = liability + :liability
WHERE id = :selection_id AND {all_of(SIDE_RULES, NAMED)}
RETURNING market_id, label, (SELECT kind FROM markets WHERE markets.id = selections.market_id)
"""
SIDE_REFUSAL = (
    f"SELECT {first_failed(SIDE_RULES, NAMED, 'liability')} FROM selections WHERE id = :selection_id"
)

# The side's rules for a slip being quoted, before anything is written: the refusal, or NULL.
SIDE_CHECK = f"SELECT {first_failed(SIDE_RULES, NAMED, None)} FROM selections WHERE id = :selection_id"

# The bet takes its slip's number: one counter numbers both (storage/numbering.py).
BET_INSERT = """
INSERT INTO bets (league_id, number, member_id, week_id, market_id, selection_id, stake, odds, line,
                  fair_p, liability, status, idempotency_key, placed_at)
SELECT :league_id, :slip, :member_id, week_id, id, :selection_id, :stake, :odds, :line,
       :fair_p, :liability, 'open', :idempotency_key, :now
FROM markets WHERE id = :market_id
RETURNING id, week_id
"""

# A separate statement rather than a column of BET_INSERT: PostgreSQL infers the JSON
# parameter's type from an UPDATE's target column, not from an INSERT ... SELECT list.
SNAPSHOT_SET = "UPDATE bets SET lineup_snapshot = :snapshot WHERE id = :bet_id"


_SIDE_CHECK = text(SIDE_CHECK).bindparams(bindparam("now", type_=UTCDateTime()))


async def side_refusal(
    session: AsyncSession, *, selection_id: int, liability: int, max_liability: int, now: datetime
) -> Refusal | None:
    """The first rule of the side that a bet of `liability` on it would fail now, or None.

    What a slip is checked against when it is quoted: the same rules placing it checks
    again, atomically, when it is confirmed.
    """
    params = {
        "selection_id": selection_id,
        "liability": liability,
        "max_liability": max_liability,
        "now": now,
    }
    return cast(Refusal | None, await session.scalar(_SIDE_CHECK, params))


@dataclass(frozen=True, slots=True)
class PlaceRequest:
    league_id: int
    member_id: int
    slip: int  # the slip's number in the league, as the member has it
    now: datetime
    max_liability: int
    # A team owner's lineup when betting on their own matchup, stored with the bet in the
    # same transaction (so a bet never exists without the snapshot its rule requires).
    lineup_snapshot: dict[str, Any] | None = None
    # The team the member owned when the own-matchup rule was applied (None: no team); the
    # claim refuses ("team_changed") if the member's link is another one by then.
    team_id: int | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    bet_id: int
    number: int  # the bet's number in the league: its slip's
    stake: int
    odds: int
    label: str
    balance: int
    market_id: int
    kind: str  # the market's kind (moneyline, spread, ...), read by the write itself


class PlaceRefused(Exception):
    """A rule failed; nothing of this bet was written. `reason` names the rule."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason)
        self.reason: Refusal = reason


def _place(execute: Any, request: PlaceRequest, now: Any) -> Placement:
    """The statement sequence, for any `execute(sql, params) -> first row or None`."""
    base = {"league_id": request.league_id, "member_id": request.member_id, "now": now}
    slip = base | {"slip": request.slip, "team_id": request.team_id or 0}
    quote = execute(CLAIM, slip)
    if quote is None:
        failed = execute(CLAIM_REFUSAL, slip)
        raise PlaceRefused("no_slip" if failed is None else failed[0])
    selection_id, stake, odds, line, fair_p, key, liability, number = quote
    side = base | {
        "selection_id": selection_id,
        "liability": liability,
        "max_liability": request.max_liability,
    }
    taken = execute(TAKE, side)
    if taken is None:
        raise PlaceRefused(execute(SIDE_REFUSAL, side)[0])
    market_id, label, kind = taken
    bet_id, week_id = execute(
        BET_INSERT,
        side
        | {
            "stake": stake,
            "odds": odds,
            "line": line,
            "fair_p": fair_p,
            "idempotency_key": key,
            "market_id": market_id,
            "slip": number,
        },
    )
    if request.lineup_snapshot is not None:
        execute(SNAPSHOT_SET, {"bet_id": bet_id, "snapshot": json.dumps(request.lineup_snapshot)})
    execute(
        LEDGER_INSERT,
        base
        | {
            "kind": "stake",
            "amount": -stake,
            "bet_id": bet_id,
            "week_id": week_id,
            "memo": label,
            "dedupe_key": keys.stake(bet_id),
        },
    )
    moved = execute(BALANCE_MOVE, {"member_id": request.member_id, "amount": -stake})
    if moved is None:
        raise PlaceRefused(BALANCE_RULE.refusal)
    return Placement(
        bet_id=bet_id,
        number=number,
        stake=stake,
        odds=odds,
        label=label,
        balance=moved[0],
        market_id=market_id,
        kind=kind,
    )


# The five writes above as one PostgreSQL statement. Each step is a data-modifying CTE with
# the same rules as its statement above, fed by the step before through RETURNING:
#   claim  = CLAIM
#   take   = TAKE, for the claimed selection and the slip's liability
#   bet    = BET_INSERT with the lineup snapshot in the same row (SNAPSHOT_SET's job)
#   entry  = LEDGER_INSERT with the same dedupe key, memo and amount
#   debit  = BALANCE_MOVE by minus the stake
# A step whose condition fails returns no row, so every later step writes nothing. If that
# step is the claim, nothing was written at all and the statement's one row names the claim
# rule that failed. If it is a later one, the final SELECT calls sidebet_refuse_bet
# (migration 0004) with the rule that failed, whose error aborts the statement and so undoes
# the claim and whatever else ran: the refusal writes nothing, as a ROLLBACK would have
# ensured. Every sub-statement runs to completion whether or not the final SELECT reads it,
# and under READ COMMITTED each UPDATE re-checks its WHERE clause against the row's newest
# version once it holds the row lock, exactly as the separate statements do, so concurrent
# bets can neither overdraw a balance nor exceed a cap. The final SELECT's reads see the
# statement's snapshot, from before any of its writes (hence the `otherwise` refusals).
# Parameters, by position (the statement goes to asyncpg as it is, see PostgresPlacer):
#   $1 the slip's number, $2 league_id, $3 member_id, $4 now (naive UTC, as UTCDateTime stores it),
#   $5 max_liability, $6 the lineup snapshot as JSON text, or NULL, $7 the member's team id
#   the own-matchup rule was applied for (0: none).
_PG = {
    "slip": "$1",
    "league_id": "$2",
    "member_id": "$3",
    "now": "$4",
    "max_liability": "$5",
    "liability": "claim.liability",
    "amount": "-bet.stake",
    "share": " FOR KEY SHARE",
    "team_id": "$7",
}

PG_PLACE = f"""
WITH claim AS (
    UPDATE quotes SET status = 'placed'
    WHERE {render(SLIP, _PG)} AND {all_of(CLAIM_RULES, _PG)}
    RETURNING selection_id, stake, odds, line, fair_p, idempotency_key, liability, number
), take AS (
    UPDATE selections SET liability = selections.liability + claim.liability
    FROM claim
    WHERE selections.id = claim.selection_id AND {all_of(SIDE_RULES, _PG)}
    RETURNING selections.market_id, selections.label
), bet AS (
    INSERT INTO bets (league_id, number, member_id, week_id, market_id, selection_id, stake, odds, line,
                      fair_p, liability, status, idempotency_key, placed_at, lineup_snapshot)
    SELECT $2, claim.number, $3, markets.week_id, markets.id, claim.selection_id, claim.stake,
           claim.odds, claim.line, claim.fair_p, claim.liability, 'open', claim.idempotency_key, $4,
           CAST($6 AS JSON)
    FROM claim JOIN take ON true JOIN markets ON markets.id = take.market_id
    RETURNING id, week_id, stake, number
), entry AS (
    INSERT INTO ledger (league_id, member_id, kind, amount, bet_id, week_id, memo, dedupe_key, created_at)
    SELECT $2, $3, 'stake', -bet.stake, bet.id, bet.week_id, take.label,
           '{keys.STAKE_PREFIX}' || bet.id, $4
    FROM bet JOIN take ON true
    ON CONFLICT (member_id, dedupe_key) DO NOTHING
), debit AS (
    UPDATE members SET balance = members.balance - bet.stake
    FROM bet
    WHERE members.id = $3 AND {render(BALANCE_RULE.condition, _PG)}
    RETURNING members.balance
)
SELECT claim.stake, claim.odds, take.market_id, take.label, markets.kind, bet.id, bet.number,
       debit.balance,
       CASE WHEN claim.selection_id IS NULL THEN COALESCE(
           (SELECT {first_failed(CLAIM_RULES, _PG, "not_pending")} FROM quotes WHERE {render(SLIP, _PG)}),
           'no_slip') END,
       CASE WHEN claim.selection_id IS NULL THEN NULL
            WHEN take.market_id IS NULL THEN sidebet_refuse_bet(
                (SELECT {first_failed(SIDE_RULES, _PG, "liability")}
                 FROM selections WHERE selections.id = claim.selection_id))
            WHEN debit.balance IS NULL THEN sidebet_refuse_bet('{BALANCE_RULE.refusal}') END
FROM (SELECT 1) AS one LEFT JOIN claim ON true LEFT JOIN take ON true
     LEFT JOIN markets ON markets.id = take.market_id LEFT JOIN bet ON true LEFT JOIN debit ON true
"""

# The instant the warm-up's bet for no slip is dated (see PostgresPlacer.warm).
_NO_SLIP_INSTANT = datetime(2000, 1, 1)
# The error sidebet_refuse_bet raises; its detail is the refusal.
REFUSED_SQLSTATE = "SB001"


class PostgresPlacer:
    """One statement per bet on PostgreSQL, its own transaction (see PG_PLACE).

    The statement goes to asyncpg directly, outside any transaction, on a connection of the
    pool kept for the hot statements (storage/hot_pool.py). It is one fixed statement with
    plain parameters, so SQLAlchemy's compilation cache, execution context and result
    wrapping, which were two fifths of the Python calls a whole confirmation made, buy
    nothing here; BEGIN and COMMIT would be two more round trips than the bet itself.

    The statement is prepared once per connection, and `warm` prepares it on every
    connection before the bot serves (Database.warm_up): otherwise the first bets of a
    busy minute each waited for a new connection to parse and plan it, all at once, and
    made the latency's tail.
    """

    def __init__(self, hot: HotPool) -> None:
        self._hot = hot

    async def warm(self) -> int:
        """Every connection of the hot pool open with the bet statement prepared; how many.

        Prepared by running it for slip 0, which no slip has (ids start at 1): the claim
        finds nothing, so nothing is written and nothing raised (the refusal is a value),
        whatever instant it is given (a fixed one: no clock is read for it).
        """
        return await self._hot.warm(PG_PLACE, 0, 0, 0, _NO_SLIP_INSTANT, 0, None, 0)

    async def place(self, request: PlaceRequest) -> Placement:
        snapshot = None if request.lineup_snapshot is None else json.dumps(request.lineup_snapshot)
        now = request.now.astimezone(UTC).replace(tzinfo=None)  # what UTCDateTime stores
        args = (
            request.slip,
            request.league_id,
            request.member_id,
            now,
            request.max_liability,
            snapshot,
            request.team_id or 0,
        )
        try:
            row = await self._hot.fetchrow(PG_PLACE, *args)
        except asyncpg.PostgresError as exc:
            if exc.sqlstate == REFUSED_SQLSTATE and exc.detail in REFUSALS:
                raise PlaceRefused(cast(Refusal, exc.detail)) from None
            if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
                # Nothing was kept; the slip as it now stands explains it.
                raise PlaceRefused("not_pending") from None
            raise
        stake, odds, market_id, label, kind, bet_id, number, balance, claim_refusal, _ = row
        if claim_refusal is not None:  # the claim refused, before anything was written
            raise PlaceRefused(claim_refusal)
        return Placement(
            bet_id=bet_id,
            number=number,
            stake=stake,
            odds=odds,
            label=label,
            balance=balance,
            market_id=market_id,
            kind=kind,
        )


SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime on SQLite


def sqlite_time(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime(SQLITE_TIME)


class SqliteGroupPlacer:
    """The single SQLite writer for bets: queued requests committed in batches."""

    MAX_BATCH = 128

    def __init__(
        self, path: Path, write_lock: asyncio.Lock, busy_timeout_ms: int, committed: Callable[[], None]
    ) -> None:
        self._path = path
        self._lock = write_lock
        self._busy_timeout_ms = busy_timeout_ms
        self._committed = committed  # told after each batch (the checkpointer's nudge)
        self._queue: asyncio.Queue[tuple[PlaceRequest, asyncio.Future[Placement]]] | None = None
        self._worker: asyncio.Task[None] | None = None
        self._conn: sqlite3.Connection | None = None

    async def place(self, request: PlaceRequest) -> Placement:
        if self._worker is None or self._worker.done():
            self._queue = asyncio.Queue()
            self._worker = asyncio.create_task(self._run(), name="sqlite-bet-writer")
        assert self._queue is not None
        future: asyncio.Future[Placement] = asyncio.get_running_loop().create_future()
        await self._queue.put((request, future))
        return await future

    async def _run(self) -> None:
        assert self._queue is not None
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self.MAX_BATCH and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                async with self._lock:
                    try:
                        results = await asyncio.to_thread(self._commit_batch, [r for r, _ in batch])
                    finally:
                        self._committed()
            except Exception as exc:  # the whole batch failed to commit: tell every caller
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, Exception):
                    future.set_exception(result)
                else:
                    future.set_result(result)

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = open_sqlite(self._path, self._busy_timeout_ms)
        return self._conn

    def _commit_batch(self, requests: list[PlaceRequest]) -> list[Placement | Exception]:
        conn = self._connection()

        def execute(sql: str, params: dict[str, Any]) -> Any:
            return conn.execute(sql, params).fetchone()

        results: list[Placement | Exception] = []
        conn.execute("BEGIN IMMEDIATE")
        try:
            for request in requests:
                conn.execute("SAVEPOINT bet")
                try:
                    results.append(_place(execute, request, sqlite_time(request.now)))
                except (PlaceRefused, sqlite3.IntegrityError) as refused:
                    # Only this bet is undone; the rest of the batch stands. A constraint
                    # (none of the rules can break one) leaves the slip to explain itself.
                    conn.execute("ROLLBACK TO bet")
                    results.append(
                        refused if isinstance(refused, PlaceRefused) else PlaceRefused("not_pending")
                    )
                conn.execute("RELEASE bet")
            conn.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
            raise
        return results

    async def close(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
            with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                await self._worker
            self._worker = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
