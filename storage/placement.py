"""Placing a bet: the money-moving statements, and how each back end runs them.

Each statement is a conditional write whose WHERE clause *is* the rule, so the database
enforces it at the instant of the write under any concurrency:
  claim   the slip is this member's, pending and unexpired      (UPDATE quotes)
  take    the market is open, unlocked, the league not paused, and the side's liability
          stays under the cap                                     (UPDATE selections)
  debit   the balance covers the stake                           (UPDATE members)
then the bet and its ledger entry are inserted. If any condition fails nothing is kept.

On SQLite, which admits one writer at a time anyway, a single writer drains a queue of
bets and runs a batch of them in one transaction on its own sqlite3 connection, with a
SAVEPOINT per bet so one refusal undoes only that bet. That is group commit: the same
guarantees, one thread hop and one fsync per batch instead of per bet.

On PostgreSQL a bet costs round trips and the Python around each one. So the same writes,
with the same WHERE clauses, run as one statement (PG_PLACE), which is its own
transaction: one round trip instead of seven (BEGIN, five statements, COMMIT). When a
step refuses, the statement aborts itself, so the server undoes every step before it and
a refusal still writes nothing. Other back ends (SQLite in memory) run the statements one
by one in a session transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import asyncpg
from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.ledger import BALANCE_MOVE, LEDGER_INSERT
from storage.types import UTCDateTime

Reason = Literal["quote", "market", "balance"]

CLAIM = """
UPDATE quotes SET status = 'placed'
WHERE id = :quote_id AND league_id = :league_id AND member_id = :member_id
  AND status = 'pending' AND expires_at > :now
RETURNING selection_id, stake, odds, line, fair_p, idempotency_key
"""

TAKE = """
UPDATE selections SET liability = liability + :liability
WHERE id = :selection_id AND odds IS NOT NULL AND liability + :liability <= :max_liability
  AND EXISTS (
    SELECT 1 FROM markets JOIN leagues ON leagues.id = markets.league_id
    WHERE markets.id = selections.market_id AND markets.status = 'open'
      AND markets.lock_at > :now AND leagues.paused = false)
RETURNING market_id, label
"""

BET_INSERT = """
INSERT INTO bets (league_id, member_id, week_id, market_id, selection_id, stake, odds, line, fair_p,
                  status, idempotency_key, placed_at)
SELECT :league_id, :member_id, week_id, id, :selection_id, :stake, :odds, :line, :fair_p,
       'open', :idempotency_key, :now
FROM markets WHERE id = :market_id
RETURNING id, week_id
"""

# A separate statement rather than a column of BET_INSERT: PostgreSQL infers the JSON
# parameter's type from an UPDATE's target column, not from an INSERT ... SELECT list.
SNAPSHOT_SET = "UPDATE bets SET lineup_snapshot = :snapshot WHERE id = :bet_id"


@dataclass(frozen=True, slots=True)
class PlaceRequest:
    league_id: int
    member_id: int
    quote_id: int
    now: datetime
    max_liability: int
    # A team owner's lineup when betting on their own matchup, stored with the bet in the
    # same transaction (so a bet never exists without the snapshot its rule requires).
    lineup_snapshot: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Placement:
    bet_id: int
    stake: int
    odds: int
    label: str
    balance: int
    market_id: int


class PlaceRefused(Exception):
    """A condition failed; nothing of this bet was written. `reason` says which one."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason)
        self.reason = reason


def liability(stake: int, american: int) -> int:
    """What the house loses if the bet wins: the payout's profit part, rounded down.

    Kept here (and equal to engine.liability, which a test checks) because storage may
    not import the engine.
    """
    return stake * american // 100 if american > 0 else stake * 100 // -american


