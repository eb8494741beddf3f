"""Counting the SQL a piece of the book runs, as SQLite itself sees it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.util import await_

from storage.database import Database


def trace_statements(db: Database) -> list[str]:
    """Every statement `db`'s SQLite connections run from now on, in order.

    SQLite's own trace callback: BEGIN and COMMIT included, whichever layer sent the
    statement (the ORM, Core, or the driver directly). Call it before the first connection
    opens; the list fills as they run.
    """
    statements: list[str] = []

    @event.listens_for(db.engine.sync_engine, "connect")
    def _trace(_dbapi_connection: Any, record: Any) -> None:
        await_(record.driver_connection.set_trace_callback(statements.append))

    return statements
