"""A scheduler tick over many leagues: per-league CPU, wall and SQL statements, beside set-based SQL.

    python -m bench.tick [--leagues 1000] [--distinct 20] [--profile]

What a league feels on a Sunday is the scheduler's tick (bot/scheduler.py): sync, reprice,
lock, settle. This runs that tick, exactly as `BookScheduler.tick` runs it, over
`--leagues` leagues on one SQLite database, four times, each a kind of tick a season has:

- cold: the week's lines open (store the week, price it, write every market, bankrolls);
- scores changed: a game-day tick mid-Sunday, the early games' points moving;
- unchanged: the same data again (a sync is due, nothing moved);
- no sync due: a tick inside the five-minute game-day cadence.

ESPN is left out on purpose: each league's snapshots come from the demo season simulator
(adapters/espn/demo), parsed by the real ESPN parser once before the clock starts, and
served from memory, so the figures are the book's own cost. The ESPN client's own rate is
the `espn-sync` row. `--distinct` simulated leagues are shared round-robin by the
`--leagues` league rows (the book keeps each league apart whatever its data).

Baseline, same run: the rows each tick wrote (every insert, update and delete, found by
comparing the database before and after) written again into a copy of the database as it
was before the tick, by plain sqlite3 `executemany`, one transaction per league and one
statement per table and kind. That is the floor: what the database itself must do.

With `--database-url`, every phase runs again on PostgreSQL, each after the first (which
fills the tables) after an ANALYZE: the statistics autovacuum keeps between ticks that are
hours apart (see `analyze`).
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import io
import os
import pstats
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from bench.report import Row, emit

SEASON = 2026
WEEK = 5
MEMBERS = 8
#: Tables the tick never writes to, or only appends to in ways the baseline need not copy.
_SKIP = {"alembic_version", "job_leases"}


@dataclass(frozen=True, slots=True)
class Phase:
    name: str
    at: datetime  # the clock during the tick
    data_at: datetime  # the instant the leagues' snapshots show
    target_ms: float | None  # per-league target (CPU for "unchanged", wall otherwise)
    target_kind: str = "wall"


def phases() -> list[Phase]:
    from adapters.espn.demo.season import NflSeason

    nfl = NflSeason.for_season(SEASON)
    first = nfl.first_kickoff(WEEK)
    sunday_early = next(k for k in nfl.kickoffs(WEEK) if k.weekday() == 6)
    live = sunday_early + timedelta(hours=1)
    scores = live + timedelta(minutes=30)
    same = scores + timedelta(minutes=6)
    return [
        Phase("cold (lines open)", first - timedelta(hours=4), first - timedelta(hours=4), 20.0),
        Phase("game day starts (untimed warm-up)", live, live, None),
        Phase("scores changed", scores, scores, 10.0),
        Phase("unchanged", same, scores, 2.0, "cpu"),
        Phase("no sync due", same + timedelta(minutes=1), scores, None),
    ]


class MemoProvider:
    """A league's snapshots at one instant, served from memory."""

    def __init__(self, league: Any, weeks: dict[int, Any]) -> None:
        self._league, self._weeks = league, weeks

    async def fetch_league(self) -> Any:
        return self._league

    async def fetch_week(self, matchup_period: int) -> Any:
        return self._weeks[matchup_period]


Snapshots = dict[datetime, list["MemoProvider"]]


def snapshots(distinct: int, at: datetime) -> list[MemoProvider]:
    """Each distinct simulated league as ESPN shows it at `at`, parsed once."""
    from adapters.espn.demo.season import NflSeason, SeasonSim
    from adapters.espn.demo.season_provider import DemoSeasonProvider

    nfl = NflSeason.for_season(SEASON)
    out = []
    for d in range(distinct):
        sim = SeasonSim(900_000 + d, SEASON, teams=(10, 12)[d % 2], seed=d, nfl=nfl)
        provider = DemoSeasonProvider(lambda: at, sim)
        league = asyncio.run(provider.fetch_league())
        weeks = {p: asyncio.run(provider.fetch_week(p)) for p in range(1, league.current_matchup_period + 1)}
        out.append(MemoProvider(league, weeks))
    return out


