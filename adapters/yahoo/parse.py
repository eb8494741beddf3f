"""Yahoo's league JSON into the book's snapshots (`commands.provider`), as ESPN's and Sleeper's.

Pure functions over decoded JSON (see `adapters.yahoo.shapes` for how Yahoo's JSON is laid
out). What each part of a Yahoo league means for the book, decided here once:

- **Periods** are Yahoo weeks: matchup period p is week `start_week + p - 1`. Yahoo plays one
  week per playoff round, so a period is always one NFL week. The regular season ends before
  `playoff_start_week` (all of `end_week` when `uses_playoff` is 0).
- **Teams** are Yahoo teams (`team_id`); the owner is the first manager, whose `nickname`
  names him and whose `guid` identifies him. Yahoo has no team abbreviations, so each team
  gets one from its name's initials (unique in the league).
- **Scores** are Yahoo's `team_points.total` of the week (Yahoo's official score). Yahoo has no
  separate commissioner adjustment, so a side's adjustment is 0.
- **Projections**: Yahoo's scoreboard carries each team's `team_projected_points` for the week;
  a player's own projection is read when the roster carries `player_projected_points`. When it
  does not (the usual case for the public API), the team's projection is shared among its
  starters by position weights (a QB counts for more than a kicker; nobody counts who is out
  or has no game), so each player's spread follows his position as for ESPN. Lines are then
  only as good as Yahoo's team projection: the board says so, and Yahoo leagues start with
  player props off (`YAHOO_BOARD_NOTE`).
- **A player's points** (`player_points.total`) are known once his NFL game has kicked off;
  before that, and for good when his team has no game or it was cancelled, None.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from adapters.sleeper.parse import pro_team
from adapters.yahoo.shapes import YahooDataError, collection, content, number, resource, whole
from commands.provider import LeagueData, MatchupData, PlayerLine, ProGame, TeamInfo, WeekData

__all__ = [
    "LeagueShape",
    "RosterWeek",
    "YahooDataError",
    "game_key",
    "league_shape",
    "parse_league",
    "parse_week",
    "scoreboard_teams",
]

#: Yahoo's slot names as the book writes them (the rest keep Yahoo's: QB, RB, WR, TE, K, ...).
_SLOTS: Final[Mapping[str, str]] = {
    "DEF": "D/ST",
    "W/R/T": "FLEX",
    "W/R": "WRRB_FLEX",
    "W/T": "REC_FLEX",
    "Q/W/R/T": "SUPER_FLEX",
    "D": "IDP_FLEX",
}
_NOT_STARTING: Final = frozenset({"BN", "IR"})
#: Yahoo's player status codes in ESPN's words, which pricing reads.
_INJURY: Final[Mapping[str, str]] = {
    "Q": "QUESTIONABLE",
    "D": "DOUBTFUL",
    "O": "OUT",
    "IR": "INJURY_RESERVE",
    "PUP-R": "INJURY_RESERVE",
    "PUP-P": "INJURY_RESERVE",
    "NFI-R": "INJURY_RESERVE",
    "SUSP": "SUSPENSION",
    "NA": "OUT",
}
_INACTIVE: Final = frozenset({"OUT", "INJURY_RESERVE", "SUSPENSION"})
#: Each position's share of a team projection, relative (typical weekly points in a PPR league).
POSITION_WEIGHTS: Final[Mapping[str, float]] = {
    "QB": 18.0,
    "RB": 12.5,
    "WR": 12.5,
    "TE": 9.0,
    "K": 8.0,
    "D/ST": 7.5,
}
_OTHER_WEIGHT: Final = 7.0


def slot_name(yahoo_slot: str) -> str:
    return _SLOTS.get(yahoo_slot, yahoo_slot)


def game_key(payload: Any) -> tuple[str, int]:
    """`/game/nfl`: the current NFL game's key ("449") and its season."""
    game = resource(content(payload, "game"))
    key = str(game.get("game_key") or "")
    if not key or str(game.get("code") or "nfl") != "nfl":
        raise YahooDataError("Yahoo game is not the NFL's")
    return key, whole(game.get("season"), "game season")


# ------------------------------------------------------------------------------ the league


