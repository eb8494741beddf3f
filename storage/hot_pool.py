"""The PostgreSQL connections a bet's two statements run on: an asyncpg pool of their own.

A confirmation on PostgreSQL is two statements sent straight to asyncpg: the caller's rows
(storage/row_reader.py) and the bet (storage/placement.py). Borrowed from SQLAlchemy's
pool, each connection cost more Python than the statement did: an AsyncConnection and a
Connection built and torn down, a greenlet switch each way, the pool's checkout and
checkin events, about a third of a whole confirmation's CPU (bench.bet_throughput: 561
-> 381 us a bet, 1,281 -> 1,740 bets/s on this machine). asyncpg's own pool hands one out
in a few microseconds. Everything else keeps SQLAlchemy's pool and sessions.

- Statements are prepared once per connection by asyncpg's statement cache (`fetchrow`
  with the SQL text), which also prepares one again when a migration under the running
  process invalidated it. `warm` has every connection open and the bet prepared before
  the bot serves (Database.warm_up).
- Nothing is reset when a connection comes back: these statements run outside any
  transaction and leave nothing behind (no SET, LISTEN, advisory lock or cursor), so
  asyncpg's default reset (`RESET ALL; UNLISTEN *; ...`) would be one more round trip
  after every bet, for nothing.
- A connection idle for longer than `idle_seconds` is closed, not handed out: a silent
  drop by the network is plausible after a pause (the same bound past which SQLAlchemy's
  pool pings, storage/database.py), and one that was in use moments ago was working then.
  One the server closed (a restart) is one asyncpg has already seen closed, and is
  reopened when it is next taken.
- JSON and JSONB are decoded as SQLAlchemy's dialect decodes them, so a row read here
  builds the same ORM values as one read through a session (row_reader.ModelRows).
- Each prepared statement runs on a generic plan (`plan_cache_mode`), made once per
  connection. By default the server plans a prepared statement afresh for each call's
  values at least five times per connection, and for the bet (a chain of conditional
  writes by key) went on doing so: measured through the command layer, 50 concurrent
  confirmations took 72-77 ms with that planning and 39-41 ms without, and the first
  confirmations on a new connection 3-4 ms against 1 ms, which queued every bet behind
  them when a busy minute began. Every statement here finds its rows by key or by a
  league's id, where one plan suits every value; a connection's own
  `server_settings` may still say otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from sqlalchemy.engine import URL, Dialect

# What the hot connections ask of the server (see the module's docstring).
_SERVER_SETTINGS = {"plan_cache_mode": "force_generic_plan"}
# Keys of SQLAlchemy's asyncpg connect arguments that are SQLAlchemy's own, not asyncpg's.
_SQLALCHEMY_ONLY = ("prepared_statement_cache_size", "prepared_statement_name_func", "async_creator_fn")


class HotPool:
    """Opened on first use (or by `warm`); closed by Database.dispose."""

    def __init__(
        self,
        dialect: Dialect,
        url: URL,
        connect_args: dict[str, Any] | None,
        size: int,
        idle_seconds: float,
    ) -> None:
        _, kwargs = dialect.create_connect_args(url)
        for key in _SQLALCHEMY_ONLY:
            kwargs.pop(key, None)
        self._connect = {**kwargs, **(connect_args or {})}
        self._connect["server_settings"] = {**_SERVER_SETTINGS, **self._connect.get("server_settings", {})}
        self.dialect = dialect
        self.size = size
        self._idle_seconds = idle_seconds
        self._pool: asyncpg.Pool | None = None
        # The first bets of a process arrive together: one of them opens the pool, the
        # others wait for it (two pools would leave one's connections open for good).
        self._opening = asyncio.Lock()

    async def _opened(self) -> asyncpg.Pool:
        if self._pool is None:
            async with self._opening:
                if self._pool is None:
                    self._pool = await asyncpg.create_pool(
                        min_size=0,
                        max_size=self.size,
                        max_inactive_connection_lifetime=self._idle_seconds,
                        init=_json_codecs,
                        reset=_nothing_to_reset,
                        **self._connect,
                    )
        return self._pool

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[asyncpg.Connection]:
        async with (await self._opened()).acquire() as conn:
            yield conn

    async def fetchrow(self, sql: str, *args: Any) -> Any:
        """`sql` run on a pooled connection (prepared there once), its first row or None."""
        async with (await self._opened()).acquire() as conn:
            return await conn.fetchrow(sql, *args)

    async def fetch(self, sql: str, *args: Any) -> list[Any]:
        """`sql` run on a pooled connection (prepared there once), every row."""
        async with (await self._opened()).acquire() as conn:
            return list(await conn.fetch(sql, *args))

    async def warm(self, sql: str, *args: Any) -> int:
        """Open every connection and run `sql` once on each, all at once, so each has it
        prepared; returns how many. `sql` with `args` must write nothing (see its caller)."""
        async with contextlib.AsyncExitStack() as stack:  # all held at once: each its own
            held = [await stack.enter_async_context(self.connection()) for _ in range(self.size)]
            await asyncio.gather(*(conn.fetchrow(sql, *args) for conn in held))
        return len(held)

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.close()
            self._pool = None


async def _json_codecs(conn: asyncpg.Connection) -> None:
    """Decode json and jsonb into Python values, as SQLAlchemy's asyncpg dialect does."""

    def jsonb_encoder(text: str) -> bytes:
        return b"\x01" + text.encode()  # jsonb's binary format: a version byte, then text

    def jsonb_decoder(data: bytes) -> Any:
        return json.loads(data[1:].decode())

    def json_decoder(data: bytes) -> Any:
        return json.loads(data.decode())

    await conn.set_type_codec(
        "json", encoder=str.encode, decoder=json_decoder, schema="pg_catalog", format="binary"
    )
    await conn.set_type_codec(
        "jsonb", encoder=jsonb_encoder, decoder=jsonb_decoder, schema="pg_catalog", format="binary"
    )


async def _nothing_to_reset(_conn: asyncpg.Connection) -> None:
    """A released connection is handed out again as it is (see the module's docstring)."""
