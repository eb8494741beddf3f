"""A Slack league on the demo book, the real bolt app over HTTP, and a fake Slack on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update

from adapters.espn.demo.provider import DEMO_WEEK_START
from adapters.slack.app import build_app
from adapters.slack.runner import start_http
from bot.app import provider_factory
from bot.demo import ensure_demo_league
from commands.clock import ManualClock
from commands.context import Services
from commands.services.lifecycle import run_due
from storage.models import League
from tests.fakes.slack_api import ADMIN, FakeSlack
from tests.slack.driver import BOT_TOKEN, CHANNEL, SECRET, TEAM, SlackDriver


async def no_wait(_seconds: float) -> None:
    """Rate-limit waits in tests: the retry happens, the time does not pass."""


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = await FakeSlack(bot_tokens={BOT_TOKEN: TEAM}, users={"UADMIN": dict(ADMIN)}).start()
    yield slack
    await slack.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(DEMO_WEEK_START)


@pytest.fixture
async def services(db, clock) -> Services:
    services = Services(db, clock, provider_factory(clock))
    league = await ensure_demo_league(db, TEAM, clock.now(), platform="slack")
    async with db.write() as session:  # as a commissioner's `channel` would
        await session.execute(update(League).where(League.id == league.id).values(channel_id=CHANNEL))
    await run_due(services, league)
    return services


@pytest.fixture
async def slack(services, fake) -> AsyncIterator[SlackDriver]:
    bot = await build_app(
        services, signing_secret=SECRET, bot_token=BOT_TOKEN, api_url=fake.api_url, retry_sleep=no_wait
    )
    server = await start_http(bot, "127.0.0.1", 0)
    driver = SlackDriver(fake, bot, server.port)
    yield driver
    await driver.close()
    await bot.commands.close()
    await server.close()