@dataclass(frozen=True, slots=True)
class LeagueShape:
    """The parts of `league/{key}/settings` the weeks depend on."""

    league_id: int
    name: str
    season: int
    start_week: int
    end_week: int
    current_week: int
    playoff_start_week: int | None  # None: no playoffs
    starting_slots: tuple[tuple[str, int], ...]  # (book slot, count), in Yahoo's order

    def week_of(self, period: int) -> int:
        return self.start_week + period - 1

    @property
    def final_period(self) -> int:
        return self.end_week - self.start_week + 1

    @property
    def regular_periods(self) -> int:
        end = self.end_week + 1 if self.playoff_start_week is None else self.playoff_start_week
        return max(1, end - self.start_week)


def league_shape(settings_payload: Any) -> LeagueShape:
    """League metadata and settings from `league/{key}/settings`."""
    league = resource(content(settings_payload, "league"))
    raw_settings = league.get("settings")
    if not isinstance(raw_settings, list) or not raw_settings:
        raise YahooDataError("Yahoo league settings are missing")
    settings = resource(raw_settings)
    positions = settings.get("roster_positions")
    if not isinstance(positions, list):
        raise YahooDataError("Yahoo roster_positions is not a list")
    slots: dict[str, int] = {}
    for entry in positions:
        position = entry.get("roster_position") if isinstance(entry, Mapping) else None
        if not isinstance(position, Mapping):
            raise YahooDataError("Yahoo roster_position entry is not an object")
        name = str(position.get("position") or "")
        if name and name not in _NOT_STARTING:
            book = slot_name(name)
            slots[book] = slots.get(book, 0) + whole(position.get("count", 1), "roster position count")
    start, end = whole(league.get("start_week", 1), "start_week"), whole(league.get("end_week"), "end_week")
    playoffs: int | None = None
    if str(settings.get("uses_playoff", "1")) == "1" and settings.get("playoff_start_week"):
        playoffs = whole(settings["playoff_start_week"], "playoff_start_week")
        if not start < playoffs <= end:
            raise YahooDataError(f"Yahoo playoff_start_week {playoffs} is outside weeks {start}-{end}")
    if end < start:
        raise YahooDataError(f"Yahoo end_week {end} is before start_week {start}")
    return LeagueShape(
        league_id=whole(league.get("league_id"), "league_id"),
        name=str(league.get("name") or f"Yahoo league {league.get('league_id')}"),
        season=whole(league.get("season"), "season"),
        start_week=start,
        end_week=end,
        current_week=whole(league.get("current_week", start), "current_week"),
        playoff_start_week=playoffs,
        starting_slots=tuple(slots.items()),
    )


def _abbrevs(names: Mapping[int, str]) -> dict[int, str]:
    """A unique abbreviation per team from its name's initials (letters and digits, 2 to 5)."""
    out: dict[int, str] = {}
    taken: set[str] = set()
    for team_id in sorted(names):
        words = re.findall(r"[A-Za-z0-9]+", names[team_id])
        base = "".join(w[0] for w in words).upper()[:5] if len(words) > 1 else "".join(words).upper()[:5]
        base = base if len(base) >= 2 else f"T{team_id}"
        abbrev, n = base, 2
        while abbrev in taken:
            abbrev, n = f"{base[:4]}{n}", n + 1
        taken.add(abbrev)
        out[team_id] = abbrev
    return out


def _manager(team: Mapping[str, Any]) -> Mapping[str, Any]:
    managers = team.get("managers")
    if isinstance(managers, list) and managers and isinstance(managers[0], Mapping):
        manager = managers[0].get("manager")
        if isinstance(manager, Mapping):
            return manager
    return {}


def parse_league(shape: LeagueShape, standings_payload: Any) -> LeagueData:
    """Identity, teams with managers and records, the season's length and the current period."""
    league = resource(content(standings_payload, "league"))
    standings = league.get("standings")
    if not isinstance(standings, list) or not standings:
        raise YahooDataError("Yahoo standings are missing")
    teams_raw = collection(resource(standings).get("teams"), "team")
    names = {whole(t.get("team_id"), "team_id"): str(t.get("name") or "") for t in teams_raw}
    abbrevs = _abbrevs({t: n or f"Team {t}" for t, n in names.items()})
    teams: list[TeamInfo] = []
    for raw in sorted(teams_raw, key=lambda t: int(t["team_id"])):
        team_id = int(raw["team_id"])
        manager = _manager(raw)
        record = raw.get("team_standings") or {}
        totals = record.get("outcome_totals") or {} if isinstance(record, Mapping) else {}
        teams.append(
            TeamInfo(
                team_id=team_id,
                name=(names[team_id] or f"Team {team_id}")[:120],
                abbrev=abbrevs[team_id],
                owner_name=str(manager.get("nickname")) if manager.get("nickname") else None,
                owner_id=str(manager.get("guid")) if manager.get("guid") else None,
                wins=whole(totals.get("wins", 0) or 0, "wins"),
                losses=whole(totals.get("losses", 0) or 0, "losses"),
                ties=whole(totals.get("ties", 0) or 0, "ties"),
                points_for=number(record.get("points_for", 0) or 0, "points_for"),
                points_against=number(record.get("points_against", 0) or 0, "points_against"),
            )
        )
    current = min(max(shape.current_week, shape.start_week), shape.end_week) - shape.start_week + 1
    return LeagueData(
        league_id=shape.league_id,
        season=shape.season,
        name=shape.name,
        teams=tuple(teams),
        current_matchup_period=current,
        regular_season_matchup_periods=shape.regular_periods,
        final_matchup_period=shape.final_period,
        lineup_slots=shape.starting_slots,
    )


