"""Settling a league costs a fixed handful of SQL statements, however many bets it holds.

On SQLite every statement is a hand-off to the driver's thread, and a scheduler pass
settles every league in turn, so the statement count per league is what settlement of
10,000 leagues costs (bench/settlement.py measures the time). The count is taken from
SQLite itself (its trace callback sees every statement the connection runs, whichever
layer sent it), so a per-bet statement sneaking back in fails here. The hooks that run
after a week settles (settlement DMs, the Discord winner role, the calibration refit)
must ask nothing of the database when they have nothing to do: the weeks query already
says so.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import func, select

from bench.settlement import NOW, seed
from commands.services.lifecycle import settle_due
from commands.services.settlement import regrade_week
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import League, Market, Week
from tests.statement_trace import trace_statements

# BEGIN, the weeks (with the hooks' checks), close (and on PostgreSQL lock) the markets, the
# open bets with their markets; then mark bets, release the sides' liability, insert
# payouts, move balances, mark the week; COMMIT. Closing the markets moved to the front (the
# lock order: market rows before bet rows, so a void and a settlement queue instead of one
# undoing the other); releasing the liability is the one statement added, so that a side's
# stored liability is always what its open bets could win, settled markets included.
STATEMENTS_PER_LEAGUE = 10


@asynccontextmanager
async def traced_bench_league(path: Path, leagues: int) -> AsyncIterator[tuple[Database, list[str]]]:
    """The settlement bench's seeded leagues (40 bets each), with every SQLite statement recorded."""
    db = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(db)
    await db.dispose()
    seed(path, leagues=leagues, bets_per_league=40)
    db = Database(f"sqlite+aiosqlite:///{path}")
    statements = trace_statements(db)

    try:
        yield db, statements
    finally:
        await db.dispose()


async def test_a_league_settles_in_the_same_few_statements_whatever_its_bets(tmp_path: Path) -> None:
    async with traced_bench_league(tmp_path / "settle.db", leagues=2) as (db, statements):
        async with db.read() as session:
            leagues = (await session.scalars(select(League).order_by(League.id))).all()
        counts = []
        for league in leagues:
            statements.clear()
            [summary] = await settle_due(db, league, NOW)
            assert summary.bets == 40
            counts.append(len(statements))
        assert counts == [STATEMENTS_PER_LEAGUE] * 2, statements
        # A console league with nobody opted in to DMs and no projections: no hook queried.
        assert not any("outbox" in s or s.lstrip().startswith("SELECT team_projections") for s in statements)
        statements.clear()
        assert await settle_due(db, leagues[0], NOW, force=True) == []
        assert len(statements) == 3, statements  # BEGIN, the weeks query (finds nothing left), COMMIT


# Matchups, their players' points, lock the settled markets, their sides, lock their bets.
REGRADE_READS = 5


async def test_a_regrade_that_changes_nothing_reads_a_fixed_few_statements(tmp_path: Path) -> None:
    """Every pass inside the correction window re-grades the settled weeks: not per market."""
    async with traced_bench_league(tmp_path / "regrade.db", leagues=1) as (db, statements):
        async with db.read() as session:
            league = await session.scalar(select(League))
        assert league is not None
        [summary] = await settle_due(db, league, NOW)
        async with db.write() as session:
            week = await session.get(Week, summary.week_id)
            assert week is not None
            markets = await session.scalar(
                select(func.count()).select_from(Market).where(Market.week_id == week.id)
            )
            statements.clear()
            assert await regrade_week(session, week, NOW) == []
            counted = list(statements)
        assert (markets or 0) > 1 and len(counted) == REGRADE_READS, counted
