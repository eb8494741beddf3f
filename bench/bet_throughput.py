"""Bets per second through the command layer on SQLite, beside raw SQL doing the same writes.

Run: `python -m bench.bet_throughput --members 50 --bets 40 --rate 1000`; add
`--database-url postgresql+asyncpg://...` for PostgreSQL (a schema of its own, dropped after).

Per bet, every side writes the same rows: claim the slip (UPDATE quotes), take liability
(conditional UPDATE selections), INSERT the bet, INSERT the ledger entry and debit the
balance (conditional UPDATE members). The command layer also does what a real Confirm
does around that: resolve the caller's league and membership, check ownership, expiry,
lock time, pause and limits, and build the reply. Slips are quoted before timing starts;
what is timed is confirming them (placing the bet).

Two baselines run in the same process on the same disk:
  raw SQL         plain aiosqlite, one transaction per bet, one writer at a time;
  raw SQL grouped plain sqlite3 in a worker thread, committing queued bets in batches
                  (what our writer does, minus everything the command layer adds).
On PostgreSQL the baseline is raw asyncpg, a pool of connections and one transaction per bet
with the five statements one by one (the bot's PostgresPlacer runs the same writes as one
statement, its own transaction).
Two loads: closed loop (50 members confirming back to back: capacity), and open loop
(bets arriving at a fixed total rate: the latency one bet sees at that rate).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiosqlite
import asyncpg
from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url

from adapters.espn.demo.provider import DEMO_WEEK_START
from bench.report import Row, emit
from bot.app import provider_factory
from bot.demo import ensure_demo_league
from bot.heap import freeze_startup_heap
from commands.clock import ManualClock
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.league_settings import LeagueSettings
from commands.services.lifecycle import run_due
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import League, Market, Selection

Plan = list[list[tuple[str, int]]]  # per member: (user, slip id) in order
Place = Callable[[int, int], Awaitable[None]]  # (member index, bet index)

SCHEMA = (
    "CREATE TABLE m (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0));"
    "CREATE TABLE s (id INTEGER PRIMARY KEY, liability INTEGER NOT NULL);"
    "CREATE TABLE q (id INTEGER PRIMARY KEY, status TEXT NOT NULL);"
    "CREATE TABLE b (id INTEGER PRIMARY KEY, member_id INTEGER, selection_id INTEGER, stake INTEGER,"
    " odds INTEGER, key TEXT UNIQUE);"
    "CREATE TABLE l (id INTEGER PRIMARY KEY, member_id INTEGER, amount INTEGER, bet_id INTEGER,"
    " key TEXT, UNIQUE (member_id, key));"
)
WRITES = (
    ("UPDATE q SET status='placed' WHERE id=:q AND status='pending'", False),
    ("UPDATE s SET liability = liability + 1 WHERE id=:s AND liability + 1 <= 1000000000", False),
    ("INSERT INTO b (member_id, selection_id, stake, odds, key) VALUES (:m, :s, 1, -110, 'k' || :q)", True),
    (
        "INSERT INTO l (member_id, amount, bet_id, key) VALUES (:m, -1, :bet, 'stake:' || :bet)"
        " ON CONFLICT DO NOTHING",
        False,
    ),
    ("UPDATE m SET balance = balance - 1 WHERE id=:m AND balance - 1 >= 0", False),
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def invocation(user: str, interaction: str) -> Invocation:
    return Invocation("console", "bench", user, user, interaction)


async def prepare_book(db: Database, members: int, bets: int) -> tuple[Services, Plan]:
    await upgrade_to_head(db)
    clock = ManualClock(DEMO_WEEK_START)
    league = await ensure_demo_league(db, "bench", clock.now())
    roomy = LeagueSettings(allowance=1_000_000, liability_multiple=100, quote_ttl_seconds=600)
    async with db.write() as session:
        await session.execute(
            update(League).where(League.id == league.id).values(settings=roomy.model_dump())
        )
        league = await session.get_one(League, league.id)
    services = Services(db, clock, provider_factory(clock))
    await run_due(services, league)
    async with db.read() as session:
        picks = (
            await session.execute(
                select(Market.id, Selection.side)
                .join(Selection, Selection.market_id == Market.id)
                .where(Selection.odds.is_not(None))
            )
        ).all()
    plan: Plan = []
    for m in range(members):
        user = f"member{m:03d}"
        slips = []
        for b in range(bets):
            market_id, side = picks[(m * bets + b) % len(picks)]
            reply = await dispatch(
                services,
                invocation(user, f"q-{m}-{b}"),
                "bet",
                {"market": market_id, "pick": side, "stake": 1},
            )
            slips.append((user, int(reply.cards[0].title.split("#")[1])))
        plan.append(slips)
    return services, plan


async def warm_up(services: Services, plan: Plan) -> None:
    """Each member looks at their balance first, as a user does before betting.

    This fills the connection pool and the caller cache, so the figures describe a running
    bot rather than its first second; the cold first request is reported on its own.
    """
    started = time.perf_counter()
    await services.db.warm_up()  # as `sidebet run` does before it serves (PostgreSQL)
    await asyncio.gather(*(dispatch(services, invocation(s[0][0], "warm"), "balance", {}) for s in plan))
    freeze_startup_heap()  # as `sidebet run` does once it is built, before it serves
    took = (time.perf_counter() - started) * 1000
    print(f"  (warm-up: {len(plan)} first requests at once took {took:.1f} ms)")


def book_placer(services: Services, plan: Plan) -> Place:
    async def place(m: int, b: int) -> None:
        user, quote = plan[m][b]
        reply = await dispatch(services, invocation(user, f"c-{quote}"), "confirm", {"quote": quote})
        assert reply.text.startswith("Bet placed"), reply.text

    return place


def raw_schema(path: Path, members: int, bets: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.executescript(SCHEMA)
    conn.executemany("INSERT INTO m VALUES (?, 1000000)", [(i,) for i in range(members)])
    conn.executemany("INSERT INTO s VALUES (?, 0)", [(i,) for i in range(50)])
    conn.executemany("INSERT INTO q VALUES (?, 'pending')", [(i,) for i in range(members * bets)])
    conn.close()


PG_SCHEMA = (
    "CREATE TABLE m (id INTEGER PRIMARY KEY, balance BIGINT NOT NULL CHECK (balance >= 0));"
    "CREATE TABLE s (id INTEGER PRIMARY KEY, liability BIGINT NOT NULL);"
    "CREATE TABLE q (id INTEGER PRIMARY KEY, status TEXT NOT NULL);"
    "CREATE TABLE b (id BIGSERIAL PRIMARY KEY, member_id INTEGER, selection_id INTEGER, stake BIGINT,"
    " odds INTEGER, key TEXT UNIQUE);"
    "CREATE TABLE l (id BIGSERIAL PRIMARY KEY, member_id INTEGER, amount BIGINT, bet_id BIGINT,"
    " key TEXT, UNIQUE (member_id, key));"
)
PG_WRITES = (
    "UPDATE q SET status='placed' WHERE id=$1 AND status='pending'",
    "UPDATE s SET liability = liability + 1 WHERE id=$1 AND liability + 1 <= 1000000000",
    "INSERT INTO b (member_id, selection_id, stake, odds, key) VALUES ($1, $2, 1, -110, 'k' || $3)"
    " RETURNING id",
    "INSERT INTO l (member_id, amount, bet_id, key) VALUES ($1, -1, $2, 'stake:' || $2::bigint::text)"
    " ON CONFLICT DO NOTHING",
    "UPDATE m SET balance = balance - 1 WHERE id=$1 AND balance - 1 >= 0",
)


class _RolledBack(Exception):
    """Undoes the raw baseline's warm-up writes."""


