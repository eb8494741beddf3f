"""Forcing an interleaving on PostgreSQL: hold a row lock, and wait until a session queues on it.

A race test must not hope for a timing. Here a test holds rows locked in a transaction of
its own (`hold`), starts the commands it races as tasks, and waits until the server says a
given session is waiting for another's lock (`queued_behind`, from pg_blocking_pids), so
each step of the interleaving is known to have happened before the next one is allowed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.database import Database

WAIT_SECONDS = 60.0  # a generous bound on a loaded machine; a wait that is met returns at once


@asynccontextmanager
async def hold(db: Database, sql: str, params: dict[str, object]) -> AsyncIterator[int]:
    """Run `sql` (a SELECT ... FOR UPDATE) in an open transaction; yields the session's pid.

    The locks are released (rolled back) when the block ends.
    """
    async with db.engine.connect() as conn:
        await conn.begin()
        pid = int(await conn.scalar(text("SELECT pg_backend_pid()")))
        await conn.execute(text(sql), params)
        try:
            yield pid
        finally:
            await conn.rollback()


async def _waiting_behind(conn: AsyncConnection, pid: int) -> list[int]:
    rows = await conn.execute(
        text("SELECT pid FROM pg_stat_activity WHERE :pid = ANY(pg_blocking_pids(pid)) ORDER BY pid"),
        {"pid": pid},
    )
    return [int(r[0]) for r in rows]


async def queued_behind(db: Database, pid: int, tasks: Iterable[asyncio.Task[object]] = ()) -> int:
    """The pid of a session waiting for a lock `pid` holds, once there is one.

    Fails at once if one of `tasks` (the commands racing) finished instead of waiting.
    """
    watched = list(tasks)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + WAIT_SECONDS
    # AUTOCOMMIT: a transaction would see pg_stat_activity as it was at its first read.
    async with db.engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        while True:
            waiting = await _waiting_behind(conn, pid)
            if waiting:
                return waiting[0]
            for task in watched:
                if task.done():
                    raise AssertionError(f"{task.get_name()} finished instead of waiting: {task.result()!r}")
            if loop.time() > deadline:
                raise AssertionError(f"nothing queued behind session {pid}")
            await asyncio.sleep(0.01)
