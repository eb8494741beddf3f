"""SQLite called from the event loop's own thread, behind SQLAlchemy's aiosqlite dialect.

Why: aiosqlite runs every call on a thread of its own and hands each result back through
the event loop, and SQLAlchemy's adapter makes three or four such calls per statement
(cursor, execute, fetch, close). Each hand-off wakes a thread and the loop, which cost far
more than the statement: measured here, a one-row SELECT through a session took 370 µs of
CPU through the thread and 92 µs called in place. Every command and every league's tick is
a handful of such statements, so the hand-offs were most of what they cost.

Why it is safe to run SQLite on the loop's thread:
- A statement's own time in SQLite is microseconds for what Sidebet asks (indexed reads and
  writes of a league's rows); it was spent anyway, and now without the hand-offs around it.
- Nothing in one process waits for a SQLite lock another of its connections holds: readers
  never wait under WAL, and every writer takes `Database`'s asyncio write lock before its
  BEGIN IMMEDIATE (the bet writer included), so the lock is free when a writer asks for it.
- Only another process (a second `sidebet` on the same file, a migration) can hold the
  write lock. A statement that finds it held is retried after short asyncio sleeps rather
  than by SQLite's busy handler, which would sleep on the loop's thread (InlineSqlite).

This is aiosqlite's own Connection with its thread taken out: the queue to the thread is
replaced by one that runs each call at once, so every aiosqlite method (and SQLAlchemy's
adapter, which also uses that queue directly) behaves exactly as before, minus the thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Callable, Generator
from functools import partial
from pathlib import Path
from typing import Any

import aiosqlite

# The log's length at which a commit checkpoints it itself. Every Database checkpoints on a
# thread of its own after writers commit (storage/checkpointer.py); this is the backstop
# for a log that thread could not keep short (SQLite's default is 1,000 pages).
BACKSTOP_PAGES = 10_000

# Backing off between attempts at the write lock another process holds.
FIRST_RETRY_SECONDS = 0.001
LONGEST_RETRY_SECONDS = 0.05


def open_sqlite(path: Path | str, busy_timeout_ms: int) -> sqlite3.Connection:
    """A connection to Sidebet's file, set up alike for every user of it.

    WAL lets readers run beside the writer; synchronous=NORMAL is durable across a crash of
    the process under WAL; foreign keys are enforced; the busy timeout lets several
    processes on one file queue for the write lock; commits leave checkpoints to
    storage/checkpointer.py up to BACKSTOP_PAGES. isolation_level=None switches off the
    driver's own transactions: SQLAlchemy (and the bet writer) emit BEGIN themselves, so a
    transaction's reads and writes share one snapshot and SAVEPOINTs work.
    """
    conn = sqlite3.connect(
        str(path), timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA wal_autocheckpoint={BACKSTOP_PAGES}")
    return conn


class _RunAtOnce:
    """Takes aiosqlite's (future, call) work items like its queue, and runs each at once."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, call = item
        try:
            result = call()
        except BaseException as exc:  # handed to the caller, as aiosqlite's thread does
            if future is not None and not future.done():
                future.set_exception(exc)
        else:
            if future is not None and not future.done():
                future.set_result(result)


class InlineSqlite(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the calling (event loop's) thread.

    SQLite's own busy timeout is off: it would make SQLite sleep on this thread, and so stall
    every other command, while another process holds a lock. A call that finds the database
    busy is retried after short asyncio sleeps instead, until `busy_timeout_ms` is spent, and
    then fails as SQLite's would have ("database is locked"). A busy statement has done
    nothing, so running it again is what SQLite's busy handler does too.
    """

    def __init__(self, path: Path | str, busy_timeout_ms: int) -> None:
        self._path = str(path)
        self.busy_timeout_ms = busy_timeout_ms
        super().__init__(lambda: open_sqlite(self._path, busy_timeout_ms=0), iter_chunk_size=64)
        self._tx = _RunAtOnce()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        try:
            return fn(*args, **kwargs)
        except sqlite3.OperationalError as exc:
            if not _busy(exc):
                raise
        return await self._retry_while_busy(partial(fn, *args, **kwargs))

    async def _retry_while_busy(self, call: Callable[[], Any]) -> Any:
        deadline = time.monotonic() + self.busy_timeout_ms / 1000
        delay = FIRST_RETRY_SECONDS
        while True:
            await asyncio.sleep(delay)
            delay = min(2 * delay, LONGEST_RETRY_SECONDS)
            try:
                return call()
            except sqlite3.OperationalError as exc:
                if not _busy(exc) or time.monotonic() >= deadline:
                    raise

    async def _connect(self) -> InlineSqlite:
        # Switching a new file to WAL takes a lock too; opening waits like any statement.
        if self._connection is None:
            try:
                self._connection = self._connector()
            except sqlite3.OperationalError as exc:
                if not _busy(exc):
                    raise
                self._connection = await self._retry_while_busy(self._connector)
        return self

    def __await__(self) -> Generator[Any, None, InlineSqlite]:
        # aiosqlite starts its thread here; there is none, and connecting runs at once.
        return self._connect().__await__()


def _busy(exc: sqlite3.OperationalError) -> bool:
    return exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
