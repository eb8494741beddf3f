"""Modals: asking for options a button or command cannot carry (a custom stake, secrets).

A modal's custom id carries the action, its owner and the arguments already known; its text
inputs are named after the missing options. The submission therefore holds everything the
command needs, and a modal opened before a restart still submits correctly after it.
Secret options (ESPN cookies) only ever travel in the submission's text inputs: they are
never placed in a custom id, a reply or a log line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import discord

from adapters.discord.custom_ids import Kind, encode
from commands.catalogue import Command, Option, OptionType

MAX_INPUTS = 5
MAX_MODAL_TITLE = 45
MAX_INPUT_LABEL = 45
MAX_PLACEHOLDER = 100
TEXT_INPUT = 4

_PLACEHOLDERS = {OptionType.CREDITS: "50, 25% or all"}


class TooManyInputs(ValueError):
    """More missing options than a modal can hold."""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _label(option: Option) -> str:
    return _clip(option.name.replace("_", " ").capitalize(), MAX_INPUT_LABEL)


def _title(command: Command) -> str:
    if command.name == "bet":
        return "Your stake"
    return _clip(f"Sidebet: {command.name}", MAX_MODAL_TITLE)


def build_modal(
    command: Command, owner_id: str, known: Mapping[str, Any], missing: Sequence[Option]
) -> discord.ui.Modal:
    """A modal asking for `missing`; `known` arguments ride along in its custom id."""
    if len(missing) > MAX_INPUTS:
        raise TooManyInputs(f"`{command.name}` needs {len(missing)} inputs; a modal holds {MAX_INPUTS}")
    custom_id = encode(Kind.SUBMIT, command.name, owner_id, {k: v for k, v in known.items() if v is not None})
    modal = discord.ui.Modal(title=_title(command), custom_id=custom_id, timeout=None)
    for option in missing:
        modal.add_item(
            discord.ui.TextInput(
                label=_label(option),
                custom_id=option.name,
                placeholder=_clip(_PLACEHOLDERS.get(option.type, option.description), MAX_PLACEHOLDER),
                required=option.required,
                style=discord.TextStyle.long if option.secret else discord.TextStyle.short,
            )
        )
    # Routing is the adapter's; do not let discord.py keep the modal in its view store.
    modal.stop()
    return modal


def _walk(components: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for component in components:
        yield component
        yield from _walk(component.get("components", []) or [])
        inner = component.get("component")  # modals built from labels nest one component
        if isinstance(inner, Mapping):
            yield from _walk([inner])


def submitted_values(data: Mapping[str, Any]) -> dict[str, str]:
    """Text input values of a modal submission, by their custom id (the option name)."""
    return {
        str(c["custom_id"]): str(c.get("value") or "")
        for c in _walk(data.get("components", []) or [])
        if c.get("type") == TEXT_INPUT and "custom_id" in c
    }
