"""The real discord.py client against the fake Discord, on a demo league in a fresh database."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import discord
import pytest
from sqlalchemy import update

from adapters.discord.client import ClientConfig, make_client
from adapters.espn.demo.provider import DEMO_WEEK_START
from bot.app import provider_factory
from bot.demo import ensure_demo_league
from commands.clock import ManualClock
from commands.context import Services
from commands.services.lifecycle import run_due
from storage.database import Database
from storage.models import League
from tests.fakes.discord_fake import Callback, FakeDiscord, FakeMember, buttons

TOKEN = "fake-bot-token.not-a-secret-but-never-logged"


@dataclass
class Harness:
    """The fake Discord, the services the bot runs on, and the running client."""

    fake: FakeDiscord
    services: Services
    clock: ManualClock
    league_id: int
    client: discord.Client | None = None
    task: asyncio.Task[None] | None = None
    members: dict[str, FakeMember] = field(default_factory=dict)

    def member(self, name: str, *, manage_guild: bool = False, roles: tuple[int, ...] = ()) -> FakeMember:
        if name not in self.members:
            permissions = (1 << 10) | (1 << 11) | ((1 << 5) if manage_guild else 0)
            self.members[name] = FakeMember(
                1_200_000_000_000_000_000 + len(self.members) + 1, name, permissions, roles
            )
        return self.members[name]

    async def start(self, *, sharded: bool = False, **config: object) -> discord.Client:
        options: dict[str, object] = {"outbox_interval": 0, "defer_after": 5.0} | config
        # discord.py waits this long after the last GUILD_CREATE before "ready"; the fake sends
        # them all at once, so there is nothing to wait for.
        client = make_client(
            self.services,
            ClientConfig(**options),  # type: ignore[arg-type]
            sharded=sharded,
            guild_ready_timeout=0.01,
        )
        self.client = client
        self.task = asyncio.create_task(client.start(TOKEN))
        await asyncio.wait_for(client.wait_until_ready(), 10)
        return client

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.close()
        if self.task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        self.client = self.task = None

    async def restart(self) -> discord.Client:
        await self.stop()
        return await self.start(sync_commands=False)

    async def slash(self, path: str, member: FakeMember | None = None, /, **options: object) -> Callback:
        return await self.fake.interact(self.fake.slash(path.split(), options, member))

    async def press(
        self, callback_or_message: Callback | dict, label: str, member: FakeMember | None = None
    ) -> Callback:
        message = (
            self.fake.original(callback_or_message)
            if isinstance(callback_or_message, Callback)
            else callback_or_message
        )
        custom_id = buttons(message)[label]
        return await self.fake.interact(
            self.fake.click(self.fake.message_payload(message), custom_id, member)
        )

    async def set_league(self, **values: object) -> None:
        async with self.services.db.write() as session:
            await session.execute(update(League).where(League.id == self.league_id).values(**values))
        self.services.callers = type(self.services.callers)()


@pytest.fixture
async def fake(monkeypatch) -> AsyncIterator[FakeDiscord]:
    server = await FakeDiscord().start()
    server.patch(monkeypatch)
    yield server
    await server.stop()


@pytest.fixture
async def harness(db: Database, fake: FakeDiscord) -> AsyncIterator[Harness]:
    clock = ManualClock(DEMO_WEEK_START)
    services = Services(db, clock, provider_factory(clock))
    league = await ensure_demo_league(db, str(fake.guild_id), clock.now(), platform="discord")
    async with db.write() as session:
        await session.execute(
            update(League).where(League.id == league.id).values(channel_id=str(fake.league_channel_id))
        )
        stored = await session.get(League, league.id)
    assert stored is not None
    await run_due(services, stored)
    h = Harness(fake, services, clock, league.id)
    await h.start()
    yield h
    await h.stop()
    assert not fake.unexpected, [f"{r.method} {r.path}" for r in fake.unexpected]