def _place(execute: Any, request: PlaceRequest, now: Any) -> Placement:
    """The statement sequence, for any `execute(sql, params) -> first row or None`."""
    base = {"league_id": request.league_id, "member_id": request.member_id, "now": now}
    quote = execute(CLAIM, base | {"quote_id": request.quote_id})
    if quote is None:
        raise PlaceRefused("quote")
    selection_id, stake, odds, line, fair_p, key = quote
    taken = execute(
        TAKE,
        base
        | {
            "selection_id": selection_id,
            "liability": liability(stake, odds),
            "max_liability": request.max_liability,
        },
    )
    if taken is None:
        raise PlaceRefused("market")
    market_id, label = taken
    bet_id, week_id = execute(
        BET_INSERT,
        base
        | {
            "selection_id": selection_id,
            "stake": stake,
            "odds": odds,
            "line": line,
            "fair_p": fair_p,
            "idempotency_key": key,
            "market_id": market_id,
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
            "dedupe_key": f"stake:bet:{bet_id}",
        },
    )
    moved = execute(BALANCE_MOVE, {"member_id": request.member_id, "amount": -stake})
    if moved is None:
        raise PlaceRefused("balance")
    return Placement(
        bet_id=bet_id, stake=stake, odds=odds, label=label, balance=moved[0], market_id=market_id
    )


# The five writes above as one PostgreSQL statement. Each step is a data-modifying CTE with
# the same condition as its statement above, fed by the step before through RETURNING:
#   claim  = CLAIM, which also works out the liability (see below)
#   take   = TAKE, for the claimed selection and its liability
#   bet    = BET_INSERT with the lineup snapshot in the same row (SNAPSHOT_SET's job)
#   entry  = LEDGER_INSERT with the same dedupe key, memo and amount
#   debit  = BALANCE_MOVE by minus the stake
# A step whose condition fails returns no row, so every later step writes nothing. If that
# step is the claim, nothing was written at all and the statement returns no row. If it is
# a later one, the final SELECT calls sidebet_refuse_bet (migration 0004), whose error
# aborts the statement and so undoes the claim and whatever else ran: the refusal writes
# nothing, as a ROLLBACK would have ensured. Every sub-statement runs to completion whether
# or not the final SELECT reads it, and under READ COMMITTED each UPDATE re-checks its WHERE
# clause against the row's newest version once it holds the row lock, exactly as the
# separate statements do, so concurrent bets can neither overdraw a balance nor exceed a cap.
# The liability is `liability()` in SQL (LIABILITY_SQL): integer division truncates towards
# zero where Python's floors, which agree because both operands are positive for every bet
# that can exist (stake >= 1, enforced by bets' CHECK; American odds are >= 100 or <= -100).
LIABILITY_SQL = "CASE WHEN odds > 0 THEN stake * odds / 100 ELSE stake * 100 / -odds END"
# Parameters, by position (the statement goes to asyncpg as it is, see PostgresPlacer):
#   $1 quote_id, $2 league_id, $3 member_id, $4 now (naive UTC, as UTCDateTime stores it),
#   $5 max_liability, $6 the lineup snapshot as JSON text, or NULL.
PG_PLACE = f"""
WITH claim AS (
    UPDATE quotes SET status = 'placed'
    WHERE id = $1 AND league_id = $2 AND member_id = $3
      AND status = 'pending' AND expires_at > $4
    RETURNING selection_id, stake, odds, line, fair_p, idempotency_key,
              {LIABILITY_SQL} AS liability
), take AS (
    UPDATE selections SET liability = selections.liability + claim.liability
    FROM claim
    WHERE selections.id = claim.selection_id AND selections.odds IS NOT NULL
      AND selections.liability + claim.liability <= $5
      AND EXISTS (
        SELECT 1 FROM markets JOIN leagues ON leagues.id = markets.league_id
        WHERE markets.id = selections.market_id AND markets.status = 'open'
          AND markets.lock_at > $4 AND leagues.paused = false)
    RETURNING selections.market_id, selections.label
), bet AS (
    INSERT INTO bets (league_id, member_id, week_id, market_id, selection_id, stake, odds, line, fair_p,
                      status, idempotency_key, placed_at, lineup_snapshot)
    SELECT $2, $3, markets.week_id, markets.id, claim.selection_id, claim.stake,
           claim.odds, claim.line, claim.fair_p, 'open', claim.idempotency_key, $4,
           CAST($6 AS JSON)
    FROM claim JOIN take ON true JOIN markets ON markets.id = take.market_id
    RETURNING id, week_id, stake
), entry AS (
    INSERT INTO ledger (league_id, member_id, kind, amount, bet_id, week_id, memo, dedupe_key, created_at)
    SELECT $2, $3, 'stake', -bet.stake, bet.id, bet.week_id, take.label,
           'stake:bet:' || bet.id, $4
    FROM bet JOIN take ON true
    ON CONFLICT (member_id, dedupe_key) DO NOTHING
), debit AS (
    UPDATE members SET balance = members.balance - bet.stake
    FROM bet
    WHERE members.id = $3 AND members.balance - bet.stake >= 0
    RETURNING members.balance
)
SELECT claim.stake, claim.odds, take.market_id, take.label, bet.id, debit.balance,
       CASE WHEN take.market_id IS NULL THEN sidebet_refuse_bet('market')
            WHEN debit.balance IS NULL THEN sidebet_refuse_bet('balance') END
FROM claim LEFT JOIN take ON true LEFT JOIN bet ON true LEFT JOIN debit ON true
"""

