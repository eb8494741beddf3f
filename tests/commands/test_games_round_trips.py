"""The games board costs a sync the same few statements however many NFL games it has.

Counted by SQLite's own trace callback, as tests/commands/test_sync_round_trips.py counts
the fantasy book: storing the games, their sportsbooks' prices and their markets is
set-based, so a slate of 3 games and one of 14 cost the same number of statements.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from adapters.espn.demo.season import NflSeason, SeasonSim
from adapters.espn.demo.season_provider import DemoSeasonProvider
from commands.services.weeks import sync_league
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import League, Market, NflGame
from tests.commands.test_sync_round_trips import SEASON, _league, _times
from tests.statement_trace import trace_statements


class FewGames(DemoSeasonProvider):
    """The demo season with only the first `keep` NFL games of each week on the scoreboard."""

    def __init__(self, now: Any, sim: SeasonSim, keep: int) -> None:
        super().__init__(now, sim)
        self.keep = keep

    async def fetch_game_lines(self, scoring_periods):
        return (await super().fetch_game_lines(scoring_periods))[: self.keep]


async def _sync_counts(tmp_path: Path, keep: int) -> tuple[int, int, int]:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / f'games-{keep}.db'}")
    statements = trace_statements(db)

    await upgrade_to_head(db)
    try:
        cold, _, _ = _times()
        sim = SeasonSim(7, SEASON, teams=10, seed=3, nfl=NflSeason.for_season(SEASON))
        league = await _league(db, cold)
        async with db.write() as session:
            stored = await session.get_one(League, league.id)
            stored.settings = {"nfl_games": True}
        counts = []
        for _ in range(2):  # opening the book, then the same lines again
            async with db.read() as session:
                league = await session.get_one(League, league.id)
            statements.clear()
            await sync_league(db, league, FewGames(lambda: cold, sim, keep), cold)
            counts.append(len(statements))
        async with db.read() as session:
            games = await session.scalar(select(func.count()).select_from(NflGame))
            markets = await session.scalar(
                select(func.count()).select_from(Market).where(Market.game_id.is_not(None))
            )
        assert games and markets >= 2 * games
        return counts[0], counts[1], games
    finally:
        await db.dispose()


async def test_the_games_board_is_stored_in_the_same_statements_however_many_games(tmp_path: Path) -> None:
    few_open, few_again, few = await _sync_counts(tmp_path, 3)
    all_open, all_again, games = await _sync_counts(tmp_path, 99)
    assert few == 3 and games > 10, f"the demo week should have a full slate, not {games} games"
    assert all_open == few_open and all_again == few_again
