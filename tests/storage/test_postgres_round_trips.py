"""On PostgreSQL a bet is two round trips (who calls, the bet); the pool spends none it needn't.

What a confirmation costs there is round trips to the server (each a send and a wake-up
of the server on the other side), so these tests count them at the driver: a confirmed
bet is one statement with no BEGIN, COMMIT or ping around it, and a pooled connection is
handed out without a ping unless it sat idle, yet one the server closed is still replaced
before anyone uses it. bench/bet_throughput.py measures what that is worth.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, select, text
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.ext.asyncio import create_async_engine

from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import Market, Selection
from tests.book import Book
from tests.conftest import PG_URL, pg_schema

pytestmark = pytest.mark.postgres

CALLS: Counter[str] = Counter()


class CountingConnection(asyncpg.Connection):
    """asyncpg's connection, counting what the bot sends it besides SQLAlchemy's cursor.

    `execute` is how asyncpg sends BEGIN, COMMIT and ROLLBACK; `fetchrow` is the ping (";"),
    the row reader's statement ("SELECT ...") and the bet's ("WITH claim AS ..."), both
    prepared once per connection by asyncpg's statement cache. SQLAlchemy's cursor runs
    its statements with `fetch`, which passes through uncounted.
    """

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> str:
        CALLS[query.strip().rstrip(";").upper()] += 1
        return await super().execute(query, *args, **kwargs)

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> Any:
        CALLS[f"fetchrow {query.split()[0]}"] += 1
        return await super().fetchrow(query, *args, **kwargs)


async def scratch_database(**kwargs: Any) -> AsyncIterator[Database]:
    async with pg_schema() as schema:
        db = Database(
            PG_URL,
            connect_args={"server_settings": {"search_path": schema}, "connection_class": CountingConnection},
            **kwargs,
        )
        try:
            await upgrade_to_head(db)
            yield db
        finally:
            await db.dispose()


@pytest.fixture
async def pg() -> AsyncIterator[Database]:
    async for db in scratch_database():
        yield db


@pytest.fixture
def pings(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts pings of pooled connections, and lets a test make the next ones fail."""
    seen: Counter[str] = Counter()
    original = AsyncAdapt_asyncpg_connection.ping

    def ping(self: AsyncAdapt_asyncpg_connection) -> None:
        seen["ping"] += 1
        if seen["fail"]:
            seen["fail"] -= 1
            raise ConnectionResetError("the network dropped this connection")
        original(self)

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "ping", ping)
    return seen


