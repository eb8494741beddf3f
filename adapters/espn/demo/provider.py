"""The demo league as a `LeagueDataProvider` that plays week 12 out along a clock.

Why it works this way: the shipped files are ESPN's responses *after* week 12 (final stat
lines for everyone). To let the console and tests live through the week, this provider
rewrites those responses as ESPN would have served them at `now()` and then parses them
with the same `adapters.espn.parse` code a real league goes through:

- the NFL scoreboard gets each game's state from its kickoff: "pre" before, "in" for
  3h30m after, "post" afterwards (with the score played out linearly);
- a player's actual stat line is removed before his game kicks off, scaled linearly while
  it is "in", and left whole once it is "post";
- each side's `totalPoints`/`totalPointsLive` become the sum of its starters' points so far.

So `points` is None before a player's kickoff, matchup scores are None until one of the
team's starters has kicked off, and once Monday night is over the week is final with the
scores ESPN would show.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from espn_api.football.constant import PRO_TEAM_MAP

from adapters.espn.demo import (
    ALL_FILES,
    BASE_FILE,
    BOXSCORE_FILE,
    DATA_DIR,
    DEMO_SCORING_PERIOD,
    MATCHUP_SCORE_FILE,
    NFL_FINALS_FILE,
    PRO_SCHEDULE_FILE,
    SCOREBOARD_FILE,
    SETTINGS_FILE,
    TEAM_FILE,
    eastern,
    utc_now,
)
from adapters.espn.demo.odds import with_odds
from adapters.espn.demo.shapes import final_status, live_status
from adapters.espn.parse import (
    EspnDataError,
    load_payload,
    merge_views,
    parse_game_lines,
    parse_league,
    parse_pro_games,
    parse_week,
)
from commands.provider import GameLines, GameState, LeagueData, WeekData

__all__ = ["DEMO_WEEK_START", "GAME_LENGTH", "DemoLeagueProvider", "demo_owner_names"]

Json = dict[str, Any]

_PRO_TEAM_IDS: dict[str, int] = {abbrev: team_id for team_id, abbrev in PRO_TEAM_MAP.items() if team_id}

#: Wednesday before Thanksgiving, noon in New York: lines are up, nothing has kicked off.
DEMO_WEEK_START: datetime = datetime(2026, 11, 25, 12, 0, tzinfo=eastern()).astimezone(UTC)
#: How long the demo says an NFL game lasts, from kickoff to final.
GAME_LENGTH = timedelta(hours=3, minutes=30)


def _load(name: str, data_dir: Path) -> Json:
    path = data_dir / name
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise EspnDataError(
            f"demo league file {name} is missing; run `python -m adapters.espn.demo.generate`"
        ) from None
    return load_payload(raw, f"demo {name}")


def demo_owner_names(data_dir: Path = DATA_DIR) -> tuple[str, ...]:
    """The ten owners' handles (ESPN displayName), in team-id order: the console's users."""
    return tuple(team.owner_name or team.abbrev for team in _shipped(data_dir.resolve()).league.teams)


def game_state(kickoff: datetime, now: datetime) -> tuple[GameState, float]:
    """The demo's idea of a game at `now`: its state and the share of it played (0..1)."""
    if now < kickoff:
        return "pre", 0.0
    if now >= kickoff + GAME_LENGTH:
        return "post", 1.0
    return "in", (now - kickoff) / GAME_LENGTH


@dataclass(frozen=True, slots=True)
class _Shipped:
    """The demo files, read and the static parts parsed once per process and data dir.

    Shared between providers (the bot builds one per request), so it is never mutated:
    every clock-dependent rewrite works on a copy.
    """

    views: Mapping[str, Json]
    league_payload: Json
    league: LeagueData
    kickoffs: Mapping[int, datetime]  # proTeamId -> kickoff of its week-12 game


@lru_cache(maxsize=8)
def _shipped(data_dir: Path) -> _Shipped:
    views = {name: _load(name, data_dir) for name in ALL_FILES}
    league_payload = merge_views(
        views[BASE_FILE], views[SETTINGS_FILE], views[TEAM_FILE], views[MATCHUP_SCORE_FILE]
    )
    kickoffs: dict[int, datetime] = {}
    for game in parse_pro_games(views[PRO_SCHEDULE_FILE], (DEMO_SCORING_PERIOD,)):
        for abbrev in (game.home, game.away):
            kickoffs[_PRO_TEAM_IDS[abbrev]] = game.kickoff
    return _Shipped(
        views=views,
        league_payload=league_payload,
        league=parse_league(league_payload, views[PRO_SCHEDULE_FILE]),
        kickoffs=kickoffs,
    )


