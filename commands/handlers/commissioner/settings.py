"""Commissioners' league settings: show and change them, pause and resume betting."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.handlers.registry import handles
from commands.league_settings import LeagueSettings, describe_allowed, setting_text
from commands.replies import Reply, Table, Tone
from commands.services.league_admin import set_paused
from commands.services.league_config import change_setting


@handles("config show")
async def config_show(ctx: Context, args: dict[str, Any]) -> Reply:
    rows = tuple(
        (
            name,
            setting_text(name, getattr(ctx.settings, name)),
            describe_allowed(name),
            info.description or "",
        )
        for name, info in LeagueSettings.model_fields.items()
    )
    return Reply(
        tables=(Table(("Setting", "Value", "Allowed", "Meaning"), rows, title="League settings"),),
        text="Change one with `config set <setting> <value>`.",
    )


@handles("config set")
async def config_set(ctx: Context, args: dict[str, Any]) -> Reply:
    name = args["setting"]
    change = await change_setting(
        ctx.db,
        league_id=ctx.league.id,
        name=name,
        raw=args["value"],
        actor=ctx.invocation.user_id,
        now=ctx.now,
    )
    note = ""
    if name == "winner_role" and change.after and ctx.invocation.platform != "discord":
        note = " Roles exist only on Discord: on this platform the setting does nothing."
    after, before = setting_text(name, change.after), setting_text(name, change.before)
    if after == before:
        return Reply(f"`{name}` was already {after}; nothing changed.{note}")
    return Reply(f"`{name}` is now {after} (was {before}).{note}", tone=Tone.SUCCESS)


@handles("pause")
async def pause(ctx: Context, args: dict[str, Any]) -> Reply:
    if ctx.league.paused:
        return Reply("Betting is already paused. `resume` to reopen it.")
    await set_paused(ctx, True)
    return Reply("Betting is paused. Open bets stay open and will settle as usual.", tone=Tone.WARNING)


@handles("resume")
async def resume(ctx: Context, args: dict[str, Any]) -> Reply:
    if not ctx.league.paused:
        return Reply("Betting isn't paused.")
    await set_paused(ctx, False)
    return Reply("Betting is open again.", tone=Tone.SUCCESS)