# The error sidebet_refuse_bet raises; its detail is the reason ("market" or "balance").
REFUSED_SQLSTATE = "SB001"
_REASONS: dict[str | None, Reason] = {"market": "market", "balance": "balance"}


class PostgresPlacer:
    """One statement per bet on PostgreSQL, its own transaction (see PG_PLACE).

    The connection comes from SQLAlchemy's pool (checkout checks, reset and disposal as for
    any other work), but the statement goes to asyncpg directly, outside any transaction.
    It is one fixed statement with plain parameters, so SQLAlchemy's compilation cache,
    execution context and result wrapping, which were two fifths of the Python calls a
    whole confirmation made, buy nothing here; BEGIN and COMMIT would be two more round
    trips than the bet itself. asyncpg prepares the statement once per connection.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def place(self, request: PlaceRequest) -> Placement:
        snapshot = None if request.lineup_snapshot is None else json.dumps(request.lineup_snapshot)
        now = request.now.astimezone(UTC).replace(tzinfo=None)  # what UTCDateTime stores
        async with self._engine.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            try:
                row = await driver.fetchrow(
                    PG_PLACE,
                    request.quote_id,
                    request.league_id,
                    request.member_id,
                    now,
                    request.max_liability,
                    snapshot,
                )
            except asyncpg.PostgresError as exc:
                if exc.sqlstate == REFUSED_SQLSTATE and exc.detail in _REASONS:
                    raise PlaceRefused(_REASONS[exc.detail]) from None
                if isinstance(exc, asyncpg.IntegrityConstraintViolationError):
                    # Nothing was kept; the caller explains from the slip as it now stands,
                    # as confirm_quote does with an IntegrityError from the other placers.
                    raise PlaceRefused("quote") from None
                raise
        if row is None:  # the claim refused, before anything was written
            raise PlaceRefused("quote")
        stake, odds, market_id, label, bet_id, balance, _ = row
        return Placement(
            bet_id=bet_id, stake=stake, odds=odds, label=label, balance=balance, market_id=market_id
        )


class SessionPlacer:
    """One transaction per bet through a SQLAlchemy session, statement by statement.

    For back ends without a placer of their own (SQLite in memory, which has no file for
    the group-committing writer to open).
    """

    def __init__(self, write: Any) -> None:
        self._write = write

    async def place(self, request: PlaceRequest) -> Placement:
        async with self._write() as session:
            return await _place_async(session, request)


async def _place_async(session: AsyncSession, request: PlaceRequest) -> Placement:
    # A tiny bridge: the shared sequence is synchronous, so run it on the sync session.
    def run(sync_session: Any) -> Placement:
        def execute(sql: str, params: dict[str, Any]) -> Any:
            statement = text(sql)
            if "now" in params:
                statement = statement.bindparams(bindparam("now", type_=UTCDateTime()))
            result = sync_session.execute(statement, params)
            return result.first() if result.returns_rows else None

        return _place(execute, request, request.now)

    return await session.run_sync(run)


SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores DateTime on SQLite


def sqlite_time(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime(SQLITE_TIME)


class SqliteGroupPlacer:
    """The single SQLite writer for bets: queued requests committed in batches."""

    MAX_BATCH = 128

    def __init__(self, path: Path, write_lock: asyncio.Lock, busy_timeout_ms: int) -> None:
        self._path = path
        self._lock = write_lock
        self._busy_timeout = busy_timeout_ms / 1000
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
                    results = await asyncio.to_thread(self._commit_batch, [r for r, _ in batch])
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
            conn = sqlite3.connect(
                self._path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
            )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            self._conn = conn
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
                    # Only this bet is undone; the rest of the batch stands.
                    conn.execute("ROLLBACK TO bet")
                    results.append(refused)
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
