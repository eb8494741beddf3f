"""The weekly jobs on APScheduler.

One interval job, a tick that asks every league what is due (sync, lock, settle,
re-grade); each chat adapter drains its own outbox. The tick remembers nothing between
runs: what is due is derived from the database and the clock, so a restart, a missed
run, a run twice or several replicas cannot double or skip anything (the unique keys on
ledger entries and posts see to that). Syncing is throttled per league: every few
minutes while its games are on, hourly otherwise.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from commands.context import Services
from commands.services.lifecycle import DueReport, run_due
from storage.models import League, Tenant, Week

log = logging.getLogger(__name__)

GAME_WINDOW_SYNC = timedelta(minutes=5)
QUIET_SYNC = timedelta(hours=1)
GAME_TAIL = timedelta(hours=4)  # a game is still live this long after its kickoff


def sync_interval(weeks: Sequence[Week], now: datetime) -> timedelta:
    for week in weeks:
        if (
            week.first_kickoff
            and week.last_kickoff
            and week.first_kickoff <= now <= week.last_kickoff + GAME_TAIL
        ):
            return GAME_WINDOW_SYNC
    return QUIET_SYNC


class BookScheduler:
    def __init__(self, services: Services, platforms: Sequence[str], *, tick_seconds: float = 60) -> None:
        self.services = services
        self.tick_seconds = tick_seconds
        self.platforms = list(platforms)
        self._scheduler: AsyncIOScheduler | None = None
        self._ticking = asyncio.Lock()

    def start(self) -> None:
        scheduler = AsyncIOScheduler(timezone=UTC)
        first = datetime.now(UTC)
        scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.tick_seconds,
            id="tick",
            next_run_time=first,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        scheduler.start()
        self._scheduler = scheduler

    async def stop(self) -> None:
        """Stop scheduling and wait for a tick in progress, so the database can close under it."""
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        async with self._ticking:
            pass

    @property
    def jobs(self) -> list[str]:
        return [job.id for job in self._scheduler.get_jobs()] if self._scheduler else []

    async def tick(self) -> dict[int, DueReport]:
        """Run what is due for every league of this process's platforms."""
        async with self._ticking:
            return await self._tick()

    async def _tick(self) -> dict[int, DueReport]:
        now = self.services.clock.now()
        async with self.services.db.read() as session:
            query = (
                select(League)
                .join(Tenant, Tenant.id == League.tenant_id)
                .where(Tenant.platform.in_(self.platforms))
            )
            leagues = (await session.scalars(query)).all()
            weeks = {
                league.id: (
                    await session.scalars(
                        select(Week).where(Week.league_id == league.id, Week.status != "settled")
                    )
                ).all()
                for league in leagues
            }
        reports: dict[int, DueReport] = {}
        for league in leagues:
            if league.source != "espn" and league.source != "demo":
                continue
            due = league.last_synced_at is None or now - league.last_synced_at >= sync_interval(
                weeks[league.id], now
            )
            try:
                reports[league.id] = await run_due(self.services, league, sync=due)
            except Exception:
                log.exception("jobs failed for league %s; the next tick retries", league.id)
        return reports
