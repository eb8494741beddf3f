"""`sidebet run` starts Discord here when a bot token is configured."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from adapters.discord.client import ClientConfig, GuildHook, make_client
from commands.context import Services


async def run_discord(
    token: str,
    services: Services,
    *,
    sharded: bool = False,
    dev_guild_ids: Sequence[int] = (),
    on_guild: GuildHook | None = None,
    shard_ids: Sequence[int] | None = None,
    shard_count: int | None = None,
    report_connected: Callable[[Callable[[], bool]], None] | None = None,
) -> None:
    """Run the Discord bot until cancelled or closed.

    Queued channel posts (lines up, tickets, results) of Discord leagues are delivered by
    this process: every few seconds and right after each command.
    `on_guild(guild_id)` runs for every guild the bot sees (e.g. to create a demo league).
    The token goes to discord.py only; it is never logged or shown.

    Scale-out: with `shard_ids` (and `shard_count`) this process connects only those shards
    (an auto-sharded client), so N processes split the gateway between them. Channel posts
    need no gateway (they are REST calls), so whichever process claims a post delivers it,
    whatever shard its guild is on. `report_connected` receives a check for /healthz.
    """
    config = ClientConfig(dev_guild_ids=tuple(dev_guild_ids), on_guild=on_guild)
    options = shard_options(shard_ids, shard_count)
    client = make_client(services, config, sharded=sharded or bool(options), **options)
    if report_connected is not None:
        report_connected(lambda: client.is_ready() and not client.is_closed())
    async with client:
        await client.start(token)


def shard_options(shard_ids: Sequence[int] | None, shard_count: int | None) -> dict[str, object]:
    """discord.py's keyword arguments for running a range of shards (none: let Discord decide)."""
    if shard_ids is None or shard_count is None:
        return {}
    return {"shard_ids": list(shard_ids), "shard_count": shard_count}
