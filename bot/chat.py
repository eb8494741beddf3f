"""`sidebet run` with chat credentials: the chat adapters, ESPN and the weekly scheduler.

Each configured platform runs as its own task on one event loop over one database; the
scheduler's tick serves the leagues of exactly those platforms. Stopping (Ctrl-C or
SIGTERM) cancels the tasks and closes ESPN and the database cleanly. With `[ops] port`
set, /metrics and /healthz are served beside them (bot/ops_server.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import Coroutine
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from typing import Any

from adapters.espn.client import EspnClient
from adapters.sleeper.client import SleeperClient
from adapters.yahoo.access import YahooOAuthAccess
from adapters.yahoo.callback import yahoo_callback
from adapters.yahoo.client import YahooClient
from adapters.yahoo.oauth import YahooApp
from adapters.yahoo.throttle import Throttle
from bot.app import open_database, provider_factory, season_detector
from bot.heap import freeze_startup_heap
from bot.ops_server import Health, start_ops_server
from bot.scheduler import BookScheduler
from bot.settings import Settings
from commands.clock import SystemClock
from commands.context import Services

log = logging.getLogger(__name__)


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None


def _yahoo_client(settings: Settings) -> YahooClient | None:
    """The shared Yahoo client when the operator configured a Yahoo app, else None (then
    `setup yahoo` says so)."""
    y = settings.yahoo
    if not y.configured or y.client_id is None or y.client_secret is None:
        return None
    app = YahooApp(y.client_id, y.client_secret.get_secret_value(), y.redirect_uri, y.auth_base)
    return YahooClient(
        app,
        y.api_base,
        timeout=y.timeout_seconds,
        retries=y.retries,
        max_concurrency=y.max_concurrency,
        throttle=Throttle(monotonic=time.monotonic, base=y.throttle_seconds),
    )


async def run_bot(settings: Settings) -> None:
    db = await open_database(settings.database_url)
    clock = SystemClock()
    e = settings.espn
    espn = EspnClient(
        e.fantasy_base,
        e.site_base,
        timeout=e.timeout_seconds,
        retries=e.retries,
        max_concurrency=e.max_concurrency,
        cache_ttl=e.cache_seconds,
        cache_max_bytes=int(e.cache_megabytes * 1024 * 1024),
    )
    sl = settings.sleeper
    sleeper = SleeperClient(
        sl.base,
        timeout=sl.timeout_seconds,
        retries=sl.retries,
        max_concurrency=sl.max_concurrency,
        cache_ttl=sl.cache_seconds,
        cache_max_bytes=int(sl.cache_megabytes * 1024 * 1024),
        calls_per_minute=sl.calls_per_minute,
    )
    yahoo = _yahoo_client(settings)
    # espn_api's parsing is pure Python: a process per core keeps it off the event loop's GIL.
    parse_pool = ProcessPoolExecutor(max_workers=os.cpu_count() or 1)
    services = Services(
        db,
        clock,
        provider_factory(clock, espn, parse_pool, sleeper, yahoo, db),
        detect_season=season_detector(clock, espn),
        yahoo=YahooOAuthAccess(yahoo, clock.now) if yahoo is not None else None,
    )
    stop = asyncio.Event()
    adapters: dict[str, Coroutine[Any, Any, None]] = {}
    health = Health(db, clock, max_tick_age=timedelta(seconds=settings.ops.max_tick_age_seconds))
    if settings.slack.configured:
        from adapters.slack.runner import run_slack

        s = settings.slack
        adapters["slack"] = run_slack(
            services,
            bot_token=_secret(s.bot_token),
            signing_secret=_secret(s.signing_secret),
            app_token=_secret(s.app_token),
            mode=s.mode,
            port=s.port,
            host=s.host,
            client_id=s.client_id,
            client_secret=_secret(s.client_secret),
            redirect_uri=s.redirect_uri,
            stop=stop,
            report_connected=health.adapter("slack"),
        )
    if (discord_token := settings.discord.token) is not None:
        from adapters.discord.runner import run_discord

        d = settings.discord
        adapters["discord"] = run_discord(
            discord_token.get_secret_value(),
            services,
            sharded=d.sharded,
            dev_guild_ids=d.dev_guild_ids,
            shard_ids=d.shard_ids,
            shard_count=d.shard_count,
            report_connected=health.adapter("discord"),
        )
    scheduler = BookScheduler(
        services, list(adapters), owner=settings.ops.replica_id, concurrency=settings.ops.tick_concurrency
    )
    health.scheduler = scheduler
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    if warmed := await db.warm_up():  # PostgreSQL: the pool's connections, before serving
        log.info("database pool warmed: %s connections open, the bet statement prepared on each", warmed)
    frozen = freeze_startup_heap()  # everything above lives as long as the process
    log.info("startup heap frozen: %s objects the collector will not walk again", frozen)
    tasks = [asyncio.create_task(coro, name=name) for name, coro in adapters.items()]
    scheduler.start()
    ops = None
    if settings.ops.port is not None:
        callback = yahoo_callback(services) if yahoo is not None and not yahoo.app.pastes_code else None
        ops = await start_ops_server(health, settings.ops.host, settings.ops.port, yahoo_callback=callback)
    log.info("Sidebet running on %s", ", ".join(adapters))
    stopped = asyncio.create_task(stop.wait(), name="stop")
    try:
        # Run until asked to stop, or until an adapter ends (a configuration error ends it at once).
        done, _ = await asyncio.wait([*tasks, stopped], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            error = None if task is stopped else task.exception()
            if error is not None:
                raise error
    finally:
        stop.set()
        stopped.cancel()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if ops is not None:
            await ops.close()
        await scheduler.stop()
        await espn.aclose()
        await sleeper.aclose()
        if yahoo is not None:
            await yahoo.aclose()
        parse_pool.shutdown(cancel_futures=True)
        await db.dispose()
