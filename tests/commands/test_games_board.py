"""The NFL games board through the command layer: a whole week on the demo league.

Lines come from the demo's ESPN-shaped scoreboard odds (adapters/espn/demo/odds.py): each
game opens at one line and moves a day before kickoff, so bets placed early have a close to
be measured against. Kickoffs are the demo week 12's (Thanksgiving Thursday to Monday).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from adapters.espn.demo.provider import DemoLeagueProvider
from commands.format import percent
from commands.provider import GameLines
from engine import american_to_decimal
from engine.devig import DevigMethod, fair_from_american
from storage.models import Bet, GameOdds, LedgerEntry, Market, NflGame, PriceHistory, Selection
from tests.book import Book
from tests.commands.test_wording import Transcript, leaks

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
    assert "`games` lists the week's NFL games" in (await book.run("alex", "markets")).text


async def test_games_are_off_by_default_and_say_how_to_turn_them_on(db):
    book = await Book(db).open()
    reply = await book.run("alex", "games")
    assert "config set nfl_games on" in reply.text
    async with db.read() as session:
        assert (await session.scalars(select(Market).where(Market.game_id.is_not(None)))).first() is None


async def test_a_game_bet_is_placed_locked_at_kickoff_and_settled_from_the_final(any_db):
    db = any_db
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

    # CLV against the close: the moneyline's fair probability when it locked, times the odds taken
    async with db.read() as session:
        home = await session.scalar(
            select(Selection).where(Selection.market_id == ml.id, Selection.side == "home")
        )
        closing = await session.scalar(
            select(PriceHistory.fair_p)
            .where(PriceHistory.selection_id == home.id, PriceHistory.recorded_at <= ml.lock_at)
            .order_by(PriceHistory.recorded_at.desc(), PriceHistory.id.desc())
        )
    assert closing != bets[ml.id].fair_p  # the line moved after the bet
    clv = closing * float(american_to_decimal(bets[ml.id].odds)) - 1.0
    stats = await book.run("alex", "stats")
    (table,) = [t for t in stats.tables if "CLV" in t.columns]
    row = next(r for r in table.rows if r[0] == "Moneyline")
    assert row[table.columns.index("CLV")] == percent(clv)


class Scripted:
    """The demo league, with the NFL scoreboard's games edited by the test (`edit`)."""

    def __init__(self, now) -> None:
        self.inner = DemoLeagueProvider(now)
        self.edit: Callable[[GameLines], GameLines] = lambda game: game

    async def fetch_league(self):
        return await self.inner.fetch_league()

    async def fetch_week(self, period):
        return await self.inner.fetch_week(period)

    async def fetch_game_lines(self, periods):
        return tuple(self.edit(game) for game in await self.inner.fetch_game_lines(periods))


async def scripted_book(db) -> tuple[Book, Scripted]:
    book = Book(db)
    scripted = Scripted(book.clock.now)
    book.services.providers = lambda league: scripted
    await book.open()
    await book.run("admin", "config set", admin=True, setting="nfl_games", value="on")
    book.clock.advance(timedelta(minutes=5))
    await book.due()
    await book.run("alex", "balance")
    return book, scripted


async def test_a_cancelled_game_is_void_and_a_whole_number_line_pushes(any_db):
    db = any_db
    book, scripted = await scripted_book(db)
    det_ml = await game_market(book, "DET", "moneyline")  # DET vs CHI: cancelled below
    bal_spread = await game_market(book, "BAL", "spread")  # BAL +1 to KC: a whole-number line
    bal_total = await game_market(book, "BAL", "total")
    await book.place("alex", det_ml.id, "home", 100)
    await book.place("alex", bal_spread.id, "home", 100)
    await book.place("alex", bal_total.id, "under", 100)
    async with db.read() as session:
        bet_spread = (await session.get(Market, bal_spread.id)).line

    def called_off_and_landed(game: GameLines) -> GameLines:
        if game.home == "DET":
            return replace(
                game, state="post", completed=False, status_name="STATUS_CANCELED", home_score=0, away_score=0
            )
        if game.home == "BAL" and game.completed:
            # the home team wins by the spread (exactly, on a whole-number line), a low-scoring game
            margin = int(bet_spread) if bet_spread == int(bet_spread) else int(bet_spread + 0.5)
            return replace(game, home_score=10 + margin, away_score=10)
        return game

    scripted.edit = called_off_and_landed
    book.clock.set(SETTLE_TIME)
    await book.due()
    async with db.read() as session:
        bets = {b.market_id: b for b in (await session.scalars(select(Bet))).all()}
    assert (bets[det_ml.id].status, bets[det_ml.id].payout) == ("void", 100)
    assert bet_spread == -1.0
    assert (bets[bal_spread.id].status, bets[bal_spread.id].payout) == ("push", 100)
    assert bets[bal_total.id].status == "won"  # 19 points, under any total the demo quotes
    assert sum(b.payout or 0 for b in bets.values()) <= await book.balance("alex")


