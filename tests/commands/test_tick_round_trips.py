"""Storing a week's prices costs a fixed handful of SQL statements, however many markets it has.

A scheduler tick reprices every open league in turn, so the statements per league are what
a tick over 10,000 leagues costs. The count is SQLite's own (its trace callback sees every
statement the connection runs, whichever layer sent it): a per-market or per-selection
statement sneaking back into commands/services/market_store.py fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import delete, select

from commands.services.market_store import store_plans
from commands.services.pricing import MarketPlan, SelectionPlan
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import Market, PriceHistory, Selection, Week
from tests.book import Book
from tests.statement_trace import trace_statements

# The read of the week's markets, then one statement per kind of write at most: pull,
# insert markets, insert selections, move markets, move selections, price history.
MOST_STATEMENTS = 7


async def _board(db: Database, week_id: int) -> dict[int, list[MarketPlan]]:
    """The week's markets as plans, exactly as stored."""
    async with db.read() as session:
        markets = (await session.scalars(select(Market).where(Market.week_id == week_id))).all()
        sides = (
            await session.scalars(
                select(Selection)
                .where(Selection.market_id.in_([m.id for m in markets]))
                .order_by(Selection.id)
            )
        ).all()
    by_market: dict[int, list[SelectionPlan]] = {}
    for s in sides:
        by_market.setdefault(s.market_id, []).append(SelectionPlan(s.side, s.label, s.fair_p, s.odds))
    plans: dict[int, list[MarketPlan]] = {}
    for m in sorted(markets, key=lambda m: m.id):
        plan = MarketPlan(m.kind, m.subject, m.label, m.line, m.lock_at, tuple(by_market[m.id]))
        plans.setdefault(m.matchup_id, []).append(plan)
    return plans


def _shifted(plans: dict[int, list[MarketPlan]], how_many: int) -> dict[int, list[MarketPlan]]:
    """The same plans with the first `how_many` markets' prices moved by a nickel."""
    counter: Iterator[int] = iter(range(10**9))
    moved = {}
    for matchup, offered in plans.items():
        moved[matchup] = [
            plan._replace(
                selections=tuple(
                    sp._replace(odds=None if sp.odds is None else sp.odds - 5) for sp in plan.selections
                )
            )
            if next(counter) < how_many
            else plan
            for plan in offered
        ]
    return moved


async def _count(book: Book, statements: list[str], week: Week, plans: dict[int, list[MarketPlan]]) -> int:
    now = book.clock.now()
    async with book.db.write() as session:
        await session.get(Week, week.id)  # the transaction has begun before counting
        statements.clear()
        changed = await store_plans(session, league_id=week.league_id, week_id=week.id, plans=plans, now=now)
        counted = len(statements)
    assert changed > 0
    return counted


async def test_a_week_is_stored_in_the_same_few_statements_whatever_its_markets(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'tick.db'}")
    await upgrade_to_head(db)
    statements = trace_statements(db)

    try:
        book = await Book(db).open()
        async with db.read() as session:
            week = await session.scalar(select(Week).where(Week.markets_open))
        assert week is not None
        stored = await _board(db, week.id)
        markets = sum(len(p) for p in stored.values())
        assert markets > 100  # moneylines, spreads, totals, team totals and props

        # Reprice one market, then every one of them: the same statements.
        one = await _count(book, statements, week, _shifted(stored, 1))
        every = await _count(book, statements, week, _shifted(_shifted(stored, 1), markets))
        assert one == every <= MOST_STATEMENTS, statements

        # Pull every prop (their players left the lineups): one more kind of write, still few.
        without_props = {m: [p for p in offered if p.kind != "prop"] for m, offered in stored.items()}
        pulled = await _count(book, statements, week, without_props)
        assert pulled <= MOST_STATEMENTS, statements

        # The week's board from nothing: every market, side and first price in a few statements.
        async with db.write() as session:
            ids = select(Selection.id).join(Market).where(Market.week_id == week.id)
            await session.execute(delete(PriceHistory).where(PriceHistory.selection_id.in_(ids)))
            await session.execute(
                delete(Selection).where(
                    Selection.market_id.in_(select(Market.id).where(Market.week_id == week.id))
                )
            )
            await session.execute(delete(Market).where(Market.week_id == week.id))
        created = await _count(book, statements, week, stored)
        assert created <= MOST_STATEMENTS, statements
        assert await _board(db, week.id) == stored  # exactly what was planned, every field
        # The new markets took the league's next numbers, one block: none of the deleted
        # markets' numbers is given again.
        async with db.read() as session:
            numbers = sorted(
                (await session.scalars(select(Market.number).where(Market.week_id == week.id))).all()
            )
        assert numbers == list(range(markets + 1, 2 * markets + 1))
    finally:
        await db.dispose()