# -------------------------------------------------------------------------------- the week


@dataclass(frozen=True, slots=True)
class ScoreboardTeam:
    team_key: str
    team_id: int
    points: float
    projected: float


def scoreboard_teams(scoreboard_payload: Any) -> list[tuple[ScoreboardTeam, ScoreboardTeam | None, bool]]:
    """The week's games from `league/{key}/scoreboard;week=N`: (home, away, is_playoff).

    Consolation games are not markets. Yahoo lists a matchup's teams in its own order; the
    lower team id is "home", as for Sleeper."""
    league = resource(content(scoreboard_payload, "league"))
    board = league.get("scoreboard")
    if not isinstance(board, Mapping):
        raise YahooDataError("Yahoo scoreboard is missing")
    inner = board.get("0")
    matchups = collection(inner.get("matchups") if isinstance(inner, Mapping) else None, "matchup")
    games: list[tuple[ScoreboardTeam, ScoreboardTeam | None, bool]] = []
    for matchup in matchups:
        if str(matchup.get("is_consolation", "0")) == "1":
            continue
        holder = matchup.get("0")
        teams = collection(holder.get("teams") if isinstance(holder, Mapping) else None, "team")
        sides = sorted((_scoreboard_team(t) for t in teams), key=lambda s: s.team_id)
        if not sides or len(sides) > 2:
            raise YahooDataError(f"Yahoo matchup has {len(sides)} teams")
        games.append(
            (sides[0], sides[1] if len(sides) == 2 else None, str(matchup.get("is_playoffs")) == "1")
        )
    return games


def _scoreboard_team(team: Mapping[str, Any]) -> ScoreboardTeam:
    points = team.get("team_points") or {}
    projected = team.get("team_projected_points") or {}
    return ScoreboardTeam(
        team_key=str(team.get("team_key") or ""),
        team_id=whole(team.get("team_id"), "team_id"),
        points=number(points.get("total", 0) or 0, "team_points"),
        projected=number(projected.get("total", 0) or 0, "team_projected_points"),
    )


@dataclass(frozen=True, slots=True)
class RosterWeek:
    """One team's `team/{key}/roster;week=N/players/stats;type=week;week=N` answer."""

    payload: Any


def _player(raw: Mapping[str, Any], games: Mapping[str, ProGame], where: str) -> tuple[str, PlayerLine, bool]:
    """(Yahoo's slot, the line, whether Yahoo projected him) of one roster player."""
    selected = raw.get("selected_position")
    slot = "BN"
    if isinstance(selected, list):
        for item in selected:
            if isinstance(item, Mapping) and item.get("position"):
                slot = str(item["position"])
    name_block = raw.get("name") or {}
    position = str(raw.get("display_position") or raw.get("primary_position") or "").split(",")[0]
    team = pro_team(str(raw.get("editorial_team_abbr") or "") or None)
    if position == "DEF":
        full_team = str(raw.get("editorial_team_full_name") or team)
        name = f"{full_team.split()[-1]} D/ST"
    else:
        name = str(name_block.get("full") if isinstance(name_block, Mapping) else "") or "Unknown player"
    status = str(raw.get("status") or "").upper()
    eligible = tuple(
        slot_name(str(e["position"]))
        for e in raw.get("eligible_positions") or ()
        if isinstance(e, Mapping) and e.get("position") and e["position"] not in _NOT_STARTING
    )
    projected_block = raw.get("player_projected_points")
    projection = (
        number(projected_block.get("total", 0) or 0, f"{where} projected points")
        if isinstance(projected_block, Mapping)
        else 0.0
    )
    game = games.get(team)
    points: float | None = None
    if game is not None and game.state != "pre" and not game.cancelled:
        block = raw.get("player_points") or {}
        points = (
            number(block.get("total", 0) or 0, f"{where} player points")
            if isinstance(block, Mapping)
            else 0.0
        )
    line = PlayerLine(
        player_id=str(raw.get("player_id") or raw.get("player_key") or ""),
        name=" ".join(name.split()),
        position="D/ST" if position == "DEF" else position,
        slot=slot_name(slot) if slot not in _NOT_STARTING else slot,
        pro_team=team,
        injury_status=_INJURY.get(status, status or None) if status else None,
        projection=projection,
        points=points,
        eligible_slots=eligible,
    )
    return slot, line, isinstance(projected_block, Mapping)


