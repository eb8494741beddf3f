"""`setup yahoo <league id>`: the consent link, the pasted code, Yahoo's redirect to the bot's
`/yahoo/callback`, every refusal writing nothing, and how each adapter asks for the code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse

import aiohttp
import pytest
from sqlalchemy import func, select

from adapters.console.repl import bind_arguments
from adapters.discord.command_tree import visible_options
from adapters.espn.client import EspnClient
from adapters.interactions import form_options
from adapters.slack.parsing import parse
from adapters.yahoo.access import YahooOAuthAccess
from adapters.yahoo.callback import CALLBACK_PATH, yahoo_callback
from adapters.yahoo.client import YahooClient
from adapters.yahoo.oauth import YahooApp
from bot.app import provider_factory
from bot.ops_server import Health, start_ops_server
from commands.catalogue import BY_NAME
from commands.clock import ManualClock
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.replies import Tone
from commands.serialize import reply_from_dict
from storage.models import AuditLog, League, OutboxMessage
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import SeasonSim
from tests.fakes.yahoo_fake import CLIENT_ID, CLIENT_SECRET, FakeYahoo

SETUP = BY_NAME["setup"]


def boss() -> Invocation:
    return Invocation("discord", "guild-5", "boss", "boss", "setup-1", True, "chan-5")


@pytest.fixture
async def world(db):
    sim = SeasonSim(771003, 2026, teams=10, seed=5)
    clock = ManualClock(sim.first_kickoff - timedelta(days=2))
    async with FakeEspn(now=clock.now, odds=True) as espn_fake, FakeYahoo(now=clock.now) as fake:
        espn_fake.add_league(sim)
        league_id = fake.add_league(sim)
        espn = EspnClient(espn_fake.fantasy_base, espn_fake.site_base, cache_ttl=0, retries=0)

        def services_for(redirect_uri: str = "oob") -> Services:
            app = YahooApp(CLIENT_ID, CLIENT_SECRET, redirect_uri, auth_base=fake.auth_base)
            yahoo = YahooClient(app, fake.api_base, retries=0, now=clock.now)
            clients.append(yahoo)
            factory = provider_factory(clock, espn, None, None, yahoo, db)
            return Services(db, clock, factory, yahoo=YahooOAuthAccess(yahoo, clock.now))

        clients: list[YahooClient] = []
        yield services_for, fake, league_id
        for client in clients:
            await client.aclose()
        await espn.aclose()


async def writes(db) -> tuple[int, int]:
    async with db.read() as session:
        return (
            await session.scalar(select(func.count()).select_from(League)),
            await session.scalar(select(func.count()).select_from(AuditLog)),
        )


async def test_the_link_is_private_and_the_pasted_code_links_the_league(world, db):
    services_for, fake, league_id = world
    services = services_for()
    ask = await dispatch(services, boss(), "setup", {"platform": "yahoo", "league": league_id})
    assert ask.ephemeral and "redirect_uri=oob" in ask.text and "paste" in ask.text
    assert await writes(db) == (0, 0)
    code = fake.issue_code()
    done = await dispatch(services, boss(), "setup", {"platform": "yahoo", "league": league_id, "code": code})
    assert done.tone is Tone.SUCCESS and done.ephemeral and "10 teams" in done.text
    async with db.read() as session:
        league = await session.scalar(select(League))
        audit = await session.scalar(select(AuditLog))
    assert league.source == "yahoo" and league.yahoo_refresh_token and league.settings["props"] is False
    assert code not in str(audit.detail) and league.yahoo_access_token not in str(audit.detail)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ({"platform": "yahoo", "league": "LEAGUE", "season": 2026}, "needs only its id"),
        ({"platform": "yahoo", "league": "LEAGUE", "code": "not-a-code"}, "did not accept"),
        ({"platform": "yahoo", "league": "999", "code": "CODE"}, "has no NFL league 999"),
        ({"league": "12345", "code": "CODE"}, "Only a Yahoo league takes a code"),
    ],
)
async def test_refusals_write_nothing(world, db, args, words):
    services_for, fake, league_id = world
    args = {
        k: (league_id if v == "LEAGUE" else fake.issue_code() if v == "CODE" else v) for k, v in args.items()
    }
    reply = await dispatch(services_for(), boss(), "setup", args)
    assert reply.tone is Tone.ERROR and words in reply.text, reply.text
    assert await writes(db) == (0, 0)


async def test_without_a_yahoo_app_setup_says_whom_to_ask(db):
    clock = ManualClock(datetime(2026, 9, 1, tzinfo=UTC))
    services = Services(db, clock, provider_factory(clock))
    reply = await dispatch(services, boss(), "setup", {"platform": "yahoo", "league": "12345"})
    assert reply.tone is Tone.ERROR and "SIDEBET_YAHOO__CLIENT_ID" in reply.text
    assert await writes(db) == (0, 0)


async def test_yahoos_redirect_finishes_setup_and_posts_the_teams(world, db):
    services_for, fake, league_id = world
    services = services_for("https://sidebet.example/yahoo/callback")
    ask = await dispatch(services, boss(), "setup", {"platform": "yahoo", "league": league_id})
    assert "sends you back" in ask.text
    url = next(word for word in ask.text.split() if word.startswith("http"))
    state = parse_qs(urlparse(url).query)["state"][0]
    ops = await start_ops_server(Health(db, services.clock), yahoo_callback=yahoo_callback(services))
    try:
        # The commissioner's browser (aiohttp's client: httpx would log the URL, code and all).
        async with aiohttp.ClientSession(f"http://127.0.0.1:{ops.port}") as http:
            params = {"code": fake.issue_code(), "state": state + "x"}
            async with http.get(CALLBACK_PATH, params=params) as forged:
                assert forged.status == 400 and "expired" in await forged.text()
            assert await writes(db) == (0, 0)
            code = fake.issue_code()
            async with http.get(CALLBACK_PATH, params={"code": code, "state": state}) as page:
                status, text = page.status, await page.text()
    finally:
        await ops.close()
    assert status == 200 and "Linked" in text and code not in text
    async with db.read() as session:
        league = await session.scalar(select(League))
        post = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "setup"))
    assert league.source == "yahoo" and league.channel_id == "chan-5"
    assert post is not None and reply_from_dict(post.payload).tables[0].title == "Teams"


def test_every_adapter_asks_for_the_code_in_a_private_form_only():
    assert [o.name for o in form_options(SETUP, {"platform": "yahoo", "league": "12345"})] == ["code"]
    assert [o.name for o in form_options(SETUP, {"league": "12345"})] == ["espn_s2", "swid"]
    assert "code" not in {o.name for o in visible_options(SETUP)}
    assert parse("setup yahoo 12345").args == {"platform": "yahoo", "league": "12345"}
    visible = tuple(o for o in SETUP.options if not o.secret)
    typed = type(SETUP)(SETUP.path, SETUP.summary, visible, SETUP.audience)
    assert bind_arguments(typed, ["yahoo", "12345"]) == {"platform": "yahoo", "league": "12345"}


async def test_a_yahoo_league_gets_the_nfl_games_board(world, db):
    """The games board comes from ESPN's public scoreboard, as for ESPN and Sleeper leagues."""
    services_for, fake, league_id = world
    services = services_for()
    linked = await dispatch(
        services, boss(), "setup", {"platform": "yahoo", "league": league_id, "code": fake.issue_code()}
    )
    assert linked.tone is Tone.SUCCESS, linked.text
    on = await dispatch(services, boss(), "config set", {"setting": "nfl_games", "value": "on"})
    assert on.tone is Tone.SUCCESS, on.text
    clock = services.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(days=2) - timedelta(hours=6))  # the week's lines are open by now
    synced = await dispatch(services, boss(), "sync", {})
    assert synced.tone is Tone.SUCCESS, synced.text
    games = await dispatch(services, boss(), "games", {})
    assert games.tables and len(games.tables[0].rows) >= 10, games.text
