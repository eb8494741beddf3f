"""Recognising the database failures a user can be told about in plain words.

Two are expected in production and are not bugs: the database is busy (another writer,
another process, a backup, held the lock past the busy timeout) and the disk is full.
Either way the transaction was rolled back, so nothing was written; the command layer
says so instead of apologising for an internal error.
"""

from __future__ import annotations

import sqlite3
from typing import Literal

from sqlalchemy.exc import DBAPIError

StorageTrouble = Literal["busy", "full"]

# SQLite's messages (sqlite3 and aiosqlite raise OperationalError with these texts).
_SQLITE = {
    "database is locked": "busy",
    "database table is locked": "busy",
    "database is busy": "busy",
    "database or disk is full": "full",
}
# PostgreSQL SQLSTATEs: lock_not_available, query_canceled (statement/lock timeouts),
# disk_full, insufficient_resources, out_of_memory.
_SQLSTATE = {"55P03": "busy", "57014": "busy", "53100": "full", "53000": "full", "53200": "full"}


def storage_trouble(exc: BaseException) -> StorageTrouble | None:
    """'busy' or 'full' if `exc` (or what it wraps) is one of those failures, else None."""
    original: BaseException | None = exc.orig if isinstance(exc, DBAPIError) else exc
    seen = 0
    while original is not None and seen < 5:
        if isinstance(original, sqlite3.OperationalError):
            text = str(original).lower()
            for fragment, kind in _SQLITE.items():
                if fragment in text:
                    return kind  # type: ignore[return-value]
        state = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
        if isinstance(state, str) and state in _SQLSTATE:
            return _SQLSTATE[state]  # type: ignore[return-value]
        original = original.__cause__ or getattr(original, "orig", None)
        seen += 1
    return None