async def test_a_confirmed_bet_is_the_callers_read_and_one_statement(pg: Database) -> None:
    book = await Book(pg).open()
    async with pg.read() as session:
        picks = (
            await session.execute(
                select(Market.number, Selection.side)
                .join(Selection, Selection.market_id == Market.id)
                .where(Market.kind == "moneyline", Selection.odds.is_not(None))
                .order_by(Market.number, Selection.side)
                .limit(4)
            )
        ).all()
    # What a running bot has warm: the caller's ids and the statement prepared on the
    # connection (once per connection, not per bet). The metric's market kind comes back
    # from the bet statement.
    await pg.warm_up()  # as `sidebet run` does: every pooled connection has the bet statement
    await book.run("zoe", "balance")  # owns no team (see the owner's test below)
    slips = [
        await book.slip_number(await book.run("zoe", "bet", market=m, pick=s, stake=5)) for m, s in picks
    ]
    assert (await book.run("zoe", "confirm", quote=slips[0])).text.startswith("Bet placed")
    statements: list[str] = []
    event.listen(pg.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    for quote in slips[1:]:
        CALLS.clear()
        statements.clear()
        reply = await book.run("zoe", "confirm", quote=quote)
        assert reply.text.startswith("Bet placed"), reply.text
        # The caller's league and member rows, read fresh by id (a command never decides
        # from a cached row) by the row reader's kept statement, then the bet: nothing
        # through SQLAlchemy's cursor, no slip or market reads, no BEGIN, COMMIT or ping.
        assert statements == [], statements
        assert dict(CALLS) == {"fetchrow SELECT": 1, "fetchrow WITH": 1}


async def test_an_owners_confirmation_reads_only_what_the_own_matchup_rule_needs(pg: Database) -> None:
    """In the demo league everyone owns a team, as in most real leagues.

    A bet on someone else's matchup costs the caller's rows (the row reader), one read
    through SQLAlchemy (the slip with its market and matchup) and the bet; on the owner's
    own matchup, also the starters for the lineup snapshot.
    No BEGIN or ROLLBACK around the read: a read unit needs no transaction.
    """
    book = await Book(pg).open()
    await pg.warm_up()
    await book.run("alex", "balance")
    async with pg.read() as session:
        markets = (
            await session.scalars(
                select(Market.number).where(Market.kind == "moneyline").order_by(Market.matchup_id)
            )
        ).all()
    slips = [
        await book.slip_number(await book.run("alex", "bet", market=m, pick="home", stake=5)) for m in markets
    ]
    assert (await book.run("alex", "confirm", quote=slips[-1])).text.startswith("Bet placed")  # warm
    statements: list[str] = []
    event.listen(pg.engine.sync_engine, "before_cursor_execute", lambda *a: statements.append(a[2].lstrip()))
    # alex's team plays in the first matchup of the demo week.
    for quote, reads in (
        (slips[0], ("SELECT quotes.", "SELECT starters.")),
        (slips[1], ("SELECT quotes.",)),
    ):
        CALLS.clear()
        statements.clear()
        reply = await book.run("alex", "confirm", quote=quote)
        assert reply.text.startswith("Bet placed"), reply.text
        assert [s[: len(r)] for s, r in zip(statements, reads, strict=False)] == list(reads), statements
        assert len(statements) == len(reads), statements
        # The caller's rows (the row reader) and the bet; no BEGIN, ROLLBACK or COMMIT.
        assert dict(CALLS) == {"fetchrow SELECT": 1, "fetchrow WITH": 1}


async def test_a_connection_used_moments_ago_is_handed_out_without_a_ping(pg: Database, pings) -> None:
    CALLS.clear()
    for _ in range(5):
        async with pg.read() as session:
            await session.scalar(text("SELECT 1"))
    assert pings["ping"] == 0
    assert CALLS["fetchrow ;"] == 0


async def test_a_connection_that_sat_idle_is_pinged_and_replaced_if_the_ping_fails(
    pg: Database, pings
) -> None:
    @event.listens_for(pg.engine.sync_engine, "checkin")
    def backdate(_dbapi_connection: Any, record: Any) -> None:  # runs after the Database's own
        record.info["sidebet_idle_since"] -= 3600

    async with pg.read() as session:
        first = await session.scalar(text("SELECT pg_backend_pid()"))
    async with pg.read() as session:
        assert await session.scalar(text("SELECT pg_backend_pid()")) == first
    assert pings["ping"] == 1
    pings["fail"] = 1
    async with pg.read() as session:
        replaced = await session.scalar(text("SELECT pg_backend_pid()"))
    assert pings["ping"] == 2 and replaced != first


async def test_a_connection_the_server_closed_is_replaced_before_anyone_uses_it(pg: Database, pings) -> None:
    seen: list[Any] = []
    event.listen(pg.engine.sync_engine, "checkin", lambda _c, record: seen.append(record.driver_connection))
    async with pg.read() as session:
        doomed = await session.scalar(text("SELECT pg_backend_pid()"))
    admin = create_async_engine(PG_URL)
    try:
        async with admin.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": doomed})
    finally:
        await admin.dispose()
    for _ in range(500):  # until the driver has read the server's goodbye
        if seen[-1].is_closed():
            break
        await asyncio.sleep(0.01)
    async with pg.read() as session:
        assert await session.scalar(text("SELECT pg_backend_pid()")) != doomed
    assert pings["ping"] == 0


@pytest.fixture
async def small_pool() -> AsyncIterator[Database]:
    async for db in scratch_database(pool_size=2):
        yield db


async def test_the_pool_keeps_the_connections_a_burst_opened(small_pool: Database) -> None:
    """Up to 2 * pool_size connections, none closed on return: the next burst opens none."""

    async def hold() -> None:
        async with small_pool.read() as session:
            await session.execute(text("SELECT pg_sleep(0.05)"))

    await asyncio.gather(*(hold() for _ in range(8)))
    assert small_pool.engine.pool.checkedin() == 4
    opened: list[object] = []
    event.listen(small_pool.engine.sync_engine, "connect", lambda *_: opened.append(object()))
    await asyncio.gather(*(hold() for _ in range(8)))
    assert opened == []
    assert small_pool.engine.pool.checkedin() == 4
