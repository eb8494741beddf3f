"""Voids move what the ledger moved for each bet, never what a copy says it paid.

A stat correction whose clawback found the winner's balance empty leaves them holding the
payout although the bet now says lost (payout 0). Voiding it afterwards must give back
their stake net, so it takes back what they still hold beyond the stake, at most what
they have, and records the rest as the bet's shortfall: no credit is created.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from commands.replies import Tone
from storage.models import Bet, LedgerEntry, Member
from tests.book import Book
from tests.commands.test_week_lifecycle import SETTLE_TIME, Correctable


async def _settled_then_corrected(book: Book, correctable: Correctable) -> tuple[Bet, Bet]:
    """A settled moneyline, the winner spent down to 0, then ESPN flips the result."""
    ml = await book.market_number("moneyline", 0)
    await book.place("alex", ml, "home", 250)
    await book.place("blake", ml, "away", 250)
    book.clock.set(SETTLE_TIME)
    assert (await book.due()).settled
    async with book.db.read() as session:
        winner = (await session.scalars(select(Bet).where(Bet.status == "won"))).one()
        user = await session.scalar(select(Member.user_id).where(Member.id == winner.member_id))
    spent = await book.run(
        "zed", "adjust", admin=True, member=user, amount=str(-await book.balance(user)), reason="spent"
    )
    assert spent.tone is Tone.SUCCESS, spent.text
    correctable.home_bonus = -400.0 if user == "alex" else 400.0
    book.clock.advance(timedelta(hours=20))
    [clawback, _] = sorted((await book.due()).corrections, key=lambda c: c.bet_id != winner.id)
    assert clawback.bet_id == winner.id and clawback.amount == 0 and clawback.shortfall == winner.payout
    async with book.db.read() as session:
        bets = (await session.scalars(select(Bet).order_by(Bet.id))).all()
    winner_now = next(b for b in bets if b.id == winner.id)
    loser_now = next(b for b in bets if b.id != winner.id)
    assert winner_now.status == "lost" and winner_now.payout == 0
    return winner_now, loser_now


async def test_a_void_after_an_unrecoverable_clawback_creates_no_credits(any_db):
    book = Book(any_db)
    correctable = Correctable(book.clock.now)
    book.services.providers = lambda league: correctable
    await book.open()
    winner, _ = await _settled_then_corrected(book, correctable)
    async with any_db.read() as session:
        clawed = await session.scalar(
            select(LedgerEntry.amount).where(LedgerEntry.bet_id == winner.id, LedgerEntry.kind == "payout")
        )
        user = await session.scalar(select(Member.user_id).where(Member.id == winner.member_id))
        total_before = await session.scalar(select(func.sum(Member.balance)))
    assert await book.balance(user) == 0

    reply = await book.run("zed", "void bet", admin=True, bet=winner.number, reason="scoring error")
    assert reply.tone is Tone.SUCCESS, reply.text
    # The member holds the payout (428 on 250 at -140, say) beyond the stake: a void owes them
    # only the stake net, so it would take back payout - stake, and finds nothing to take.
    assert await book.balance(user) == 0, "the void created credits"
    async with any_db.read() as session:
        voided = await session.get(Bet, winner.id)
        held = await session.scalar(
            select(func.sum(LedgerEntry.amount)).where(LedgerEntry.bet_id == winner.id)
        )
        total_after = await session.scalar(select(func.sum(Member.balance)))
    assert total_after == total_before
    assert voided is not None and voided.status == "void"
    # It keeps payout - stake it should not have: the shortfall, recorded on the bet.
    assert held == voided.shortfall == clawed - winner.stake
    assert f"no credits moved. {voided.shortfall:,} credits could not be taken back" in reply.text, reply.text
    assert await book.money_faults() == []


async def test_a_void_of_a_corrected_bet_takes_back_only_what_the_member_still_holds(any_db):
    book = Book(any_db)
    correctable = Correctable(book.clock.now)
    book.services.providers = lambda league: correctable
    await book.open()
    _, loser = await _settled_then_corrected(book, correctable)  # the old loser now won
    async with any_db.read() as session:
        user = await session.scalar(select(Member.user_id).where(Member.id == loser.member_id))
    before = await book.balance(user)
    reply = await book.run("zed", "void bet", admin=True, bet=loser.number, reason="scoring error")
    assert reply.tone is Tone.SUCCESS, reply.text
    assert await book.balance(user) == before - (loser.payout - loser.stake)
    assert await book.money_faults() == []
