"""A PostgreSQL process warms its pools before it serves, and a bet never waits for a prepare.

`Database.warm_up` opens every pooled connection, SQLAlchemy's and the hot pool's (the
caller's read and the bet, storage/hot_pool.py), and prepares the bet statement on each
of the latter. A bet then opens no connection. A migration that changes what the bet
statement returns, under a running process, does not fail the next bet: the statement
is prepared again and the bet goes through.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

from commands.replies import Tone
from storage.database import Database
from storage.migrate import upgrade_to_head
from tests.book import Book
from tests.conftest import PG_URL, pg_schema

pytestmark = pytest.mark.postgres


@pytest.fixture
async def named() -> AsyncIterator[tuple[Database, str]]:
    """A database whose connections carry a name of their own, to be counted on the server."""
    name = f"sidebet-warm-{uuid.uuid4().hex[:10]}"
    async with pg_schema() as schema:
        db = Database(
            PG_URL, connect_args={"server_settings": {"search_path": schema, "application_name": name}}
        )
        try:
            await upgrade_to_head(db)
            yield db, name
        finally:
            await db.dispose()


async def _open_connections(db: Database, name: str) -> int:
    async with db.read() as session:
        query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
        return int(await session.scalar(query, {"name": name}) or 0)  # this read on one of them


async def _slip(book: Book) -> int:
    market = await book.market_number()
    return await book.slip_number(await book.run("finn", "bet", market=market, pick="home", stake=10))


async def test_warm_up_opens_every_connection_with_the_bet_statement_prepared(
    named: tuple[Database, str],
) -> None:
    db, name = named
    book = await Book(db).open()
    quote = await _slip(book)
    await db.dispose()  # start from nothing open, as a process does
    warmed = await db.warm_up()
    assert db.hot is not None
    assert warmed == db.engine.pool.size() + db.hot.size  # type: ignore[attr-defined]
    assert await _open_connections(db, name) == warmed
    async with contextlib.AsyncExitStack() as stack:  # every hot connection at once
        for _ in range(db.hot.size):
            conn = await stack.enter_async_context(db.hot.connection())
            prepared = await conn.fetchval(
                "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%WITH claim AS%'"
                " AND statement NOT LIKE '%pg_prepared_statements%'"  # this query's own
            )
            assert prepared == 1
    assert (await book.run("finn", "confirm", quote=quote)).text.startswith("Bet placed")
    assert await _open_connections(db, name) == warmed  # no connection opened to bet


async def test_warming_writes_nothing(named: tuple[Database, str]) -> None:
    db, _ = named
    await Book(db).open()
    counts = (
        "SELECT (SELECT count(*) FROM bets), (SELECT count(*) FROM ledger),"
        " (SELECT sum(balance) FROM members)"
    )
    async with db.read() as session:
        before = (await session.execute(text(counts))).one()
    await db.warm_up()
    async with db.read() as session:
        assert (await session.execute(text(counts))).one() == before


async def test_a_migration_that_changes_what_the_bet_returns_does_not_fail_the_next_bet(
    named: tuple[Database, str],
) -> None:
    db, _ = named
    await db.warm_up()
    book = await Book(db).open()
    assert (await book.run("finn", "confirm", quote=await _slip(book))).text.startswith("Bet placed")
    # The bet statement returns the side's label: its type changes under the prepared
    # statements ("cached plan must not change result type" on their next run).
    async with db.write() as session:
        await session.execute(text("ALTER TABLE selections ALTER COLUMN label TYPE varchar(200)"))
    for _ in range(3):  # whichever hot connections the bets land on
        reply = await book.run("finn", "confirm", quote=await _slip(book))
        assert reply.text.startswith("Bet placed"), reply.text


async def test_the_first_bets_arriving_together_open_one_pool(
    named: tuple[Database, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cold process's first callers all find the hot pool unopened; one pool must serve
    them all, or the others' connections stay open after the database is closed. Opening a
    pool is made to take a turn of the loop (as connecting does when it has to), so the
    callers really do overlap."""
    opened = []
    create_pool = asyncpg.create_pool

    async def slow_create_pool(*args: Any, **kwargs: Any) -> asyncpg.Pool:
        await asyncio.sleep(0.01)
        opened.append(1)
        return await create_pool(*args, **kwargs)

    monkeypatch.setattr(asyncpg, "create_pool", slow_create_pool)
    db, name = named
    book = await Book(db).open()
    await book.run("finn", "balance")  # finn's ids known: his next commands read through the pool
    await db.dispose()
    opened.clear()
    replies = await asyncio.gather(*(book.run("finn", "balance") for _ in range(20)))
    assert all(reply.tone is not Tone.ERROR for reply in replies)
    assert len(opened) == 1
    assert db.hot is not None
    await db.hot.close()
    await db.engine.dispose()
    probe = Database(PG_URL)
    try:
        async with probe.read() as session:
            query = text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name")
            assert await session.scalar(query, {"name": name}) == 0
    finally:
        await probe.dispose()


async def test_the_bet_runs_on_one_generic_plan_from_its_first_call(named: tuple[Database, str]) -> None:
    """The server plans the prepared bet once per connection, not for each bet's values:
    planning it afresh for each of the first five bets on every connection (and, for a
    statement like the bet, for good) made the first confirmations of a busy minute 3-4x
    slower than the rest (storage/hot_pool.py)."""
    db, _ = named
    book = await Book(db).open()
    assert db.hot is not None
    await db.warm_up()  # every hot connection has run the bet once
    for _ in range(db.hot.size):
        assert (await book.run("finn", "confirm", quote=await _slip(book))).text.startswith("Bet placed")
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(db.hot.size):
            conn = await stack.enter_async_context(db.hot.connection())
            generic, custom = await conn.fetchrow(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                " WHERE statement LIKE '%WITH claim AS%' AND statement NOT LIKE '%pg_prepared_statements%'"
            )
            assert custom == 0
            assert generic >= 1
