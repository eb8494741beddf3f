"""`run_slack`: what `sidebet run` starts when Slack credentials are configured.

HTTP mode serves bolt's aiohttp app (POST /slack/events for commands, buttons and forms;
GET /slack/install and /slack/oauth_redirect with OAuth; GET /healthz for load balancers).
Socket Mode connects out to Slack with the app-level token, so no public URL is needed.
Either way the Slack outbox runs beside it, posting the book's channel messages.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

from adapters.slack.app import EVENTS_PATH, SlackBot, build_app
from adapters.slack.oauth import OAuthConfig
from adapters.slack.outbox import SlackOutbox, TokenFor
from commands.context import Services
from commands.outbox import OutboxLoop

log = logging.getLogger(__name__)


@dataclass(slots=True)
class HttpServer:
    runner: web.AppRunner
    port: int

    async def close(self) -> None:
        await self.runner.cleanup()


async def start_http(bot: SlackBot, host: str = "0.0.0.0", port: int = 3000) -> HttpServer:
    """Serve the app on host:port (port 0 picks a free one) and return the bound port."""
    web_app = bot.app.web_app(path=EVENTS_PATH, port=port)

    async def healthz(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    web_app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = port
    server = getattr(site, "_server", None)
    if server is not None and server.sockets:
        bound = server.sockets[0].getsockname()[1]
    return HttpServer(runner, bound)


async def start_socket_mode(bot: SlackBot, app_token: str) -> AsyncSocketModeHandler:
    """Open the Socket Mode connection (apps.connections.open, then the websocket)."""
    handler = AsyncSocketModeHandler(bot.app, app_token)
    await handler.connect_async()
    return handler


def token_source(bot: SlackBot, bot_token: str | None) -> TokenFor:
    """Which bot token posts in a workspace: the configured one, or its installation's."""

    async def token_for(team_id: str) -> str | None:
        if bot.stores is None:
            return bot_token
        found = await bot.stores.installations.async_find_bot(enterprise_id=None, team_id=team_id)
        return found.bot_token if found is not None else None

    return token_for


async def run_slack(
    services: Services,
    *,
    bot_token: str | None,
    signing_secret: str | None,
    app_token: str | None,
    mode: Literal["socket", "http"],
    port: int = 3000,
    host: str = "0.0.0.0",
    client_id: str | None = None,
    client_secret: str | None = None,
    redirect_uri: str | None = None,
    api_url: str | None = None,
    outbox_interval_seconds: float = 5.0,
    stop: asyncio.Event | None = None,
    report_connected: Callable[[Callable[[], bool]], None] | None = None,
) -> None:
    """Run the Slack adapter until `stop` is set (or the task is cancelled).

    One workspace: `bot_token`. Many: `client_id` and `client_secret` (HTTP mode only),
    installs stored in the project's database. Socket Mode needs `app_token` (xapp-...);
    HTTP mode needs `signing_secret`. Errors name missing settings, never their values.
    `report_connected` receives a check for /healthz: the socket is open (Socket Mode) or
    the HTTP server is serving.
    """
    oauth = None
    if client_id and client_secret:
        if mode == "socket":
            raise ValueError('multi-workspace OAuth installs need HTTP mode ([slack] mode = "http")')
        oauth = OAuthConfig(client_id, client_secret, redirect_uri)
        bot_token = None
    elif not bot_token:
        raise ValueError("set [slack] bot_token, or client_id and client_secret for OAuth installs")
    if mode == "socket" and not app_token:
        raise ValueError("Socket Mode needs [slack] app_token (an xapp- token with connections:write)")
    stop = stop or asyncio.Event()
    bot = await build_app(
        services,
        signing_secret=signing_secret,
        bot_token=bot_token,
        oauth=oauth,
        socket_mode=mode == "socket",
        api_url=api_url,
    )
    adapter = SlackOutbox(services, token_source(bot, bot_token), api_url=api_url)
    outbox = OutboxLoop(services.db, services.clock, adapter)
    outbox.start(outbox_interval_seconds)
    try:
        if mode == "socket":
            assert app_token is not None
            handler = await start_socket_mode(bot, app_token)
            log.info("Slack connected in Socket Mode")
            if report_connected is not None:
                socket = handler.client
                report_connected(
                    lambda: socket.current_session is not None and not socket.current_session.closed
                )
            try:
                await stop.wait()
            finally:
                await handler.close_async()
        else:
            server = await start_http(bot, host, port)
            log.info("Slack listening on %s:%s%s", host, server.port, EVENTS_PATH)
            if report_connected is not None:
                report_connected(lambda: not stop.is_set())
            try:
                await stop.wait()
            finally:
                await server.close()
    finally:
        stop.set()
        await bot.commands.close()
        await outbox.stop()
