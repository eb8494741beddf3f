"""A real ESPN league as a `LeagueDataProvider`, plus `detect_season` for the setup command.

Why it is shaped this way:

- All HTTP goes through the shared `EspnClient` (pooling, retries, cache, concurrency bound), so a
  provider is cheap: the scheduler may build one per league per sync.
- All parsing goes through `adapters.espn.parse`, i.e. through espn_api's own classes, and runs in
  a worker thread (`asyncio.to_thread`): espn_api parses a week in ~25 ms, which would otherwise
  stall every other league's sync and every chat command on the event loop.
- A week is fetched in two rounds: the league settings (which scoring periods the matchup period
  spans) and the NFL schedule (cached for an hour) first, then every scoring period's box scores
  and the NFL scoreboards in parallel. The scoreboard of a scoring period is asked for only once
  one of its games has kicked off by `now()`; before that every game is "pre" by definition and
  the request would be wasted (this is what keeps preseason and future weeks cheap).
- Any failure surfaces as one `EspnError` (see `errors.py`): either the client's own, or
  `bad_data` when ESPN's JSON was complete but unreadable. Nothing partial is ever returned.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from datetime import UTC, date, datetime
from functools import partial
from typing import Any, TypeVar

from adapters.espn.client import EspnClient, EspnCookies, Json
from adapters.espn.errors import EspnError
from adapters.espn.parse import (
    EspnDataError,
    parse_game_lines,
    parse_league,
    parse_pro_games,
    parse_week,
    scoring_periods_for,
)
from commands.provider import GameLines, LeagueData, ProGame, WeekData

__all__ = [
    "LEAGUE_VIEWS",
    "WEEK_VIEWS",
    "EspnLeagueProvider",
    "any_kicked_off",
    "detect_season",
    "nfl_games",
    "nfl_season_of",
]

#: One request for league identity, settings, status, teams and owners (members).
LEAGUE_VIEWS: tuple[str, ...] = ("mSettings", "mTeam")
#: What espn_api's `box_scores` asks for: matchups with every roster entry's stats for a period.
WEEK_VIEWS: tuple[str, ...] = ("mMatchupScore", "mScoreboard")

T = TypeVar("T")


async def _parse(executor: Executor | None, func: Callable[..., T], *args: Any) -> T:
    """Run a parse.py function off the loop, turning its data errors into EspnError.

    With no executor it runs on a thread; a process pool lets parsing use every core, since
    espn_api's parsing is pure Python and holds the GIL (the bot passes one; see bot/chat.py).
    """
    try:
        return await asyncio.get_running_loop().run_in_executor(executor, partial(func, *args))
    except EspnDataError as exc:
        raise EspnError.bad_data(str(exc)) from exc


class EspnLeagueProvider:
    """League snapshots of one ESPN league (public, or private with cookies).

    `now` is the injected clock (aware datetimes); it only decides which NFL scoreboards are
    worth asking for. Game state itself always comes from ESPN's scoreboard.
    """

    def __init__(
        self,
        client: EspnClient,
        league_id: int,
        season: int,
        cookies: EspnCookies | None,
        now: Callable[[], datetime],
        parse_executor: Executor | None = None,
    ) -> None:
        self.client = client
        self.league_id = league_id
        self.season = season
        self._cookies = cookies
        self._now = now
        self._executor = parse_executor

    def __repr__(self) -> str:
        private = "private" if self._cookies else "public"
        return f"EspnLeagueProvider(league_id={self.league_id}, season={self.season}, {private})"

    async def _league_payload(self) -> Json:
        return await self.client.league(self.league_id, self.season, LEAGUE_VIEWS, cookies=self._cookies)

    async def fetch_league(self) -> LeagueData:
        """Identity, teams with owners, regular-season length and the current matchup period."""
        payload = await self._league_payload()
        return await _parse(self._executor, parse_league, payload)

    async def fetch_week(self, matchup_period: int) -> WeekData:
        """Every matchup of the matchup period with its starters, scores and NFL games.

        A playoff matchup period spanning several scoring periods gets the box scores of each;
        `WeekData.is_final` holds only once every NFL game of all of them is "post".
        """
        league, schedule = await asyncio.gather(self._league_payload(), self.client.pro_schedule(self.season))
        try:
            periods = scoring_periods_for(league, matchup_period)
        except EspnDataError as exc:
            raise EspnError.bad_data(str(exc)) from exc
        now = self._now()
        if now.tzinfo is None:
            raise ValueError("EspnLeagueProvider needs a clock that returns aware datetimes")
        started = [p for p in periods if any_kicked_off(schedule, p, now.astimezone(UTC))]
        boxes_and_boards = await asyncio.gather(
            *(
                self.client.league(
                    self.league_id,
                    self.season,
                    WEEK_VIEWS,
                    cookies=self._cookies,
                    scoring_period=period,
                    matchup_periods=[matchup_period],
                )
                for period in periods
            ),
            *(self.client.nfl_scoreboard(self.season, period) for period in started),
        )
        boxes = dict(zip(periods, boxes_and_boards[: len(periods)], strict=True))
        boards = list(boxes_and_boards[len(periods) :])
        return await _parse(self._executor, parse_week, league, boxes, schedule, matchup_period, boards)

    async def fetch_game_lines(self, scoring_periods: tuple[int, ...]) -> tuple[GameLines, ...]:
        """The NFL games of the scoring periods with every sportsbook's odds (the games board)."""
        return await nfl_game_lines(self.client, self.season, scoring_periods, self._executor)


