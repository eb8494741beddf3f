"""Book.money_faults, the books' invariants every money suite checks, catches each way to break them.

A settled demo week (a won bet, a lost one, a cancelled one) reconciles; then one fault at a
time is planted straight into the tables, each keeping every check but one satisfied where
it can (a balance moved with its entry, so the member's ledger still matches), and
money_faults must name it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from storage.database import Database
from storage.models import Bet
from tests.book import Book
from tests.commands.test_week_lifecycle import MONDAY_GAME_OVER, SETTLE_TIME
from tests.template_book import fresh_book

# name: (statements, what the fault says). `:won` and `:lost` are the moneyline's two bets,
# `:winner`/`:loser` their members, `:cancelled` a bet cancelled before settling.
PLANTS: dict[str, tuple[tuple[str, ...], str]] = {
    "a credit made up": (("UPDATE members SET balance = balance + 1 WHERE id = :winner",), "ledger"),
    "a correction of no bet": (
        (
            "INSERT INTO ledger (league_id, member_id, kind, amount, bet_id, week_id, memo, dedupe_key, "
            "created_at) SELECT league_id, member_id, 'correction', 7, NULL, week_id, 'x', "
            "'regrade:bet:0:1', created_at FROM ledger WHERE bet_id = :won AND kind = 'stake'",
            "UPDATE members SET balance = balance + 7 WHERE id = :winner",
        ),
        "bet id None",
    ),
    "a payout to someone else": (
        (
            "UPDATE ledger SET member_id = :loser WHERE bet_id = :won AND kind = 'payout'",
            "UPDATE members SET balance = balance - (SELECT payout FROM bets WHERE id = :won) "
            "WHERE id = :winner",
            "UPDATE members SET balance = balance + (SELECT payout FROM bets WHERE id = :won) "
            "WHERE id = :loser",
        ),
        "not of #",
    ),
    "a stake taken twice": (
        (
            "INSERT INTO ledger (league_id, member_id, kind, amount, bet_id, week_id, memo, dedupe_key, "
            "created_at) SELECT league_id, member_id, kind, amount, bet_id, week_id, memo, "
            "dedupe_key || '-again', created_at FROM ledger WHERE bet_id = :lost AND kind = 'stake'",
            "UPDATE members SET balance = balance - (SELECT stake FROM bets WHERE id = :lost) "
            "WHERE id = :loser",
        ),
        "stake entries",
    ),
    "a side's liability left behind": (
        ("UPDATE selections SET liability = 5 WHERE id = (SELECT selection_id FROM bets WHERE id = :lost)",),
        "liability 5, open bets 0",
    ),
    "a payout its grade is not worth": (
        (
            "UPDATE bets SET payout = payout + 1 WHERE id = :won",
            "UPDATE ledger SET amount = amount + 1 WHERE bet_id = :won AND kind = 'payout'",
            "UPDATE members SET balance = balance + 1 WHERE id = :winner",
        ),
        "its grade is worth",
    ),
    "a cancelled bet settled": (
        (
            "UPDATE ledger SET dedupe_key = 'settle:bet:' || bet_id "
            "WHERE bet_id = :cancelled AND kind = 'refund'",
        ),
        "(cancelled): entries",
    ),
    "an open bet on a settled market": (
        ("UPDATE bets SET status = 'open', payout = NULL WHERE id = :lost",),
        "is open on a settled market",
    ),
    "a graded bet on a void market": (
        ("UPDATE markets SET status = 'void' WHERE id = (SELECT market_id FROM bets WHERE id = :won)",),
        "on a void market",
    ),
    "a settled week with a market still open": (
        (
            "UPDATE markets SET status = 'locked' "
            "WHERE id = (SELECT min(id) FROM markets WHERE status = 'settled')",
        ),
        "markets still open or locked",
    ),
    "a refund that moved no credits": (
        (
            "UPDATE ledger SET amount = 0 WHERE bet_id = :cancelled AND kind = 'refund'",
            "UPDATE members SET balance = balance - (SELECT stake FROM bets WHERE id = :cancelled) "
            "WHERE id = (SELECT member_id FROM bets WHERE id = :cancelled)",
        ),
        "wrong sign",
    ),
}


_built: tuple[Path, int, dict[str, int]] | None = None


async def _settled_week() -> tuple[Path, int, dict[str, int]]:
    """The settled week, built once per process and copied per test."""
    global _built
    if _built is None:
        folder = Path(tempfile.mkdtemp(prefix="sidebet-faults-"))
        book = await fresh_book(folder)
        ml = await book.market_number("moneyline", 0)
        for user, pick in (("alex", "home"), ("blake", "away")):
            assert (await book.place(user, ml, pick, 100)).text.startswith("Bet placed")
        placed = await book.place("casey", ml, "home", 40)
        cancelled = int(placed.text.split("#")[1].split(",")[0])
        assert (await book.run("casey", "cancel", bet=cancelled)).text.startswith("Bet #")
        book.clock.set(MONDAY_GAME_OVER)
        await book.due()
        book.clock.set(SETTLE_TIME + timedelta(minutes=1))
        assert (await book.due()).settled
        async with book.db.read() as session:
            graded = dict(
                (await session.execute(select(Bet.status, Bet).where(Bet.status.in_(("won", "lost"))))).all()
            )
        await book.db.dispose()
        ids = {
            "won": graded["won"].id,
            "lost": graded["lost"].id,
            "winner": graded["won"].member_id,
            "loser": graded["lost"].member_id,
            "cancelled": cancelled,
        }
        _built = (folder / "book.db", book.league_id, ids)
    return _built


@pytest.fixture
async def settled(tmp_path) -> AsyncIterator[tuple[Book, dict[str, int]]]:
    path, league_id, ids = await _settled_week()
    shutil.copyfile(path, tmp_path / "book.db")
    book = Book(Database(f"sqlite+aiosqlite:///{tmp_path / 'book.db'}"))
    book.league_id = league_id
    try:
        yield book, ids
    finally:
        await book.db.dispose()


async def test_a_settled_week_reconciles(settled) -> None:
    book, _ = settled
    assert await book.money_faults() == []


@pytest.mark.parametrize("plant", sorted(PLANTS))
async def test_each_planted_fault_is_named(settled, plant: str) -> None:
    book, ids = settled
    statements, says = PLANTS[plant]
    async with book.db.write() as session:
        for statement in statements:
            await session.execute(text(statement), {k: v for k, v in ids.items() if f":{k}" in statement})
    faults = await book.money_faults()
    assert any(says in fault for fault in faults), (plant, faults)