async def raw_pg(
    dsn: str, schema: str, members: int, bets: int
) -> tuple[Place, Callable[[], Awaitable[None]]]:
    """Baseline on PostgreSQL: raw asyncpg, a pool of 10, one transaction per bet."""
    pool = await asyncpg.create_pool(dsn, min_size=10, max_size=10, server_settings={"search_path": schema})
    async with pool.acquire() as conn:
        await conn.execute(PG_SCHEMA)
        await conn.executemany("INSERT INTO m VALUES ($1, 1000000)", [(i,) for i in range(members)])
        await conn.executemany("INSERT INTO s VALUES ($1, 0)", [(i,) for i in range(50)])
        await conn.executemany("INSERT INTO q VALUES ($1, 'pending')", [(i,) for i in range(members * bets)])

    # Warmed as the command layer's pool is (Database.warm_up): every connection open and
    # every statement parsed and planned once on it (asyncpg keeps them) before the clock.
    connections = [await pool.acquire() for _ in range(pool.get_max_size())]
    for conn in connections:
        with contextlib.suppress(_RolledBack):
            async with conn.transaction():
                for statement, args in zip(
                    PG_WRITES, ((-1,), (-1,), (-1, -1, "warm"), (-1, -1), (-1,)), strict=True
                ):
                    await conn.execute(statement, *args)
                raise _RolledBack
        await pool.release(conn)

    async def place(m: int, b: int) -> None:
        values = params(m, b, bets)
        async with pool.acquire() as conn, conn.transaction():
            await conn.execute(PG_WRITES[0], values["q"])
            await conn.execute(PG_WRITES[1], values["s"])
            bet = await conn.fetchval(PG_WRITES[2], values["m"], values["s"], str(values["q"]))
            await conn.execute(PG_WRITES[3], values["m"], bet)
            await conn.execute(PG_WRITES[4], values["m"])

    return place, pool.close