async def nfl_game_lines(
    client: EspnClient, season: int, scoring_periods: Sequence[int], executor: Executor | None = None
) -> tuple[GameLines, ...]:
    """The NFL games of the scoring periods with every sportsbook's odds, from ESPN's public
    scoreboard: the games board of a league on any platform (no cookies needed).

    Unlike a week's snapshot, the scoreboard is read before kickoff too: that is when the
    lines are. Every league asks for the same scoreboards, which the shared client caches.
    """
    boards = await asyncio.gather(*(client.nfl_scoreboard(season, p) for p in scoring_periods))
    games: list[GameLines] = []
    for board in boards:
        games.extend(await _parse(executor, parse_game_lines, board))
    return tuple(games)


def any_kicked_off(pro_schedule: Mapping[str, Any], period: int, now: datetime) -> bool:
    """Whether any NFL game of the scoring period has reached its kickoff by `now`.

    When the schedule is unreadable we say yes: fetching a scoreboard too many is harmless,
    and parse.py reports the schedule problem itself.
    """
    cutoff_ms = now.timestamp() * 1000
    try:
        for team in pro_schedule["settings"]["proTeams"]:
            for game in (team.get("proGamesByScoringPeriod") or {}).get(str(period)) or []:
                if float(game["date"]) <= cutoff_ms:
                    return True
    except (KeyError, TypeError, ValueError, AttributeError):
        return True
    return False


async def nfl_games(
    client: EspnClient, season: int, weeks: Sequence[int], now: datetime
) -> dict[int, tuple[ProGame, ...]]:
    """The NFL games of each regular-season week, from ESPN's public schedule and scoreboards.

    For leagues of other platforms (Sleeper), whose kickoffs, game state and finality come from
    ESPN as an ESPN league's do; needs no cookies. A week's scoreboard is asked for only once
    one of its games has kicked off by `now`, as for an ESPN league's week.
    """
    schedule = await client.pro_schedule(season)
    started = [w for w in weeks if any_kicked_off(schedule, w, now.astimezone(UTC))]
    boards = dict(
        zip(started, await asyncio.gather(*(client.nfl_scoreboard(season, w) for w in started)), strict=True)
    )
    try:
        return {w: parse_pro_games(schedule, (w,), [boards[w]] if w in boards else []) for w in weeks}
    except EspnDataError as exc:
        raise EspnError.bad_data(str(exc)) from exc


def nfl_season_of(today: date) -> int:
    """The NFL season a date belongs to: a season starts in September and ends in February.

    ESPN opens the next fantasy season in the spring, so from March on we look at this year.
    """
    return today.year if today.month >= 3 else today.year - 1


async def detect_season(client: EspnClient, league_id: int, cookies: EspnCookies | None, today: date) -> int:
    """The latest ESPN fantasy season of a league, for `setup` when no season is given.

    Tries the current NFL season (a league not yet renewed 404s there), then the one before,
    then asks leagueHistory for every season ESPN knows of the league. Private / expired-cookie
    errors are raised at once: another season would not help. Raises `EspnError("not_found")`
    when ESPN knows no season of that league.
    """
    current = nfl_season_of(today)
    for season in (current, current - 1):
        try:
            data = await client.league(league_id, season, cookies=cookies)
        except EspnError as exc:
            if exc.kind != "not_found":
                raise
            continue
        found = data.get("seasonId")
        return found if isinstance(found, int) and not isinstance(found, bool) else season
    try:
        history = await client.league_history(league_id, cookies=cookies)
    except EspnError as exc:
        if exc.kind != "not_found":
            raise
        history = []
    seasons = [
        item["seasonId"] for item in history if isinstance(item.get("seasonId"), int) and item["seasonId"]
    ]
    if not seasons:
        raise EspnError(
            "not_found",
            f"ESPN has no league {league_id} (tried the {current} and {current - 1} seasons and the "
            "league's history). Check the id: it is the number after 'leagueId=' in the league's "
            "web address on fantasy.espn.com.",
            detail="404 for every season",
            status=404,
        )
    return max(seasons)
