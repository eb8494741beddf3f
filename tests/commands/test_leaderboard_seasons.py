"""A season's leaderboard counts that season's bets only, never last season's."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from commands.replies import Tone
from commands.services.standings import standings
from storage.models import Week
from tests.book import Book


async def test_the_season_leaderboard_forgets_last_season(db):
    book = await Book(db).open()
    ml = await book.market_number("moneyline", 0)
    assert (await book.place("alex", ml, "home", 100)).tone is Tone.SUCCESS
    assert (await book.place("blake", ml, "away", 100)).tone is Tone.SUCCESS
    book.clock.advance(timedelta(days=8))
    assert (await book.due()).settled
    league = await book.league()

    async with db.read() as session:
        this_season = {s.name: s.net for s in await standings(session, league.id, season=league.season)}
    assert this_season["alex"] != 0 and this_season["blake"] != 0

    # The same week, filed under last season: the league has moved on to a new one.
    async with db.write() as session:
        await session.execute(
            update(Week).where(Week.league_id == league.id).values(season=league.season - 1)
        )
    async with db.read() as session:
        history = {s.name: s.net for s in await standings(session, league.id)}
        fresh = {s.name: s.net for s in await standings(session, league.id, season=league.season)}
    assert history == this_season
    assert set(fresh.values()) == {0}
    table = (await book.run("alex", "leaderboard")).tables[0]
    score = table.columns.index("Season score")
    assert "season leaderboard" in table.title
    assert {row[score] for row in table.rows} == {"+0"}, table.rows
