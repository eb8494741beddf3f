"""Markets, slips and bets are numbered per league; a bet keeps its slip's number.

Two leagues in one database each count from #1; a slip's number is the number of the bet
placed from it; numbers are never given twice in a league, however many writers ask at
once (SQLite always, PostgreSQL when configured); and a number of another league reads
exactly like one never given (tests/commands/test_bad_inputs.py checks that it changes
nothing).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from commands.replies import Tone
from storage import numbering
from storage.models import Bet, League, Market, Quote
from tests.book import Book


async def _numbers(book: Book, model: type[Market] | type[Quote] | type[Bet]) -> list[int]:
    async with book.db.read() as session:
        return list(
            (
                await session.scalars(
                    select(model.number).where(model.league_id == book.league_id).order_by(model.number)
                )
            ).all()
        )


async def test_two_leagues_in_one_database_each_start_at_one(any_db):
    first = await Book(any_db, workspace="guild-one").open()
    second = await Book(any_db, first.clock, workspace="guild-two").open()
    for book in (first, second):
        markets = await _numbers(book, Market)
        assert markets == list(range(1, len(markets) + 1)) and len(markets) > 100
        ml = await book.market_number("moneyline", 0)
        odds = await book.run("alex", "odds", matchup="hmh")  # the first matchup's markets
        assert odds.tables[0].rows[0][0] == str(ml) and odds.buttons[0].args["market"] == ml
        slip = await book.run("alex", "bet", market=ml, pick="home", stake=10)
        assert slip.cards[0].title == "Bet slip #1"
        placed = await book.run("alex", "confirm", quote=1)
        assert placed.text.startswith("Bet placed: bet #1,"), placed.text
    async with any_db.read() as session:
        counters = (await session.execute(select(League.last_market_number, League.last_bet_number))).all()
    assert len(counters) == 2 and counters[0] == counters[1]


async def test_a_bet_keeps_its_slips_number_and_numbers_are_never_reused(db):
    book = await Book(db).open()
    ml, total = await book.market_number("moneyline", 0), await book.market_number("total", 0)
    dropped = await book.run("alex", "bet", market=ml, pick="home", stake=10)
    assert dropped.cards[0].title == "Bet slip #1"
    assert (await book.run("alex", "discard", quote=1)).text == "Slip #1 discarded; nothing was placed."
    slip = await book.run("alex", "bet", market=total, pick="over", stake=20)
    assert slip.cards[0].title == "Bet slip #2" and "confirm 2" in slip.notes[0]
    assert (await book.run("alex", "confirm", quote=2)).text.startswith("Bet placed: bet #2,")
    # An expired slip gets a fresh one (a new number); the bet takes the fresh slip's number.
    stale = await book.run("blake", "bet", market=ml, pick="away", stake=30)
    assert stale.cards[0].title == "Bet slip #3"
    book.clock.advance(timedelta(minutes=5))
    fresh = await book.run("blake", "confirm", quote=3)
    assert fresh.cards[0].title == "Bet slip #4" and "Slip #3 expired" in fresh.text
    assert (await book.run("blake", "confirm", quote=4)).text.startswith("Bet placed: bet #4,")
    mybets = await book.run("blake", "mybets")
    assert [row[0] for row in mybets.tables[0].rows] == ["4"]
    assert (await book.run("blake", "cancel", bet=4)).text.startswith("Bet #4 cancelled")
    assert (
        "already placed as bet #4, which you cancelled" in (await book.run("blake", "confirm", quote=4)).text
    )
    assert await _numbers(book, Quote) == [1, 2, 3, 4]
    assert await _numbers(book, Bet) == [2, 4]
    # The next slip continues the count: a discarded or expired slip's number stays its own.
    again = await book.run("alex", "bet", market=ml, pick="home", stake=10)
    assert again.cards[0].title == "Bet slip #5"


async def test_concurrent_slips_never_share_a_number(any_db):
    """Forty members ask for slips at once; every slip, and every bet placed from them at
    once, has its own number, and together they are exactly 1..40."""
    book = await Book(any_db).open()
    users = [f"member{i}" for i in range(40)]
    for user in users:
        await book.run(user, "balance")
    ml = await book.market_number("moneyline", 0)
    slips = await asyncio.gather(*(book.run(u, "bet", market=ml, pick="home", stake=5) for u in users))
    numbers = [await book.slip_number(s) for s in slips]
    assert sorted(numbers) == list(range(1, 41))
    placed = await asyncio.gather(
        *(book.run(u, "confirm", quote=n) for u, n in zip(users, numbers, strict=True))
    )
    assert all(p.tone is Tone.SUCCESS for p in placed), {p.text for p in placed}
    said = [int(p.text.split("bet #")[1].split(",")[0]) for p in placed]
    assert said == numbers  # each bet has the number of the slip it was placed from
    assert await _numbers(book, Bet) == list(range(1, 41))


async def test_concurrent_blocks_of_market_numbers_never_overlap(any_db):
    """Writers reserving blocks at once (as several leagues' ticks would, or two processes)
    get disjoint blocks that together follow the last number given, with no gap."""
    book = await Book(any_db).open()
    async with any_db.read() as session:
        last = await session.scalar(select(League.last_market_number).where(League.id == book.league_id))
        assert last == await session.scalar(select(func.max(Market.number)))
    sizes = [1, 7, 3, 120, 2, 15, 1, 40, 9, 5]

    async def block(size: int) -> range:
        async with any_db.write() as session:
            first = await numbering.reserve(session, book.league_id, numbering.Counter.MARKETS, size)
            await asyncio.sleep(0)  # hold the reservation while the others ask
        return range(first, first + size)

    blocks = await asyncio.gather(*(block(size) for size in sizes))
    given = sorted(n for b in blocks for n in b)
    assert given == list(range(last + 1, last + 1 + sum(sizes)))


async def test_a_rolled_back_reservation_gives_its_numbers_back(db):
    book = await Book(db).open()
    async with db.read() as session:
        last = await session.scalar(select(League.last_bet_number).where(League.id == book.league_id))
    try:
        async with db.write() as session:
            await numbering.reserve(session, book.league_id, numbering.Counter.BETS, 5)
            raise RuntimeError("the transaction fails after reserving")
    except RuntimeError:
        pass
    slip = await book.run("alex", "bet", market=await book.market_number(), pick="home", stake=5)
    assert slip.cards[0].title == f"Bet slip #{last + 1}"
