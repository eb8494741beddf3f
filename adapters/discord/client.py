"""The discord.py client: logs in, syncs the catalogue's commands and routes interactions.

Intents are the non-privileged `guilds` only: slash commands, buttons and modals arrive
as interactions whatever the intents, and posting to a channel needs none. No message
content, no member list, no presences, no message cache.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from adapters.discord.command_tree import application_commands
from adapters.discord.log_safety import silence_payload_logs
from adapters.discord.outbox import DiscordOutbox
from adapters.discord.router import DEFER_AFTER, InteractionRouter
from commands.context import Services
from commands.outbox import OutboxLoop

log = logging.getLogger("sidebet.discord")

GuildHook = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class ClientConfig:
    """How the adapter behaves; tests turn syncing and the background outbox off."""

    dev_guild_ids: Sequence[int] = ()
    sync_commands: bool = True
    # Seconds between passes delivering queued channel posts (the pump is also woken after
    # every command); 0 means no background pump (tests call `client.outbox.deliver_once`).
    outbox_interval: float = 5.0
    defer_after: float = DEFER_AFTER
    # Called with the guild id when the bot sees a guild (at start-up or on joining).
    on_guild: GuildHook | None = None


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


def _discord_options(extra: dict[str, Any]) -> dict[str, Any]:
    return {
        "intents": intents(),
        "member_cache_flags": discord.MemberCacheFlags.none(),
        "chunk_guilds_at_startup": False,
        "max_messages": None,
        **extra,
    }


class SidebetMixin:
    """What both the plain and the auto-sharded client add to discord.py."""

    services: Services
    config: ClientConfig
    router: InteractionRouter
    outbox: OutboxLoop

    def _setup_sidebet(self, services: Services, config: ClientConfig) -> None:
        silence_payload_logs()
        self.services = services
        self.config = config
        self.router = InteractionRouter(services, defer_after=config.defer_after)
        client: discord.Client = self  # type: ignore[assignment]
        self.outbox = OutboxLoop(services.db, services.clock, DiscordOutbox(client))
        self.router.after_command.append(self.outbox.wake)

    async def setup_hook(self) -> None:
        if self.config.sync_commands:
            await self.sync_application_commands()
        if self.config.outbox_interval > 0:
            self.outbox.start(self.config.outbox_interval)

    async def sync_application_commands(self) -> None:
        """Per dev guild (instant, for development) when configured, else globally."""
        client: discord.Client = self  # type: ignore[assignment]
        app_id = client.application_id
        if app_id is None:
            raise RuntimeError("commands can only be synced after login")
        payload = application_commands()
        if self.config.dev_guild_ids:
            for guild_id in self.config.dev_guild_ids:
                await client.http.bulk_upsert_guild_commands(app_id, guild_id, payload)
            log.info("synced %d commands to %d dev guild(s)", len(payload), len(self.config.dev_guild_ids))
        else:
            await client.http.bulk_upsert_global_commands(app_id, payload)
            log.info("synced %d commands globally", len(payload))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.router.handle(interaction)

    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self._guild_seen(guild)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self._guild_seen(guild)

    async def _guild_seen(self, guild: discord.Guild) -> None:
        if self.config.on_guild is None:
            return
        try:
            await self.config.on_guild(str(guild.id))
        except Exception:
            log.exception("guild hook failed for guild %s", guild.id)

    async def close(self) -> None:
        await self.outbox.stop()
        await super().close()  # type: ignore[misc]


class SidebetClient(SidebetMixin, discord.Client):
    def __init__(self, services: Services, config: ClientConfig, **discord_options: Any) -> None:
        super().__init__(**_discord_options(discord_options))
        self._setup_sidebet(services, config)


class ShardedSidebetClient(SidebetMixin, discord.AutoShardedClient):
    def __init__(self, services: Services, config: ClientConfig, **discord_options: Any) -> None:
        super().__init__(**_discord_options(discord_options))
        self._setup_sidebet(services, config)


def make_client(
    services: Services, config: ClientConfig, *, sharded: bool = False, **discord_options: Any
) -> discord.Client:
    cls = ShardedSidebetClient if sharded else SidebetClient
    return cls(services, config, **discord_options)
