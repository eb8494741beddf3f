"""The scheduler leaves a league alone when nothing can be due, and misses nothing that is.

Between syncs a tick reads what may be due for every league at once
(commands/services/due_jobs.py) and skips the rest. These tests keep the league's sync
from being due (its last sync stamped at the tick's instant) and check that every job
still happens on time through the hints alone: the locking-soon reminder, the lock, the
settlement, a recap lost to a crash; and that a quiet league costs no statement of its own.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update

from bot.scheduler import BookScheduler
from storage import keys, leases
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import JobLease, League, Market, OutboxMessage, Week
from storage.statuses import MarketStatus, WeekStatus
from tests.book import Book
from tests.statement_trace import trace_statements


async def _tick_without_sync(book: Book, scheduler: BookScheduler) -> dict[int, Any]:
    async with book.db.write() as session:
        await session.execute(update(League).values(last_synced_at=book.clock.now()))
    return await scheduler.tick()


async def _count(book: Book, model: Any, *where: Any) -> int:
    async with book.db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_every_job_happens_on_time_from_the_hints_alone(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'hints.db'}")
    statements = trace_statements(db)

    await upgrade_to_head(db)
    try:
        book = await Book(db).open()
        scheduler = BookScheduler(book.services, ["console"])
        async with db.read() as session:
            first_lock = await session.scalar(
                select(func.min(Market.lock_at)).where(Market.status == MarketStatus.OPEN)
            )
        assert first_lock is not None

        # Lines are up, the first lock is days away: the league is not touched at all.
        book.clock.advance(timedelta(minutes=5))
        await _tick_without_sync(book, scheduler)
        statements.clear()
        reports = await scheduler.tick()
        assert reports == {}
        assert not [s for s in statements if "job_leases" in s or s.startswith("BEGIN IMMEDIATE")], statements
        assert len(statements) <= 6, statements  # the tick's own reads, for every league at once

        # Inside the reminder window: "locking soon" is posted once, though no sync is due.
        book.clock.advance(first_lock - timedelta(minutes=30) - book.clock.now())
        await _tick_without_sync(book, scheduler)
        await _tick_without_sync(book, scheduler)
        assert await _count(book, OutboxMessage, OutboxMessage.kind == "reminder") == 1

        # The lock time passes: the markets lock.
        book.clock.advance(first_lock + timedelta(minutes=1) - book.clock.now())
        reports = await _tick_without_sync(book, scheduler)
        assert reports[book.league_id].locked > 0
        assert (
            await _count(book, Market, Market.lock_at <= first_lock, Market.status == MarketStatus.OPEN) == 0
        )

        # The week's games end (a sync sees it), then its settle time comes with no sync due.
        async with db.read() as session:
            week = await session.scalar(select(Week).where(Week.league_id == book.league_id))
        assert week is not None and week.last_kickoff is not None
        book.clock.advance(week.last_kickoff + timedelta(hours=8) - book.clock.now())
        await scheduler.tick()  # due to sync: the week goes final
        async with db.read() as session:
            week = await session.get_one(Week, week.id)
            assert week.final_at is not None
        for _ in range(4 * 24):  # hour by hour, never a sync, until it settles
            if week.status == WeekStatus.SETTLED:
                break
            book.clock.advance(timedelta(hours=1))
            await _tick_without_sync(book, scheduler)
            async with db.read() as session:
                week = await session.get_one(Week, week.id)
        assert week.status == WeekStatus.SETTLED
        assert await _count(book, OutboxMessage, OutboxMessage.dedupe_key == keys.recap_post(week.id)) == 1

        # A recap lost (the process died between settling and posting) is queued again.
        async with db.write() as session:
            await session.execute(
                delete(OutboxMessage).where(OutboxMessage.dedupe_key == keys.recap_post(week.id))
            )
        book.clock.advance(timedelta(minutes=1))
        await _tick_without_sync(book, scheduler)
        assert await _count(book, OutboxMessage, OutboxMessage.dedupe_key == keys.recap_post(week.id)) == 1
        assert await _count(book, JobLease) == 0  # every lease given back
        assert await book.money_faults() == []
    finally:
        await db.dispose()


async def test_an_unchanged_due_sync_is_only_stamped_and_a_changed_one_fetched_once(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'unchanged.db'}")
    statements = trace_statements(db)

    await upgrade_to_head(db)
    try:
        book = await Book(db).open()
        fetches: list[str] = []
        providers = book.services.providers

        class Counting:
            def __init__(self, league: League) -> None:
                self.inner = providers(league)

            async def fetch_league(self) -> Any:
                fetches.append("league")
                return await self.inner.fetch_league()

            async def fetch_week(self, period: int) -> Any:
                fetches.append(f"week {period}")
                return await self.inner.fetch_week(period)

        book.services.providers = Counting
        scheduler = BookScheduler(book.services, ["console"])

        # An hour on, a sync is due; the demo's snapshot has not moved: the league is only
        # stamped (no lease, no transaction of its own), in the tick's one closing UPDATE.
        book.clock.advance(timedelta(hours=1))
        statements.clear()
        reports = await scheduler.tick()
        assert reports[book.league_id].unchanged and reports[book.league_id].sync is None
        assert not [s for s in statements if "job_leases" in s], statements
        assert [s for s in statements if s.startswith("UPDATE leagues")] == [statements[-2]], statements
        assert fetches == ["league", "week 12"]
        league = await book.league()
        assert league.last_synced_at == book.clock.now()

        # A setting that moves every price: the next due sync goes the full way, on the
        # snapshots the scheduler fetched (once), and reprices.
        await book.run("admin", "config set", admin=True, setting="margin_pct", value="8")
        book.clock.advance(timedelta(hours=1))
        fetches.clear()
        reports = await scheduler.tick()
        report = reports[book.league_id]
        assert not report.unchanged and report.sync is not None and report.sync.repriced > 0
        assert fetches == ["league", "week 12"]
        assert await book.money_faults() == []
    finally:
        await db.dispose()


async def test_a_league_another_process_works_on_is_left_to_it(tmp_path: Path) -> None:
    """The tick claims its batch's leases in one statement (leases.claim_all): a league whose
    lease another process holds gets no pass from this one, and keeps that holder's lease;
    once it is given back, the next tick runs the league's jobs."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'held.db'}")
    await upgrade_to_head(db)
    try:
        book = await Book(db).open()
        scheduler = BookScheduler(book.services, ["console"], owner="this process")
        name = leases.league_lease(book.league_id)
        book.clock.advance(timedelta(hours=1))  # a sync is due
        await book.run("admin", "config set", admin=True, setting="margin_pct", value="8")  # and changed
        assert await leases.claim(db, name, "another process", book.clock.now(), timedelta(minutes=10))
        reports = await scheduler.tick()
        assert book.league_id not in reports
        async with db.read() as session:
            assert (
                await session.scalar(select(JobLease.owner).where(JobLease.name == name)) == "another process"
            )

        await leases.release(db, name, "another process", book.clock.now())
        reports = await scheduler.tick()
        report = reports[book.league_id]
        assert report.sync is not None and report.sync.repriced > 0
        assert await _count(book, JobLease) == 0
    finally:
        await db.dispose()
