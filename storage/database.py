"""Engine, sessions and the write discipline for each back end.

SQLite allows one writer at a time; two deferred transactions that both read and then try
to write can fail with "database is locked" instead of waiting. Inside one process we
therefore funnel write transactions through an asyncio lock, which turns that failure
into an orderly queue, while reads run concurrently under WAL. On PostgreSQL there is no
such lock: every money-moving statement is a conditional UPDATE on a single row, which
the server serialises per row.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.util import await_

from storage.checkpointer import WalCheckpointer
from storage.hot_pool import HotPool
from storage.inline_sqlite import InlineSqlite
from storage.placement import PostgresPlacer, SqliteGroupPlacer
from storage.row_reader import PostgresRowReader, SqliteRowReader

SQLITE_BUSY_TIMEOUT_MS = 10_000
# A pooled server connection unused for longer than this is pinged before it is handed out.
IDLE_PING_SECONDS = 30.0


class Database:
    """One engine plus the session factory; the only way the rest of the code gets a session."""

    def __init__(
        self,
        url: str,
        *,
        echo: bool = False,
        pool_size: int = 10,
        connect_args: dict[str, Any] | None = None,
        busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
    ) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.get_backend_name() == "sqlite"
        if self.is_sqlite and self.url.database in (None, "", ":memory:"):
            # Bets are written by a connection of their own (SqliteGroupPlacer), which an
            # in-memory database, private to each connection, cannot share.
            raise ValueError("Sidebet needs a SQLite file (sqlite+aiosqlite:///sidebet.db), not memory")
        if not self.is_sqlite and self.url.get_backend_name() != "postgresql":
            raise ValueError("Sidebet runs on SQLite or PostgreSQL")
        # How long a SQLite writer waits for another process's lock before giving up.
        self.busy_timeout_ms = busy_timeout_ms
        # hide_parameters: SQL errors must never carry values such as ESPN cookies into logs.
        kwargs: dict[str, Any] = {"echo": echo, "hide_parameters": True}
        if connect_args:
            kwargs["connect_args"] = connect_args
        if self.is_sqlite:
            # Statements run on the loop's thread, not aiosqlite's (storage/inline_sqlite.py).
            path = Path(str(self.url.database))
            kwargs["async_creator"] = lambda: InlineSqlite(path, busy_timeout_ms)
        else:
            # At most 2 * pool_size connections, as before, but all of them kept once opened:
            # with pool_size idle slots and as many overflow connections, every burst beyond
            # pool_size opened connections that were closed again on return (1.6 ms of CPU
            # and 6 ms of waiting each, here), over and over under steady load.
            kwargs |= {"pool_size": 2 * pool_size, "max_overflow": 0}
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        else:
            _ping_idle_connections(self.engine, IDLE_PING_SECONDS)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # Reads need no transaction of their own. On SQLite see _on_begin. On PostgreSQL each
        # statement sees what was committed when it started (READ COMMITTED, the default)
        # inside a transaction or not, so BEGIN and ROLLBACK around a read unit bought two
        # round trips and nothing else; without them its table locks also end with each
        # statement. Read units never write (nor lock rows, nor stream).
        read_options: dict[str, Any] = {"sidebet_read_only": True}
        if not self.is_sqlite:
            read_options["isolation_level"] = "AUTOCOMMIT"
        self._read_sessions = async_sessionmaker(
            self.engine.execution_options(**read_options), expire_on_commit=False
        )
        self._write_lock = asyncio.Lock() if self.is_sqlite else None
        # SQLite: the log is copied back into the file off the loop, after writers commit.
        self.checkpointer = WalCheckpointer(Path(str(self.url.database))) if self.is_sqlite else None
        self._placer: SqliteGroupPlacer | PostgresPlacer | None = None
        # PostgreSQL: the connections the caller's read and the bet run on (storage/hot_pool.py),
        # pool_size of them beside SQLAlchemy's 2 * pool_size.
        self.hot = (
            None
            if self.is_sqlite
            else HotPool(self.engine.dialect, self.url, connect_args, pool_size, IDLE_PING_SECONDS)
        )
        self.row_reader: SqliteRowReader | PostgresRowReader = (
            SqliteRowReader(Path(str(self.url.database)), busy_timeout_ms, self.engine.dialect)
            if self.hot is None
            else PostgresRowReader(self.hot)
        )

    @property
    def placer(self) -> SqliteGroupPlacer | PostgresPlacer:
        """Where bets are placed: a group-committing writer on SQLite, one statement per bet
        on PostgreSQL."""
        if self._placer is None:
            if self._write_lock is not None and self.url.database:
                assert self.checkpointer is not None
                self._placer = SqliteGroupPlacer(
                    Path(self.url.database), self._write_lock, self.busy_timeout_ms, self.checkpointer.nudge
                )
            else:
                assert self.hot is not None
                self._placer = PostgresPlacer(self.hot)
        return self._placer

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A transaction that may move money; committed on success, rolled back on error."""
        if self._write_lock is None:
            async with self.sessions() as session, session.begin():
                yield session
            return
        assert self.checkpointer is not None
        try:
            async with self._write_lock, self.sessions() as session, session.begin():
                yield session
        finally:
            self.checkpointer.nudge()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit; nothing it does is committed.

        Closing (not rolling back) ends it, so loaded objects stay readable afterwards.
        """
        async with self._read_sessions() as session:
            yield session

    async def warm_up(self) -> int:
        """Open every pooled PostgreSQL connection, the bet statement prepared on each of the
        hot pool's; returns how many were opened. Nothing to do on SQLite.

        A process serves from pools of kept connections (see __init__). Opened lazily, the
        first busy moment after a start opened them all at once, each also preparing the
        bet statement before its first bet, and those bets were the slowest of the day.
        `sidebet run` warms the pools once before it serves, as it freezes its heap.
        """
        if self.hot is None:
            return 0
        placer = self.placer
        assert isinstance(placer, PostgresPlacer)
        slots = int(self.engine.pool.size())  # type: ignore[attr-defined]
        async with contextlib.AsyncExitStack() as held:  # all at once: each its own connection
            for _ in range(slots):
                await held.enter_async_context(self.engine.connect())
        return slots + await placer.warm()

    async def dispose(self) -> None:
        if isinstance(self._placer, SqliteGroupPlacer):
            await self._placer.close()
        await self.row_reader.close()
        if self.checkpointer is not None:
            await self.checkpointer.close()
        if self.hot is not None:
            await self.hot.close()
        await self.engine.dispose()


def _ping_idle_connections(engine: AsyncEngine, idle_seconds: float) -> None:
    """Check a pooled connection at checkout without a round trip unless it sat idle.

    This replaces pool_pre_ping, which pinged at every checkout; asyncpg's ping outside a
    transaction is BEGIN, a statement and ROLLBACK, so every unit of work paid three round
    trips first (a whole bet now costs one). A connection the server closed
    (restart, terminated backend, idle timeout) is one asyncpg has already seen closed,
    which costs nothing to ask; one that was in use moments ago was working then. Only a
    connection idle for longer than `idle_seconds`, where a silent drop by the network is
    plausible, is pinged. Either kind of failure makes the pool discard that connection
    and hand out another (DisconnectionError), as pre-ping did.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info["sidebet_idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        is_closed = getattr(record.driver_connection, "is_closed", None)
        if is_closed is not None and is_closed():
            raise DisconnectionError("the server closed this pooled connection")
        idle_since = record.info.get("sidebet_idle_since")
        if idle_since is not None and time.monotonic() - idle_since > idle_seconds:
            try:
                dbapi_connection.ping()
            except Exception as exc:
                raise DisconnectionError("a pooled connection failed its ping") from exc


def _configure_sqlite(engine: AsyncEngine) -> None:
    """Write units take SQLite's write lock when they begin.

    Each connection is opened by InlineSqlite (storage/inline_sqlite.py: WAL, foreign keys,
    no transactions of the driver's own, and busy waits in asyncio rather than in SQLite).
    """

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A read-only unit runs each SELECT on its own (WAL gives each a consistent
        # snapshot); skipping BEGIN/ROLLBACK saves two round trips per read.
        # A write unit takes the write lock up front (IMMEDIATE): a deferred transaction
        # that reads and then writes while another process holds the lock fails at once
        # with "database is locked" (SQLite runs no busy handler for that upgrade), whereas
        # BEGIN IMMEDIATE waits out busy_timeout, so several processes on one file queue
        # (asynchronously: see InlineSqlite). Sent to the driver directly: one call instead
        # of the adapter's cursor, execute and close (every write transaction pays this).
        if not conn.get_execution_options().get("sidebet_read_only"):
            await_(conn.connection.driver_connection.execute_fetchall("BEGIN IMMEDIATE"))
