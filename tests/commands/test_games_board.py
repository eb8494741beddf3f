"""The NFL games board through the command layer: a whole week on the demo league.

Lines come from the demo's ESPN-shaped scoreboard odds (adapters/espn/demo/odds.py): each
game opens at one line and moves a day before kickoff, so bets placed early have a close to
be measured against. Kickoffs are the demo week 12's (Thanksgiving Thursday to Monday).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage.models import Bet, GameOdds, LedgerEntry, Market, NflGame, PriceHistory, Selection
from tests.book import Book

THURSDAY_EARLY = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)  # DET vs CHI kicks off
SETTLE_TIME = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)  # Tue 09:00 Eastern


async def games_book(db) -> Book:
    book = await Book(db).open()
    reply = await book.run("admin", "config set", admin=True, setting="nfl_games", value="on")
    assert "nfl_games" in reply.text
    book.clock.advance(timedelta(minutes=5))
    await book.due()
    return book


async def game_market(book: Book, home: str, kind: str) -> Market:
    async with book.db.read() as session:
        market = await session.scalar(
            select(Market)
            .join(NflGame, NflGame.id == Market.game_id)
            .where(Market.league_id == book.league_id, NflGame.home == home, Market.kind == kind)
        )
    assert market is not None, f"no {kind} market on {home}'s game"
    return market


async def test_games_lists_the_week_with_prices_and_fair_chances(db):
    book = await games_book(db)
    reply = await book.run("alex", "games")
    (table,) = reply.tables
    assert len(table.rows) == 15
    first = table.rows[0]
    assert first[0] == "CHI @ DET"
    assert "DET -260 (" in first[2] and "CHI +205" in first[2]
    assert "DET -7 -110 (50.0%)" in first[3]
    assert "Over 52 -110 (50.0%)" in first[4]
    assert "fair chances" in reply.text


async def test_games_are_off_by_default_and_say_how_to_turn_them_on(db):
    book = await Book(db).open()
    reply = await book.run("alex", "games")
    assert "config set nfl_games on" in reply.text
    async with db.read() as session:
        assert (await session.scalars(select(Market).where(Market.game_id.is_not(None)))).first() is None


async def test_a_game_bet_is_placed_locked_at_kickoff_and_settled_from_the_final(db):
    book = await games_book(db)
    ml = await game_market(book, "DET", "moneyline")
    spread = await game_market(book, "DET", "spread")
    total = await game_market(book, "DET", "total")
    await book.run("alex", "balance")  # joins the league, with the week's allowance
    start = await book.balance("alex")
    assert "Bet placed" in (await book.place("alex", ml.id, "det", 100)).text
    await book.place("alex", spread.id, "away", 100)
    await book.place("alex", total.id, "over", 50)
    assert await book.balance("alex") == start - 250

    # the line moves a day before kickoff; each sync reprices what is still open
    book.clock.set(THURSDAY_EARLY - timedelta(hours=2))
    await book.due()
    async with db.read() as session:
        moves = (
            await session.scalars(
                select(PriceHistory)
                .join(Selection, Selection.id == PriceHistory.selection_id)
                .where(Selection.market_id == spread.id, Selection.side == "home")
            )
        ).all()
        assert len({m.line for m in moves}) == 2  # opened at -7, closed at another number
        odds_seen = (await session.scalars(select(GameOdds).join(NflGame).where(NflGame.home == "DET"))).all()
        assert {o.phase for o in odds_seen} == {"open", "current", "close"}  # current: the summary
        assert all(o.provider_name == "ESPN BET" for o in odds_seen)

    # at kickoff the game locks, whether or not a sync ran
    book.clock.set(THURSDAY_EARLY)
    before = await book.snapshot()
    refused = await book.run("alex", "bet", market=ml.id, pick="home", stake=10)
    assert "locked" in refused.text
    assert await book.snapshot() == before

    book.clock.set(SETTLE_TIME)
    await book.due()
    async with db.read() as session:
        game = await session.scalar(select(NflGame).where(NflGame.home == "DET"))
        bets = {
            b.market_id: b
            for b in (
                await session.scalars(select(Bet).where(Bet.market_id.in_([ml.id, spread.id, total.id])))
            ).all()
        }
        payouts = (
            await session.scalars(select(LedgerEntry).where(LedgerEntry.kind.in_(("payout", "refund"))))
        ).all()
    assert game is not None and game.completed
    margin, points = game.home_score - game.away_score, game.home_score + game.away_score
    assert bets[ml.id].status == ("won" if margin > 0 else "lost" if margin < 0 else "push")
    assert bets[total.id].status == ("won" if points > 52 else "lost" if points < 52 else "push")
    assert all(b.status != "open" for b in bets.values())
    paid = sum(e.amount for e in payouts if e.bet_id in {b.id for b in bets.values()})
    assert paid == sum(b.payout or 0 for b in bets.values())

    stats = await book.run("alex", "stats")
    assert "CLV" in stats.text or any("CLV" in str(t) for t in stats.tables)
