"""Turning `/sidebet <words...>` into a catalogue command and its raw options.

The subcommands are read from the catalogue at call time, never listed here, so a command
added to the catalogue is a Slack subcommand without touching this adapter. Mistakes come
back as `UsageError` with a usage line meant for the user; nothing here raises anything else.
"""

from __future__ import annotations

import html
import shlex
from dataclasses import dataclass, replace
from typing import Any

from adapters.console.repl import bind_arguments
from commands import catalogue
from commands.catalogue import Command, Option

SLASH_COMMAND = "/sidebet"
# Phones and some desktop clients turn typed quotes into typographic ones; shlex would not
# recognise those as quotes.
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


class UsageError(ValueError):
    """A typing mistake; the message is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    command: Command
    args: dict[str, Any]

    @property
    def secret_options(self) -> tuple[Option, ...]:
        """Options collected in a modal instead: they must never be typed in a channel (and
        only those that apply: `setup sleeper` has no ESPN cookies to ask for)."""
        return tuple(o for o in self.command.options if o.secret and o.applies(self.args))


def subcommands() -> tuple[str, ...]:
    """Every subcommand `/sidebet` understands: the whole catalogue, button actions included."""
    return tuple(command.name for command in catalogue.CATALOGUE)


def visible_options(command: Command) -> tuple[Option, ...]:
    return tuple(o for o in command.options if not o.secret)


def usage(command: Command) -> str:
    """The usage line as typed in Slack; secret options are asked for in a form, not typed."""
    typed = replace(command, options=visible_options(command))
    line = f"`{SLASH_COMMAND} {typed.usage}`"
    if len(typed.options) != len(command.options):
        line += " (the private values are asked for in a form that only you see)"
    return line


def _unescape(word: str) -> str:
    """Slack escapes &, < and > in command text; mentions (<@U123|name>) stay as they are."""
    return word if word.startswith("<") and word.endswith(">") else html.unescape(word)


def parse(text: str) -> ParsedCommand:
    """The command and raw options in `text` (what follows `/sidebet`); empty text means help."""
    try:
        words = [_unescape(w) for w in shlex.split(text.translate(_SMART_QUOTES))]
    except ValueError:
        raise UsageError(
            f'Unbalanced quotes in that command. Example: `{SLASH_COMMAND} void bet 12 "wrong game"`'
        ) from None
    if not words:
        return ParsedCommand(catalogue.BY_NAME["help"], {})
    found = catalogue.match(words)
    if found is None:
        raise UsageError(
            f"There's no `{words[0][:40]}` subcommand. `{SLASH_COMMAND} help` lists what you can do."
        )
    command, rest = found
    typed = replace(command, options=visible_options(command))
    try:
        args = bind_arguments(typed, rest)
    except ValueError:
        raise UsageError(f"Too many values for `{command.name}`. Usage: {usage(command)}") from None
    missing = [o.name for o in typed.options if o.required and o.name not in args]
    if missing:
        raise UsageError(f"`{command.name}` needs `{missing[0]}`. Usage: {usage(command)}")
    return ParsedCommand(command, args)
