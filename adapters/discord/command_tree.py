"""The catalogue as Discord application commands, and Discord's command data back to it.

The tree is derived, never hand-written: member commands are top-level (`/bet`), every
commissioner command sits under one `/admin` group (`/admin pause`, `/admin void bet`), and
catalogue actions (`confirm`, `discard`) are buttons, not commands. So a command added to
the catalogue appears on Discord at the next sync with no edit here.

Secret options (ESPN cookies) are deliberately not slash options, since Discord shows a
command's options in the channel's command preview; the command opens a modal for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from commands import catalogue
from commands.catalogue import Audience, Command, Option, OptionType

ADMIN_GROUP = "admin"
ADMIN_GROUP_DESCRIPTION = "Commissioner commands (Manage Server or the league's admin role)."
MAX_DESCRIPTION = 100
MAX_OPTIONS = 25

# Discord's application command option types.
SUB_COMMAND = 1
SUB_COMMAND_GROUP = 2
STRING = 3
INTEGER = 4
CHAT_INPUT = 1
GUILD_CONTEXT = 0
GUILD_INSTALL = 0
INTEGER_TYPES = frozenset({OptionType.ID, OptionType.NUMBER, OptionType.AMOUNT})
# Discord integers are JavaScript-safe integers.
MAX_SAFE_INTEGER = 2**53 - 1


class TreeError(ValueError):
    """The catalogue cannot be expressed as a Discord command tree (a clash or a limit)."""


def short(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """Descriptions are UI hints with a hard cap; shorten visibly (with an ellipsis) if needed."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def discord_type(option: Option) -> int:
    """Discord's option type. An id that also takes a team's abbreviation (`odds KC`) is
    text: Discord would refuse letters in an integer option before Sidebet saw them."""
    return INTEGER if option.type in INTEGER_TYPES and not option.by_team else STRING


def option_payload(option: Option) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": discord_type(option),
        "name": option.name,
        "description": short(option.description),
        "required": option.required,
    }
    if data["type"] == STRING:
        pass  # bounds are for numbers; the command layer parses and checks the text
    elif option.type in (OptionType.ID, OptionType.NUMBER):
        data["min_value"] = 1
        data["max_value"] = MAX_SAFE_INTEGER
    elif option.type is OptionType.AMOUNT:
        data["min_value"] = -MAX_SAFE_INTEGER
        data["max_value"] = MAX_SAFE_INTEGER
    if option.choices:
        data["choices"] = [{"name": c, "value": c} for c in option.choices]
    elif option.autocomplete:
        data["autocomplete"] = True
    return data


def visible_options(command: Command) -> list[Option]:
    """Slash options of a command: secrets left out, required ones first (Discord's rule)."""
    shown = [o for o in command.options if not o.secret]
    if len(shown) > MAX_OPTIONS:
        raise TreeError(f"`{command.name}` has more than {MAX_OPTIONS} options")
    return sorted(shown, key=lambda o: not o.required)


def _leaf(name: str, command: Command, kind: int) -> dict[str, Any]:
    data: dict[str, Any] = {"type": kind, "name": name, "description": short(command.summary)}
    options = [option_payload(o) for o in visible_options(command)]
    if options:
        data["options"] = options
    return data


def _nest(commands: Iterable[tuple[tuple[str, ...], Command]], where: str) -> list[dict[str, Any]]:
    """Subcommands and subcommand groups for paths relative to a top-level command."""
    out: dict[str, dict[str, Any]] = {}
    for path, command in commands:
        if len(path) == 1:
            if path[0] in out:
                raise TreeError(f"`{where} {path[0]}` is both a command and a group")
            out[path[0]] = _leaf(path[0], command, SUB_COMMAND)
        elif len(path) == 2:
            group = out.setdefault(
                path[0],
                {
                    "type": SUB_COMMAND_GROUP,
                    "name": path[0],
                    "description": f"{path[0]} commands",
                    "options": [],
                },
            )
            if group["type"] != SUB_COMMAND_GROUP:
                raise TreeError(f"`{where} {path[0]}` is both a command and a group")
            group["options"].append(_leaf(path[1], command, SUB_COMMAND))
            if len(group["options"]) > MAX_OPTIONS:
                raise TreeError(f"`{where} {path[0]}` has more than {MAX_OPTIONS} subcommands")
        else:
            raise TreeError(f"`{where} {' '.join(path)}` is nested deeper than Discord allows")
    if len(out) > MAX_OPTIONS:
        raise TreeError(f"`{where}` has more than {MAX_OPTIONS} subcommands")
    return list(out.values())


