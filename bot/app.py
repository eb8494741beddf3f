"""Wiring: settings -> database -> services -> adapters. Nothing here holds business rules."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select

from adapters.console.files import FileSaver
from adapters.console.outbox import ConsoleOutbox
from adapters.console.prompt import prompt_reader
from adapters.console.repl import ConsoleSession, DirectMessage
from adapters.console.terminal import is_tty, terminal_for
from adapters.espn.client import EspnClient, EspnCookies
from adapters.espn.demo.provider import DemoLeagueProvider
from adapters.espn.demo.season_provider import DemoSeasonProvider
from adapters.espn.provider import EspnLeagueProvider, detect_season
from adapters.sleeper.client import SleeperClient
from adapters.sleeper.provider import SleeperLeagueProvider
from adapters.yahoo.client import YahooClient, YahooGrant
from adapters.yahoo.errors import GRANT_REVOKED, YahooError
from adapters.yahoo.oauth import YahooTokens
from adapters.yahoo.provider import YahooLeagueProvider
from bot.console_admins import load_admins, save_admins
from bot.demo import (
    DEMO_PLATFORM,
    SEASON_SOURCE,
    WEEK_SOURCE,
    DemoGuide,
    PersistentDemoClock,
    demo_start,
    ensure_demo_league,
    load_demo_clock,
)
from bot.settings import Settings
from commands.autocomplete import Choice, suggest
from commands.clock import Clock
from commands.context import Invocation, ProviderFactory, SeasonDetector, Services
from commands.dispatch import dispatch
from commands.format import local_time, plural
from commands.league_settings import LeagueSettings
from commands.outbox import OutboxLoop
from commands.provider import ESPN, SLEEPER, YAHOO, LeagueDataProvider, ProviderError
from commands.recap import settled_sentence
from commands.replies import Reply
from commands.services.league_jobs import league_jobs
from commands.services.league_link import save_yahoo_tokens
from commands.services.lifecycle import DueReport, run_due
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import League, Week
from storage.statuses import WeekStatus

log = logging.getLogger(__name__)

SINGLE_WEEK_OVER = (
    "This demo is a single week and it is over: no more lines or allowances will come. "
    "Set `[demo] season = true` (the default) and run `sidebet console --reset` to play a whole season."
)


def provider_factory(
    clock: Clock,
    espn: EspnClient | None = None,
    parse_executor: Executor | None = None,
    sleeper: SleeperClient | None = None,
    yahoo: YahooClient | None = None,
    db: Database | None = None,
) -> ProviderFactory:
    """Which data source backs a league: ESPN, Sleeper or Yahoo (whose NFL games still come from
    ESPN), the demo season, or the shipped demo week. A Yahoo league's refreshed tokens are
    stored in `db`."""

    def provider_for(league: League) -> LeagueDataProvider:
        if league.source == WEEK_SOURCE:
            return DemoLeagueProvider(clock.now)
        if league.source == SEASON_SOURCE:
            return DemoSeasonProvider(clock.now)
        if league.source == ESPN and espn is not None and league.espn_league_id and league.season:
            cookies = (
                EspnCookies(league.espn_s2, league.espn_swid) if league.espn_s2 and league.espn_swid else None
            )
            return EspnLeagueProvider(
                espn, league.espn_league_id, league.season, cookies, clock.now, parse_executor=parse_executor
            )
        if league.source == SLEEPER and espn is not None and sleeper is not None and league.sleeper_league_id:
            return SleeperLeagueProvider(sleeper, espn, league.sleeper_league_id, clock.now)
        if league.source == YAHOO and espn is not None and yahoo is not None and league.yahoo_league_key:
            return _yahoo_provider(league, espn, yahoo, db, clock)
        # The console (and any process started without ESPN) can only serve the demo league.
        raise ProviderError(
            "unavailable",
            "This Sidebet has no connection to ESPN, Sleeper or Yahoo (the console plays the demo league "
            "only), so it can't read that league. Run `sidebet run` to link a real league.",
            retryable=False,
        )

    return provider_for


def _yahoo_provider(
    league: League, espn: EspnClient, yahoo: YahooClient, db: Database | None, clock: Clock
) -> LeagueDataProvider:
    """A Yahoo league's provider with its commissioner's grant; refreshed tokens are stored.

    A grant Yahoo has revoked stays revoked until setup runs again, so a league whose last
    sync found it so is not sent to Yahoo at all (no refresh attempt every tick)."""
    if league.last_sync_error == GRANT_REVOKED or not league.yahoo_refresh_token:
        raise YahooError.grant_revoked(detail="waiting for the commissioner to run setup again")
    tokens = YahooTokens(
        league.yahoo_access_token or "",
        league.yahoo_refresh_token,
        league.yahoo_token_expires_at or clock.now(),
    )
    league_id = league.id

    async def store(fresh: YahooTokens) -> None:
        if db is not None and league_id is not None:  # a setup probe is stored by setup itself
            await save_yahoo_tokens(db, league_id, fresh.access_token, fresh.refresh_token, fresh.expires_at)

    assert league.yahoo_league_key is not None
    return YahooLeagueProvider(yahoo, espn, league.yahoo_league_key, YahooGrant(tokens, store), clock.now)


def season_detector(clock: Clock, espn: EspnClient) -> SeasonDetector:
    async def detect(league_id: int, espn_s2: str | None, swid: str | None) -> int:
        cookies = EspnCookies(espn_s2, swid) if espn_s2 and swid else None
        return await detect_season(espn, league_id, cookies, clock.now().date())

    return detect


async def open_database(url: str) -> Database:
    db = Database(url)
    await upgrade_to_head(db)
    return db


def describe_report(report: DueReport, ran_at: datetime) -> list[tuple[datetime, str]]:
    """What a pass of the jobs did, line by line, each with the moment it happened, in order.

    A pass may run long after a lock (the console's `:advance` stops at settlements and new
    lines, and a scheduler may have been down): markets are said to lock at their own lock
    time, everything else at `ran_at`, when the pass ran.
    """
    lines = [
        (at, f"{plural(count, 'market')} locked at kickoff.") for at, count in sorted(report.locks.items())
    ]
    if report.sync is not None and report.sync.created:
        lines.append((ran_at, "The week's lines are up."))
    if report.sync is not None and report.sync.went_final:
        lines.append((ran_at, "Every game of the week is final."))
    for summary in report.settled:
        lines.append((ran_at, settled_sentence(summary.matchup_period, summary)))
    if report.corrections:
        lines.append((ran_at, f"Stat corrections: {plural(len(report.corrections), 'bet')} re-graded."))
    if report.sync_error is not None:
        lines.append((ran_at, f"! {report.sync_error.user_message}"))
    return sorted(lines, key=lambda line: line[0])  # stable: a pass's own lines keep their order


@dataclass
class ConsoleRuntime:
    """Everything the console session runs on, kept together so tests can drive it line by line."""

    db: Database
    clock: PersistentDemoClock
    league_id: int
    services: Services
    session: ConsoleSession

    async def close(self) -> None:
        await self.db.dispose()


async def build_console(settings: Settings, stdin: TextIO, stdout: TextIO) -> ConsoleRuntime:
    """The console adapter on the demo league, with the demo clock under the user's control.

    On the demo season (what a new console opens) the clock moves through every moment in
    between, as the scheduler's ticks would: `:advance 1w` locks, settles and opens the next
    week in order, and `:advance next` / `:advance week` stop at the next moment / week.
    """
    db = await open_database(settings.database_url)
    clock = await load_demo_clock(db, demo_start(settings.demo.season))
    league = await ensure_demo_league(db, settings.demo.workspace, clock.now(), season=settings.demo.season)
    services = Services(db, clock, provider_factory(clock))
    files = FileSaver(Path(settings.demo.files_dir))
    terminal = terminal_for(stdout)
    channel = ConsoleOutbox(DEMO_PLATFORM, files, terminal)
    outbox = OutboxLoop(db, clock, channel)
    guide = DemoGuide(db, league.id) if league.source == SEASON_SOURCE else None
    where: list[str] = []
    zone = LeagueSettings.of(league.settings).tz

    async def tz() -> ZoneInfo:
        async with db.read() as session:
            fresh = await session.get_one(League, league.id)
        return LeagueSettings.of(fresh.settings).tz

    async def due() -> DueReport:
        async with league_jobs(services, league.id, command=":advance") as fresh:
            return await run_due(services, fresh)

    async def refresh() -> None:
        """Recompute where the season stands (shown at start, by `:now` and after `:advance`)."""
        nonlocal zone
        zone = await tz()  # a commissioner may have changed the league's time zone
        if guide is not None:
            where[:] = await guide.where(clock.now())
            return
        async with db.read() as session:
            done = await session.scalar(
                select(Week.id).where(Week.league_id == league.id, Week.status == WeekStatus.SETTLED).limit(1)
            )
        # The single-week demo has nothing after its week: say so rather than stay silent.
        where[:] = [SINGLE_WEEK_OVER] if done is not None else []

    async def drain() -> list[str | DirectMessage]:
        await outbox.deliver_once()
        return channel.take()

    def clock_line() -> str:
        return f"Demo clock: {local_time(clock.now(), zone)} ({clock.now():%Y-%m-%d})"

    def now_text() -> str:
        return "\n".join([clock_line(), *where])

    async def run_until(target: datetime) -> list[str]:
        """Move the clock to `target` through every moment in between, running what is due."""
        lines: list[str] = []
        # Stop where an earlier pass changes what a later one does (a week settles before
        # the next opens, so a rebuy or a reset sees the settled balance); every lock and
        # reminder in between is done by the next stop's pass, as after a scheduler outage.
        moments = await guide.between(clock.now(), target) if guide else []
        stops = [m.at for m in moments if m.kind in ("settle", "lines")]
        for stop in dict.fromkeys([*stops, target]):
            clock.set(max(stop, clock.now()))
            await clock.save()
            report = describe_report(await due(), clock.now())
            if guide is None:
                lines += [line for _, line in report]
            else:
                lines += [f"{local_time(at, zone)}: {line}" for at, line in report]
        return lines

    async def advance(step: timedelta | str) -> str:
        if isinstance(step, timedelta):
            target: datetime | None = clock.now() + step
        elif guide is None:
            return "! This demo is a single week; move the clock by a time instead, e.g. `:advance 1d`."
        else:
            moment = await (guide.next_moment if step == "next" else guide.next_week)(clock.now())
            target = None if moment is None else moment.at
        if target is None:
            await refresh()
            return "\n".join([clock_line(), "Nothing more is scheduled this season.", *where])
        try:
            lines = await run_until(target)
        except Exception:
            log.exception("scheduled jobs failed after advancing the demo clock")
            lines = ["! The week's jobs failed; see the log. Nothing was half-done."]
        await refresh()
        return "\n".join([clock_line(), *lines, *where])

    async def run_command(invocation: Invocation, name: str, args: dict[str, Any]) -> Reply:
        reply = await dispatch(services, invocation, name, args)
        await refresh()  # a commissioner's settle, pause or config change moves the picture
        return reply

    async def keep_admins(admins: frozenset[str]) -> None:
        await save_admins(db, settings.demo.workspace, admins)

    async def suggestions(
        invocation: Invocation, command: str, option: str, typed: str, args: dict[str, Any]
    ) -> list[Choice]:
        return await suggest(services, invocation, command, option, typed, args)

    await due()
    await refresh()
    session = ConsoleSession(
        run_command=run_command,
        advance=advance,
        drain_posts=drain,
        now_text=now_text,
        stdin=stdin,
        stdout=stdout,
        workspace_id=settings.demo.workspace,
        user=settings.demo.user,
        files=files,
        terminal=terminal,
        admins=await load_admins(db, settings.demo.workspace),
        save_admins=keep_admins,
    )
    if is_tty(stdin) and is_tty(stdout):  # a person at a terminal: line editing, history, Tab
        session.reader = prompt_reader(session, suggestions, settings.demo.history_file)
    return ConsoleRuntime(db, clock, league.id, services, session)


async def run_console(settings: Settings, stdin: TextIO, stdout: TextIO) -> None:
    runtime = await build_console(settings, stdin, stdout)
    try:
        await runtime.session.run()
    finally:
        await runtime.close()
