"""`markets` and `odds` read only what they show, and show exactly what the whole board would.

`markets` (and the lines-up post, the same board) shows each matchup's main lines and the
week's own markets, `odds` one matchup;
reading the whole week for either was most of their cost. Each reply here is compared with
the one rendered from the whole week's board, with every multi-way setting off and on.
"""

from __future__ import annotations

import pytest

from commands.league_settings import LeagueSettings
from commands.services.board import MATCHUP_KINDS, current_board, matchup_board, week_markets
from commands.views import markets_board, odds_detail
from tests.book import Book
from tests.commands.test_multiway_markets import multiway_book


@pytest.mark.parametrize(
    "settings", [(), ("high_score", "mvp", "alternate_lines")], ids=["plain", "multiway"]
)
async def test_the_narrow_reads_render_what_the_whole_board_renders(db, settings):
    book: Book = await multiway_book(db, *settings)
    league = await book.league()
    config = LeagueSettings.model_validate(league.settings or {})
    now = book.clock.now()

    narrow = await current_board(db, book.league_id, now)  # no popular picks: the main lines
    assert narrow is not None
    async with db.read() as session:
        whole = await week_markets(session, narrow.week, now)
    shown_kinds = {kind for by_kind in narrow.lines.markets.values() for kind, _ in by_kind}
    assert shown_kinds == set(MATCHUP_KINDS)
    assert not narrow.lines.owners
    assert markets_board(league, config, narrow.week, narrow.lines, now) == markets_board(
        league, config, narrow.week, whole, now
    )

    for number in range(1, len(whole.matchups) + 1):
        one = await matchup_board(db, book.league_id, number, now)
        assert one is not None
        assert set(one.lines.markets) == {one.matchup.id}
        assert odds_detail(config, one.matchup, one.lines, now) == odds_detail(
            config, one.matchup, whole, now
        )


async def test_with_popular_picks_the_markets_board_still_counts_a_props_bets(db):
    book = await multiway_book(db, "popular_picks")
    prop = await book.market_number("prop")
    placed = await book.place("alex", prop, "over", 25)
    assert placed.tone.name == "SUCCESS", placed.text
    board = await book.run("blake", "markets")
    popular = next(t for t in board.tables if t.title and t.title.startswith("Popular picks"))
    assert any(row[0] == f"#{prop}" for row in popular.rows), popular.rows