def roster_lines(
    roster: RosterWeek, games: Mapping[str, ProGame], team_projection: float
) -> tuple[tuple[PlayerLine, ...], tuple[PlayerLine, ...]]:
    """A team's (starters, bench) of the week, starters' projections filled in (see the module)."""
    team = resource(content(roster.payload, "team"))
    block = team.get("roster")
    if not isinstance(block, Mapping):
        raise YahooDataError("Yahoo team roster is missing")
    holder = block.get("0")
    players = collection(holder.get("players") if isinstance(holder, Mapping) else None, "player")
    starters: list[PlayerLine] = []
    bench: list[PlayerLine] = []
    projected = False
    for raw in players:
        slot, line, has_projection = _player(raw, games, f"team {team.get('team_id')}")
        projected = projected or has_projection
        (bench if slot in _NOT_STARTING else starters).append(line)
    if not projected:
        starters = share_team_projection(starters, team_projection, games)
    return tuple(starters), tuple(bench)


def share_team_projection(
    starters: Sequence[PlayerLine], total: float, games: Mapping[str, ProGame]
) -> list[PlayerLine]:
    """Each starter's share of the team's projection by position weight; nothing for a player
    who is out or has no game this week (Yahoo's team projection already leaves him out)."""
    weights = [
        0.0
        if (line.injury_status in _INACTIVE or line.pro_team not in games or games[line.pro_team].cancelled)
        else POSITION_WEIGHTS.get(line.position, _OTHER_WEIGHT)
        for line in starters
    ]
    whole_weight = sum(weights)
    if whole_weight <= 0 or total <= 0:
        return [replace(line, projection=0.0) for line in starters]
    return [
        replace(line, projection=round(total * w / whole_weight, 2))
        for line, w in zip(starters, weights, strict=True)
    ]


def parse_week(
    shape: LeagueShape,
    matchup_period: int,
    scoreboard_payload: Any,
    rosters: Mapping[int, RosterWeek],
    pro_games: Sequence[ProGame],
) -> WeekData:
    """One matchup period (one Yahoo week): its games, lineups, scores and NFL games."""
    if not 1 <= matchup_period <= shape.final_period:
        raise YahooDataError(f"Yahoo league has no matchup period {matchup_period}")
    week = shape.week_of(matchup_period)
    games = {team: g for g in pro_games for team in (g.home, g.away)}
    matchups: list[MatchupData] = []
    for home, away, is_playoff in scoreboard_teams(scoreboard_payload):
        sides: list[tuple[tuple[PlayerLine, ...], tuple[PlayerLine, ...], float | None]] = []
        for side in (home, away):
            if side is None:
                sides.append(((), (), None))
                continue
            roster = rosters.get(side.team_id)
            if roster is None:
                raise YahooDataError(f"Yahoo week {week}: no roster of team {side.team_id}")
            lineup, bench = roster_lines(roster, games, side.projected)
            started = any(line.points is not None for line in lineup)
            sides.append((lineup, bench, round(side.points, 2) if started else None))
        (home_lineup, home_bench, home_score), (away_lineup, away_bench, away_score) = sides
        matchups.append(
            MatchupData(
                home_team_id=home.team_id,
                away_team_id=away.team_id if away else None,
                home_lineup=home_lineup,
                away_lineup=away_lineup,
                home_score=home_score,
                away_score=away_score,
                is_playoff=is_playoff or matchup_period > shape.regular_periods,
                home_bench=home_bench,
                away_bench=away_bench,
            )
        )
    return WeekData(
        season=shape.season,
        matchup_period=matchup_period,
        scoring_periods=(week,),
        matchups=tuple(matchups),
        pro_games=tuple(sorted(pro_games, key=lambda g: (g.kickoff, g.game_id))),
    )