class DemoLeagueProvider:
    """Serves the demo league through `adapters.espn.parse`, as of `now()`.

    `now` is the injected clock (e.g. `ManualClock.now`); it must return aware datetimes.
    Only matchup period 12 has box scores; asking for another raises EspnDataError.
    Cheap to construct: the files are read once per process.
    """

    def __init__(self, now: Callable[[], datetime], data_dir: Path = DATA_DIR) -> None:
        self._now = now
        self._data_dir = data_dir

    @property
    def _data(self) -> _Shipped:
        return _shipped(self._data_dir.resolve())

    def _now_utc(self) -> datetime:
        return utc_now(self._now, "DemoLeagueProvider")

    async def fetch_league(self) -> LeagueData:
        """The demo league; its standing (current matchup period 12) does not move."""
        return self._data.league

    async def fetch_week(self, matchup_period: int) -> WeekData:
        """Week 12 as ESPN would report it at `now()`."""
        if matchup_period != DEMO_SCORING_PERIOD:
            raise EspnDataError(
                f"the demo league only has box scores for matchup period {DEMO_SCORING_PERIOD}, "
                f"not {matchup_period}"
            )
        now = self._now_utc()
        data = self._data
        return parse_week(
            data.league_payload,
            {DEMO_SCORING_PERIOD: self._box_at(now)},
            data.views[PRO_SCHEDULE_FILE],
            matchup_period,
            scoreboards=[self._scoreboard_at(now)],
        )

    async def fetch_game_lines(self, scoring_periods: tuple[int, ...]) -> tuple[GameLines, ...]:
        """Week 12's NFL games at `now()`, with the demo sportsbook's odds (the games board)."""
        if DEMO_SCORING_PERIOD not in scoring_periods:
            return ()
        now = self._now_utc()
        return parse_game_lines(with_odds(self._scoreboard_at(now), now))

    # ------------------------------------------------------------------ rewriting responses

    def _game_at(self, pro_team_id: int, now: datetime) -> tuple[GameState, float] | None:
        """State and share played of a pro team's game at `now`; None for a team on bye."""
        kickoff = self._data.kickoffs.get(pro_team_id)
        return None if kickoff is None else game_state(kickoff, now)

    def _box_at(self, now: datetime) -> Json:
        box = copy.deepcopy(self._data.views[BOXSCORE_FILE])
        for matchup in box["schedule"]:
            for side in ("home", "away"):
                if side in matchup:
                    self._side_at(matchup[side], now)
        return box

    def _side_at(self, side: Json, now: datetime) -> None:
        total = 0.0
        projected = 0.0
        roster = side["rosterForCurrentScoringPeriod"]
        for entry in roster["entries"]:
            player = entry["playerPoolEntry"]["player"]
            game = self._game_at(player["proTeamId"], now)
            share = 0.0 if game is None else game[1]
            kept: list[Json] = []
            actual = 0.0
            projection = 0.0
            for stat in player.get("stats", []):
                if stat.get("statSourceId") == 1:
                    projection = float(stat.get("appliedTotal", 0.0))
                    kept.append(stat)
                elif stat.get("statSourceId") == 0:
                    if game is None or game[0] == "pre":
                        continue  # not kicked off: ESPN has no stat line yet
                    if share < 1.0:
                        stat = _scaled(stat, share)
                    actual = float(stat["appliedTotal"])
                    kept.append(stat)
                else:
                    kept.append(stat)
            player["stats"] = kept
            entry["playerPoolEntry"]["appliedStatTotal"] = actual
            entry["playerPoolEntry"]["lineupLocked"] = game is not None and game[0] != "pre"
            if entry["lineupSlotId"] not in (20, 21):
                total += actual
                remaining = 0.0 if game is None else projection * (1.0 - share)
                projected += actual + remaining
        total = round(total, 2)
        side["totalPoints"] = total
        side["totalPointsLive"] = total
        side["totalProjectedPointsLive"] = round(projected, 2)
        side["pointsByScoringPeriod"] = {str(DEMO_SCORING_PERIOD): total}
        roster["appliedStatTotal"] = total

    def _scoreboard_at(self, now: datetime) -> Json:
        board = copy.deepcopy(self._data.views[SCOREBOARD_FILE])
        finals: Mapping[str, Mapping[str, int]] = self._data.views[NFL_FINALS_FILE]["games"]
        for event in board["events"]:
            kickoff = datetime.fromisoformat(event["date"])
            state, share = game_state(kickoff, now)
            if state == "pre":
                continue  # the template already reads "scheduled"
            status = live_status(share) if state == "in" else final_status()
            event["status"] = status
            competition = event["competitions"][0]
            competition["status"] = status
            final = finals.get(event["id"], {})
            for competitor in competition["competitors"]:
                points = final.get(competitor["homeAway"], 0)
                competitor["score"] = str(points if state == "post" else int(points * share))
        return board


def _scaled(stat: Mapping[str, Any], share: float) -> Json:
    """A stat line `share` of the way through the game (linear; fine for a demo)."""
    applied = {k: round(v * share, 4) for k, v in stat.get("appliedStats", {}).items()}
    return {
        **stat,
        "appliedStats": applied,
        "appliedTotal": round(sum(applied.values()), 2),
        "stats": {k: round(v * share, 2) for k, v in stat.get("stats", {}).items()},
    }
