"""Which function answers each catalogue command, recorded beside the function.

`@handles("bet")` above a handler puts it in `HANDLERS`; `@handles_leagueless("setup")`
puts a command that runs before the workspace has a league (the catalogue's
`needs_league=False`) in `LEAGUELESS_HANDLERS`. Registering a name the catalogue does not
have, with the wrong kind, or twice fails at import.

This module lives inside the `commands.handlers` package, whose `__init__` imports every
handler module: importing the registry from anywhere therefore imports all the handlers
first, and the tables are complete before anyone can read them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from commands.catalogue import BY_NAME
from commands.context import Context, Invocation, Services
from commands.replies import Reply

Handler = Callable[[Context, dict[str, Any]], Awaitable[Reply]]
# Commands that run before the workspace has a league get the services, not a Context.
LeaguelessHandler = Callable[[Services, Invocation, dict[str, Any]], Awaitable[Reply]]

HANDLERS: dict[str, Handler] = {}
LEAGUELESS_HANDLERS: dict[str, LeaguelessHandler] = {}

H = TypeVar("H", bound=Handler)
L = TypeVar("L", bound=LeaguelessHandler)
F = TypeVar("F")


def _add(table: dict[str, Any], name: str, handler: F, *, needs_league: bool) -> F:
    command = BY_NAME.get(name)
    if command is None:
        raise LookupError(f"a handler names `{name}`, which is not a catalogue command")
    if command.needs_league is not needs_league:
        decorator = "handles" if command.needs_league else "handles_leagueless"
        raise TypeError(f"`{name}` is registered with the wrong decorator: use @{decorator}")
    if name in HANDLERS or name in LEAGUELESS_HANDLERS:
        raise ValueError(f"`{name}` already has a handler")
    table[name] = handler
    return handler


def handles(name: str) -> Callable[[H], H]:
    """Register the decorated function as the handler of the catalogue command `name`."""

    def register(handler: H) -> H:
        return _add(HANDLERS, name, handler, needs_league=True)

    return register


def handles_leagueless(name: str) -> Callable[[L], L]:
    """Register the handler of a command that runs before the workspace has a league."""

    def register(handler: L) -> L:
        return _add(LEAGUELESS_HANDLERS, name, handler, needs_league=False)

    return register
