"""One score everywhere: `balance`, the week's leaderboard, the recap's season table and its chart.

A rebuy is a penalty on the score (commands.services.standings). The recap's chart once
plotted the betting profit without it, in its own order, beside a table that ranked by the
score; and `balance` said "This week: +467" where the week's leaderboard said -33. Here a
member goes broke, rebuys and wins some back, and every place must show the same numbers
in the same order, and say what the score counts.
"""

from __future__ import annotations

import io

from matplotlib.image import imread
from sqlalchemy import select

from commands.recap import chart_lines
from commands.serialize import reply_from_dict
from commands.services.week_recap import recap_facts
from commands.views import SCORE_MEANING
from storage.models import OutboxMessage, Week
from tests.commands.economy_season import lines_up, market, open_season, settle_time

# week 1: matchup 0 (T1 vs T2) goes to the away side, matchup 1 (T3 vs T4) to the home side
SCORES = {1: ((80.0, 120.0), (130.0, 90.0))}


def _score_cell(reply_table, name: str) -> str:
    column = reply_table.columns.index(next(c for c in reply_table.columns if c.endswith("score")))
    return next(row[column] for row in reply_table.rows if row[1] == name)


async def test_balance_leaderboard_recap_table_and_chart_show_one_score(db):
    book, season = await open_season(db, rebuy=True, rebuy_amount=500)
    season.scores = SCORES
    for member in ("erin", "finn", "gus"):
        await book.run(member, "balance")
    book.clock.set(lines_up(1))
    await book.due()
    await book.place("erin", await market(book, 0), "home", "all")  # loses 1,000
    assert "500 credits added" in (await book.run("erin", "rebuy")).text
    await book.place("erin", await market(book, 1), "home", 110)  # wins 100
    await book.place("finn", await market(book, 0), "away", 110)  # wins 100
    await book.place("gus", await market(book, 1), "away", 220)  # loses 220

    book.clock.set(settle_time(1))
    await book.due()
    # balance and the week's leaderboard: the same number, and the balance says why it
    # differs from the bets' result
    balance = (await book.run("erin", "balance")).text
    week_board = (await book.run("erin", "leaderboard", period="week")).tables[0]
    assert _score_cell(week_board, "erin") == "-1,400"
    assert "This week's score: -1,400 (-900 from bets, less your 500 credits rebuy" in balance

    async with db.read() as session:
        post = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "settled"))
        week = await session.scalar(select(Week).where(Week.matchup_period == 1))
        facts = await recap_facts(session, await book.league(), week)
    recap = reply_from_dict(post.payload)
    assert SCORE_MEANING in recap.text
    season_table = next(t for t in recap.tables if "season leaderboard" in t.title)
    lines = chart_lines(facts.season_rows, facts.scores[1])
    # the chart's legend is the table's order, and each line ends on the table's score
    assert list(lines) == [row[1] for row in season_table.rows]
    assert [f"{values[-1]:+,}" for values in lines.values()] == [
        _score_cell(season_table, name) for name in lines
    ]
    assert lines["erin"] == [-1400] and lines["finn"] == [100] and lines["gus"] == [-220]
    # ranked by score: the rebuy penalty puts erin last
    assert list(lines)[-1] == "erin"
    [image] = recap.images
    assert imread(io.BytesIO(image.data), format="png").shape[1] == 800
    assert "less rebuys" in image.alt
