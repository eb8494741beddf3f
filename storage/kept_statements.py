"""Statements prepared once per pooled PostgreSQL connection and kept with it.

The hot statements (a bet, the caller's rows) go to asyncpg directly on a connection from
SQLAlchemy's pool. Each is prepared on a connection the first time it runs there and kept
in the connection's `info` for as long as the connection lives, so the server parses and
plans it once per connection, not once per use (`Database.warm_up` prepares the bet on
every connection before the bot serves).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import asyncpg
from sqlalchemy.ext.asyncio import AsyncConnection


async def kept(conn: AsyncConnection, key: str, sql: str) -> asyncpg.prepared_stmt.PreparedStatement:
    """`sql` prepared on this pooled connection, under `key` in its info (once; kept while it lives)."""
    raw = await conn.get_raw_connection()
    statement = raw.info.get(key)
    if statement is None:
        driver = raw.driver_connection
        if driver is None:
            raise RuntimeError("the pooled connection has no asyncpg connection")
        statement = raw.info[key] = await driver.prepare(sql)
    return cast(asyncpg.prepared_stmt.PreparedStatement, statement)


async def fetchrow(conn: AsyncConnection, key: str, sql: str, args: Sequence[Any]) -> Any:
    """Run the kept statement and return its first row (None if it has none)."""
    try:
        return await (await kept(conn, key, sql)).fetchrow(*args)
    except asyncpg.InvalidCachedStatementError:
        # The schema changed under the kept statement (a migration while the process
        # ran): nothing ran; prepare it again, once.
        (await conn.get_raw_connection()).info.pop(key, None)
        return await (await kept(conn, key, sql)).fetchrow(*args)
