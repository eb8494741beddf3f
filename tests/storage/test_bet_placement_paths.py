"""Confirming a slip does the same on every back end: what a bet writes, and that a refusal writes nothing.

SQLite places bets through its group-committing writer, statement by statement; PostgreSQL
through PG_PLACE, one statement that aborts itself when a step after the slip's claim
refuses (storage/placement.py). Each case below runs on both (PostgreSQL when
SIDEBET_TEST_DATABASE_URL is set), including the refusals that come after the claim (a
market that locked, was voided or paused, a liability cap, a balance), where the claim
and any later step must be undone, not just stopped.

Economy season: every side is -110, so a stake of 110 wins 100, and 660 wins 600.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from commands.replies import Tone
from storage.models import Bet, LedgerEntry, Member, Quote, Selection
from tests.book import Book
from tests.commands.economy_season import kickoff, lines_up, market, open_season


async def season(db, **settings) -> Book:
    book, _ = await open_season(db, **settings)
    for member in ("finn", "gale", "hana"):  # own no team: the own-matchup rule stays out of it
        await book.run(member, "balance")
    book.clock.set(lines_up(1))
    await book.due()
    return book


async def slip(book: Book, user: str, market_id: int, pick: str, stake: int) -> int:
    return await book.quote_id(await book.run(user, "bet", market=market_id, pick=pick, stake=stake))


async def refused_writing_nothing(book: Book, user: str, quote: int, fragment: str) -> None:
    before = await book.snapshot()
    reply = await book.run(user, "confirm", quote=quote)
    assert reply.tone is Tone.ERROR, reply.text
    assert fragment in reply.text, reply.text
    assert await book.snapshot() == before


async def test_a_placed_bet_writes_the_same_rows_on_either_back_end(any_db):
    book = await season(any_db)
    ml = await market(book, 0)
    quote = await slip(book, "finn", ml, "home", 110)
    reply = await book.run("finn", "confirm", quote=quote)
    assert reply.text.startswith("Bet placed"), reply.text
    assert "Balance: 890 credits" in reply.text
    async with any_db.read() as session:
        bet = await session.scalar(select(Bet))
        assert bet is not None
        entry = await session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "stake"))
        selection = await session.get(Selection, bet.selection_id)
        slip_row = await session.get(Quote, quote)
        member = await session.get(Member, bet.member_id)
    assert (bet.stake, bet.odds, bet.status, bet.market_id, bet.lineup_snapshot) == (
        110,
        -110,
        "open",
        ml,
        None,
    )
    assert bet.idempotency_key == slip_row.idempotency_key and bet.placed_at == lines_up(1)
    assert slip_row.status == "placed"
    assert selection is not None and selection.liability == 100
    assert entry is not None
    assert (entry.amount, entry.bet_id, entry.week_id, entry.memo) == (
        -110,
        bet.id,
        bet.week_id,
        selection.label,
    )
    assert entry.dedupe_key == f"stake:bet:{bet.id}" and entry.created_at == lines_up(1)
    assert member is not None and member.balance == 890


async def test_refusals_before_and_after_the_claim_write_nothing(any_db):
    book = await season(any_db, liability_multiple=1)  # a side may lose at most 1,000
    ml0, ml1, total0 = await market(book, 0), await market(book, 1), await market(book, 0, "total")

    # The claim refuses: someone else's slip, a slip already placed, a discarded slip.
    gales = await slip(book, "gale", ml0, "away", 110)
    await refused_writing_nothing(book, "finn", gales, "belongs to someone else")
    placed = await slip(book, "finn", ml1, "home", 110)
    assert (await book.run("finn", "confirm", quote=placed)).text.startswith("Bet placed")
    before = await book.snapshot()
    again = await book.run("finn", "confirm", quote=placed)
    assert again.text.startswith("Already placed"), again.text
    assert await book.snapshot() == before
    dropped = await slip(book, "finn", ml0, "home", 110)
    await book.run("finn", "discard", quote=dropped)
    await refused_writing_nothing(book, "finn", dropped, "was discarded")

    # Three slips quoted while each still fits; confirmed, the later two no longer do.
    first, second = await slip(book, "gale", total0, "over", 660), await slip(book, "gale", ml1, "away", 660)
    capped = await slip(book, "hana", total0, "over", 660)
    assert (await book.run("gale", "confirm", quote=first)).text.startswith("Bet placed")
    # The balance refuses, after the claim, the liability, the bet and its ledger entry.
    await refused_writing_nothing(book, "gale", second, "You have 340 credits; that bet needs 660")
    # The liability cap refuses, after the claim: gale's 600 plus hana's 600 would pass 1,000.
    await refused_writing_nothing(book, "hana", capped, "has taken all it can")

    # The league is paused, and a market voided, after the slip was quoted.
    paused = await slip(book, "hana", ml0, "home", 110)
    await book.run("blake", "pause", admin=True)
    await refused_writing_nothing(book, "hana", paused, "paused")
    await book.run("blake", "resume", admin=True)
    voided = await slip(book, "hana", ml0, "away", 110)
    await book.run("blake", "void market", admin=True, market=ml0, reason="test")
    await refused_writing_nothing(book, "hana", voided, "was voided")


async def test_a_market_that_locks_while_the_slip_is_still_valid_refuses_it(any_db):
    book = await season(any_db)
    book.clock.set(kickoff(1) - timedelta(seconds=30))  # the slip holds 60 s, past the lock
    quote = await slip(book, "finn", await market(book, 0), "home", 110)
    book.clock.set(kickoff(1) + timedelta(seconds=1))
    await refused_writing_nothing(book, "finn", quote, "locked at")


async def test_an_owners_bet_on_their_own_matchup_keeps_the_lineup_snapshot(any_db):
    book = await season(any_db)
    await book.run("alex", "balance")
    assert (await book.place("alex", await market(book, 0), "home", 110)).text.startswith("Bet placed")
    async with any_db.read() as session:
        snapshot = await session.scalar(select(Bet.lineup_snapshot))
    assert snapshot is not None
    assert snapshot["projection"] == 35.0
    assert snapshot["starters"] == {
        "101": {"name": "Alex QB 101", "projection": 20.0},
        "102": {"name": "Alex WR 102", "projection": 15.0},
    }
