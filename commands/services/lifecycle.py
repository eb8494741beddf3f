"""What is due for a league right now, and the pass that runs it: sync, reminders, lock,
settle, recap, re-grade, season end (and the commissioner's `settle`, which forces one).

Only the choosing and running live here: the posts' words are in commands.posts (the
recap's in commands.recap), and the season's end and rollover in commands.services.season.

Everything here derives what to do from the database and the clock, never from memory of
what ran before, so it can run on a timer, after a restart, twice, from several
processes, or from the console's `:advance` with the same result: the unique keys on
allowances, payouts, corrections and posts make every effect happen once.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from commands.context import Services
from commands.errors import Conflict
from commands.league_settings import LeagueSettings
from commands.metrics import SETTLEMENT_SECONDS
from commands.outbox import enqueue_post
from commands.posts import correction_post, reminder_post, settlement_post, sync_error_post
from commands.provider import LeagueDataProvider, ProviderError
from commands.recap import recap_post
from commands.replies import Reply
from commands.services.bet_notices import queue_correction_dms, queue_settlement_dms
from commands.services.calibration import refit_calibration
from commands.services.due_jobs import EVERYTHING, MaybeDue, locks_soon
from commands.services.journal import audit
from commands.services.league_jobs import league_jobs
from commands.services.parlay_settlement import regrade_parlays, settle_parlays, settle_parlays_early
from commands.services.season import end_season_if_done, roll_over_if_new_season
from commands.services.settlement import (
    Correction,
    SettlementSummary,
    corrections_digest,
    regrade_week,
    settle_week,
)
from commands.services.standings import standings
from commands.services.week_recap import recap_facts, week_summary
from commands.services.weeks import SyncResult, lock_due, sync_league
from commands.services.winner_role import queue_winner_role
from storage import keys, row_sets
from storage.database import Database
from storage.models import League, Market, Matchup, Member, OutboxMessage, Team, Week
from storage.statuses import MarketStatus, WeekStatus

log = logging.getLogger(__name__)

# Tell the channel once a sync problem has lasted this many attempts in a row.
FAILURES_BEFORE_NOTICE = 3


@dataclass(slots=True)
class DueReport:
    sync: SyncResult | None
    locks: Counter[datetime] = field(default_factory=Counter)  # markets locked, by their lock time
    reminders: int = 0
    recaps: int = 0
    settled: list[SettlementSummary] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    sync_error: ProviderError | None = None
    season_over: bool = False
    # A due sync the scheduler found unchanged (commands/services/unchanged_sync.py): the
    # league was only stamped as synced, nothing else ran.
    unchanged: bool = False

    @property
    def locked(self) -> int:
        """How many markets this pass locked."""
        return sum(self.locks.values())


def settle_time(
    final_at: datetime | None, last_kickoff: datetime | None, settings: LeagueSettings
) -> datetime | None:
    """When a final week may settle: after the settle delay and the league's settle time."""
    if final_at is None:
        return None
    earliest = final_at + timedelta(minutes=settings.settle_delay_minutes)
    if last_kickoff is not None:
        earliest = max(earliest, settings.weekly("settle_at").next_after(last_kickoff, settings.tz))
    return earliest


# A week is final once ESPN says every game is; `settled` is the only status after that.
_UNSETTLED_FINAL_WEEKS = """
SELECT weeks.id, weeks.matchup_period, weeks.final_at, weeks.last_kickoff,
       (SELECT tenants.platform FROM tenants WHERE tenants.id = :tenant_id),
       EXISTS (SELECT 1 FROM members WHERE members.league_id = :league_id AND members.dm_opt_in = true),
       EXISTS (SELECT 1 FROM team_projections WHERE team_projections.week_id = weeks.id),
       EXISTS (SELECT 1 FROM parlays WHERE parlays.week_id = weeks.id AND parlays.status = 'open')
FROM weeks
WHERE weeks.league_id = :league_id AND weeks.status != 'settled' AND weeks.final_at IS NOT NULL
ORDER BY weeks.season, weeks.matchup_period
"""


