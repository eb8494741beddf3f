"""Bets per second through the command layer on SQLite, beside raw SQL doing the same writes.

Run: `make bench` (or `python -m bench.bet_throughput --members 50 --bets 40`).

Both sides write the same rows per bet: claim the slip (UPDATE quotes), take liability
(conditional UPDATE selections), INSERT the bet, INSERT the ledger entry and debit the
balance (conditional UPDATE members), in one transaction each. The command-layer side
also does everything a real confirmation does around that: resolve the tenant and
league, load the member, check ownership, lock time, expiry and limits, and build the
reply. Slips are created before the clock starts; only confirmations are timed.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiosqlite
from sqlalchemy import select, update

from adapters.espn.demo.provider import DEMO_WEEK_START
from bot.app import provider_factory
from bot.demo import ensure_demo_league
from commands.clock import ManualClock
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.league_settings import LeagueSettings
from commands.services.lifecycle import run_due
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import League, Market, Selection


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def prepare(path: Path, members: int, bets: int) -> tuple[Services, list[list[tuple[str, int]]]]:
    db = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(db)
    clock = ManualClock(DEMO_WEEK_START)
    league = await ensure_demo_league(db, "bench", clock.now())
    roomy = LeagueSettings(allowance=1_000_000, liability_multiple=100, quote_ttl_seconds=600)
    async with db.write() as session:
        await session.execute(
            update(League).where(League.id == league.id).values(settings=roomy.model_dump())
        )
        league = await session.get(League, league.id)
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
    plan: list[list[tuple[str, int]]] = []
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


def invocation(user: str, interaction: str) -> Invocation:
    return Invocation("console", "bench", user, user, interaction)


async def command_layer(services: Services, plan: list[list[tuple[str, int]]]) -> tuple[float, list[float]]:
    latencies: list[float] = []

    async def member(slips: list[tuple[str, int]]) -> None:
        for user, quote in slips:
            started = time.perf_counter()
            reply = await dispatch(services, invocation(user, f"c-{quote}"), "confirm", {"quote": quote})
            latencies.append(time.perf_counter() - started)
            assert reply.text.startswith("Bet placed"), reply.text

    started = time.perf_counter()
    await asyncio.gather(*(member(slips) for slips in plan))
    return time.perf_counter() - started, latencies


async def raw_sql(path: Path, members: int, bets: int) -> tuple[float, list[float]]:
    """The same rows written with plain aiosqlite: one connection, one transaction per bet."""
    conn = await aiosqlite.connect(path, isolation_level=None)
    await conn.execute("PRAGMA journal_mode=WAL")
    await conn.execute("PRAGMA synchronous=NORMAL")
    await conn.executescript(
        "CREATE TABLE m (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL CHECK (balance >= 0));"
        "CREATE TABLE s (id INTEGER PRIMARY KEY, liability INTEGER NOT NULL);"
        "CREATE TABLE q (id INTEGER PRIMARY KEY, status TEXT NOT NULL);"
        "CREATE TABLE b (id INTEGER PRIMARY KEY, member_id INTEGER, selection_id INTEGER, stake INTEGER,"
        " odds INTEGER, key TEXT UNIQUE);"
        "CREATE TABLE l (id INTEGER PRIMARY KEY, member_id INTEGER, amount INTEGER, bet_id INTEGER,"
        " key TEXT, UNIQUE (member_id, key));"
    )
    await conn.executemany("INSERT INTO m VALUES (?, 1000000)", [(i,) for i in range(members)])
    await conn.executemany("INSERT INTO s VALUES (?, 0)", [(i,) for i in range(50)])
    await conn.executemany("INSERT INTO q VALUES (?, 'pending')", [(i,) for i in range(members * bets)])
    lock = asyncio.Lock()
    latencies: list[float] = []

    async def member(m: int) -> None:
        for b in range(bets):
            quote = m * bets + b
            started = time.perf_counter()
            async with lock:
                await conn.execute("BEGIN")
                await conn.execute("UPDATE q SET status='placed' WHERE id=? AND status='pending'", (quote,))
                await conn.execute(
                    "UPDATE s SET liability = liability + 1 WHERE id=? AND liability + 1 <= 1e9",
                    (quote % 50,),
                )
                cursor = await conn.execute(
                    "INSERT INTO b (member_id, selection_id, stake, odds, key) VALUES (?, ?, 1, -110, ?)",
                    (m, quote % 50, f"k{quote}"),
                )
                await conn.execute(
                    "INSERT INTO l (member_id, amount, bet_id, key) VALUES (?, -1, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    (m, cursor.lastrowid, f"stake:{cursor.lastrowid}"),
                )
                await conn.execute("UPDATE m SET balance = balance - 1 WHERE id=? AND balance - 1 >= 0", (m,))
                await conn.execute("COMMIT")
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(member(m) for m in range(members)))
    elapsed = time.perf_counter() - started
    await conn.close()
    return elapsed, latencies


def report(name: str, count: int, elapsed: float, latencies: list[float]) -> float:
    rate = count / elapsed
    print(
        f"{name:<14} {count:>6} bets  {rate:>8.0f} bets/s  p50 {percentile(latencies, 0.50) * 1000:6.2f} ms"
        f"  p99 {percentile(latencies, 0.99) * 1000:6.2f} ms  mean {statistics.fmean(latencies) * 1000:6.2f} ms"
    )
    return rate


async def main(members: int, bets: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        services, plan = await prepare(Path(tmp) / "book.db", members, bets)
        elapsed, latencies = await command_layer(services, plan)
        await services.db.dispose()
        raw_elapsed, raw_latencies = await raw_sql(Path(tmp) / "raw.db", members, bets)
    total = members * bets
    print(f"SQLite, {members} concurrent members x {bets} bets each")
    ours = report("command layer", total, elapsed, latencies)
    raw = report("raw SQL", total, raw_elapsed, raw_latencies)
    print(f"ratio          {ours / raw:.2f} of the raw-SQL rate")
    print("targets        >= 1000 bets/s, >= 0.50 of raw SQL, p99 <= 25 ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50)
    parser.add_argument("--bets", type=int, default=40)
    args = parser.parse_args()
    asyncio.run(main(args.members, args.bets))
