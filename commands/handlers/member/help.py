"""`help`: the catalogue, in words, for whoever asks (before any league exists too)."""

from __future__ import annotations

from typing import Any

from commands.catalogue import BY_NAME, CATALOGUE, Audience
from commands.context import Invocation, Services
from commands.handlers.registry import handles_leagueless
from commands.replies import Reply, Table


@handles_leagueless("help")
async def help_(services: Services, invocation: Invocation, args: dict[str, Any]) -> Reply:
    """Works before the workspace has a league too: it only reads the catalogue."""
    return help_reply(invocation.is_admin, args.get("command"))


def help_reply(is_admin: bool, topic: str | None) -> Reply:
    if topic:
        wanted = " ".join(topic.lower().split())
        command = BY_NAME.get(wanted)
        if command is None:
            # A group (`void`, `config`): its subcommands, each as `help` would explain it.
            group = [c for c in CATALOGUE if c.path[0] == wanted and len(c.path) > 1]
            if group:
                lines = [f"`{wanted}` has {len(group)} commands:"]
                lines += [f"`{c.usage}`: {c.summary}" for c in group]
                lines.append(f"`help {group[0].name}` explains one.")
                return Reply("\n".join(lines))
            return Reply.error(f"There's no command called `{topic}`. `help` lists them all.")
        lines = [f"`{command.usage}`: {command.summary}"]
        lines += [
            f"  {'/'.join(o.choices) if o.choices else o.name}: {o.description}"
            + ("" if o.required else " (optional)")
            for o in command.options
        ]
        return Reply("\n".join(lines))
    rows = tuple(
        (c.usage, c.summary)
        for c in CATALOGUE
        if not c.action and (is_admin or c.audience is Audience.MEMBER)
    )
    title = "Commands" + (" (commissioner commands included)" if is_admin else "")
    return Reply(
        text="Sidebet is a play-money sportsbook on this league's matchups: credits only, never money.",
        tables=(Table(("Command", "What it does"), rows, title=title),),
    )
