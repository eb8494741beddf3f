"""The database busy past its timeout, or its disk full: a plain reply, nothing half-written.

Another process holding SQLite's write lock (a backup, a second bot pointed at the same
file, a stuck migration) must not turn a command into a stack trace, and neither must a
full disk. The busy timeout is shortened so each case waits 50 ms, not the product's 10 s.
"""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from commands.replies import Tone
from storage.database import Database
from storage.migrate import upgrade_to_head
from tests.book import Book


@pytest.fixture
async def book(tmp_path) -> AsyncIterator[Book]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'book.db'}", busy_timeout_ms=50)
    await upgrade_to_head(db)
    book = await Book(db).open()
    for user in ("alex", "blake"):
        await book.run(user, "balance")
    yield book
    await db.dispose()


@contextmanager
def write_lock_held(db: Database) -> Iterator[None]:
    """Another connection (as another process would) holds the write lock until the block ends."""
    other = sqlite3.connect(db.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def _bet_id(book: Book) -> int:
    placed = await book.place("blake", await book.market_number("moneyline", 1), "away", 40)
    assert placed.tone is Tone.SUCCESS, placed.text
    return int(placed.text.split("#")[1].split(",")[0])


async def _slip(book: Book) -> int:
    return await book.slip_number(
        await book.run("alex", "bet", market=await book.market_number("total", 0), pick="over", stake=30)
    )


# (command, admin, arguments built from the book) — every kind of write a command makes.
WRITES = {
    "bet": (False, lambda b: _args(market=b.market_number("moneyline", 0), pick="home", stake=25)),
    "confirm": (False, lambda b: _args(quote=_slip(b))),
    "cancel": (False, lambda b: _args(bet=_bet_id(b))),
    "adjust": (True, lambda b: _args(member="blake", amount=75, reason="bonus")),
    "config set": (True, lambda b: _args(setting="margin_pct", value="3")),
    "void bet": (True, lambda b: _args(bet=_bet_id(b), reason="duplicate")),
    "void market": (True, lambda b: _args(market=b.market_number("spread", 2), reason="bad line")),
    "pause": (True, lambda b: _args()),
    "settle": (True, lambda b: _args()),
}


async def _args(**values: object) -> dict[str, object]:
    return {k: (await v if hasattr(v, "__await__") else v) for k, v in values.items()}


@pytest.mark.parametrize("name", list(WRITES))
async def test_a_command_waiting_on_another_writer_says_busy_and_writes_nothing(book, name, caplog):
    admin, build = WRITES[name]
    user = "blake" if name == "cancel" else "alex"
    args = await build(book)
    before = await book.snapshot()
    with write_lock_held(book.db):
        reply = await book.run(user, name, admin=admin, **args)
        assert await book.snapshot() == before
    assert reply.tone is Tone.ERROR, reply.text
    assert "busy right now, so nothing was changed" in reply.text and "(ref " in reply.text
    assert "Traceback" not in reply.text and "locked" not in reply.text
    ref = reply.text.split("(ref ")[1].split(")")[0]
    assert any(ref in r.getMessage() and "kind=busy" in r.getMessage() for r in caplog.records)
    retried = await book.run(user, name, admin=admin, **args)
    assert "busy" not in retried.text, retried.text  # works again once the lock is gone


def _cap_pages(db: Database) -> None:
    """Every connection the product opens from now on may not grow the file: SQLITE_FULL."""

    def cap(connection: sqlite3.Connection) -> None:
        pages = connection.execute("PRAGMA page_count").fetchone()[0]
        connection.execute(f"PRAGMA max_page_count = {pages}")

    @event.listens_for(db.engine.sync_engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA page_count")
        pages = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA max_page_count = {pages}")
        cursor.close()

    cap(db.placer._connection())  # the bet writer's own connection


@pytest.mark.parametrize("name", ["bet", "confirm", "adjust", "config set"])
async def test_a_full_disk_gives_a_clear_error_and_writes_nothing(book, name):
    admin, build = WRITES[name]
    ml = await book.market_number("moneyline", 0)
    slips = []
    if name == "confirm":  # slips written before the disk fills, confirmed after
        for _ in range(80):
            slips.append(
                await book.slip_number(await book.run("alex", "bet", market=ml, pick="home", stake=1))
            )
    await book.db.engine.dispose()  # new connections pick up the page cap
    _cap_pages(book.db)
    # Each command writes a little; the file fills up after some of them. The one that
    # hits the wall must leave the database exactly as it found it.
    for attempt in range(400):
        if name == "confirm":
            if not slips:
                break
            args = {"quote": slips.pop()}
        else:
            args = await build(book)
        before = await book.snapshot()
        reply = await book.run("alex", name, admin=admin, interaction=f"full-{attempt}", **args)
        if reply.tone is Tone.ERROR and "storage is full" in reply.text:
            assert "(ref " in reply.text and "Traceback" not in reply.text
            assert await book.snapshot() == before
            return
        assert reply.tone is not Tone.ERROR, reply.text
    pytest.fail(f"`{name}` never filled the capped database (or reported it differently)")


def test_storage_trouble_recognises_sqlite_and_postgres_failures():
    from sqlalchemy.exc import OperationalError

    from storage.errors import storage_trouble

    locked = OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))
    full = sqlite3.OperationalError("database or disk is full")

    class PgError(Exception):
        sqlstate = "53100"

    assert storage_trouble(locked) == "busy"
    assert storage_trouble(full) == "full"
    assert storage_trouble(PgError()) == "full"
    assert storage_trouble(sqlite3.OperationalError("no such table: bets")) is None
    assert storage_trouble(RuntimeError("database is locked")) is None
