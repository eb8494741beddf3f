"""A Yahoo league as a `LeagueDataProvider`, and the look-up `setup yahoo` runs first.

Why it is shaped this way:

- All Yahoo HTTP goes through the shared `YahooClient` (pooling, retries, the process-wide
  throttle gate) with this league's `YahooGrant`, and ESPN's public NFL schedule and
  scoreboards through the shared `EspnClient` (`adapters.espn.provider.nfl_games`), as for a
  Sleeper league: Yahoo's own game times are not in its fantasy API.
- A week is fetched whole before anything is parsed: the settings, the week's scoreboard,
  then every playing team's roster with its players' points, and the NFL games. Any failure
  raises one `ProviderError`; nothing partial is returned, so nothing is priced or settled from
  half an answer (and nothing at all while the grant is revoked).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from adapters.espn.client import EspnClient
from adapters.espn.provider import nfl_game_lines, nfl_games, nfl_season_of
from adapters.yahoo.client import YahooClient, YahooGrant
from adapters.yahoo.errors import YahooError
from adapters.yahoo.parse import (
    RosterWeek,
    YahooDataError,
    game_key,
    league_shape,
    parse_league,
    parse_week,
    scoreboard_teams,
)
from commands.provider import GameLines, LeagueData, WeekData

__all__ = ["YahooLeagueProvider", "league_key_for"]


async def league_key_for(client: YahooClient, grant: YahooGrant, league_id: str) -> str:
    """Yahoo's key of this season's NFL league `league_id` ("449.l.12345")."""
    try:
        key, _season = game_key(await client.game(grant))
    except YahooDataError as exc:
        raise YahooError.bad_data(str(exc)) from exc
    return f"{key}.l.{league_id}"


class YahooLeagueProvider:
    """League snapshots of one Yahoo league; `now` is the injected clock (aware datetimes)."""

    def __init__(
        self,
        client: YahooClient,
        espn: EspnClient,
        league_key: str,
        grant: YahooGrant,
        now: Callable[[], datetime],
    ) -> None:
        self.client = client
        self.espn = espn
        self.league_key = league_key
        self.grant = grant
        self._now = now
        self._season: int | None = None  # of the last week read: the games board's season

    def __repr__(self) -> str:  # the grant's tokens stay out
        return f"YahooLeagueProvider(league_key={self.league_key!r})"

    async def fetch_league(self) -> LeagueData:
        """Name, teams with managers and records, the season's length and the current period."""
        settings, standings = await asyncio.gather(
            self.client.settings(self.league_key, self.grant),
            self.client.standings(self.league_key, self.grant),
        )
        try:
            return parse_league(league_shape(settings), standings)
        except YahooDataError as exc:
            raise YahooError.bad_data(str(exc)) from exc

    async def fetch_week(self, matchup_period: int) -> WeekData:
        """Every game of the matchup period with lineups, scores and the NFL games behind them."""
        now = self._now()
        if now.tzinfo is None:
            raise ValueError("YahooLeagueProvider needs a clock that returns aware datetimes")
        try:
            shape = league_shape(await self.client.settings(self.league_key, self.grant))
            if not 1 <= matchup_period <= shape.final_period:
                raise YahooDataError(f"league {self.league_key} has no matchup period {matchup_period}")
            week = shape.week_of(matchup_period)
            self._season = shape.season
            scoreboard, games = await asyncio.gather(
                self.client.scoreboard(self.league_key, week, self.grant),
                nfl_games(self.espn, shape.season, (week,), now),
            )
            teams = [side for home, away, _ in scoreboard_teams(scoreboard) for side in (home, away) if side]
            answers = await asyncio.gather(*(self.client.roster(t.team_key, week, self.grant) for t in teams))
            rosters = {t.team_id: RosterWeek(answer) for t, answer in zip(teams, answers, strict=True)}
            return parse_week(shape, matchup_period, scoreboard, rosters, games[week])
        except YahooDataError as exc:
            raise YahooError.bad_data(str(exc)) from exc

    async def fetch_game_lines(self, scoring_periods: tuple[int, ...]) -> tuple[GameLines, ...]:
        """The NFL games of the scoring periods with their sportsbooks' odds (the games board),
        from ESPN's public scoreboard as an ESPN league's are: the season the last week read
        was in, else the NFL season of today."""
        season = self._season or nfl_season_of(self._now().date())
        return await nfl_game_lines(self.espn, season, scoring_periods)
