"""Slack in HTTP mode behind a load balancer: two bolt apps on one database, requests alternating.

A tiny round-robin proxy on loopback stands in for the load balancer, so consecutive
requests of one user land on different replicas: the OAuth install starts on one and
finishes on the other (shared state and installation stores), a slip opened on one is
confirmed on the other, and a double click that reaches both places one bet.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select, update

from adapters.espn.demo.provider import DEMO_WEEK_START
from adapters.slack.app import build_app
from adapters.slack.manifest import bot_scopes
from adapters.slack.oauth import OAuthConfig
from adapters.slack.runner import start_http
from bot.app import provider_factory
from bot.demo import ensure_demo_league
from commands.clock import ManualClock
from commands.context import Services
from commands.services.lifecycle import run_due
from storage.migrate import upgrade_to_head
from storage.models import Bet, League, LedgerEntry
from tests.fakes import slack_requests as req
from tests.fakes.slack_api import FakeSlack
from tests.replicas import DatabaseFactory, shared
from tests.slack.driver import CHANNEL, SECRET, TEAM, SlackDriver

__all__ = ["shared"]  # the fixture
INSTALLED_TOKEN = "xoxb-installed-through-oauth"


async def round_robin(backends: list[int]) -> tuple[web.AppRunner, int, list[int]]:
    """A load balancer in miniature: each request goes to the next backend, as is."""
    turn = itertools.cycle(backends)
    served: list[int] = []
    session = aiohttp.ClientSession(auto_decompress=False)

    async def forward(request: web.Request) -> web.Response:
        port = next(turn)
        served.append(port)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")}
        async with session.request(
            request.method,
            f"http://127.0.0.1:{port}{request.path_qs}",
            headers=headers,
            data=await request.read(),
            allow_redirects=False,
        ) as answer:
            keep = {
                k: v
                for k, v in answer.headers.items()
                if k.lower() in ("content-type", "set-cookie", "location")
            }
            return web.Response(status=answer.status, body=await answer.read(), headers=keep)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", forward)
    app.on_cleanup.append(lambda _app: session.close())
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, site._server.sockets[0].getsockname()[1], served


class BalancedDriver(SlackDriver):
    """The test driver, talking to the proxy and waiting for both replicas' background answers."""

    def __init__(self, fake: FakeSlack, bots: list, port: int) -> None:
        super().__init__(fake, bots[0], port)
        self.bots = bots

    async def _finish(self, status, ack, response_url, expect):
        for bot in self.bots:
            await bot.commands.idle()
        return await super()._finish(status, ack, response_url, expect)


@pytest.fixture
async def balanced(shared: DatabaseFactory) -> AsyncIterator[BalancedDriver]:
    fake = await FakeSlack(bot_tokens={}).start()
    fake.oauth_codes["code-1"] = {
        "ok": True,
        "app_id": "A0SIDEBET",
        "authed_user": {"id": "UINSTALLER"},
        "scope": ",".join(bot_scopes()),
        "token_type": "bot",
        "access_token": INSTALLED_TOKEN,
        "bot_user_id": "UBOT",
        "team": {"id": TEAM, "name": "The League"},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    clock = ManualClock(DEMO_WEEK_START)
    databases = [shared(), shared()]
    await upgrade_to_head(databases[0])
    league = await ensure_demo_league(databases[0], TEAM, clock.now(), platform="slack")
    async with databases[0].write() as session:
        await session.execute(update(League).where(League.id == league.id).values(channel_id=CHANNEL))
    oauth = OAuthConfig(fake.client_id, fake.client_secret, "https://sidebet.example/slack/oauth_redirect")
    bots, servers = [], []
    for db in databases:
        services = Services(db, clock, provider_factory(clock))
        bots.append(await build_app(services, signing_secret=SECRET, oauth=oauth, api_url=fake.api_url))
        servers.append(await start_http(bots[-1], "127.0.0.1", 0))
    await run_due(bots[0].commands.services, league)
    proxy, port, served = await round_robin([s.port for s in servers])
    driver = BalancedDriver(fake, bots, port)
    driver.served = served
    driver.ports = [s.port for s in servers]
    yield driver
    await driver.close()
    await proxy.cleanup()
    for bot, server in zip(bots, servers, strict=True):
        await bot.commands.close()
        await server.close()
    await fake.close()


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_install_and_bet_across_two_replicas(balanced):
    slack, first, second = balanced, *balanced.ports
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{slack.base}/slack/install") as page:  # served by the first replica
            link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', await page.text())
            cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        assert link is not None
        state = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)["state"][0]
        redirect = f"{slack.base}/slack/oauth_redirect?code=code-1&state={state}"
        async with http.get(redirect, headers={"Cookie": cookie}) as done:  # the second replica
            assert done.status == 200
    assert slack.served == [first, second]

    odds = await slack.command("odds 1")  # first replica, with the token the second one stored
    prompt = await slack.click(odds.button("Hail Mary Heroes"))
    slip = await slack.click(prompt.button("10%"))
    assert "Bet slip #" in slip.text
    receipt = await slack.click(slip.button("Confirm"))  # opened on one replica, confirmed on the other
    assert "Bet placed" in receipt.text
    assert slack.served[2:] == [first, second, first, second]
    assert {call.token for call in slack.fake.calls_to("users.info")} == {INSTALLED_TOKEN}

    # A double click: the same Confirm reaches both replicas at once.
    slip = await slack.click(prompt.button("10%"))
    confirm = slip.button("Confirm")
    urls = [slack.fake.new_response_url(), slack.fake.new_response_url()]
    bodies = [
        req.payload_body(req.block_action(confirm, team=TEAM, user="U1", channel=CHANNEL, response_url=url))
        for url in urls
    ]
    statuses = await asyncio.gather(*(slack.post(body) for body in bodies))
    assert [status for status, _ in statuses] == [200, 200]
    for bot in slack.bots:
        await bot.commands.idle()
    answers = [await slack.fake.responses(url) for url in urls]
    texts = sorted(answer[0]["text"].split(":", 1)[0] for answer in answers)
    assert texts == ["Already placed", "Bet placed"]  # one bet; the other click is told it is in
    async with slack.bot.commands.services.db.read() as session:
        bets = await session.scalar(select(func.count()).select_from(Bet))
        stakes = await session.scalar(
            select(func.count()).select_from(LedgerEntry).where(LedgerEntry.kind == "stake")
        )
    assert bets == stakes == 2