async def seed(url: str, leagues: int, at: datetime, connect_args: dict[str, Any] | None = None) -> None:
    from storage.database import Database
    from storage.migrate import upgrade_to_head
    from storage.models import League, Member, Tenant

    db = Database(url, connect_args=connect_args)
    await upgrade_to_head(db)
    async with db.write() as session:
        tenant = Tenant(platform="discord", workspace_id="bench", created_at=at)
        session.add(tenant)
        await session.flush()
        rows = [
            League(
                tenant_id=tenant.id,
                name=f"League {i}",
                source="espn",
                espn_league_id=i,
                season=SEASON,
                channel_id=str(i),
                settings={},
                created_at=at,
            )
            for i in range(leagues)
        ]
        session.add_all(rows)
        await session.flush()
        session.add_all(
            Member(league_id=league.id, user_id=f"u{m}", display_name=f"Member {m}", created_at=at)
            for league in rows
            for m in range(MEMBERS)
        )
    await db.dispose()


# ------------------------------------------------------------------------------- baseline


def _tables(conn: sqlite3.Connection) -> list[str]:
    names = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
    return [n for (n,) in names if n not in _SKIP]


def _rows(conn: sqlite3.Connection, table: str) -> dict[Any, tuple[Any, ...]]:
    cursor = conn.execute(f"SELECT * FROM {table}")  # table names from sqlite_master
    return {row[0]: row for row in cursor}


