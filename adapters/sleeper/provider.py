"""A Sleeper league as a `LeagueDataProvider`, and the check `setup sleeper` runs first.

Why it is shaped this way:

- All Sleeper HTTP goes through the shared `SleeperClient` (pooling, retries, cache, the
  process-wide rate limit), and ESPN's public NFL schedule and scoreboards through the shared
  `EspnClient` (`adapters.espn.provider.nfl_games`), so a provider is cheap to build per sync.
- A week is fetched whole before anything is parsed: the league, its rosters, the player
  directory, and for every NFL week of the matchup period its matchups, projections and NFL
  games, all in parallel. Any failure raises one `ProviderError` (Sleeper's or ESPN's); nothing
  partial is ever returned, so nothing is priced or settled from half an answer.
- Parsing (`adapters.sleeper.parse`) is pure and quick (a few ms a week), so it runs on the loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from adapters.espn.client import EspnClient
from adapters.espn.provider import nfl_game_lines, nfl_games, nfl_season_of
from adapters.sleeper.client import SleeperClient
from adapters.sleeper.errors import SleeperError
from adapters.sleeper.parse import SleeperDataError, WeekInputs, league_shape, parse_league, parse_week
from commands.provider import GameLines, LeagueData, WeekData

__all__ = ["SleeperLeagueProvider", "check_league"]

_NOT_STARTED = frozenset({"pre_draft", "drafting"})


class SleeperLeagueProvider:
    """League snapshots of one Sleeper league; `now` is the injected clock (aware datetimes)."""

    def __init__(
        self, client: SleeperClient, espn: EspnClient, league_id: str, now: Callable[[], datetime]
    ) -> None:
        self.client = client
        self.espn = espn
        self.league_id = league_id
        self._now = now
        self._season: int | None = None  # of the last week read: the games board's season

    def __repr__(self) -> str:
        return f"SleeperLeagueProvider(league_id={self.league_id!r})"

    async def fetch_league(self) -> LeagueData:
        """Name, teams with owners and records, the season's length and the current period.

        The league is read and checked first: a league of another sport, or one not drafted
        yet, is refused in its own words rather than as rosters that make no sense.
        """
        league = await self.client.league(self.league_id)
        check_league(self.league_id, league)
        users, rosters, state = await asyncio.gather(
            self.client.users(self.league_id), self.client.rosters(self.league_id), self.client.state()
        )
        try:
            return parse_league(league, users, rosters, state)
        except SleeperDataError as exc:
            raise SleeperError.bad_data(str(exc)) from exc

    async def fetch_week(self, matchup_period: int) -> WeekData:
        """Every game of the matchup period with lineups, scores and the NFL games behind them."""
        league = await self.client.league(self.league_id)
        check_league(self.league_id, league)
        try:
            shape = league_shape(league)
        except SleeperDataError as exc:
            raise SleeperError.bad_data(str(exc)) from exc
        weeks = shape.periods.get(matchup_period)
        self._season = shape.season
        if weeks is None:
            raise SleeperError.bad_data(f"league {self.league_id} has no matchup period {matchup_period}")
        now = self._now()
        if now.tzinfo is None:
            raise ValueError("SleeperLeagueProvider needs a clock that returns aware datetimes")
        rosters, players, games, *per_week = await asyncio.gather(
            self.client.rosters(self.league_id),
            self.client.players(),
            nfl_games(self.espn, shape.season, weeks, now),
            *(self.client.matchups(self.league_id, w) for w in weeks),
            *(self.client.projections(shape.season, w) for w in weeks),
        )
        matchups, projections = per_week[: len(weeks)], per_week[len(weeks) :]
        inputs = {w: WeekInputs(matchups[i], projections[i], games[w]) for i, w in enumerate(weeks)}
        try:
            return parse_week(league, rosters, players, inputs, matchup_period)
        except SleeperDataError as exc:
            raise SleeperError.bad_data(str(exc)) from exc

    async def fetch_game_lines(self, scoring_periods: tuple[int, ...]) -> tuple[GameLines, ...]:
        """The NFL games of the scoring periods with their sportsbooks' odds (the games board),
        from ESPN's public scoreboard as an ESPN league's are: the season the last week read
        was in, else the NFL season of today."""
        season = self._season or nfl_season_of(self._now().date())
        return await nfl_game_lines(self.espn, season, scoring_periods)


def check_league(league_id: str, league: dict[str, object]) -> None:
    """Refuse, in plain words, a league the book cannot run: another sport, or not drafted yet."""
    sport = str(league.get("sport") or "nfl")
    if sport != "nfl":
        raise SleeperError.wrong_sport(league_id, sport)
    status = str(league.get("status") or "")
    if status in _NOT_STARTED:
        raise SleeperError.not_started(league_id, status)
