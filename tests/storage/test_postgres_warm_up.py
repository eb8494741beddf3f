"""A PostgreSQL process warms its pool before it serves, and a bet never waits for a prepare.

`Database.warm_up` opens every pooled connection and prepares the bet statement on each
(storage/placement.py keeps it with the connection). A statement the server no longer
accepts (the schema changed under a running process) is prepared again, once, and the bet
goes through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from storage.database import Database
from storage.placement import _PREPARED
from tests.book import Book
from tests.conftest import make_database


async def _slip(book: Book) -> int:
    market = await book.market_number()
    return await book.slip_number(await book.run("finn", "bet", market=market, pick="home", stake=10))


async def test_warm_up_opens_every_pooled_connection_with_the_bet_statement_prepared(
    any_db: Database,
) -> None:
    if any_db.is_sqlite:
        assert await any_db.warm_up() == 0  # nothing to warm: bets go through one SQLite writer
        return
    warmed = await any_db.warm_up()
    pool = any_db.engine.pool
    assert warmed == pool.size() and pool.checkedin() == warmed  # type: ignore[attr-defined]
    async with any_db.engine.connect() as conn:
        raw = await conn.get_raw_connection()
        assert raw.info.get(_PREPARED) is not None
    book = await Book(any_db).open()
    quote = await _slip(book)
    assert (await book.run("finn", "confirm", quote=quote)).text.startswith("Bet placed")
    assert pool.size() == warmed  # type: ignore[attr-defined]  # no connection opened to bet


class _Stale:
    """A kept statement the server refuses, as after a migration under a running process."""

    calls = 0

    async def fetchrow(self, *args: object) -> None:
        _Stale.calls += 1
        raise asyncpg.InvalidCachedStatementError("cached statement plan is invalid")


@pytest.fixture
async def postgres(tmp_path) -> AsyncIterator[Database]:
    async for database in make_database("postgres", tmp_path):
        yield database


@pytest.mark.postgres
async def test_a_kept_statement_the_server_refuses_is_prepared_again_and_the_bet_placed(
    postgres: Database,
) -> None:
    any_db = postgres  # the prepared bet statement is PostgreSQL's
    await any_db.warm_up()
    book = await Book(any_db).open()
    quote = await _slip(book)
    slots = any_db.engine.pool.size()  # type: ignore[attr-defined]
    held = []  # every pooled connection holds a stale statement
    for _ in range(slots):
        conn = await any_db.engine.connect()
        (await conn.get_raw_connection()).info[_PREPARED] = _Stale()
        held.append(conn)
    for conn in held:
        await conn.close()
    reply = await book.run("finn", "confirm", quote=quote)
    assert reply.text.startswith("Bet placed"), reply.text
    assert _Stale.calls == 1
