"""The demo **season**: the demo league played from week 1 to the championship by a clock.

`DemoSeasonProvider` is a `LeagueDataProvider` over `adapters.espn.demo.season.SeasonSim`: it
asks the simulator for exactly the responses a real league's provider asks ESPN for (the
league with mSettings and mTeam, each scoring period's box scores, the NFL schedule and the
scoreboards of the weeks under way) and parses them with the same `adapters.espn.parse`
code, so the console's season goes through the very path a real league does.

Everything is generated from fixed seeds: the same instant always shows the same
projections, scores, standings and bracket. `DemoTimeline` lists the instants at which the
book has something to do (lines open, kickoffs lock, a week settles), which the console's
`:advance next` and `:advance week` move the clock to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache

from adapters.espn.demo import DEMO_LEAGUE_ID, DEMO_LEAGUE_NAME, DEMO_SEASON, eastern, utc_now
from adapters.espn.demo.odds import with_odds
from adapters.espn.demo.season import REGULAR_SEASON, SeasonSim
from adapters.espn.parse import parse_game_lines, parse_league, parse_week, scoring_periods_for
from adapters.espn.provider import LEAGUE_VIEWS, WEEK_VIEWS
from commands.provider import GameLines, LeagueData, WeekData

__all__ = [
    "DEMO_SEASON_START",
    "DemoSeasonProvider",
    "DemoTimeline",
    "DemoWeek",
    "demo_season",
]

#: The seed of the shipped demo season; change it and every projection and score changes.
DEMO_SEASON_SEED = 2026


@lru_cache(maxsize=1)
def demo_season() -> SeasonSim:
    """The demo league's season (10 teams, the demo's owners), built once per process.

    Shared by every provider: its views are functions of the instant asked about, and
    nothing in the console changes what it serves (no corrections or lineup moves).
    """
    return SeasonSim(DEMO_LEAGUE_ID, DEMO_SEASON, teams=10, seed=DEMO_SEASON_SEED, name=DEMO_LEAGUE_NAME)


def _wednesday_noon_before(kickoff: datetime, zone: tzinfo) -> datetime:
    local = kickoff.astimezone(zone)
    wednesday = local.date() - timedelta(days=(local.weekday() - 2) % 7)
    return datetime(wednesday.year, wednesday.month, wednesday.day, 12, 0, tzinfo=zone).astimezone(UTC)


#: Wednesday noon (New York) before week 1's Thursday night game: lines are up, nothing has
#: kicked off. Where `make run` starts a new demo.
DEMO_SEASON_START: datetime = _wednesday_noon_before(demo_season().first_kickoff, eastern())


@dataclass(frozen=True, slots=True)
class DemoWeek:
    """One matchup period of the demo season: what happens when."""

    matchup_period: int
    playoff: bool
    kickoffs: tuple[datetime, ...]  # every distinct kickoff, in order (locks happen here)
    final_at: datetime  # the last game of its last scoring period is over

    @property
    def first_kickoff(self) -> datetime:
        return self.kickoffs[0]

    @property
    def last_kickoff(self) -> datetime:
        return self.kickoffs[-1]


class DemoTimeline:
    """The demo season's calendar: each week's kickoffs and when its last game ends."""

    def __init__(self, sim: SeasonSim | None = None) -> None:
        sim = sim or demo_season()
        self.regular_season = REGULAR_SEASON
        self.weeks: tuple[DemoWeek, ...] = tuple(
            DemoWeek(
                matchup_period=period,
                playoff=period > REGULAR_SEASON,
                kickoffs=tuple(sorted({k for sp in scoring for k in sim.nfl.kickoffs(sp)})),
                final_at=sim.end_of_matchup(period),
            )
            for period, scoring in sorted(sim.matchup_periods.items())
        )

    @property
    def final_period(self) -> int:
        return self.weeks[-1].matchup_period

    def week(self, matchup_period: int) -> DemoWeek:
        return self.weeks[matchup_period - 1]

    def week_at(self, now: datetime) -> DemoWeek:
        """The week under way at `now`: the first whose last game is not over yet (the
        final's, once the season is over)."""
        return next((w for w in self.weeks if now < w.final_at), self.weeks[-1])


class DemoSeasonProvider:
    """Serves the demo season through `adapters.espn.parse`, as of `now()`.

    `now` is the injected clock (e.g. the console's demo clock); it must return aware
    datetimes. Cheap to construct: the season is built once per process.
    """

    def __init__(self, now: Callable[[], datetime], sim: SeasonSim | None = None) -> None:
        self._now = now
        self._sim = sim or demo_season()

    def _now_utc(self) -> datetime:
        return utc_now(self._now, "DemoSeasonProvider")

    async def fetch_league(self) -> LeagueData:
        """The league as ESPN shows it at `now()`: records, standings, current matchup period."""
        return parse_league(self._sim.league_view(LEAGUE_VIEWS, self._now_utc()))

    async def fetch_week(self, matchup_period: int) -> WeekData:
        """Every matchup of the matchup period at `now()`, asked for as a real league's is."""
        now = self._now_utc()
        sim = self._sim
        league = sim.league_view(LEAGUE_VIEWS, now)
        periods = scoring_periods_for(league, matchup_period)
        boxes = {
            period: sim.league_view(WEEK_VIEWS, now, scoring_period=period, matchup_periods=[matchup_period])
            for period in periods
        }
        boards = [sim.nfl.scoreboard_view(p, now) for p in periods if now >= sim.nfl.first_kickoff(p)]
        return parse_week(league, boxes, sim.nfl.pro_schedule_view(), matchup_period, boards)

    async def fetch_game_lines(self, scoring_periods: tuple[int, ...]) -> tuple[GameLines, ...]:
        """The NFL games of the scoring periods at `now()`, with the demo sportsbook's odds."""
        now = self._now_utc()
        return tuple(
            game
            for period in scoring_periods
            for game in parse_game_lines(with_odds(self._sim.nfl.scoreboard_view(period, now), now))
        )
