"""Errors that carry the words the user should read.

Anything raised as a CommandError is shown to the user as is, so its message must be
friendly, specific and free of internals. Anything else is a bug: the dispatcher logs it
with a reference id and shows a short apology instead.
"""

from __future__ import annotations


class CommandError(Exception):
    """A problem the user can fix or should know about; the message is for them."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class InvalidInput(CommandError):
    """An option that could not be understood (text where a number belongs, ...)."""


class NotFound(CommandError):
    """Unknown ids, and ids of another league or workspace, which we never reveal."""


class NotAllowed(CommandError):
    """The caller may not run this (not a commissioner, league paused, ...)."""


class Conflict(CommandError):
    """The thing exists but is in the wrong state: locked, settled, already placed."""
