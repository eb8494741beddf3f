"""Confirming a slip does the same on every back end: what a bet writes, and that a refusal writes nothing.

SQLite places bets through its group-committing writer, statement by statement; PostgreSQL
through PG_PLACE, one statement that aborts itself when a step after the slip's claim
refuses (storage/placement.py). Both are built from the same rules (storage/bet_rules.py),
and one table of cases below, every rule and the words a member reads for it, runs on both
(PostgreSQL when SIDEBET_TEST_DATABASE_URL is set).

Economy season: every side is -110, so a stake of 110 wins 100, and 660 wins 600.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from commands.context import Context
from commands.errors import CommandError
from commands.league_settings import LeagueSettings
from commands.replies import Tone
from commands.services.betting import confirm_quote
from storage.bet_rules import Refusal
from storage.models import Bet, LedgerEntry, Member, Quote, Selection
from storage.placement import PlaceRefused, PlaceRequest
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
    return await book.slip_number(await book.run(user, "bet", market=market_id, pick=pick, stake=stake))


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


@dataclass(frozen=True, slots=True)
class Case:
    """One way a confirmation is refused: how to get there, the rule, what the member reads."""

    refusal: Refusal
    arrange: Callable[[Book], Awaitable[tuple[str, int]]]  # -> (who confirms, which slip)
    reply: str  # in the member's reply to `confirm`
    error: bool = True  # False: the reply is not an error (a repeat, or a fresh slip)
    undo: Callable[[Book], Awaitable[object]] | None = None


async def _no_slip(book: Book) -> tuple[str, int]:
    return "finn", 999_999


async def _rewind(book: Book) -> None:
    book.clock.set(lines_up(1))


async def _resume(book: Book) -> None:
    await book.run("blake", "resume", admin=True)


async def _someone_elses(book: Book) -> tuple[str, int]:
    return "finn", await slip(book, "gale", await market(book, 0), "away", 110)


async def _placed(book: Book) -> tuple[str, int]:
    quote = await slip(book, "finn", await market(book, 1), "home", 110)
    assert (await book.run("finn", "confirm", quote=quote)).text.startswith("Bet placed")
    return "finn", quote


async def _discarded(book: Book) -> tuple[str, int]:
    quote = await slip(book, "finn", await market(book, 0), "home", 110)
    await book.run("finn", "discard", quote=quote)
    return "finn", quote


async def _expired(book: Book) -> tuple[str, int]:
    quote = await slip(book, "finn", await market(book, 0), "home", 110)
    book.clock.advance(timedelta(seconds=61))
    return "finn", quote


async def _paused(book: Book) -> tuple[str, int]:
    quote = await slip(book, "hana", await market(book, 0), "home", 110)
    await book.run("blake", "pause", admin=True)
    return "hana", quote


async def _locked(book: Book) -> tuple[str, int]:
    book.clock.set(kickoff(1) - timedelta(seconds=30))  # the slip holds 60 s, past the lock
    quote = await slip(book, "finn", await market(book, 0, "spread"), "home", 110)
    book.clock.set(kickoff(1) + timedelta(seconds=1))
    return "finn", quote


async def _no_price(book: Book) -> tuple[str, int]:
    ml = await market(book, 1)
    quote = await slip(book, "hana", ml, "away", 110)
    async with book.db.write() as session:
        await session.execute(
            update(Selection).where(Selection.market_id == ml, Selection.side == "away").values(odds=None)
        )
    return "hana", quote


async def _priced_again(book: Book) -> None:
    async with book.db.write() as session:
        await session.execute(update(Selection).where(Selection.odds.is_(None)).values(odds=-110))


async def _capped(book: Book) -> tuple[str, int]:
    """Quoted while it still fits; then gale's 600 to win leaves the side no room for 600 more."""
    total = await market(book, 0, "total")
    capped = await slip(book, "hana", total, "over", 660)
    assert (await book.place("gale", total, "over", 660)).text.startswith("Bet placed")
    return "hana", capped


async def _broke(book: Book) -> tuple[str, int]:
    quote = await slip(book, "finn", await market(book, 1, "total"), "under", 660)
    taken = await book.run(
        "blake", "adjust", admin=True, member="finn", amount=str(300 - await book.balance("finn")), reason="x"
    )
    assert taken.tone is Tone.SUCCESS, taken.text
    return "finn", quote


async def _voided(book: Book) -> tuple[str, int]:
    spread = await market(book, 1, "spread")
    quote = await slip(book, "hana", spread, "home", 110)
    await book.run("blake", "void market", admin=True, market=spread, reason="test")
    return "hana", quote