async def settle_due(
    db: Database, league: League, now: datetime, *, force: bool = False
) -> list[SettlementSummary]:
    """Settle every final week whose settle time has come (or now, if forced), oldest first."""
    settings = LeagueSettings.of(league.settings)
    done: list[SettlementSummary] = []
    async with db.write() as session:
        # Every statement has a fixed cost (a round trip on PostgreSQL), and 10,000 leagues
        # settle in one pass: the weeks are read as plain rows (storage.row_sets), and the
        # two questions that decide whether the DM and winner-role hooks have anything to
        # do ride along instead of each hook asking (and finding nothing) once per week.
        execute = await row_sets.driver_executor(session)
        rows = await execute(_UNSETTLED_FINAL_WEEKS, {"league_id": league.id, "tenant_id": league.tenant_id})
        new_evidence = False
        for (
            week_id,
            period,
            final_at,
            last_kickoff,
            tenant_platform,
            any_opted_in,
            has_projections,
            parlays,
        ) in rows:
            due = settle_time(row_sets.read_time(final_at), row_sets.read_time(last_kickoff), settings)
            if not force and (due is None or now < due):
                continue
            with SETTLEMENT_SECONDS.time():
                summary = await settle_week(
                    session,
                    week_id,
                    league.id,
                    now,
                    corrections_close_at=settings.weekly("corrections_close").next_after(now, settings.tz),
                )
            if summary is None:
                continue  # another process settled it a moment ago
            if parlays:  # asked along with the week, so a week without parlays costs no query
                await settle_parlays(session, week_id, now)
            # The week's recap post follows in `recap_due`, in a transaction of its own.
            # Only Discord has roles (queue_winner_role checks too).
            if any_opted_in or tenant_platform == "discord":
                week = await session.get_one(Week, week_id)
                if any_opted_in:
                    await queue_settlement_dms(session, league.id, week, now)
                if tenant_platform == "discord":
                    await queue_winner_role(session, league, week, settings.winner_role, now)
            log.info("settled league=%s week=%s bets=%s", league.id, period, summary.bets)
            done.append(summary)
            new_evidence = new_evidence or bool(has_projections)
        if new_evidence:
            # The settled weeks' scores against their closing projections are new evidence
            # on how wide the lines should be. A week priced without projections adds no
            # team-week to the fit, so the refit (a join over the league's history) would
            # find what it found last time and is skipped.
            await refit_calibration(session, league.id, now)
    return done


async def recap_due(db: Database, league: League, now: datetime) -> int:
    """Queue the one post of every settled week that has none yet; returns how many.

    Kept out of the settlement transaction on purpose: the awards and the chart take far
    longer than paying the bets (matplotlib alone is tenths of a second), and on SQLite the
    settlement transaction holds the only write lock. Derived from the database like every
    job here, so a crash between settling and this leaves the recap to the next pass, and
    two processes racing on it queue one post (the dedupe key).
    """
    settings = LeagueSettings.of(league.settings)
    async with db.read() as session:
        settled = (
            await session.scalars(
                select(Week)
                .where(Week.league_id == league.id, Week.status == WeekStatus.SETTLED)
                .order_by(Week.season, Week.matchup_period)
            )
        ).all()
        posted = set(
            (
                await session.scalars(
                    select(OutboxMessage.dedupe_key).where(
                        OutboxMessage.league_id == league.id, OutboxMessage.kind == "settled"
                    )
                )
            ).all()
        )
        replies: list[tuple[Week, Reply]] = []
        for week in settled:
            if keys.recap_post(week.id) in posted:
                continue
            summary = await week_summary(session, week)
            if settings.recap:
                reply = await recap_post(league, week, summary, await recap_facts(session, league, week))
            else:
                reply = settlement_post(week, summary, await standings(session, league.id, week.id))
            replies.append((week, reply))
    if not replies:
        return 0
    queued = 0
    async with db.write() as session:
        for week, reply in replies:
            queued += await enqueue_post(
                session,
                league_id=league.id,
                kind="settled",
                dedupe_key=keys.recap_post(week.id),
                reply=reply,
                now=now,
            )
    return queued


async def regrade_due(db: Database, league: League, now: datetime) -> list[Correction]:
    """Apply stat corrections to settled weeks whose correction window is still open."""
    corrections: list[Correction] = []
    async with db.write() as session:
        weeks = (
            await session.scalars(
                select(Week).where(
                    Week.league_id == league.id,
                    Week.status == WeekStatus.SETTLED,
                    Week.corrections_close_at > now,
                )
            )
        ).all()
        for week in weeks:
            changed = await regrade_week(session, week, now)
            changed += await regrade_parlays(session, week.id, now)
            if not changed:
                continue
            corrections += changed
            names = {
                m.id: m.display_name
                for m in (await session.scalars(select(Member).where(Member.league_id == league.id))).all()
            }
            await enqueue_post(
                session,
                league_id=league.id,
                kind="correction",
                dedupe_key=keys.correction_post(week.id, corrections_digest(changed)),
                reply=correction_post(week, changed, names),
                now=now,
            )
            await queue_correction_dms(session, league.id, week, changed, now)
    return corrections


