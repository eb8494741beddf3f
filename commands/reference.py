"""The reference id of the request being served, carried through contextvars.

Every interaction (and every scheduled job pass) gets one short id; all log lines written
while serving it carry it (bot/logging_setup.py reads it), and an unexpected failure shows
the user that same id, so "ref 3fa9c1" in a chat message finds every line of that request.
asyncio copies the context into tasks, so work spawned by the request inherits the id.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_CURRENT: ContextVar[str | None] = ContextVar("sidebet_request_reference", default=None)


def new_reference() -> str:
    return secrets.token_hex(3)


def current_reference() -> str | None:
    return _CURRENT.get()


@contextmanager
def request_reference(*, prefix: str = "") -> Iterator[str]:
    """Serve a request under a reference id: the enclosing one if there is one, else a new one.

    Reusing the enclosing id lets an adapter open the reference before it parses the
    platform's payload, with the command dispatcher inside sharing it.
    """
    existing = _CURRENT.get()
    if existing is not None:
        yield existing
        return
    token = _CURRENT.set(prefix + new_reference())
    try:
        yield _CURRENT.get() or ""
    finally:
        _CURRENT.reset(token)
