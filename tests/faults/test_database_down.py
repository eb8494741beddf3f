"""The database unreachable: the plain "busy, nothing was changed, try again", never an apology.

Each case is the real failure, not a stand-in: SQLite unable to open its file, PostgreSQL
refusing connections on a closed 127.0.0.1 port, the server terminating the connection
(pg_terminate_backend) in the middle of a command's transaction, and the server out of
connection slots for the role. Every one is logged as `kind=unavailable` with the reply's
reference, with no traceback, and the command works again once the database is back.
"""

from __future__ import annotations

import logging
import shutil
import socket
import uuid
from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.util import await_

from commands.replies import Reply, Tone
from storage.database import Database
from storage.errors import storage_trouble
from storage.migrate import upgrade_to_head
from tests.book import Book
from tests.conftest import PG_URL, pg_schema
from tests.template_book import fresh_book

BUSY = "busy right now, so nothing was changed"


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def assert_unavailable(reply: Reply, records: list[logging.LogRecord]) -> None:
    assert reply.tone is Tone.ERROR and BUSY in reply.text, reply.text
    assert "went wrong" not in reply.text
    ref = reply.text.split("(ref ")[1].split(")")[0]
    assert any(ref in r.getMessage() and "kind=unavailable" in r.getMessage() for r in records)
    assert not [r for r in records if r.levelno >= logging.ERROR or r.exc_info], "logged as a bug"


def server_url(url: str, **parts: Any) -> str:
    return make_url(url).set(**parts).render_as_string(hide_password=False)


async def test_sqlite_that_cannot_open_its_file_says_busy_and_recovers(tmp_path, caplog):
    folder = tmp_path / "data"
    folder.mkdir()
    book = await fresh_book(folder)
    await book.run("alex", "balance")
    await book.db.engine.dispose()
    moved = shutil.move(folder, tmp_path / "elsewhere")  # the volume went away
    try:
        with caplog.at_level(logging.WARNING):
            reply = await book.run("alex", "balance")
        assert_unavailable(reply, caplog.records)
    finally:
        shutil.move(moved, folder)
    assert (await book.run("alex", "balance")).tone is not Tone.ERROR
    await book.db.dispose()


async def balance_on(db: Database, caplog: pytest.LogCaptureFixture) -> None:
    """`balance` on a database that cannot be reached answers busy; the database is disposed."""
    try:
        with caplog.at_level(logging.WARNING):
            reply = await Book(db).run("alex", "balance")
        assert_unavailable(reply, caplog.records)
    finally:
        await db.dispose()


async def test_postgres_refusing_connections_says_busy(caplog):
    await balance_on(Database(f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test"), caplog)


@pytest.fixture
async def pg_book() -> Iterator[Book]:
    async with pg_schema() as schema:
        db = Database(PG_URL, connect_args={"server_settings": {"search_path": schema}})
        try:
            await upgrade_to_head(db)
            book = await Book(db).open()
            for user in ("alex", "blake"):
                await book.run(user, "balance")
            yield book
        finally:
            await db.dispose()


@pytest.mark.postgres
async def test_a_connection_terminated_mid_command_says_busy_and_writes_nothing(pg_book, caplog):
    killer = await asyncpg.connect(server_url(PG_URL, drivername="postgresql"))
    armed = [True]

    @event.listens_for(pg_book.db.engine.sync_engine, "before_cursor_execute")
    def terminate_before_the_first_write(conn, _cursor, statement, *_args) -> None:
        if armed and statement.lstrip().upper().startswith(("INSERT", "UPDATE")):
            armed.clear()
            pid = conn.connection.driver_connection.get_server_pid()
            # The server ends the backend (FATAL 57P01) and the statement meets a closed socket.
            await_(killer.fetchval("SELECT pg_terminate_backend($1, 5000)", pid))

    before = await pg_book.snapshot()
    try:
        with caplog.at_level(logging.WARNING):
            reply = await pg_book.run("alex", "adjust", admin=True, member="blake", amount=75, reason="x")
    finally:
        await killer.close()
    assert not armed, "the command never wrote"
    assert_unavailable(reply, caplog.records)
    assert await pg_book.snapshot() == before
    again = await pg_book.run("alex", "adjust", admin=True, member="blake", amount=75, reason="x")
    assert again.tone is Tone.SUCCESS, again.text


@pytest.mark.postgres
async def test_a_server_out_of_connection_slots_says_busy(caplog):
    if not PG_URL:
        pytest.skip("needs SIDEBET_TEST_DATABASE_URL")
    role = f"sidebet_full_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(server_url(PG_URL, drivername="postgresql"))
    await admin.execute(f"CREATE ROLE {role} LOGIN CONNECTION LIMIT 0")  # too_many_connections
    try:
        await balance_on(Database(server_url(PG_URL, username=role)), caplog)
    finally:
        await admin.execute(f"DROP ROLE {role}")
        await admin.close()


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize("sqlstate", ["08000", "08003", "08006", "57P01", "57P02", "57P03", "53300"])
def test_every_connection_failure_state_is_unavailable(sqlstate):
    assert storage_trouble(_PgError(sqlstate)) == "unavailable"


def test_a_refused_connection_outside_the_database_is_not_called_the_database():
    # An HTTP client's refused connection (ESPN down) is not the database being down.
    assert storage_trouble(ConnectionRefusedError(111, "Connect call failed")) is None
    assert storage_trouble(_PgError("23505")) is None  # unique_violation: a bug, not an outage
