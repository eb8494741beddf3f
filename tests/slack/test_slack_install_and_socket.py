"""Multi-workspace OAuth installs against a fake oauth.v2.access, and Socket Mode against a fake websocket."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from sqlalchemy import text

from adapters.slack.app import build_app
from adapters.slack.manifest import bot_scopes
from adapters.slack.oauth import OAuthConfig
from adapters.slack.runner import start_http, start_socket_mode, token_source
from bot.demo import ensure_demo_league
from commands.services.lifecycle import run_due
from tests.fakes import slack_requests as req
from tests.slack.driver import BOT_TOKEN, SECRET, TEAM, SlackDriver

TEAM2 = "T0SECOND"


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_oauth_install_then_commands_from_that_workspace(services, fake, clock):
    fake.oauth_codes["code-1"] = {
        "ok": True,
        "app_id": "A0SIDEBET",
        "authed_user": {"id": "UINSTALLER"},
        "scope": ",".join(bot_scopes()),
        "token_type": "bot",
        "access_token": "xoxb-second-workspace",
        "bot_user_id": "UBOT2",
        "team": {"id": TEAM2, "name": "Second League"},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    league = await ensure_demo_league(services.db, TEAM2, clock.now(), platform="slack")
    await run_due(services, league)
    oauth = OAuthConfig(fake.client_id, fake.client_secret, "https://sidebet.example/slack/oauth_redirect")
    assert fake.client_secret not in repr(oauth)
    bot = await build_app(services, signing_secret=SECRET, oauth=oauth, api_url=fake.api_url)
    server = await start_http(bot, "127.0.0.1", 0)
    base = f"http://127.0.0.1:{server.port}"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/slack/install") as page:
                assert page.status == 200
                link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', await page.text())
                # The state cookie is Secure; a browser on https would send it back as is.
                cookie = page.headers["Set-Cookie"].split(";", 1)[0]
            assert link is not None  # shown, never followed: no traffic leaves loopback
            query = parse_qs(urlparse(link.group(1).replace("&amp;", "&")).query)
            assert query["scope"] == [",".join(bot_scopes())] and query["client_id"] == [fake.client_id]
            redirect = f"{base}/slack/oauth_redirect?code=code-1&state="
            async with http.get(redirect + "forged", headers={"Cookie": cookie}) as refused:
                assert refused.status == 400
            assert fake.calls_to("oauth.v2.access") == []
            async with http.get(redirect + query["state"][0], headers={"Cookie": cookie}) as done:
                assert done.status == 200
        assert len(fake.calls_to("oauth.v2.access")) == 1
        async with services.db.read() as session:
            rows = (await session.execute(text("SELECT team_id, bot_token FROM slack_bots"))).all()
        assert rows == [(TEAM2, "xoxb-second-workspace")]
        assert await token_source(bot, None)(TEAM2) == "xoxb-second-workspace"

        driver = SlackDriver(fake, bot, server.port)
        try:
            answer = await driver.command("balance", user="U7", team=TEAM2)
            assert "1,000 credits available" in answer.text
            assert {c.token for c in fake.calls_to("users.info")} == {"xoxb-second-workspace"}
            # A workspace that never installed the app runs nothing.
            stranger_url = fake.new_response_url()
            stranger = req.slash_command(
                "balance", team="T0STRANGER", user="U8", channel="C1", response_url=stranger_url
            )
            calls = len(fake.calls)
            await driver.post(req.form_body(stranger))
            await bot.commands.close()
            assert len(fake.calls) == calls
            assert "credits" not in str(fake.posted_to(stranger_url))
        finally:
            await driver.close()
    finally:
        await bot.commands.close()
        await server.close()


async def test_socket_mode_smoke(services, fake):
    bot = await build_app(
        services, signing_secret=None, bot_token=BOT_TOKEN, socket_mode=True, api_url=fake.api_url
    )
    handler = await start_socket_mode(bot, fake.app_token)
    try:
        url = fake.new_response_url()
        payload = req.slash_command("balance", team=TEAM, user="U1", channel="C1", response_url=url)
        await fake.socket_send(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "payload": payload,
                "accepts_response_payload": True,
            }
        )
        await fake.wait_until(lambda: any(a.get("envelope_id") == "env-1" for a in fake.socket_acks))
        [answer] = await fake.responses(url)
        assert "1,000 credits available" in answer["text"]
        assert [c.token for c in fake.calls_to("apps.connections.open")] == [fake.app_token]
    finally:
        await handler.close_async()
        await bot.commands.close()
