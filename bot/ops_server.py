"""The operations endpoint: /metrics for Prometheus and /healthz for load balancers.

It runs inside the bot process on its own port (`[ops] port`), apart from Slack's HTTP
port, so a scrape or a health probe never queues behind chat traffic and the endpoint can
stay on loopback or a private network while Slack's is public.

/healthz answers 200 when this process can do its work and 503 otherwise, with a JSON
body naming each check: the database answers a query, the scheduler is running and ticked
recently, and every chat adapter reports itself connected. /metrics is the standard
Prometheus text format; the outbox backlog gauge is refreshed from the database at each
scrape, so it is exact whichever replica is scraped.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from sqlalchemy import func, select, text

from commands.clock import Clock
from commands.metrics import OUTBOX_BACKLOG
from storage.database import Database
from storage.models import League, OutboxMessage
from storage.statuses import OutboxStatus

log = logging.getLogger(__name__)

DATABASE_TIMEOUT_SECONDS = 2.0
Connected = Callable[[], bool]


class Ticking(Protocol):
    """What health needs of the scheduler (bot.scheduler.BookScheduler)."""

    @property
    def running(self) -> bool: ...

    last_tick_at: datetime | None


@dataclass
class Health:
    """The checks behind /healthz. Adapters register a `connected()` callable as they start."""

    db: Database
    clock: Clock
    scheduler: Ticking | None = None
    max_tick_age: timedelta = timedelta(minutes=5)
    adapters: dict[str, Connected] = field(default_factory=dict)
    started_at: datetime | None = None

    def __post_init__(self) -> None:
        self.started_at = self.started_at or self.clock.now()

    def adapter(self, name: str) -> Callable[[Connected], None]:
        """A callback an adapter calls with its `connected()` check once it exists."""

        def report(connected: Connected) -> None:
            self.adapters[name] = connected

        return report

    async def check(self) -> tuple[bool, dict[str, Any]]:
        checks: dict[str, Any] = {"database": await self._database()}
        if self.scheduler is not None:
            checks["scheduler"] = self._scheduler(self.scheduler)
        for name, connected in sorted(self.adapters.items()):
            try:
                ok = bool(connected())
            except Exception:  # a broken check is an unhealthy adapter, not a 500
                log.exception("health check of %s failed", name)
                ok = False
            checks[name] = {"ok": ok}
        return all(item["ok"] for item in checks.values()), checks

    async def _database(self) -> dict[str, Any]:
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT_SECONDS), self.db.read() as session:
                await session.execute(text("SELECT 1"))
        except Exception as exc:
            # The type only: a driver's message can carry a connection URL.
            return {"ok": False, "error": type(exc).__name__}
        return {"ok": True}

    def _scheduler(self, scheduler: Ticking) -> dict[str, Any]:
        now = self.clock.now()
        last = scheduler.last_tick_at
        # Before the first tick finishes, the process's age stands in for the tick's.
        age = now - (last or self.started_at or now)
        ok = scheduler.running and age <= self.max_tick_age
        return {
            "ok": ok,
            "running": scheduler.running,
            "last_tick_age_seconds": None if last is None else round(age.total_seconds(), 1),
        }


async def outbox_backlog(db: Database) -> int:
    """Posts waiting to go out (a league without a channel keeps its posts and is not counted)."""
    async with db.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .join(League, League.id == OutboxMessage.league_id)
            .where(OutboxMessage.status == OutboxStatus.PENDING, League.channel_id.is_not(None))
        )
    return int(count or 0)


YahooCallback = Callable[[web.Request], Awaitable[web.Response]]


def build_app(health: Health, yahoo_callback: YahooCallback | None = None) -> web.Application:
    async def metrics(_request: web.Request) -> web.Response:
        try:
            OUTBOX_BACKLOG.set(await outbox_backlog(health.db))
        except Exception:
            log.warning("outbox backlog unavailable for this scrape (database unreachable)")
        return web.Response(body=generate_latest(REGISTRY), headers={"Content-Type": CONTENT_TYPE_LATEST})

    async def healthz(_request: web.Request) -> web.Response:
        ok, checks = await health.check()
        return web.json_response({"ok": ok, "checks": checks}, status=200 if ok else 503)

    app = web.Application()
    app.router.add_get("/metrics", metrics)
    app.router.add_get("/healthz", healthz)
    if yahoo_callback is not None:  # where Yahoo sends a commissioner back (adapters/yahoo/callback.py)
        app.router.add_get("/yahoo/callback", yahoo_callback)
    return app


@dataclass(slots=True)
class OpsServer:
    runner: web.AppRunner
    port: int

    async def close(self) -> None:
        await self.runner.cleanup()


async def start_ops_server(
    health: Health, host: str = "127.0.0.1", port: int = 0, *, yahoo_callback: YahooCallback | None = None
) -> OpsServer:
    """Serve /metrics and /healthz on host:port (0 picks a free port) and return the bound port;
    with `yahoo_callback`, also Yahoo's redirect (/yahoo/callback). No access log: the
    callback's query holds Yahoo's code."""
    runner = web.AppRunner(build_app(health, yahoo_callback), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    addresses = runner.addresses  # the listening sockets' own addresses: the OS chose the port
    bound = addresses[0][1] if addresses else port
    log.info("metrics and health on %s:%s", host, bound)
    return OpsServer(runner, bound)
