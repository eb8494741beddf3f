"""Several "processes" on one database, for the scale-out tests.

Each Database the factory makes has its own engine, pool and (on SQLite) write lock,
exactly as separate replicas would; they share only the database itself. The PostgreSQL
variant runs when SIDEBET_TEST_DATABASE_URL is set, in a schema of its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest

from storage.database import Database
from tests.conftest import PG_URL, pg_schema

DatabaseFactory = Callable[[], Database]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def shared(request, tmp_path) -> AsyncIterator[DatabaseFactory]:
    """A factory of Database objects (one per process) that all open the same database."""
    opened: list[Database] = []
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"

        def sqlite_process() -> Database:
            opened.append(Database(url))
            return opened[-1]

        yield sqlite_process
        for db in opened:
            await db.dispose()
        return
    async with pg_schema() as schema:

        def pg_process() -> Database:
            opened.append(Database(PG_URL, connect_args={"server_settings": {"search_path": schema}}))
            return opened[-1]

        try:
            yield pg_process
        finally:
            for db in opened:
                await db.dispose()
