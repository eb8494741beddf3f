"""Recognising the database failures a user can be told about in plain words.

Three are expected in production and are not bugs: the database is busy (another writer,
another process, a backup, held the lock past the busy timeout), its disk is full, or it
cannot be reached (SQLite cannot open its file; PostgreSQL refuses the connection, has no
connection slot left, is shutting down or restarting, or closed the connection in the middle
of a statement). Each time the transaction did not commit, so nothing was written; the
command layer says so instead of apologising for an internal error.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Literal

from sqlalchemy.exc import DBAPIError

StorageTrouble = Literal["busy", "full", "unavailable"]

# SQLite's messages (sqlite3 and aiosqlite raise OperationalError with these texts).
_SQLITE: dict[str, StorageTrouble] = {
    "database is locked": "busy",
    "database table is locked": "busy",
    "database is busy": "busy",
    "database or disk is full": "full",
    "unable to open database file": "unavailable",
}
# PostgreSQL SQLSTATEs: lock_not_available, query_canceled (statement/lock timeouts),
# disk_full, insufficient_resources, out_of_memory, too_many_connections, and the
# shutdowns: admin_shutdown (pg_terminate_backend, a fast shutdown), crash_shutdown,
# cannot_connect_now (starting up or in recovery). Class 08 is every connection exception.
_SQLSTATE: dict[str, StorageTrouble] = {
    "55P03": "busy",
    "57014": "busy",
    "53100": "full",
    "53000": "full",
    "53200": "full",
    "53300": "unavailable",
    "57P01": "unavailable",
    "57P02": "unavailable",
    "57P03": "unavailable",
}
_CONNECTION_EXCEPTION = "08"
_DEPTH = 5


def storage_trouble(exc: BaseException) -> StorageTrouble | None:
    """'busy', 'full' or 'unavailable' if `exc` (or what it wraps) is one of those, else None."""
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "unavailable"  # SQLAlchemy saw the connection drop (and discarded it)
    if isinstance(exc, OSError) and _raised_opening_a_connection(exc):
        return "unavailable"  # refused, unreachable, timed out: the driver's socket error, unwrapped
    for cause in _chain(exc):
        if isinstance(cause, sqlite3.OperationalError):
            text = str(cause).lower()
            for fragment, kind in _SQLITE.items():
                if fragment in text:
                    return kind
        state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if isinstance(state, str):
            if state in _SQLSTATE:
                return _SQLSTATE[state]
            if state.startswith(_CONNECTION_EXCEPTION):
                return "unavailable"
    return None


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc`, the driver's error it wraps, and their causes, a few levels deep."""
    current: BaseException | None = exc.orig if isinstance(exc, DBAPIError) else exc
    for _ in range(_DEPTH):
        if current is None:
            return
        yield current
        current = current.__cause__ or getattr(current, "orig", None)


def _raised_opening_a_connection(exc: OSError) -> bool:
    """Whether SQLAlchemy's pool was opening a connection when `exc` was raised.

    asyncpg's connect lets socket errors through as they are, so an OSError is the
    database's only when it came from there; one from anywhere else (an HTTP call) is not.
    """
    frame = exc.__traceback__
    while frame is not None:
        if str(frame.tb_frame.f_globals.get("__name__", "")).startswith("sqlalchemy.pool"):
            return True
        frame = frame.tb_next
    return False