def table_state(path: Path) -> dict[str, dict[Any, tuple[Any, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {t: _rows(conn, t) for t in _tables(conn)}
    finally:
        conn.close()


@dataclass(slots=True)
class Diff:
    inserts: dict[str, list[tuple[Any, ...]]]
    updates: dict[str, list[tuple[Any, ...]]]
    deletes: dict[str, list[Any]]

    @property
    def rows(self) -> int:
        return sum(len(v) for d in (self.inserts, self.updates, self.deletes) for v in d.values())


def diff(before: dict[str, dict[Any, tuple[Any, ...]]], after: dict[str, dict[Any, tuple[Any, ...]]]) -> Diff:
    out = Diff({}, {}, {})
    for table, rows in after.items():
        old = before.get(table, {})
        out.inserts[table] = [row for key, row in rows.items() if key not in old]
        out.updates[table] = [row for key, row in rows.items() if key in old and old[key] != row]
        out.deletes[table] = [key for key in old if key not in rows]
    return out


def _chunks(rows: list[Any], parts: int) -> Iterator[list[Any]]:
    size = -(-len(rows) // parts) if rows else 0
    for i in range(parts):
        yield rows[i * size : (i + 1) * size] if size else []


def baseline(copy: Path, change: Diff, leagues: int) -> tuple[float, float, int]:
    """Write `change` into `copy` by set-based SQL: per league, one transaction and one
    executemany per table and kind. Returns (wall, cpu, statements)."""
    conn = sqlite3.connect(copy, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    columns = {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})")] for t in _tables(conn)}
    work: list[tuple[str, str, list[Any]]] = []
    for table, rows in change.deletes.items():
        if rows:
            work.append((f"DELETE FROM {table} WHERE {columns[table][0]} = ?", table, [(k,) for k in rows]))
    for table, rows in change.inserts.items():
        if rows:
            marks = ", ".join("?" * len(columns[table]))
            work.append((f"INSERT INTO {table} VALUES ({marks})", table, rows))
    for table, rows in change.updates.items():
        if rows:
            cols = columns[table]
            sets = ", ".join(f"{c} = ?" for c in cols[1:])
            work.append(
                (f"UPDATE {table} SET {sets} WHERE {cols[0]} = ?", table, [(*r[1:], r[0]) for r in rows])
            )
    per_league = [list(_chunks(rows, leagues)) for _, _, rows in work]
    statements = 0
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(leagues):
        conn.execute("BEGIN IMMEDIATE")
        for (sql, _, _), parts in zip(work, per_league, strict=True):
            if parts[i]:
                conn.executemany(sql, parts[i])
                statements += 1
        conn.execute("COMMIT")
        statements += 2
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    conn.close()
    return wall, cpu, statements


# -------------------------------------------------------------------------------- product


@contextmanager
def counted(db: Any) -> Iterator[list[int]]:
    """Count the statements the product runs: on SQLite every one its connections run (the
    trace callback, BEGIN and COMMIT included); on PostgreSQL every one SQLAlchemy sends
    (transaction control is not a statement there)."""
    from sqlalchemy import event
    from sqlalchemy.util import await_

    count = [0]

    def bump(*_: Any) -> None:
        count[0] += 1

    def trace(_dbapi: Any, record: Any) -> None:
        await_(record.driver_connection.set_trace_callback(bump))

    name, listener = ("connect", trace) if db.is_sqlite else ("before_cursor_execute", bump)
    event.listen(db.engine.sync_engine, name, listener)
    try:
        yield count
    finally:
        event.remove(db.engine.sync_engine, name, listener)


@contextmanager
def serving_heap() -> Iterator[None]:
    """The collector as `sidebet run` sets it before it serves, for the timed tick only.

    What lives from startup is frozen (here also the bench's parsed snapshots, which a
    real process never holds) and the young generation has the serving size. Without it
    the tick's own garbage made 1,237 collections over 1,000 leagues (0.9 ms a league),
    the full ones walking every snapshot; with it, 17 (0.1 ms). Undone after, so the
    next phase (or a test running this in its process) starts from the default again.
    """
    from bot.heap import freeze_startup_heap

    threshold = gc.get_threshold()
    freeze_startup_heap()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


@dataclass(slots=True)
class Measured:
    wall: float
    cpu: float
    statements: int
    synced: int
    profile: str = ""


async def run_tick(
    url: str,
    clock_at: datetime,
    providers: Callable[[Any], Any],
    profile: bool,
    connect_args: dict[str, Any] | None = None,
) -> Measured:
    from bot.scheduler import BookScheduler
    from commands.clock import ManualClock
    from commands.context import Services
    from storage.database import Database

    db = Database(url, connect_args=connect_args)
    try:
        with counted(db) as statements:
            services = Services(db, ManualClock(clock_at), providers)
            scheduler = BookScheduler(services, ["discord"])
            profiler = cProfile.Profile() if profile else None
            with serving_heap():
                wall, cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                reports = await scheduler.tick()
                if profiler:
                    profiler.disable()
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        await db.dispose()
    synced = sum(1 for r in reports.values() if r.sync is not None and r.sync_error is None)
    summary = ""
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(
            int(os.environ.get("BENCH_TOP", "25"))
        )
        summary = out.getvalue()
        if dump := os.environ.get("BENCH_PROFILE_DUMP"):  # for pstats/snakeviz: one file per tick
            profiler.dump_stats(f"{dump}.{int(time.time() * 1000)}")
    return Measured(wall, cpu, statements[0], synced, summary)


def _providers(memo: list[MemoProvider]) -> Callable[[Any], MemoProvider]:
    def providers(league: Any) -> MemoProvider:
        return memo[league.espn_league_id % len(memo)]

    return providers


def _per_league(got: Measured, leagues: int) -> str:
    per = 1000 / leagues
    return (
        f"{got.wall * per:.1f} ms wall, {got.cpu * per:.1f} ms CPU, "
        f"{got.statements / leagues:.0f} statements per league"
    )


def _target(phase: Phase, got: Measured, leagues: int) -> tuple[str, bool | None]:
    if phase.target_ms is None:
        return "", None
    per = 1000 / leagues
    figure = got.cpu if phase.target_kind == "cpu" else got.wall
    unit = "CPU" if phase.target_kind == "cpu" else "wall"
    return f"<= {phase.target_ms:g} ms {unit} per league", figure * per <= phase.target_ms


def sqlite_pass(
    plan: list[Phase],
    data: Snapshots,
    leagues: int,
    *,
    profile: bool,
    set_based: bool,
) -> tuple[list[Row], dict[str, Measured]]:
    """Every phase on a SQLite file; beside each, set-based SQL writing the same rows (if asked)."""
    rows: list[Row] = []
    measured: dict[str, Measured] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path, copy = Path(tmp) / "tick.db", Path(tmp) / "baseline.db"
        url = f"sqlite+aiosqlite:///{path}"
        asyncio.run(seed(url, leagues, plan[0].at))
        for phase in plan:
            if set_based:
                before = table_state(path)
                src, dst = sqlite3.connect(path), sqlite3.connect(copy)
                src.backup(dst)
                src.close()
                dst.close()
            got = measured[phase.name] = asyncio.run(
                run_tick(url, phase.at, _providers(data[phase.data_at]), profile)
            )
            line = f"{phase.name:34} SQLite: {_per_league(got, leagues)}; synced {got.synced}"
            base = "(set-based baseline not run)"
            if set_based:
                change = diff(before, table_state(path))
                base_wall, _, base_statements = baseline(copy, change, leagues)
                copy.unlink()
                base = (
                    f"set-based SQL writing the same {change.rows / leagues:.0f} rows: "
                    f"{base_wall * 1000 / leagues:.2f} ms wall, "
                    f"{base_statements / leagues:.0f} statements per league"
                )
            print(f"{line} | {base}")
            if got.profile:
                print(got.profile)
            if "warm-up" in phase.name:
                continue
            target, met = _target(phase, got, leagues)
            rows.append(
                Row(
                    f"tick, {phase.name}, {leagues:,} leagues (SQLite)",
                    _per_league(got, leagues),
                    base,
                    target,
                    met,
                )
            )
    return rows, measured


async def analyze(url: str, connect_args: dict[str, Any] | None) -> None:
    """Bring the planner's statistics up to date, as autovacuum keeps a live database's.

    A season's ticks are hours apart (lines open days before the games), and autovacuum
    analyzes a table once a tenth of it changed. Here they follow each other within
    seconds, on tables the cold tick has just filled: without this the planner, taking
    the week's 30,000 starters for the few rows it last counted, scanned every starter to
    read one league's week (8 ms of server time a league on the scores-changed tick).
    Not before the cold tick itself: its tables are empty then, and statistics saying so
    would plan every statement of a tick that fills them for empty tables (8.6x SQLite's
    wall, measured).
    """
    from sqlalchemy import text

    from storage.database import Database

    db = Database(url, connect_args=connect_args)
    try:
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("ANALYZE"))
    finally:
        await db.dispose()


def postgres_pass(
    plan: list[Phase],
    data: Snapshots,
    leagues: int,
    database_url: str,
    sqlite: dict[str, Measured],
) -> list[Row]:
    """Every phase on PostgreSQL (a schema of its own), beside the same run's SQLite figures."""
    from bench.bet_throughput import scratch

    async def run() -> list[Row]:
        rows: list[Row] = []
        async with scratch(database_url, Path()) as (url, connect_args, _):
            await seed(url, leagues, plan[0].at, connect_args)
            for phase in plan:
                if phase is not plan[0]:
                    await analyze(url, connect_args)
                got = await run_tick(url, phase.at, _providers(data[phase.data_at]), False, connect_args)
                print(f"{phase.name:34} PostgreSQL: {_per_league(got, leagues)}; synced {got.synced}")
                if "warm-up" in phase.name:
                    continue
                lite = sqlite[phase.name]
                slower = got.wall / lite.wall if lite.wall else float("inf")
                rows.append(
                    Row(
                        f"tick, {phase.name}, {leagues:,} leagues (PostgreSQL)",
                        f"{_per_league(got, leagues)}; {slower:.1f}x SQLite's wall",
                        f"SQLite, same run: {_per_league(lite, leagues)}",
                        "within 2x of SQLite",
                        slower <= 2.0 if phase.target_ms is not None else None,
                    )
                )
        return rows

    return asyncio.run(run())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leagues", type=int, default=1000)
    parser.add_argument("--distinct", type=int, default=20, help="simulated leagues shared by the rows")
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary of each tick")
    parser.add_argument(
        "--database-url",
        help="also run on this PostgreSQL (postgresql+asyncpg://...), beside the same run's SQLite",
    )
    args = parser.parse_args(argv)
    leagues, distinct = args.leagues, min(args.distinct, args.leagues)

    plan = phases()
    started = time.perf_counter()
    data = {p.data_at: snapshots(distinct, p.data_at) for p in plan}
    took = time.perf_counter() - started
    print(f"parsed {distinct} simulated leagues at {len(data)} instants in {took:.1f} s (not timed)")
    on_postgres = args.database_url is not None
    rows, measured = sqlite_pass(plan, data, leagues, profile=args.profile, set_based=not on_postgres)
    if on_postgres:
        rows = postgres_pass(plan, data, leagues, args.database_url, measured)
    emit(*rows)


if __name__ == "__main__":
    main()
