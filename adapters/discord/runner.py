"""`sidebet run` starts Discord here when a bot token is configured."""

from __future__ import annotations

from collections.abc import Sequence

from adapters.discord.client import ClientConfig, GuildHook, make_client
from commands.context import Services


async def run_discord(
    token: str,
    services: Services,
    *,
    sharded: bool = False,
    dev_guild_ids: Sequence[int] = (),
    on_guild: GuildHook | None = None,
) -> None:
    """Run the Discord bot until cancelled or closed.

    Queued channel posts (lines up, tickets, results) of Discord leagues are delivered by
    this process: every few seconds and right after each command.
    `on_guild(guild_id)` runs for every guild the bot sees (e.g. to create a demo league).
    The token goes to discord.py only; it is never logged or shown.
    """
    config = ClientConfig(dev_guild_ids=tuple(dev_guild_ids), on_guild=on_guild)
    client = make_client(services, config, sharded=sharded)
    async with client:
        await client.start(token)
