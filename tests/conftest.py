"""Shared fixtures: databases (SQLite always, PostgreSQL when configured) and a synced demo league."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from commands.replies import Reply
from storage.database import Database
from storage.migrate import upgrade_to_head
from tests.race_report import pytest_sessionfinish, pytest_terminal_summary, pytest_testnodedown  # noqa: F401
from tests.secret_guard import LogCapture, leaks

PG_URL = os.environ.get("SIDEBET_TEST_DATABASE_URL")
PG_SKIP = (
    "PostgreSQL tests need SIDEBET_TEST_DATABASE_URL (e.g. postgresql+asyncpg://postgres@127.0.0.1/test)"
)


@asynccontextmanager
async def pg_schema() -> AsyncIterator[str]:
    """A PostgreSQL schema of its own for one test (skipped without a URL), dropped afterwards.

    Each test's tables live apart, so tests (and xdist workers) share one server database.
    """
    if not PG_URL:
        pytest.skip(PG_SKIP)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(PG_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield schema
    finally:
        async with admin.begin() as conn:
            await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        await admin.dispose()


async def make_database(kind: str, tmp_path, *, migrate: bool = True) -> AsyncIterator[Database]:
    """A database of `kind` (a SQLite file or a PostgreSQL schema of its own), at head unless
    `migrate` is False (for tests that migrate it themselves), disposed afterwards."""
    async with AsyncExitStack() as stack:
        if kind == "sqlite":
            db = Database(f"sqlite+aiosqlite:///{tmp_path / 'book.db'}")
        else:
            schema = await stack.enter_async_context(pg_schema())
            db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
        try:
            if migrate:
                await upgrade_to_head(db)
            yield db
        finally:
            await db.dispose()


@pytest.fixture
async def db(tmp_path) -> AsyncIterator[Database]:
    async for database in make_database("sqlite", tmp_path):
        yield database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def any_db(request, tmp_path) -> AsyncIterator[Database]:
    async for database in make_database(request.param, tmp_path):
        yield database


@pytest.fixture(autouse=True)
def no_secret_leaks(request, monkeypatch) -> Iterator[LogCapture]:
    """Fail any test whose logs (at DEBUG, tracebacks included) or replies contain a known secret.

    Tests that plant a secret on purpose to prove this check works clear `capture.handler.records`
    (or mark themselves `allow_secret_leak`) before the check runs.
    """
    built: list[str] = []
    original_init = Reply.__init__

    def checked_init(self: Reply, *args: object, **kwargs: object) -> None:
        original_init(self, *args, **kwargs)
        hits = leaks(repr((self.text, self.cards, self.tables, self.buttons, self.notes)))
        if hits:
            built.append(f"reply {self.text[:40]!r}: {hits}")

    monkeypatch.setattr(Reply, "__init__", checked_init)
    capture = LogCapture()
    with capture:
        yield capture
    if request.node.get_closest_marker("allow_secret_leak"):
        return
    found = capture.leaked() + built
    if found:
        pytest.fail("secrets leaked:\n" + "\n".join(found[:20]), pytrace=False)
