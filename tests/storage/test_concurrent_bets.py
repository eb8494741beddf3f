"""No interleaving of bets can overdraw a balance (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from commands.replies import Tone
from storage.models import Bet, LedgerEntry, Market, Member, Selection
from tests.book import Book


async def test_hundred_concurrent_bets_exactly_ten_fit(any_db):
    book = await Book(any_db).open()
    await book.run("alex", "balance")
    assert await book.balance("alex") == 1000
    async with any_db.read() as session:
        picks = (
            await session.execute(
                select(Market.number, Selection.side)
                .join(Selection, Selection.market_id == Market.id)
                .where(Market.kind != "prop", Selection.odds.is_not(None))
                .order_by(Market.number, Selection.side)
            )
        ).all()
    slips = []
    for index in range(100):
        market_id, side = picks[index % len(picks)]
        slip = await book.run("alex", "bet", market=market_id, pick=side, stake=100)
        slips.append(await book.slip_number(slip))

    lowest = []
    done = asyncio.Event()

    async def watch_balance() -> None:
        while not done.is_set():
            lowest.append(await book.balance("alex"))
            await asyncio.sleep(0)

    watcher = asyncio.create_task(watch_balance())
    replies = await asyncio.gather(*(book.run("alex", "confirm", quote=q) for q in slips))
    done.set()
    await watcher

    placed = [r for r in replies if r.tone is Tone.SUCCESS]
    refused = [r for r in replies if r.tone is Tone.ERROR]
    assert len(placed) == 10
    assert len(refused) == 90
    assert all("You have 0 credits" in r.text for r in refused), {r.text for r in refused}
    assert min(lowest) >= 0
    assert await book.balance("alex") == 0
    async with any_db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Bet)) == 10
        ledger_total = await session.scalar(
            select(func.sum(LedgerEntry.amount))
            .join(Member, Member.id == LedgerEntry.member_id)
            .where(Member.user_id == "alex")
        )
    assert ledger_total == 0


async def test_double_click_races_place_one_bet(any_db):
    book = await Book(any_db).open()
    await book.run("alex", "balance")
    slip = await book.run("alex", "bet", market=await book.market_number("spread", 0), pick="home", stake=30)
    quote = await book.slip_number(slip)
    replies = await asyncio.gather(*(book.run("alex", "confirm", quote=quote) for _ in range(8)))
    assert sum(r.text.startswith("Bet placed") for r in replies) == 1
    assert sum(r.text.startswith("Already placed") for r in replies) == 7
    assert await book.balance("alex") == 970
