"""`/yahoo/callback`: where Yahoo sends a commissioner back after approving Sidebet.

Served by the bot's own HTTP server (the ops endpoint, `[ops] port`, behind the public URL
the operator registered as the Yahoo app's redirect URI). The signed `state` says which
workspace, channel, commissioner and league the consent link was made for, so the grant is
finished here exactly as a pasted code would be (`complete_yahoo_setup`), and the reply (the
league's teams) is posted to the channel `setup` ran in; the browser gets a short page.

Nothing here logs the query: it holds Yahoo's code. The server has no access log.
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from adapters.yahoo.access import YahooOAuthAccess
from commands.context import Invocation, Services
from commands.handlers.commissioner.league_link import complete_yahoo_setup
from commands.outbox import enqueue_post
from commands.replies import Tone
from commands.services.tenancy import find_league

__all__ = ["CALLBACK_PATH", "yahoo_callback"]

log = logging.getLogger(__name__)

CALLBACK_PATH = "/yahoo/callback"
Handler = Callable[[web.Request], Awaitable[web.Response]]


def _page(title: str, text: str, status: int = 200) -> web.Response:
    body = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Sidebet</title></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(text)}</p></body></html>"
    )
    return web.Response(text=body, content_type="text/html", status=status)


def yahoo_callback(services: Services) -> Handler:
    """The aiohttp handler of CALLBACK_PATH, finishing `setup yahoo` for `services`."""
    access = services.yahoo
    if not isinstance(access, YahooOAuthAccess):
        raise ValueError("the Yahoo callback needs the bot's YahooOAuthAccess")

    async def handle(request: web.Request) -> web.Response:
        if request.query.get("error"):
            return _page("Not linked", "You did not approve Sidebet, so nothing was linked.")
        state, code = request.query.get("state", ""), request.query.get("code", "")
        asked = access.request_for(state)
        if asked is None or not code:
            log.info("Yahoo callback refused: unknown or expired state")
            return _page(
                "Link expired",
                "This link is invalid or has expired. Run `setup yahoo <league id>` again for a new one.",
                status=400,
            )
        invocation = Invocation(
            asked.platform,
            asked.workspace_id,
            asked.user_id,
            asked.user_id,
            "yahoo-" + hashlib.sha256(state.encode()).hexdigest()[:24],
            True,
            asked.channel_id,
        )
        reply = await complete_yahoo_setup(services, invocation, asked.league_id, code)
        if reply.tone is not Tone.SUCCESS:
            return _page("Not linked", reply.text, status=400)
        now = services.clock.now()
        async with services.db.write() as session:
            league = await find_league(session, asked.platform, asked.workspace_id)
            if league is not None:
                await enqueue_post(
                    session,
                    league_id=league.id,
                    kind="setup",
                    dedupe_key=f"setup:yahoo:{invocation.interaction_id}",
                    reply=reply,
                    now=now,
                )
        return _page(
            "Linked", reply.text.split(". Next:")[0] + ". You can close this page and go back to chat."
        )

    return handle