# The markets a reminder names: open fantasy-board markets locking inside the window (NFL
# games lock unannounced). Built once, as every tick of every league asks.
_IN_WINDOW = (
    Week.league_id == bindparam("league_id"),
    Week.markets_open,
    Market.status == MarketStatus.OPEN,
    Market.matchup_id.is_not(None),
    Market.lock_at > bindparam("now"),
    Market.lock_at <= bindparam("until"),
)
_LOCK_TIMES_IN_WINDOW = (
    select(Market.week_id, Market.lock_at).join(Week, Week.id == Market.week_id).where(*_IN_WINDOW).distinct()
)
_MARKETS_IN_WINDOW = (
    select(Market)
    .join(Week, Week.id == Market.week_id)
    .where(*_IN_WINDOW)
    .order_by(Market.lock_at, Market.id)
)


def _reminder_key(week_id: int, lock_at: datetime) -> str:
    """One reminder per lock time of a week, whichever tick or replica asks for it."""
    return f"reminder:week:{week_id}:{lock_at:%Y%m%dT%H%M%S}"


async def remind_due(db: Database, league: League, now: datetime) -> int:
    """Post "locking soon" once per lock time, `lock_reminder_minutes` before it.

    A lock time is a group of markets that close together (a matchup's first kickoff, or
    a slate of props). The dedupe key is the lock time itself, so every tick inside the
    window, and every replica, asks for the same post and the outbox keeps one. A tick
    that comes only after the lock skips it: a reminder for something already closed is
    noise.
    """
    settings = LeagueSettings.of(league.settings)
    if settings.lock_reminder_minutes == 0 or league.paused:
        return 0
    window = {
        "league_id": league.id,
        "now": now,
        "until": now + timedelta(minutes=settings.lock_reminder_minutes),
    }
    # Read first: most ticks have nothing to remind of, and need not take the write lock.
    async with db.read() as session:
        # The lock times alone, first: on a game day every tick inside a window finds its
        # reminder already queued, and need not load the markets it would name.
        lock_times = await session.execute(_LOCK_TIMES_IN_WINDOW, window)
        keys = {_reminder_key(week_id, lock_at) for week_id, lock_at in lock_times}
        if keys:
            queued = await session.scalars(
                select(OutboxMessage.dedupe_key).where(
                    OutboxMessage.league_id == league.id, OutboxMessage.dedupe_key.in_(list(keys))
                )
            )
            keys.difference_update(queued)
        if not keys:
            return 0
        groups: dict[str, list[Market]] = {}
        for market in await session.scalars(_MARKETS_IN_WINDOW, window):
            key = _reminder_key(market.week_id, market.lock_at)
            if key in keys:
                groups.setdefault(key, []).append(market)
        teams = {t.id: t for t in (await session.scalars(select(Team).where(Team.league_id == league.id)))}
        matchup_ids = {m.matchup_id for markets in groups.values() for m in markets}
        matchups = {
            m.id: m for m in (await session.scalars(select(Matchup).where(Matchup.id.in_(matchup_ids))))
        }
    replies = {key: reminder_post(markets, teams, matchups, settings, now) for key, markets in groups.items()}
    posted = 0
    async with db.write() as session:
        for key, reply in replies.items():
            # Another replica may have queued it since we looked: the key keeps one copy.
            if await enqueue_post(
                session, league_id=league.id, kind="reminder", dedupe_key=key, reply=reply, now=now
            ):
                posted += 1
    return posted


async def record_sync_failure(db: Database, league: League, error: ProviderError, now: datetime) -> None:
    """Count consecutive failures; once they persist, tell the league channel (once a day per
    kind, or once for good for a failure only a commissioner can end, `notify_once`)."""
    async with db.write() as session:
        failures = (league.sync_failures or 0) + 1
        await session.execute(
            update(League)
            .where(League.id == league.id)
            .values(sync_failures=failures, last_sync_error=error.kind)
        )
        repeat = error.notify_once and league.last_sync_error == error.kind  # already told
        if (failures >= FAILURES_BEFORE_NOTICE or not error.retryable) and not repeat:
            await enqueue_post(
                session,
                league_id=league.id,
                kind="sync_error",
                dedupe_key=f"sync_error:{error.kind}:{now:%Y-%m-%d}",
                reply=sync_error_post(error),
                now=now,
            )


async def _corrections_pending(db: Database, league: League, now: datetime) -> bool:
    async with db.read() as session:
        return (
            await session.scalar(
                select(Week.id).where(Week.league_id == league.id, Week.corrections_close_at > now).limit(1)
            )
        ) is not None