def params(m: int, b: int, bets: int) -> dict[str, int]:
    q = m * bets + b
    return {"q": q, "s": q % 50, "m": m}


async def raw_per_bet(path: Path, bets: int) -> tuple[Place, Callable[[], Awaitable[None]]]:
    """Baseline 1: aiosqlite, one transaction per bet, one writer at a time."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute("PRAGMA synchronous=NORMAL")
    lock = asyncio.Lock()

    async def place(m: int, b: int) -> None:
        values = params(m, b, bets)
        async with lock:
            await conn.execute("BEGIN IMMEDIATE")
            for sql, returns_id in WRITES:
                cursor = await conn.execute(sql, values)
                if returns_id:
                    assert cursor.lastrowid is not None  # set by the INSERT
                    values["bet"] = cursor.lastrowid
            await conn.execute("COMMIT")

    return place, conn.close


async def raw_grouped(path: Path, bets: int) -> tuple[Place, Callable[[], Awaitable[None]]]:
    """Baseline 2: sqlite3 in a worker thread, queued bets committed in batches."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA synchronous=NORMAL")
    queue: asyncio.Queue[tuple[dict[str, int], asyncio.Future[None]]] = asyncio.Queue()

    def commit(batch: list[dict[str, int]]) -> None:
        conn.execute("BEGIN IMMEDIATE")
        for values in batch:
            conn.execute("SAVEPOINT bet")
            for sql, returns_id in WRITES:
                cursor = conn.execute(sql, values)
                if returns_id:
                    assert cursor.lastrowid is not None  # set by the INSERT
                    values["bet"] = cursor.lastrowid
            conn.execute("RELEASE bet")
        conn.execute("COMMIT")

    async def writer() -> None:
        while True:
            batch = [await queue.get()]
            while len(batch) < 128 and not queue.empty():
                batch.append(queue.get_nowait())
            await asyncio.to_thread(commit, [v for v, _ in batch])
            for _, future in batch:
                future.set_result(None)

    task = asyncio.create_task(writer())

    async def place(m: int, b: int) -> None:
        future = asyncio.get_running_loop().create_future()
        await queue.put((params(m, b, bets), future))
        await future

    async def close() -> None:
        task.cancel()
        conn.close()

    return place, close


async def closed_loop(place: Place, members: int, bets: int) -> tuple[float, list[float]]:
    latencies: list[float] = []

    async def member(m: int) -> None:
        for b in range(bets):
            started = time.perf_counter()
            await place(m, b)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(member(m) for m in range(members)))
    return time.perf_counter() - started, latencies


async def open_loop(place: Place, members: int, bets: int, rate: float) -> tuple[float, list[float]]:
    """Bets arrive on a fixed schedule; latency counts from the scheduled arrival."""
    latencies: list[float] = []
    gap = members / rate
    start = time.perf_counter() + 0.05
    phases = random.Random(7).sample(range(members), members)

    async def member(m: int) -> None:
        for b in range(bets):
            due = start + b * gap + phases[m] * gap / members
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await place(m, b)
            latencies.append(time.perf_counter() - due)

    await asyncio.gather(*(member(m) for m in range(members)))
    return time.perf_counter() - start, latencies