async def test_a_game_that_loses_its_odds_is_pulled_and_says_so(db):
    book, scripted = await scripted_book(db)
    ml = await game_market(book, "DET", "moneyline")
    await book.place("alex", ml.id, "home", 50)
    scripted.edit = lambda game: replace(game, odds=()) if game.home == "DET" else game
    book.clock.advance(timedelta(hours=1))
    await book.due()
    before = await book.snapshot()
    refused = await book.run("alex", "bet", market=ml.id, pick="home", stake=10)
    assert "off the board" in refused.text and "Bets already on it stand" in refused.text
    assert await book.snapshot() == before
    detail = await book.run("alex", "odds", matchup="det")
    assert "no lines on this game right now" in detail.text
    assert "DET" not in str((await book.run("alex", "games")).tables[0].rows[0][2])


async def test_every_bad_input_on_the_games_board_changes_nothing(db):
    book = await games_book(db)
    other = await Book(db, book.clock, workspace="elsewhere").open()
    await other.run("admin", "config set", admin=True, setting="nfl_games", value="on", workspace="elsewhere")
    other.clock.advance(timedelta(minutes=5))
    await other.due()
    foreign = await game_market(other, "DET", "moneyline")
    ours = await game_market(book, "DET", "spread")
    await book.run("alex", "balance")
    before = await book.snapshot()
    cases = [
        ({"market": foreign.id, "pick": "home", "stake": 10}, f"no market #{foreign.id} in this league"),
        ({"market": ours.id, "pick": "nyj", "stake": 10}, "isn't a side"),
        ({"market": ours.id, "pick": "det", "stake": 0}, "stake"),
        ({"market": ours.id, "pick": "det", "stake": 10**9}, "most"),
    ]
    for args, words in cases:
        reply = await book.run("alex", "bet", **args)
        assert words.lower() in reply.text.lower(), (args, reply.text)
    assert "no team 'zz' plays" in (await book.run("alex", "odds", matchup="zz")).text.lower()
    assert await book.snapshot() == before


async def test_the_devig_setting_reprices_the_games(db):
    book = await games_book(db)
    ml = await game_market(book, "DET", "moneyline")
    refused = await book.run("admin", "config set", admin=True, setting="devig", value="magic")
    assert "`multiplicative`, `shin`, `power`" in refused.text
    await book.run("admin", "config set", admin=True, setting="devig", value="multiplicative")
    book.clock.advance(timedelta(minutes=5))
    await book.due()
    async with db.read() as session:
        home = await session.scalar(
            select(Selection).where(Selection.market_id == ml.id, Selection.side == "home")
        )
        game = await session.scalar(select(NflGame).where(NflGame.home == "DET"))
        seen = await session.scalar(
            select(GameOdds)
            .where(GameOdds.game_id == game.id, GameOdds.phase == "close")
            .order_by(GameOdds.id.desc())
        )
    expected, _ = fair_from_american(seen.home_moneyline, seen.away_moneyline, DevigMethod.MULTIPLICATIVE)
    assert home.fair_p == pytest.approx(expected, abs=1e-12)


