"""Settlement, voids and cancels racing on PostgreSQL, with the interleaving forced.

Each test holds a member's row locked from a transaction of its own, so the first command
stops, mid-transaction and holding its locks, at the balance move (the last step of every
money path, see the lock order in commands/services/settlement.py). The second command is
started and the test waits until the server shows it queued behind the first; then the
member's row is released. So the second command always meets the first one's work
committed under it, which is the interleaving each bug below needed:

- settlement vs `void market`: the market ended void while its bets stayed won/lost,
  "0 bets refunded", and could never be voided again;
- `cancel` vs `void bet`: the bet was cancelled, the void found it moved and still lowered
  the side's liability a second time;
- a bet being placed vs `void market`: the void missed the bet, which stayed open on a void
  market and would never settle.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from commands.replies import Reply, Tone
from commands.services.lifecycle import settle_due
from storage.database import Database
from storage.models import Bet, Market, Member, Selection
from tests.book import Book
from tests.commands.test_week_lifecycle import MONDAY_GAME_OVER, SETTLE_TIME
from tests.conftest import make_database
from tests.lock_waits import hold, queued_behind

pytestmark = pytest.mark.postgres

LOCK_MEMBERS = "SELECT id FROM members WHERE league_id = :league ORDER BY id FOR UPDATE"
LOCK_MEMBER = "SELECT id FROM members WHERE league_id = :league AND user_id = :user FOR UPDATE"


@pytest.fixture
async def pg(tmp_path) -> AsyncIterator[Database]:
    async for database in make_database("postgres", tmp_path):
        yield database


async def _final_week_with_bets(book: Book) -> int:
    """Moneyline 0 with bets on both sides from four members; the week final, not settled."""
    await book.open()
    ml = await book.market_number("moneyline", 0)
    for user, pick in (("alex", "home"), ("blake", "away"), ("casey", "home"), ("drew", "away")):
        assert (await book.place(user, ml, pick, 100)).text.startswith("Bet placed")
    book.clock.set(MONDAY_GAME_OVER)
    report = await book.due()
    assert report.sync is not None and report.sync.went_final and not report.settled
    book.clock.set(SETTLE_TIME)
    return ml


async def _statuses(db: Database, market_id: int) -> tuple[str, list[str]]:
    async with db.read() as session:
        market = await session.get(Market, market_id)
        bets = (await session.scalars(select(Bet.status).where(Bet.market_id == market_id))).all()
    assert market is not None
    return market.status, sorted(bets)


async def test_a_void_market_that_waited_on_settlement_reverses_what_it_paid(pg: Database) -> None:
    book = Book(pg)
    ml = await _final_week_with_bets(book)
    league = await book.league()
    async with hold(pg, LOCK_MEMBERS, {"league": book.league_id}) as holder:
        settling = asyncio.create_task(settle_due(pg, league, book.clock.now()), name="settlement")
        settler = await queued_behind(pg, holder, [settling])  # paying: bets marked, not committed
        voiding = asyncio.create_task(
            book.run("zed", "void market", admin=True, market=ml, reason="wrong scores"), name="void"
        )
        await queued_behind(pg, settler, [voiding])  # the void waits on the settlement's locks
    [summary] = await settling
    reply: Reply = await voiding
    assert summary.bets == 4
    assert reply.tone is Tone.SUCCESS, reply.text
    assert await _statuses(pg, ml) == ("void", ["void"] * 4)
    assert "0 open bets refunded and 4 settled bets reversed" in reply.text, reply.text
    assert await book.money_faults() == []
    async with pg.read() as session:
        balances = (
            await session.scalars(select(Member.balance).where(Member.user_id.in_(("alex", "blake"))))
        ).all()
    assert balances == [1000, 1000]  # every stake back, every win taken back


async def test_a_settlement_that_waited_on_a_void_market_leaves_it_void(pg: Database) -> None:
    book = Book(pg)
    ml = await _final_week_with_bets(book)
    league = await book.league()
    async with hold(pg, LOCK_MEMBERS, {"league": book.league_id}) as holder:
        voiding = asyncio.create_task(
            book.run("zed", "void market", admin=True, market=ml, reason="wrong scores"), name="void"
        )
        voider = await queued_behind(pg, holder, [voiding])  # refunding: bets void, not committed
        settling = asyncio.create_task(settle_due(pg, league, book.clock.now()), name="settlement")
        await queued_behind(pg, voider, [settling])
    reply: Reply = await voiding
    [summary] = await settling
    assert "4 open bets refunded" in reply.text, reply.text
    assert summary.bets == 0  # the market's bets were the void's
    assert await _statuses(pg, ml) == ("void", ["void"] * 4)
    assert await book.money_faults() == []


async def test_a_void_bet_that_waited_on_a_cancel_changes_nothing(pg: Database) -> None:
    book = Book(pg)
    await book.open()
    ml = await book.market_number("moneyline", 0)
    mine = await book.place("alex", ml, "home", 110)
    theirs = await book.place("blake", ml, "home", 110)  # the same side: its liability stays above 0
    bet_id = int(mine.text.split("#")[1].split(",")[0])  # its number in the league
    assert theirs.text.startswith("Bet placed")
    async with pg.read() as session:
        bet = await session.scalar(select(Bet).where(Bet.league_id == book.league_id, Bet.number == bet_id))
        assert bet is not None
        selection_id = bet.selection_id
        both = await session.scalar(select(Selection.liability).where(Selection.id == selection_id))
    async with hold(pg, LOCK_MEMBER, {"league": book.league_id, "user": "alex"}) as holder:
        cancelling = asyncio.create_task(book.run("alex", "cancel", bet=bet_id), name="cancel")
        canceller = await queued_behind(pg, holder, [cancelling])  # refunding, bet cancelled
        voiding = asyncio.create_task(
            book.run("zed", "void bet", admin=True, bet=bet_id, reason="duplicate"), name="void"
        )
        await queued_behind(pg, canceller, [voiding])
    cancelled: Reply = await cancelling
    voided: Reply = await voiding
    assert cancelled.tone is Tone.SUCCESS, cancelled.text
    async with pg.read() as session:
        liability = await session.scalar(select(Selection.liability).where(Selection.id == selection_id))
        status = await session.scalar(select(Bet.status).where(Bet.id == bet.id))
    assert liability == both // 2, "the side's liability was lowered twice"
    assert status == "cancelled"
    assert voided.tone is Tone.ERROR and "already cancelled" in voided.text, voided.text
    assert await book.balance("alex") == 1000
    assert await book.money_faults() == []


async def test_a_bet_being_placed_while_its_market_is_voided_is_voided_too(pg: Database) -> None:
    """The bet statement shares the market's row, so the void waits for it and then sees the bet."""
    book = Book(pg)
    await book.open()
    ml = await book.market_number("moneyline", 0)
    quote = await book.slip_number(await book.run("alex", "bet", market=ml, pick="home", stake=100))
    async with hold(pg, LOCK_MEMBER, {"league": book.league_id, "user": "alex"}) as holder:
        placing = asyncio.create_task(book.run("alex", "confirm", quote=quote), name="confirm")
        placer = await queued_behind(pg, holder, [placing])  # the bet written, its debit waiting
        voiding = asyncio.create_task(
            book.run("zed", "void market", admin=True, market=ml, reason="wrong line"), name="void"
        )
        await queued_behind(pg, placer, [voiding])
    placed: Reply = await placing
    voided: Reply = await voiding
    assert placed.text.startswith("Bet placed"), placed.text
    assert "1 open bet refunded" in voided.text, voided.text
    assert await _statuses(pg, ml) == ("void", ["void"])
    assert await book.balance("alex") == 1000
    assert await book.money_faults() == []