def line(name: str, count: int, elapsed: float, latencies: list[float]) -> float:
    rate = count / elapsed
    p50, p99 = percentile(latencies, 0.50) * 1000, percentile(latencies, 0.99) * 1000
    mean = statistics.fmean(latencies) * 1000
    print(f"  {name:<16}{rate:>9,.0f} bets/s   p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   mean {mean:7.2f} ms")
    return rate


TARGET_RATE, TARGET_P99_MS = 1_000, 25.0


async def run(members: int, bets: int, rate: float, database_url: str | None) -> None:
    total = members * bets
    backend = "PostgreSQL" if database_url else "SQLite"
    names = ("command layer", "raw SQL") if database_url else ("command layer", "raw SQL", "raw SQL grouped")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        results: dict[str, dict[str, float]] = {}
        print(f"{backend}, {members} concurrent members x {bets} bets each ({total:,} bets per run)")
        for load in ("closed", "open"):
            print(f"{'closed loop (capacity)' if load == 'closed' else f'open loop at {rate:,.0f} bets/s'}:")
            for name in names:
                path = root / f"{load}-{name.replace(' ', '-')}.db"
                close: Callable[[], Awaitable[None]]
                async with scratch(database_url, path) as (url, connect_args, schema):
                    if name == "command layer":
                        services, plan = await prepare_book(
                            Database(url, connect_args=connect_args), members, bets
                        )
                        place, close = book_placer(services, plan), services.db.dispose
                        await warm_up(services, plan)
                    elif database_url:
                        dsn = make_url(database_url).set(drivername="postgresql").render_as_string(False)
                        place, close = await raw_pg(dsn, schema, members, bets)
                    else:
                        raw_schema(path, members, bets)
                        factory = raw_per_bet if name == "raw SQL" else raw_grouped
                        place, close = await factory(path, bets)
                    if load == "closed":
                        elapsed, latencies = await closed_loop(place, members, bets)
                    else:
                        elapsed, latencies = await open_loop(place, members, bets, rate)
                    await close()
                results.setdefault(load, {})[name] = line(name, total, elapsed, latencies)
                results.setdefault(f"{load}-p99", {})[name] = percentile(latencies, 0.99) * 1000
        ours = results["closed"]
        print(f"ratio: {ours['command layer'] / ours['raw SQL']:.2f} of raw SQL per bet")
        print("targets: >= 1,000 bets/s, >= 0.50 of the raw-SQL rate, p99 of one bet <= 25 ms")
        p99_open = results["open-p99"]["command layer"]
        emit(
            Row(
                f"bet throughput, {members} members confirming at once ({backend})",
                f"{ours['command layer']:,.0f} bets/s, p99 {results['closed-p99']['command layer']:.1f} ms",
                f"raw SQL, a transaction per bet: {ours['raw SQL']:,.0f} bets/s"
                + (f"; grouped commits: {ours['raw SQL grouped']:,.0f} bets/s" if not database_url else ""),
                f">= {TARGET_RATE:,} bets/s at 50 members",
                ours["command layer"] >= TARGET_RATE if members >= 50 else None,
            ),
            Row(
                f"bet latency, open loop at {rate:,.0f} bets/s ({backend})",
                f"p99 {p99_open:.1f} ms",
                f"raw SQL, a transaction per bet: p99 {results['open-p99']['raw SQL']:.1f} ms",
                f"p99 <= {TARGET_P99_MS:.0f} ms at 1,000 bets/s",
                p99_open <= TARGET_P99_MS if rate >= 1000 and members >= 50 else None,
            ),
        )


@asynccontextmanager
async def scratch(
    database_url: str | None, path: Path
) -> AsyncIterator[tuple[str, dict[str, Any] | None, str]]:
    """A fresh database per run: a SQLite file, or a PostgreSQL schema dropped afterwards."""
    if database_url is None:
        yield f"sqlite+aiosqlite:///{path}", None, ""
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = Database(database_url)
    async with admin.engine.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield database_url, {"server_settings": {"search_path": schema}}, schema
    finally:
        async with admin.engine.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--bets", type=int, default=80)
    parser.add_argument("--rate", type=float, default=1000.0, help="open-loop arrival rate, bets/s")
    parser.add_argument(
        "--database-url", help="a PostgreSQL URL (postgresql+asyncpg://...); SQLite if not given"
    )
    args = parser.parse_args(argv)
    asyncio.run(run(args.members, args.bets, args.rate, args.database_url))


if __name__ == "__main__":
    main()