def _top(name: str, description: str, options: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "type": CHAT_INPUT,
        "name": name,
        "description": short(description),
        "contexts": [GUILD_CONTEXT],
        "integration_types": [GUILD_INSTALL],
    }
    if options:
        data["options"] = options
    return data


def application_commands(commands: Sequence[Command] | None = None) -> list[dict[str, Any]]:
    """The JSON Discord's bulk-overwrite endpoints take, built from the catalogue."""
    commands = catalogue.slash_commands() if commands is None else tuple(commands)
    top: dict[str, dict[str, Any]] = {}
    member_groups: dict[str, list[tuple[tuple[str, ...], Command]]] = {}
    admin: list[tuple[tuple[str, ...], Command]] = []
    for command in commands:
        if command.audience is Audience.ADMIN:
            admin.append((command.path, command))
        elif len(command.path) == 1:
            if command.path[0] in top or command.path[0] == ADMIN_GROUP:
                raise TreeError(f"`/{command.path[0]}` is defined twice")
            top[command.path[0]] = _top(
                command.path[0],
                command.summary,
                [option_payload(o) for o in visible_options(command)],
            )
        else:
            member_groups.setdefault(command.path[0], []).append((command.path[1:], command))
    for name, subs in member_groups.items():
        if name in top or name == ADMIN_GROUP:
            raise TreeError(f"`/{name}` is both a command and a group")
        top[name] = _top(name, f"{name} commands", _nest(subs, f"/{name}"))
    if admin:
        group = _top(ADMIN_GROUP, ADMIN_GROUP_DESCRIPTION, _nest(admin, f"/{ADMIN_GROUP}"))
        # Hidden by default from members without Manage Server; the adapter checks again in
        # code, because a server can override this in its integration settings.
        group["default_member_permissions"] = str(discord.Permissions(manage_guild=True).value)
        top[ADMIN_GROUP] = group
    if len(top) > 100:
        raise TreeError("more than 100 top-level commands")
    return list(top.values())


@dataclass(frozen=True, slots=True)
class Called:
    """A slash command or autocomplete request, mapped back onto the catalogue."""

    command: Command
    args: dict[str, Any]
    focused: str | None = None


def _flatten(options: Sequence[Mapping[str, Any]]) -> tuple[list[str], list[Mapping[str, Any]]]:
    """Follow subcommand (group) options down to the leaf; return its path and its values."""
    path: list[str] = []
    current = list(options)
    while len(current) == 1 and current[0].get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP):
        path.append(str(current[0]["name"]))
        current = list(current[0].get("options", []))
    return path, current


def resolve(data: Mapping[str, Any]) -> Called | None:
    """The catalogue command an interaction's `data` names, with its option values."""
    path, values = _flatten(data.get("options", []) or [])
    top = str(data.get("name", ""))
    if top == ADMIN_GROUP:
        full = tuple(path)
        wanted = Audience.ADMIN
    else:
        full = (top, *path)
        wanted = Audience.MEMBER
    command = catalogue.BY_NAME.get(" ".join(full))
    if command is None or command.audience is not wanted or command.action:
        return None
    args: dict[str, Any] = {}
    focused: str | None = None
    for value in values:
        args[str(value["name"])] = value.get("value")
        if value.get("focused"):
            focused = str(value["name"])
    return Called(command, args, focused)