async def _linked_meanwhile(book: Book) -> tuple[str, int]:
    """finn (no team) takes a slip; a commissioner then links finn to matchup 1's home team.

    The back end is asked with the team the slip's rule was applied for (none) and refuses;
    the command layer reads finn's team as it is now and places the bet for its owner.
    """
    quote = await slip(book, "finn", await market(book, 1), "home", 110)
    linked = await book.run("blake", "link", admin=True, member="finn", team="T3")
    assert linked.tone is Tone.SUCCESS, linked.text
    return "finn", quote


async def _unlinked(book: Book) -> None:
    await book.run("blake", "link", admin=True, member="casey", team="T3")


# Every rule of storage.bet_rules, with the words the member reads. Run in this order in one
# season per back end (each case's slips and markets are its own; `undo` puts back the rest).
CASES: dict[str, Case] = {
    "no such slip": Case("no_slip", _no_slip, "There's no bet slip #999999"),
    "someone else's": Case("not_yours", _someone_elses, "belongs to someone else"),
    "placed before": Case("not_pending", _placed, "Already placed", error=False),
    "discarded": Case("not_pending", _discarded, "was discarded"),
    "expired": Case("expired", _expired, "expired before you confirmed", error=False, undo=_rewind),
    "paused": Case("paused", _paused, "paused", undo=_resume),
    "locked": Case("market_closed", _locked, "locked at", undo=_rewind),
    "not offered": Case("not_offered", _no_price, "is no longer offered", undo=_priced_again),
    "liability cap": Case("liability", _capped, "has taken all it can"),
    "balance": Case("balance", _broke, "You have 300 credits; that bet needs 660"),
    "voided": Case("market_closed", _voided, "was voided"),
    "linked meanwhile": Case("team_changed", _linked_meanwhile, "Bet placed", error=False, undo=_unlinked),
}


async def test_both_back_ends_refuse_the_same_cases_and_write_nothing(any_db):
    """SQLite's group writer and PostgreSQL's one statement refuse each case of one table.

    For each case the back end itself (Database.placer) is asked first: it must name the
    rule and leave every table as it was, including the refusals that come after the slip's
    claim, where the claim and any later step must be undone, not just stopped. Then the
    member confirms through the command layer and reads the words for that rule.
    """
    book = await season(any_db, liability_multiple=1)  # a side may lose at most 1,000
    league = await book.league()
    settings = LeagueSettings.model_validate(league.settings or {})
    for name, case in CASES.items():
        user, quote = await case.arrange(book)
        async with any_db.read() as session:
            member_id = await session.scalar(
                select(Member.id).where(Member.league_id == book.league_id, Member.user_id == user)
            )
        before = await book.snapshot()
        request = PlaceRequest(book.league_id, member_id, quote, book.clock.now(), settings.max_liability)
        with pytest.raises(PlaceRefused) as refused:
            await any_db.placer.place(request)
        assert refused.value.reason == case.refusal, name
        assert await book.snapshot() == before, name
        reply = await book.run(user, "confirm", quote=quote)
        assert case.reply in reply.text, (name, reply.text)
        assert (reply.tone is Tone.ERROR) is case.error, (name, reply.text)
        if case.error:
            assert await book.snapshot() == before, name
        if case.undo is not None:
            await case.undo(book)


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


async def test_a_link_landing_between_the_own_matchup_check_and_the_bet_is_caught(any_db):
    """The confirmation decided for the team finn owned when it read him (none); a commissioner
    links him to the team his pick is against before the bet is written. The placement
    refuses the claim, the rule is applied again for the team he owns now, and it refuses."""
    book = await season(any_db)
    quote = await slip(book, "finn", await market(book, 0), "away", 110)  # against T1
    async with any_db.read() as session:
        finn = await session.scalar(select(Member).where(Member.user_id == "finn"))
    league = await book.league()
    assert finn is not None and finn.team_id is None
    assert (await book.run("blake", "link", admin=True, member="finn", team="T1")).tone is Tone.SUCCESS
    before = await book.snapshot()
    stale = Context(
        book.services,
        book.invocation("finn"),
        league,
        LeagueSettings.model_validate(league.settings or {}),
        finn,  # as read before the link
        book.clock.now(),
    )
    with pytest.raises(CommandError) as refused:
        await confirm_quote(stale, quote)
    assert "against their own team" in refused.value.message
    assert await book.snapshot() == before
