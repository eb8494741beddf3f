"""Wiring: settings -> database -> services -> adapters. Nothing here holds business rules."""

from __future__ import annotations

import logging
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO

from adapters.console.files import FileSaver
from adapters.console.outbox import ConsoleOutbox
from adapters.console.repl import ConsoleSession, DirectMessage
from adapters.espn.client import EspnClient, EspnCookies
from adapters.espn.demo.provider import DemoLeagueProvider
from adapters.espn.provider import EspnLeagueProvider, detect_season
from bot.demo import DEMO_PLATFORM, PersistentDemoClock, ensure_demo_league, load_demo_clock
from bot.settings import Settings
from commands.clock import Clock
from commands.context import Invocation, ProviderFactory, SeasonDetector, Services
from commands.dispatch import dispatch
from commands.format import local_time, plural
from commands.league_settings import LeagueSettings
from commands.outbox import OutboxLoop
from commands.provider import LeagueDataProvider, ProviderError
from commands.replies import Reply
from commands.services.league_jobs import league_jobs
from commands.services.lifecycle import DueReport, run_due
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import League

log = logging.getLogger(__name__)


def provider_factory(
    clock: Clock, espn: EspnClient | None = None, parse_executor: Executor | None = None
) -> ProviderFactory:
    """Which data source backs a league: ESPN, or the shipped ESPN-shaped demo week."""

    def provider_for(league: League) -> LeagueDataProvider:
        if league.source == "demo":
            return DemoLeagueProvider(clock.now)
        if league.source == "espn" and espn is not None and league.espn_league_id and league.season:
            cookies = (
                EspnCookies(league.espn_s2, league.espn_swid) if league.espn_s2 and league.espn_swid else None
            )
            return EspnLeagueProvider(
                espn, league.espn_league_id, league.season, cookies, clock.now, parse_executor=parse_executor
            )
        # The console (and any process started without ESPN) can only serve the demo league.
        raise ProviderError(
            "unavailable",
            "This Sidebet has no connection to ESPN (the console plays the demo league only), "
            "so it can't read that league. Run `sidebet run` to link a real ESPN league.",
            retryable=False,
        )

    return provider_for


def season_detector(clock: Clock, espn: EspnClient) -> SeasonDetector:
    async def detect(league_id: int, espn_s2: str | None, swid: str | None) -> int:
        cookies = EspnCookies(espn_s2, swid) if espn_s2 and swid else None
        return await detect_season(espn, league_id, cookies, clock.now().date())

    return detect


async def open_database(url: str) -> Database:
    db = Database(url)
    await upgrade_to_head(db)
    return db


def describe_report(report: DueReport) -> list[str]:
    lines = []
    if report.sync is not None and report.sync.created:
        lines.append("The week's lines are up.")
    if report.locked:
        lines.append(f"{plural(report.locked, 'market')} locked at kickoff.")
    if report.sync is not None and report.sync.went_final:
        lines.append("Every game of the week is final.")
    for summary in report.settled:
        lines.append(f"Week settled: {plural(summary.bets, 'bet')} graded and paid.")
    if report.corrections:
        lines.append(f"Stat corrections: {plural(len(report.corrections), 'bet')} re-graded.")
    if report.sync_error is not None:
        lines.append(f"! {report.sync_error.user_message}")
    return lines


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
    """The console adapter on the demo league, with the demo clock under the user's control."""
    db = await open_database(settings.database_url)
    clock = await load_demo_clock(db)
    league = await ensure_demo_league(db, settings.demo.workspace, clock.now())
    services = Services(db, clock, provider_factory(clock))
    tz = LeagueSettings.model_validate(league.settings or {}).tz
    files = FileSaver(Path(settings.demo.files_dir))
    channel = ConsoleOutbox(DEMO_PLATFORM, files)
    outbox = OutboxLoop(db, clock, channel)

    async def due() -> DueReport:
        async with league_jobs(services, league.id, command=":advance") as fresh:
            return await run_due(services, fresh)

    async def drain() -> list[str | DirectMessage]:
        await outbox.deliver_once()
        return channel.take()

    def now_text() -> str:
        return f"Demo clock: {local_time(clock.now(), tz)} ({clock.now():%Y-%m-%d})"

    async def advance(delta: timedelta) -> str:
        clock.advance(delta)
        await clock.save()
        lines = [now_text()]
        try:
            lines += describe_report(await due())
        except Exception:
            log.exception("scheduled jobs failed after advancing the demo clock")
            lines.append("! The week's jobs failed; see the log. Nothing was half-done.")
        return "\n".join(lines)

    async def run_command(invocation: Invocation, name: str, args: dict[str, Any]) -> Reply:
        return await dispatch(services, invocation, name, args)

    await due()
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
    )
    return ConsoleRuntime(db, clock, league.id, services, session)


async def run_console(settings: Settings, stdin: TextIO, stdout: TextIO) -> None:
    runtime = await build_console(settings, stdin, stdout)
    try:
        await runtime.session.run()
    finally:
        await runtime.close()