async def run_due(
    services: Services,
    league: League,
    *,
    sync: bool = True,
    due: MaybeDue = EVERYTHING,
    provider: LeagueDataProvider | None = None,
) -> DueReport:
    """One pass of the week's jobs for one league.

    A provider failure skips the sync (nothing half-read is stored) but not the rest:
    locks and settlement of weeks already known final still happen on time. After the
    season's end a league only re-reads ESPN while stat corrections can still come, and
    otherwise just watches for its next season. `due` (the scheduler's read of what may
    be due, commands/services/due_jobs.py) skips jobs that certainly have nothing to do;
    a sync that wrote markets may have made locks and reminders due (new markets, moved
    kickoffs: asked again, `locks_soon`), and one that saw a week go final its
    settlement; one that stored only new
    points, or found every snapshot unchanged, made neither due. Stat corrections only
    ever arrive with a sync, so the scheduler looks for them after one (also an unchanged
    one: a pass that stored a correction and died before re-grading leaves it to the next
    sync).
    """
    now = services.clock.now()
    report = DueReport(sync=None)
    if sync and league.season_over and not await _corrections_pending(services.db, league, now):
        sync = await roll_over_if_new_season(services, league, now)
    if sync:
        try:
            source = provider or services.providers(league)  # the scheduler's, if it fetched already
            report.sync = await sync_league(services.db, league, source, now)
        except ProviderError as error:
            log.warning("sync failed league=%s kind=%s", league.id, error.kind)
            report.sync_error = error
            await record_sync_failure(services.db, league, error, now)
    synced = report.sync is not None
    stored = report.sync is not None and report.sync.stored
    if stored:
        await settle_parlays_early(services.db, league.id, now)
    priced = report.sync is not None and report.sync.priced
    if due.locks or (priced and await locks_soon(services.db, league, now)):
        report.reminders = await remind_due(services.db, league, now)
        report.locks = await lock_due(services.db, league, now)
    if due.settle or (report.sync is not None and report.sync.went_final):
        report.settled = await as_posted(services.db, await settle_due(services.db, league, now))
    if due.recap or report.settled:
        report.recaps = await recap_due(services.db, league, now)
    if due.corrections and (synced or due is EVERYTHING):
        report.corrections = await regrade_due(services.db, league, now)
    if report.sync is not None and report.settled and not league.season_over:
        report.season_over = await end_season_if_done(services.db, league, report.sync, now)
    return report


async def as_posted(db: Database, settled: list[SettlementSummary]) -> list[SettlementSummary]:
    """The settled weeks as their channel post counts them, read back from their bets.

    A settlement pass grades the bets still open; the week's post (and every other word
    about it: the console, `settle`) counts all its bets, those a commissioner voided
    before too, so everything said about a week comes from this one reading.
    """
    if not settled:
        return []
    async with db.read() as session:
        return [await week_summary(session, await session.get_one(Week, s.week_id)) for s in settled]


async def sync_now(services: Services, league_id: int) -> DueReport:
    """The commissioner's `sync`: the scheduler's due pass, now, under the league's lease."""
    async with league_jobs(services, league_id, command="sync") as league:
        return await run_due(services, league)


async def settle_now(services: Services, league_id: int, *, actor: str) -> SettlementSummary:
    """The commissioner's `settle`: refresh scores, then settle if every game is final.

    Under the league's job lease, like every other runner of the week's jobs, so it never
    settles the same week at the same moment as another process's scheduler. Audited as
    the commissioner's action once the week is settled.
    """
    async with league_jobs(services, league_id, command="settle") as league:
        now = services.clock.now()
        [summary] = await as_posted(services.db, [await _settle_now(services, league, now)])
        async with services.db.write() as session:
            await audit(
                session,
                league_id=league_id,
                actor=actor,
                action="settle",
                detail={"week": summary.week_id, "bets": summary.bets},
                now=now,
            )
        return summary


async def _settle_now(services: Services, league: League, now: datetime) -> SettlementSummary:
    await sync_league(services.db, league, services.providers(league), now)
    await lock_due(services.db, league, now)
    done = await settle_due(services.db, league, now, force=True)
    await recap_due(services.db, league, now)
    if not done:
        async with services.db.read() as session:
            week = await session.scalar(
                select(Week).where(Week.league_id == league.id).order_by(Week.id.desc()).limit(1)
            )
        if week is not None and week.status == WeekStatus.SETTLED:
            raise Conflict(f"Week {week.matchup_period} is already settled.")
        raise Conflict("This week isn't final yet: settling waits until every game has finished.")
    return done[-1]
