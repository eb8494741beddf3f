"""SQLite runs on the event loop's thread, and a lock held by another process never stalls it."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest
from sqlalchemy import text

from storage.database import Database
from storage.errors import storage_trouble
from storage.inline_sqlite import InlineSqlite
from storage.migrate import upgrade_to_head


@pytest.fixture
async def db(tmp_path):
    database = Database(f"sqlite+aiosqlite:///{tmp_path / 'book.db'}")
    await upgrade_to_head(database)
    yield database
    await database.dispose()


async def test_a_sessions_statements_run_on_the_event_loops_thread(db: Database) -> None:
    # Through aiosqlite's thread each statement was three or four hand-offs, which cost
    # more than the statement; here SQLite is called in place.
    async with db.read() as session:
        raw = (await session.connection()).sync_connection.connection.driver_connection
        raw._conn.create_function("thread_id", 0, threading.get_ident)
        assert await session.scalar(text("SELECT thread_id()")) == threading.get_ident()


async def test_a_writer_waiting_for_another_process_keeps_the_loop_serving(db: Database) -> None:
    other = sqlite3.connect(db.url.database, isolation_level=None)  # as another process would
    other.execute("BEGIN IMMEDIATE")

    async def write() -> None:
        async with db.write() as session:
            await session.execute(text("CREATE TABLE written_after_wait (x INTEGER)"))

    writer = asyncio.create_task(write())
    for _ in range(20):  # the writer reaches BEGIN IMMEDIATE and finds the lock taken
        await asyncio.sleep(0)
    async with db.read() as session:  # the loop is free: a read runs meanwhile
        assert await session.scalar(text("SELECT count(*) FROM leagues")) == 0
    assert not writer.done()

    other.execute("ROLLBACK")
    other.close()
    await asyncio.wait_for(writer, timeout=30)
    async with db.read() as session:
        assert await session.scalar(text("SELECT count(*) FROM written_after_wait")) == 0


async def test_a_lock_held_past_the_busy_timeout_is_reported_busy(tmp_path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'book.db'}", busy_timeout_ms=20)
    await upgrade_to_head(db)
    other = sqlite3.connect(db.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(Exception) as raised:
            async with db.write() as session:
                await session.execute(text("DELETE FROM leagues"))
        assert storage_trouble(raised.value) == "busy"

        conn = await InlineSqlite(db.url.database, 20)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            await conn.execute_fetchall("BEGIN IMMEDIATE")
        # SQLite's own handler would sleep on the loop's thread; the waiting was asyncio's.
        assert list(await conn.execute_fetchall("PRAGMA busy_timeout")) == [(0,)]
        await conn.close()
    finally:
        other.execute("ROLLBACK")
        other.close()
        await db.dispose()
