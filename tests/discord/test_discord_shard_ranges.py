"""Scale-out on Discord: a process given a shard range connects exactly those shards.

The real discord.py AutoShardedClient runs against the fake gateway, which records every
IDENTIFY. Channel posts are REST calls, so a process delivers a league's posts whatever
shard the league's guild is on (docs/deploy.md: claiming, not sharding, prevents doubles).
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from pydantic import ValidationError
from sqlalchemy import update

from adapters.discord.client import ClientConfig, ShardedSidebetClient, make_client
from adapters.discord.runner import shard_options
from adapters.espn.demo.provider import DEMO_WEEK_START
from bot.app import provider_factory
from bot.demo import ensure_demo_league
from bot.settings import DiscordSettings
from commands.clock import ManualClock
from commands.context import Services
from commands.services.lifecycle import run_due
from storage.models import League
from tests.discord.conftest import TOKEN


async def test_a_process_identifies_only_its_shard_range_and_still_delivers_posts(db, fake, monkeypatch):
    async def identify_at_once(self, shard_id, *, initial=False):
        """discord.py paces IDENTIFYs 5 s apart for Discord's rate limit; the fake has none."""

    monkeypatch.setattr(ShardedSidebetClient, "before_identify_hook", identify_at_once)
    clock = ManualClock(DEMO_WEEK_START)
    services = Services(db, clock, provider_factory(clock))
    league = await ensure_demo_league(db, str(fake.guild_id), clock.now(), platform="discord")
    async with db.write() as session:
        await session.execute(
            update(League).where(League.id == league.id).values(channel_id=str(fake.league_channel_id))
        )
        stored = await session.get(League, league.id)
    await run_due(services, stored)  # queues the "lines are up" post

    guild_shard = (fake.guild_id >> 22) % 4  # Discord's rule for which shard carries a guild
    mine = [shard for shard in range(4) if shard != guild_shard][:2]
    settings = DiscordSettings(shard_ids=mine, shard_count=4)
    client = make_client(
        services,
        ClientConfig(sync_commands=False, outbox_interval=0),
        sharded=True,
        guild_ready_timeout=0.01,
        **shard_options(settings.shard_ids, settings.shard_count),
    )
    task = asyncio.create_task(client.start(TOKEN))
    try:
        await asyncio.wait_for(client.wait_until_ready(), 10)
        assert sorted(identify["shard"] for identify in fake.identifies) == [[s, 4] for s in mine]
        assert sorted(client.shards) == mine
        # Posting is REST: this process delivers the league's post although the league's
        # guild is on a shard another process runs.
        assert await client.outbox.deliver_once() == 1
        assert len(fake.channel_posts) == 1
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def test_shard_settings_are_checked():
    assert shard_options(None, None) == {}
    for bad in (
        {"shard_ids": [0]},
        {"shard_ids": [4], "shard_count": 4},
        {"shard_ids": [1, 1], "shard_count": 2},
    ):
        with pytest.raises(ValidationError):
            DiscordSettings(**bad)
