"""A tick works on several leagues at once (PostgreSQL), and that changes nothing they get.

On PostgreSQL each statement of a league's jobs waits for a round trip, and the next
league waited behind it; BookScheduler now runs `concurrency` leagues at a time. Each
league's jobs are under its own lease and decide from rows they lock, so running them
side by side must leave every league exactly as running them one after another does.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.demo import ensure_demo_league
from bot.scheduler import BookScheduler, run_bounded
from storage.database import Database
from storage.models import LedgerEntry, Market, OutboxMessage, Week
from storage.statuses import MarketStatus
from tests.book import Book

LEAGUES = 5


async def test_run_bounded_keeps_to_its_limit_and_runs_every_job_once() -> None:
    started: list[int] = []
    running, most = 0, 0

    def job(n: int):
        async def run() -> None:
            nonlocal running, most
            started.append(n)
            running += 1
            most = max(most, running)
            await asyncio.sleep(0)  # hand the loop to the others: they would start now if allowed
            await asyncio.sleep(0)
            running -= 1

        return run

    await run_bounded([job(n) for n in range(10)], 3)
    assert sorted(started) == list(range(10)) and most == 3
    assert started[:3] == [0, 1, 2]  # in their order of starting

    started.clear()
    running = most = 0
    await run_bounded([job(n) for n in range(4)], 1)
    assert started == [0, 1, 2, 3] and most == 1


async def _state(db: Database) -> list[tuple[int, int, int, int]]:
    """Per league: open markets, locked markets, ledger entries, posts queued."""
    async with db.read() as session:
        by_league = []
        for league_id in sorted((await session.scalars(select(Week.league_id).distinct())).all()):

            async def count(model, *where, league_id: int = league_id) -> int:
                query = select(func.count()).select_from(model).where(model.league_id == league_id, *where)
                return int(await session.scalar(query) or 0)

            by_league.append(
                (
                    await count(Market, Market.status == MarketStatus.OPEN),
                    await count(Market, Market.status == MarketStatus.LOCKED),
                    await count(LedgerEntry),
                    await count(OutboxMessage),
                )
            )
        return by_league


async def test_leagues_ticked_side_by_side_end_up_as_one_at_a_time_leaves_them(any_db: Database) -> None:
    book = Book(any_db)
    for n in range(LEAGUES):
        await ensure_demo_league(any_db, f"workspace-{n}", book.clock.now())
    scheduler = BookScheduler(book.services, ["console"], concurrency=LEAGUES)
    assert scheduler.concurrency == LEAGUES

    reports = await scheduler.tick()  # lines open in every league at once
    assert len(reports) == LEAGUES and all(
        r.sync is not None and r.sync_error is None for r in reports.values()
    )
    opened = await _state(any_db)
    assert len(opened) == LEAGUES and len(set(opened)) == 1, opened  # the same book, league by league
    assert opened[0][0] > 0 and opened[0][3] > 0  # markets open, the board posted

    async with any_db.read() as session:
        first_lock = await session.scalar(select(func.min(Market.lock_at)))
    assert first_lock is not None
    book.clock.advance(first_lock + timedelta(minutes=1) - book.clock.now())
    reports = await scheduler.tick()
    assert all(r.locked > 0 for r in reports.values()), reports
    locked = await _state(any_db)
    assert len(set(locked)) == 1 and locked[0][1] > 0, locked
    assert await scheduler.tick() is not None  # a tick with nothing new is harmless side by side too
    assert await _state(any_db) == locked


def test_the_default_runs_leagues_one_at_a_time_on_sqlite_only(tmp_path) -> None:
    sqlite = Database(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}")
    postgres = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # never connected
    try:
        assert BookScheduler(Book(sqlite).services, ["console"]).concurrency == 1
        assert BookScheduler(Book(postgres).services, ["console"]).concurrency > 1
    finally:
        asyncio.run(sqlite.dispose())
        asyncio.run(postgres.dispose())
