"""The weekly jobs on APScheduler.

One interval job, a tick that asks every league what is due (sync, lock, settle,
re-grade); each chat adapter drains its own outbox. The tick remembers nothing between
runs: what is due is derived from the database and the clock, so a restart, a missed
run, a run twice or several replicas cannot double or skip anything (the unique keys on
ledger entries and posts see to that). Syncing is throttled per league: every few
minutes while its games are on, hourly otherwise.

Several processes may share one database. Each league's jobs run under a lease
(storage/leases.py) named after the league, so at any moment exactly one process works
on a league; the others skip it this tick. The lease is released when the jobs finish and
expires by itself if its holder dies mid-way.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import select

from bot.demo import DEMO_SOURCES
from commands.context import Services
from commands.errors import NotFound
from commands.metrics import JOB_PASSES
from commands.provider import DATA_SOURCES, ProviderError
from commands.reference import request_reference
from commands.services.due_jobs import MaybeDue, leagues_with_games, maybe_due
from commands.services.league_jobs import league_jobs
from commands.services.lifecycle import DueReport, run_due
from commands.services.unchanged_sync import (
    Fetched,
    Prefetched,
    fetch_and_compare,
    may_be_unchanged,
    stamp_synced,
)
from storage import leases
from storage.models import League, Tenant, Week
from storage.statuses import WeekStatus

log = logging.getLogger(__name__)

GAME_WINDOW_SYNC = timedelta(minutes=5)
QUIET_SYNC = timedelta(hours=1)
GAME_TAIL = timedelta(hours=4)  # a game is still live this long after its kickoff
LEASE_TTL = leases.LEAGUE_LEASE_TTL
# Leagues a tick works on at once on PostgreSQL (the pool holds 20 connections by default).
TICK_CONCURRENCY = 8
league_lease = leases.league_lease
# Leagues whose leases a tick claims, and gives back, in one statement each way. A lease is
# then held from its batch's claim to the batch's end: about half a second on SQLite at 32
# (bench.tick), where a commissioner's `sync` meanwhile hears "busy, try again".
LEASE_BATCH = 32


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
    def __init__(
        self,
        services: Services,
        platforms: Sequence[str],
        *,
        tick_seconds: float = 60,
        owner: str | None = None,
        lease_ttl: timedelta = LEASE_TTL,
        concurrency: int | None = None,
    ) -> None:
        self.services = services
        # Leagues worked on at once in a tick. A league's jobs mostly wait: on its data
        # source, and on PostgreSQL on a round trip per statement, so one league at a time
        # leaves the server and the second core idle. SQLite writes one transaction at a
        # time whatever the number (Database.write), so it keeps the plain loop.
        self.concurrency = max(1, concurrency or (1 if services.db.is_sqlite else TICK_CONCURRENCY))
        self.tick_seconds = tick_seconds
        self.platforms = list(platforms)
        self.owner = owner or leases.process_owner()
        self.lease_ttl = lease_ttl
        # When the last tick finished (injected clock), for the health endpoint.
        self.last_tick_at: datetime | None = None
        self._scheduler: AsyncIOScheduler | None = None
        self._ticking = asyncio.Lock()

    @property
    def running(self) -> bool:
        return self._scheduler is not None and self._scheduler.running

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
            reports = await self._tick()
            self.last_tick_at = self.services.clock.now()
            return reports

    async def _tick(self) -> dict[int, DueReport]:
        async with self.services.db.read() as session:
            query = (
                select(League)
                .join(Tenant, Tenant.id == League.tenant_id)
                .where(Tenant.platform.in_(self.platforms))
            )
            leagues = (await session.scalars(query)).all()
            # Every league's unsettled weeks in one read: a tick lists 10,000 leagues.
            weeks: dict[int, list[Week]] = {league.id: [] for league in leagues}
            unsettled = select(Week).where(
                Week.status != WeekStatus.SETTLED, Week.league_id.in_(query.with_only_columns(League.id))
            )
            for week in (await session.scalars(unsettled)).all():
                weeks.setdefault(week.league_id, []).append(week)
            now = self.services.clock.now()
            due = await maybe_due(session, leagues, weeks, now)
            with_games = await leagues_with_games(session)
        reports: dict[int, DueReport] = {}
        unchanged: list[int] = []
        # The leagues of a batch that need a pass under their lease, with what the look fetched.
        passes: dict[int, Prefetched | None] = {}

        async def look(league: League, sync: bool) -> None:
            """The quick look, without the lease: an unchanged league is done here."""
            if not (sync and may_be_unchanged(league, due[league.id], league.id in with_games)):
                passes[league.id] = None
                return
            with request_reference(prefix="job-"):
                fetched = await self._fetch(league, weeks[league.id])
            if fetched is not None and fetched.unchanged:
                unchanged.append(league.id)  # stamped below, with all the others
                reports[league.id] = DueReport(sync=None, unchanged=True)
                return
            passes[league.id] = fetched.provider if fetched is not None else None

        async def work_on(league_id: int) -> None:
            with request_reference(prefix="job-"):
                report = await self._run_league(
                    league_id, weeks[league_id], due[league_id], passes[league_id]
                )
            if report is not None:
                reports[league_id] = report

        todo: list[tuple[League, bool]] = []
        for league in leagues:
            if league.source not in DATA_SOURCES and league.source not in DEMO_SOURCES:
                continue
            synced = league.last_synced_at
            sync = synced is None or now - synced >= sync_interval(weeks[league.id], now)
            if sync or due[league.id]:  # else nothing can be due: not even its lease is taken
                todo.append((league, sync))
        for start in range(0, len(todo), LEASE_BATCH):
            batch = todo[start : start + LEASE_BATCH]
            passes.clear()
            await run_bounded([partial(look, league, sync) for league, sync in batch], self.concurrency)
            ids = [league.id for league, _ in batch if league.id in passes]
            won = await self._claim(ids)
            try:
                jobs = []
                for league_id in ids:
                    if league_lease(league_id) in won:
                        jobs.append(partial(work_on, league_id))
                    else:
                        log.debug("league %s is being worked on by another process", league_id)
                        JOB_PASSES.labels("skipped").inc()
                await run_bounded(jobs, self.concurrency)
            finally:
                await self._release(won)
        await stamp_synced(self.services.db, unchanged, now)
        JOB_PASSES.labels("unchanged").inc(len(unchanged))
        return reports

    async def _fetch(self, league: League, unsettled: Sequence[Week]) -> Fetched | None:
        """The league's snapshots for a possibly unchanged sync; None if the provider failed
        (the full pass then reads it again and records the failure)."""
        try:
            return await fetch_and_compare(league, self.services.providers(league), unsettled)
        except ProviderError:
            return None
        except Exception:
            # Not this league's data: a bug. The full pass meets it again under the league's
            # lease and logs it there; the other leagues of the tick go on either way.
            log.exception("the quick look at league %s failed; its full pass follows", league.id)
            return None

    async def _claim(self, league_ids: Sequence[int]) -> set[str]:
        """The leases of `league_ids` this process wins, in one statement; none if that failed
        (the batch's leagues wait for the next tick)."""
        names = [league_lease(league_id) for league_id in league_ids]
        try:
            return await leases.claim_all(
                self.services.db, names, self.owner, self.services.clock.now(), self.lease_ttl
            )
        except Exception:
            log.exception("could not claim the leases of %s leagues; the next tick retries", len(names))
            JOB_PASSES.labels("failed").inc(len(names))
            return set()

    async def _release(self, names: set[str]) -> None:
        try:
            await leases.release_all(self.services.db, names, self.owner)
        except Exception:
            log.exception("could not release the leases of %s leagues; they will expire", len(names))

    async def _run_league(
        self,
        league_id: int,
        weeks: Sequence[Week],
        due: MaybeDue,
        provider: Prefetched | None = None,
    ) -> DueReport | None:
        """The league's jobs, under the lease this tick claimed for it; None if they failed."""
        try:
            async with league_jobs(
                self.services, league_id, owner=self.owner, ttl=self.lease_ttl, leased=True
            ) as league:
                now, synced = self.services.clock.now(), league.last_synced_at
                sync = synced is None or now - synced >= sync_interval(weeks, now)
                report = await run_due(self.services, league, sync=sync, due=due, provider=provider)
        except NotFound:
            return None  # deleted since the tick listed it
        except Exception:
            log.exception("jobs failed for league %s; the next tick retries", league_id)
            JOB_PASSES.labels("failed").inc()
            return None
        JOB_PASSES.labels("ran").inc()
        return report


async def run_bounded(jobs: Sequence[Callable[[], Awaitable[None]]], limit: int) -> None:
    """Run `jobs`, at most `limit` at once, in their order of starting.

    Each job handles its own failures (a league's never stops another's). With a limit of
    one they run one after another in the plain loop, with no task made for each.
    """
    if limit <= 1:
        for job in jobs:
            await job()
        return
    queue = iter(jobs)

    async def worker() -> None:
        for job in queue:  # shared: each job is taken by exactly one worker
            await job()

    async with asyncio.TaskGroup() as group:
        for _ in range(min(limit, len(jobs))):
            group.create_task(worker())
