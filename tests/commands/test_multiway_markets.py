"""Multi-way markets, alternate lines and popular picks through the command layer (demo league).

The week's high score and each matchup's MVP are offered once a commissioner turns them on,
bet on by a team's or a player's name, locked with the matchups, and settled exactly once from
the final scores with the dead-heat rule; stat corrections re-grade them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from commands.replies import Tone
from commands.services.lifecycle import settle_due
from commands.services.settlement import regrade_week
from storage.models import Bet, Market, Matchup, Selection, Team, Week
from tests.book import Book

SETTINGS = ("high_score", "mvp", "alternate_lines", "popular_picks")


async def multiway_book(db, *settings: str) -> Book:
    book = await Book(db).open()
    for setting in settings:
        reply = await book.run("admin", "config set", admin=True, setting=setting, value="on")
        assert setting in reply.text, reply.text
    book.clock.advance(timedelta(minutes=5))
    await book.due()
    return book


async def markets_of(book: Book, kind: str) -> list[Market]:
    async with book.db.read() as session:
        return list(
            (
                await session.scalars(
                    select(Market)
                    .where(Market.league_id == book.league_id, Market.kind == kind)
                    .order_by(Market.id)
                )
            ).all()
        )


async def sides_of(book: Book, market: Market) -> list[Selection]:
    async with book.db.read() as session:
        return list((await session.scalars(select(Selection).where(Selection.market_id == market.id))).all())


async def test_new_markets_are_off_by_default(db):
    book = await Book(db).open()
    for kind in ("high_score", "mvp", "alt_spread", "alt_total"):
        assert await markets_of(book, kind) == []
    board = await book.run("alex", "markets")
    assert len(board.tables) == 1


async def test_the_boards_show_the_high_score_mvp_alternates_and_popular_picks(db):
    book = await multiway_book(db, *SETTINGS)
    (high,) = await markets_of(book, "high_score")
    assert high.matchup_id is None and high.game_id is None
    async with db.read() as session:
        teams = (await session.scalars(select(Team).where(Team.league_id == book.league_id))).all()
        first_lock = min((await session.scalars(select(Matchup.lock_at))).all())
    sides = await sides_of(book, high)
    assert {s.side for s in sides} == {str(t.id) for t in teams}
    assert sum(s.fair_p for s in sides) == pytest.approx(1.0, abs=1e-9)
    assert high.lock_at == first_lock
    mvps = await markets_of(book, "mvp")
    assert len(mvps) == len(await markets_of(book, "moneyline"))
    assert len(await markets_of(book, "alt_spread")) >= 4

    favourite = max(sides, key=lambda s: s.fair_p)
    abbrev = favourite.label.split("(")[1].rstrip(")")
    placed = await book.place("alex", high.number, abbrev, 50)
    assert placed.tone is Tone.SUCCESS, placed.text
    board = await book.run("alex", "markets")
    titles = [t.title for t in board.tables]
    assert any("high score" in title for title in titles)
    popular = next(t for t in board.tables if t.title.startswith("Popular picks"))
    assert popular.rows[0][1:] == (favourite.label, "100%", "100%")

    odds = await book.run("alex", "odds", matchup="1")
    assert any("MVP" in t.title for t in odds.tables)
    assert any("(alternate" in row[1] for t in odds.tables for row in t.rows)


async def test_a_bad_pick_is_refused_and_changes_nothing(any_db):
    """On PostgreSQL too: the week-level market passes its CHECK and partial unique index."""
    book = await multiway_book(any_db, "high_score", "mvp")
    (high,) = await markets_of(book, "high_score")
    await book.run("alex", "balance")
    before = await book.snapshot()
    reply = await book.run("alex", "bet", market=high.number, pick="nobody", stake=10)
    assert "isn't a side" in reply.text and "Pick one of" in reply.text
    assert await book.snapshot() == before


async def test_multiway_and_alternate_bets_settle_once_with_a_dead_heat_and_regrade(db):
    book = await multiway_book(db, "high_score", "mvp", "alternate_lines")
    (high,) = await markets_of(book, "high_score")
    mvp = (await markets_of(book, "mvp"))[0]
    alt = (await markets_of(book, "alt_spread"))[0]
    high_sides = sorted(await sides_of(book, high), key=lambda s: -s.fair_p)
    mvp_sides = sorted(await sides_of(book, mvp), key=lambda s: -s.fair_p)
    bets = [
        ("alex", high.number, high_sides[0].side, 100),
        ("blake", high.number, high_sides[1].side, 100),
        ("casey", mvp.number, mvp_sides[0].side, 40),
        ("casey", alt.number, "home", 30),
    ]
    for user, number, pick, stake in bets:
        reply = await book.place(user, number, pick, stake)
        assert reply.tone is Tone.SUCCESS, reply.text

    # Force a dead heat at the top: both backed teams finish on the week's best score.
    book.clock.advance(timedelta(days=8))
    await book.due()  # syncs the final scores and settles
    async with db.read() as session:
        week = await session.scalar(select(Week).where(Week.league_id == book.league_id))
        assert week is not None and week.status == "settled"
        matchups = (await session.scalars(select(Matchup).where(Matchup.week_id == week.id))).all()
        placed = (await session.scalars(select(Bet).order_by(Bet.id))).all()
    assert all(b.status != "open" for b in placed)
    assert await book.money_faults() == []
    before = await book.snapshot()
    assert await settle_due(db, await book.league(), book.clock.now(), force=True) == []
    assert await book.snapshot() == before  # exactly once

    top = max(max(m.home_score or 0, m.away_score or 0) for m in matchups) + 10
    backed = {int(high_sides[0].side), int(high_sides[1].side)}
    async with db.write() as session:
        for m in matchups:
            if m.home_team_id in backed:
                await session.execute(update(Matchup).where(Matchup.id == m.id).values(home_score=top))
            if m.away_team_id in backed:
                await session.execute(update(Matchup).where(Matchup.id == m.id).values(away_score=top))
        week = await session.get(Week, week.id)
        assert week is not None
        changed = await regrade_week(session, week, book.clock.now())
    assert {c.bet_id for c in changed} >= {placed[0].id, placed[1].id} - {
        b.id for b in placed[:2] if b.status == "won"
    }
    async with db.read() as session:
        alex, blake = (
            await session.scalars(select(Bet).where(Bet.market_id == high.id).order_by(Bet.id))
        ).all()
    for bet in (alex, blake):
        assert bet.status == "won"
        decimal = (1 + bet.odds / 100) if bet.odds > 0 else (1 + 100 / -bet.odds)
        assert bet.payout == int(bet.stake * decimal / 2) or abs(bet.payout - bet.stake * decimal / 2) < 1
    assert await book.money_faults() == []

    # History, stats, the leaderboard and the export all cover the new kinds.
    for user, command in (
        ("alex", "mybets"),
        ("alex", "history"),
        ("casey", "stats"),
        ("alex", "leaderboard"),
    ):
        reply = await book.run(user, command)
        assert reply.tone is not Tone.ERROR and "went wrong" not in reply.text, (command, reply.text)
    history = await book.run("alex", "history")
    assert any("high score" in cell for t in history.tables for row in t.rows for cell in row)
    stats = await book.run("casey", "stats")
    assert "went wrong" not in stats.text
    export = await book.run("admin", "export", admin=True)
    assert export.files and b"high score" in b"".join(f.data for f in export.files)


async def test_alternate_lines_go_in_parlays_and_multiway_markets_are_refused_with_a_reason(db):
    """An alternate line is a leg like its main line; a market with a side per team is not one.

    An alternate spread is about the matchup's margin, as the main spread is: alone with
    another matchup's leg it is priced (the legs are independent), beside its own
    matchup's spread it is refused as the same quantity. The week's high score and a
    matchup's MVP are refused when added, in words, and the slip is left as it was.
    """
    book = await multiway_book(db, "high_score", "mvp", "alternate_lines")
    alt = (await markets_of(book, "alt_spread"))[0]
    other = next(m for m in await markets_of(book, "moneyline") if m.matchup_id != alt.matchup_id)
    same = next(m for m in await markets_of(book, "spread") if m.matchup_id == alt.matchup_id)
    for market, pick in ((alt, "home"), (other, "home")):
        added = await book.run("zoe", "parlay add", market=market.number, pick=pick)
        assert added.text.startswith("Added"), added.text
    shown = await book.run("zoe", "parlay show")
    assert shown.tone is not Tone.ERROR and "can't" not in shown.text, shown.text

    (high,) = await markets_of(book, "high_score")
    mvp = (await markets_of(book, "mvp"))[0]
    before = await book.snapshot()
    for market in (high, mvp):
        side = (await sides_of(book, market))[0].side
        refused = await book.run("zoe", "parlay add", market=market.number, pick=side)
        assert refused.tone is Tone.ERROR and "can't go in a parlay" in refused.text, refused.text
    assert await book.snapshot() == before

    added = await book.run("zoe", "parlay add", market=same.number, pick="away")
    shown = await book.run("zoe", "parlay show")
    assert "both about the margin" in added.text + shown.text, (added.text, shown.text)