async def test_turning_games_off_pulls_them_and_on_brings_them_back(db):
    book = await games_book(db)
    ml = await game_market(book, "DET", "moneyline")
    await book.run("admin", "config set", admin=True, setting="nfl_games", value="off")
    book.clock.advance(timedelta(minutes=5))
    await book.due()
    assert "doesn't offer real NFL games" in (await book.run("alex", "games")).text
    assert "off the board" in (await book.run("alex", "bet", market=ml.id, pick="home", stake=10)).text
    await book.run("admin", "config set", admin=True, setting="nfl_games", value="on")
    book.clock.advance(timedelta(minutes=5))
    await book.due()
    assert "Bet slip #" in (await book.run("alex", "bet", market=ml.id, pick="home", stake=10)).cards[0].title


async def test_the_games_board_reads_like_a_product(db):
    book = await games_book(db)
    ml = await game_market(book, "DET", "moneyline")
    replies = [
        await book.run("alex", "games"),
        await book.run("alex", "odds", matchup="det"),
        await book.run("alex", "odds", matchup="Detroit Lions"),
        await book.run("alex", "bet", market=ml.id, pick="det", stake=25),
        await book.place("alex", ml.id, "det", 25),
        await book.run("alex", "mybets"),
        await book.run("admin", "config set", admin=True, setting="devig", value="power"),
        await book.run("admin", "config set", admin=True, setting="devig", value="nope"),
        await book.run("admin", "config set", admin=True, setting="nfl_games", value="maybe"),
        await book.run("admin", "config show", admin=True),
    ]
    for reply in replies:
        assert leaks(reply) == [], reply.text


async def test_a_commissioner_voids_a_game_and_its_bets_show_in_history_and_the_recap(db):
    book = await games_book(db)
    ml = await game_market(book, "DET", "moneyline")
    total = await game_market(book, "DAL", "total")
    await book.place("alex", ml.id, "det", 100)
    await book.place("alex", total.id, "over", 40)
    voided = await book.run("admin", "void market", admin=True, market=ml.id, reason="feed error")
    assert "1 open bet refunded" in voided.text
    assert await book.balance("alex") == 1000 - 40
    book.clock.set(SETTLE_TIME)
    await book.due()
    history = await book.run("alex", "history")
    shown = " ".join(" ".join(row) for table in history.tables for row in table.rows)
    assert "Detroit Lions" in shown and "void" in shown and "Over" in shown
    recap = [reply for _, reply in await Transcript(book).posts() if "settled" in reply.text]
    assert recap and "2 bets" in recap[0].text


async def test_a_game_moved_out_of_the_week_is_pulled_then_void(db):
    book, scripted = await scripted_book(db)
    ml = await game_market(book, "DET", "moneyline")
    await book.place("alex", ml.id, "home", 100)
    scripted.edit = lambda game: game  # the scoreboard below no longer lists DET's game

    async def without_det(periods):
        return tuple(g for g in await scripted.inner.fetch_game_lines(periods) if g.home != "DET")

    scripted.fetch_game_lines = without_det  # type: ignore[method-assign]
    book.clock.advance(timedelta(hours=1))
    await book.due()
    assert "off the board" in (await book.run("alex", "bet", market=ml.id, pick="home", stake=10)).text
    book.clock.set(SETTLE_TIME)
    await book.due()
    async with db.read() as session:
        bet = await session.scalar(select(Bet).where(Bet.market_id == ml.id))
    assert (bet.status, bet.payout) == ("void", 100)  # never graded from a game not played in the week


async def test_odds_suggests_the_nfl_games_beside_the_matchups_and_opens_each(db):
    from commands.autocomplete import suggest

    book = await games_book(db)
    inv = book.invocation("alex")
    choices = await suggest(book.services, inv, "odds", "matchup", "")
    games = [c for c in choices if "(NFL)" in c.label]
    assert choices[0].value == "1" and games, [c.label for c in choices]
    assert [c.value for c in await suggest(book.services, inv, "odds", "matchup", "det")][-1] == "DET"
    board = await book.run("alex", "odds", matchup=games[0].value)
    (table,) = board.tables  # the game's own markets: moneyline, spread, total
    assert " at " in (table.title or "") and len(table.rows) == 3, board.text
    # Off, the games leave the suggestions.
    await book.run("admin", "config set", admin=True, setting="nfl_games", value="off")
    assert not [c for c in await suggest(book.services, inv, "odds", "matchup", "") if "(NFL)" in c.label]
