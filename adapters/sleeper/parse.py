"""Sleeper's JSON into the book's snapshots (`commands.provider`), the same ones ESPN's produce.

Pure functions over decoded JSON (no I/O), so they run anywhere and are tested on recorded
samples. What each Sleeper league shape means for the book, decided here once:

- **Teams** are Sleeper rosters: `roster_id` is the team id, the owner is the roster's
  `owner_id` user, whose `display_name` is the owner's name (members are matched on it) and
  whose `metadata.team_name` (else the display name) is the team's name. Sleeper has no team
  abbreviations, so each team gets one from its owner's display name (unique in the league).
- **Matchups** pair the two rosters of a week that share a `matchup_id` (the lower roster id is
  "home"). A roster whose `matchup_id` is null plays nobody that week (a playoff bye, or out of
  the bracket) and gets no market. A `matchup_id` held by one roster only is a bye.
- **Median scoring** (`league_average_match`): the extra game every team plays against the
  week's median is not a market. The book prices and settles the head-to-head games only; the
  median win or loss still shows in the standings Sleeper reports.
- **Scores**: a side's score is the commissioner's `custom_points` when set (an override of the
  whole score, which therefore decides the graded result), else Sleeper's `points`. The
  difference is kept as the side's adjustment, so calibration leaves it out as it does ESPN's.
  Fractional scoring needs nothing special: points are floats throughout, and lines are set to
  half points as for ESPN.
- **Playoff rounds** follow `playoff_week_start`, `playoff_teams` and `playoff_round_type`
  (0: a week per round, 1: a two-week final, 2: two weeks per round); a two-week round is one
  matchup period whose scores add both weeks, as ESPN's do.
- **Slots**: every starting slot of `roster_positions` is a lineup slot under Sleeper's name
  (SUPER_FLEX, REC_FLEX, IDP_FLEX, DL, LB, DB, ...) except DEF, which is the book's "D/ST";
  BN, IR and TAXI are not starting slots. IDP players are priced like any starter, with the
  pricing model's default spread for positions it has no table for.
- **Projections** are the league's own: each projected stat times the league's
  `scoring_settings` (so fractional, bonus and IDP scoring are all counted); a projection
  without any stat the league scores falls back to Sleeper's pts_ppr / pts_half_ppr / pts_std
  by the league's points per reception.
- **A player's points** are known once his NFL game has kicked off (before that, None); a
  player whose team has no game in the period, or whose game was cancelled, has None for good
  and his prop is void. Sleeper's API does not say who took a snap, so a player who sat out a
  game his team played scores 0, as Sleeper scores him.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from adapters.sleeper.client import PlayerInfo
from commands.provider import LeagueData, MatchupData, PlayerLine, ProGame, TeamInfo, WeekData

__all__ = [
    "SleeperDataError",
    "league_shape",
    "parse_league",
    "parse_week",
    "pro_team",
]

Json = dict[str, Any]


class SleeperDataError(ValueError):
    """A complete Sleeper answer whose content cannot be read; the provider makes it `bad_data`."""


#: Sleeper's team abbreviations where ESPN's differ (current, and a few Sleeper still serves
#: in old seasons), so a Sleeper player finds his game on ESPN's NFL schedule.
_ESPN_ABBREV: Final[Mapping[str, str]] = {
    "WAS": "WSH",
    "JAC": "JAX",
    "OAK": "LV",
    "SD": "LAC",
    "STL": "LAR",
    "LA": "LAR",
}
#: Roster positions that are not starting slots.
_NOT_STARTING: Final = frozenset({"BN", "IR", "TAXI"})
#: Which positions each of Sleeper's flexible slots takes.
_FLEX_SLOTS: Final[Mapping[str, frozenset[str]]] = {
    "FLEX": frozenset({"RB", "WR", "TE"}),
    "SUPER_FLEX": frozenset({"QB", "RB", "WR", "TE"}),
    "REC_FLEX": frozenset({"WR", "TE"}),
    "WRRB_FLEX": frozenset({"WR", "RB"}),
    "IDP_FLEX": frozenset({"DL", "LB", "DB", "DE", "DT", "CB", "S", "ILB", "OLB"}),
}
#: Sleeper's injury words in ESPN's spelling, which pricing reads (OUT and IR price as inactive).
_INJURY: Final[Mapping[str, str]] = {
    "questionable": "QUESTIONABLE",
    "doubtful": "DOUBTFUL",
    "out": "OUT",
    "ir": "INJURY_RESERVE",
    "pup": "INJURY_RESERVE",
    "sus": "SUSPENSION",
    "na": "OUT",
    "dnr": "OUT",
    "cov": "OUT",
}
_PPR_KEYS: Final = ((1.0, "pts_ppr"), (0.5, "pts_half_ppr"), (0.0, "pts_std"))


def pro_team(abbrev: str | None) -> str:
    """A Sleeper team abbreviation as ESPN writes it ("WAS" -> "WSH"); "FA" for none."""
    if not abbrev:
        return "FA"
    return _ESPN_ABBREV.get(abbrev.upper(), abbrev.upper())


def _position(sleeper_position: str) -> str:
    return "D/ST" if sleeper_position == "DEF" else sleeper_position


def _slot(sleeper_slot: str) -> str:
    return "D/ST" if sleeper_slot == "DEF" else sleeper_slot


# ------------------------------------------------------------------------------ the league


@dataclass(frozen=True, slots=True)
class LeagueShape:
    """The parts of `league/{id}` the week depends on."""

    season: int
    starting_slots: tuple[str, ...]  # Sleeper's starting slot names, in lineup order
    regular_weeks: int
    periods: Mapping[int, tuple[int, ...]]  # matchup period -> NFL weeks
    scoring: Mapping[str, float]
    ppr_keys: tuple[str, ...]  # Sleeper's pts_* keys, the league's own reception rule first


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool):
        raise SleeperDataError(f"Sleeper {what} is not a number: {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SleeperDataError(f"Sleeper {what} is not a number: {value!r}") from None


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool):
        raise SleeperDataError(f"Sleeper {what} is not a number: {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SleeperDataError(f"Sleeper {what} is not a number: {value!r}") from None
    if not math.isfinite(number):
        raise SleeperDataError(f"Sleeper {what} is not a finite number: {value!r}")
    return number


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SleeperDataError(f"Sleeper {what} is not an object")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise SleeperDataError(f"Sleeper {what} is not a list")
    return value


def league_shape(league: Mapping[str, Any]) -> LeagueShape:
    """Season, starting slots, the matchup periods' NFL weeks and the scoring of a league."""
    settings = _mapping(league.get("settings"), "league settings")
    positions = [str(p) for p in _list(league.get("roster_positions"), "league roster_positions")]
    start = _int(settings.get("playoff_week_start", 15) or 0, "playoff_week_start")
    teams = _int(settings.get("playoff_teams", 0) or 0, "playoff_teams")
    round_type = _int(settings.get("playoff_round_type", 0) or 0, "playoff_round_type")
    first_week = max(1, _int(settings.get("start_week", 1) or 1, "start_week"))
    if start <= 0:  # no playoffs: the regular season runs through the NFL's last week
        start, teams = 19, 0
    if start <= first_week:
        raise SleeperDataError(f"Sleeper playoff_week_start {start} is not after start_week {first_week}")
    rounds = math.ceil(math.log2(teams)) if teams >= 2 else 0
    periods: dict[int, tuple[int, ...]] = {}
    for week in range(first_week, start):
        periods[week - first_week + 1] = (week,)
    regular = len(periods)
    week = start
    for index in range(rounds):
        two_weeks = round_type == 2 or (round_type == 1 and index == rounds - 1)
        periods[regular + index + 1] = (week, week + 1) if two_weeks else (week,)
        week += 2 if two_weeks else 1
    scoring = {
        str(k): float(v)
        for k, v in (league.get("scoring_settings") or {}).items()
        if isinstance(v, int | float) and not isinstance(v, bool)
    }
    by_ppr = min(_PPR_KEYS, key=lambda pair: abs(pair[0] - scoring.get("rec", 0.0)))
    return LeagueShape(
        season=_int(league.get("season"), "league season"),
        starting_slots=tuple(p for p in positions if p not in _NOT_STARTING),
        regular_weeks=regular,
        periods=periods,
        scoring=scoring,
        ppr_keys=tuple(dict.fromkeys(key for _, key in (by_ppr, *_PPR_KEYS))),
    )


def _abbrevs(names: Mapping[int, str]) -> dict[int, str]:
    """A unique abbreviation per team from its owner's display name (letters and digits, up to 8)."""
    out: dict[int, str] = {}
    taken: set[str] = set()
    for team_id in sorted(names):
        base = re.sub(r"[^A-Za-z0-9]", "", names[team_id]).upper()[:8] or f"T{team_id}"
        abbrev, n = base, 2
        while abbrev in taken:
            abbrev, n = f"{base[:7]}{n}", n + 1
        taken.add(abbrev)
        out[team_id] = abbrev
    return out


def _points(settings: Mapping[str, Any], whole: str) -> float:
    """Sleeper's fpts (whole points) plus fpts_decimal (hundredths)."""
    value = _number(settings.get(whole, 0) or 0, whole)
    return round(value + _number(settings.get(f"{whole}_decimal", 0) or 0, whole) / 100, 2)


def parse_league(
    league: Mapping[str, Any],
    users: Sequence[Any],
    rosters: Sequence[Any],
    state: Mapping[str, Any],
) -> LeagueData:
    """Identity, teams with owners and records, the season's length and the current period."""
    shape = league_shape(league)
    by_user = {str(u["user_id"]): u for u in users if isinstance(u, Mapping) and u.get("user_id") is not None}
    teams: list[TeamInfo] = []
    owners: dict[int, str] = {}
    raw_rosters: dict[int, Mapping[str, Any]] = {}
    for index, raw in enumerate(rosters):
        roster = _mapping(raw, f"roster #{index}")
        team_id = _int(roster.get("roster_id"), f"roster #{index} roster_id")
        owner_id = roster.get("owner_id")
        user = by_user.get(str(owner_id)) if owner_id is not None else None
        owners[team_id] = str(user.get("display_name") or "") if user else ""
        raw_rosters[team_id] = roster
    abbrevs = _abbrevs({t: owners[t] or f"Team {t}" for t in owners})
    for team_id in sorted(raw_rosters):
        roster = raw_rosters[team_id]
        user = by_user.get(str(roster.get("owner_id")))
        metadata = (user or {}).get("metadata") or {}
        team_name = metadata.get("team_name") if isinstance(metadata, Mapping) else None
        record = roster.get("settings") or {}
        if not isinstance(record, Mapping):
            raise SleeperDataError(f"Sleeper roster {team_id} settings is not an object")
        teams.append(
            TeamInfo(
                team_id=team_id,
                name=str(team_name or owners[team_id] or f"Team {team_id}")[:120],
                abbrev=abbrevs[team_id],
                owner_name=owners[team_id] or None,
                owner_id=str(roster["owner_id"]) if roster.get("owner_id") is not None else None,
                wins=_int(record.get("wins", 0) or 0, "wins"),
                losses=_int(record.get("losses", 0) or 0, "losses"),
                ties=_int(record.get("ties", 0) or 0, "ties"),
                points_for=_points(record, "fpts"),
                points_against=_points(record, "fpts_against"),
            )
        )
    slots: dict[str, int] = {}
    for slot in shape.starting_slots:
        slots[_slot(slot)] = slots.get(_slot(slot), 0) + 1
    return LeagueData(
        league_id=_int(league.get("league_id"), "league_id"),
        season=shape.season,
        name=str(league.get("name") or f"Sleeper league {league.get('league_id')}"),
        teams=tuple(teams),
        current_matchup_period=current_matchup_period(shape, state),
        regular_season_matchup_periods=shape.regular_weeks,
        final_matchup_period=max(shape.periods),
        lineup_slots=tuple(slots.items()),
    )


def current_matchup_period(shape: LeagueShape, state: Mapping[str, Any]) -> int:
    """The matchup period of the NFL week Sleeper is in (`state/nfl`), within the league's season."""
    final = max(shape.periods)
    season = _int(state.get("season"), "state season")
    kind = str(state.get("season_type") or "")
    if season < shape.season or (season == shape.season and kind == "pre"):
        return 1
    if season > shape.season or kind in ("post", "off"):
        return final
    week = _int(state.get("week") or 1, "state week")
    for period, weeks in shape.periods.items():
        if week in weeks:
            return period
    return final if week > shape.periods[final][-1] else 1


# -------------------------------------------------------------------------------- the week


@dataclass(slots=True)
class _Line:
    """A player accumulated over the weeks of one matchup period."""

    player_id: str
    name: str
    position: str
    slot: str
    pro_team: str
    injury_status: str | None
    projection: float
    points: float | None
    eligible_slots: tuple[str, ...]

    def add(self, later: _Line) -> None:
        self.projection += later.projection
        if later.points is not None:
            self.points = (self.points or 0.0) + later.points
        self.injury_status, self.pro_team, self.slot = later.injury_status, later.pro_team, later.slot

    def freeze(self) -> PlayerLine:
        return PlayerLine(
            player_id=self.player_id,
            name=self.name,
            position=self.position,
            slot=self.slot,
            pro_team=self.pro_team,
            injury_status=self.injury_status,
            projection=round(self.projection, 2),
            points=None if self.points is None else round(self.points, 2),
            eligible_slots=self.eligible_slots,
        )


@dataclass(slots=True)
class _Side:
    team_id: int
    points: float = 0.0  # Sleeper's points, summed over the period's weeks
    official: float = 0.0  # custom_points where set, else points
    starters: dict[str, _Line] = field(default_factory=dict)
    bench: dict[str, _Line] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class WeekInputs:
    """One NFL week of a Sleeper league, as fetched."""

    matchups: Sequence[Any]
    projections: Mapping[str, Any]  # player id -> Sleeper's projection row
    pro_games: Sequence[ProGame]


def projected_points(stats: Mapping[str, Any], shape: LeagueShape) -> float:
    """A projected stat line in the league's own scoring (see the module docstring)."""
    total, scored = 0.0, False
    for key, value in stats.items():
        weight = shape.scoring.get(key)
        if weight is None or isinstance(value, bool) or not isinstance(value, int | float):
            continue
        total += weight * float(value)
        scored = True
    if scored:
        return round(total, 2)
    for key in shape.ppr_keys:
        value = stats.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return round(float(value), 2)
    return 0.0


def _projections(
    rows: Mapping[str, Any], shape: LeagueShape, players: Iterable[str]
) -> dict[str, tuple[float, str | None]]:
    """player id -> (projected points, the week's injury status if the row has one), for the
    league's own players only."""
    out: dict[str, tuple[float, str | None]] = {}
    for player_id in players:
        row = rows.get(player_id)
        if not isinstance(row, Mapping):
            continue
        stats = row.get("stats") or {}
        player = row.get("player") or {}
        injury = player.get("injury_status") if isinstance(player, Mapping) else None
        out[player_id] = (
            projected_points(stats if isinstance(stats, Mapping) else {}, shape),
            str(injury) if injury else None,
        )
    return out


def _eligible(position: str, fantasy_positions: Sequence[str], slots: Iterable[str]) -> tuple[str, ...]:
    positions = set(fantasy_positions) | {position}
    out: list[str] = []
    for slot in dict.fromkeys(slots):
        if slot in positions or positions & _FLEX_SLOTS.get(slot, frozenset()):
            out.append(_slot(slot))
    return tuple(out)


def _injury(status: str | None) -> str | None:
    if not status:
        return None
    return _INJURY.get(status.strip().lower(), status.strip().upper())


def _week_sides(
    entries: Sequence[Any], week: int
) -> tuple[list[tuple[Mapping[str, Any], Mapping[str, Any] | None]], set[int]]:
    """The week's games as (home entry, away entry or None), and every roster id seen."""
    by_matchup: dict[int, list[Mapping[str, Any]]] = {}
    seen: set[int] = set()
    for index, raw in enumerate(entries):
        entry = _mapping(raw, f"week {week} matchup entry #{index}")
        roster_id = _int(entry.get("roster_id"), f"week {week} matchup entry #{index} roster_id")
        if roster_id in seen:
            raise SleeperDataError(f"Sleeper week {week} lists roster {roster_id} twice")
        seen.add(roster_id)
        if entry.get("matchup_id") is None:
            continue
        matchup_id = _int(entry["matchup_id"], f"week {week} matchup_id")
        by_matchup.setdefault(matchup_id, []).append(entry)
    games: list[tuple[Mapping[str, Any], Mapping[str, Any] | None]] = []
    for matchup_id in sorted(by_matchup):
        sides = sorted(by_matchup[matchup_id], key=lambda e: int(e["roster_id"]))
        if len(sides) > 2:
            raise SleeperDataError(f"Sleeper week {week} matchup {matchup_id} has {len(sides)} teams")
        games.append((sides[0], sides[1] if len(sides) == 2 else None))
    return games, seen


def parse_week(
    league: Mapping[str, Any],
    rosters: Sequence[Any],
    players: Mapping[str, PlayerInfo],
    weeks: Mapping[int, WeekInputs],
    matchup_period: int,
) -> WeekData:
    """One matchup period of a Sleeper league: its games, lineups, scores and NFL games.

    `weeks` holds every NFL week of the period (one, or two for a two-week playoff round).
    """
    shape = league_shape(league)
    periods = shape.periods.get(matchup_period)
    if periods is None:
        raise SleeperDataError(f"Sleeper league has no matchup period {matchup_period}")
    if sorted(weeks) != list(periods):
        raise SleeperDataError(
            f"matchup period {matchup_period} needs weeks {list(periods)}, got {sorted(weeks)}"
        )
    reserve = _reserves(rosters)
    games: dict[tuple[int, int | None], tuple[_Side, _Side | None]] = {}
    for week in periods:
        inputs = weeks[week]
        rostered = {
            str(p) for e in inputs.matchups if isinstance(e, Mapping) for p in (e.get("players") or ())
        } | {str(p) for e in inputs.matchups if isinstance(e, Mapping) for p in (e.get("starters") or ())}
        projections = _projections(inputs.projections, shape, rostered)
        state = {team: g for g in inputs.pro_games for team in (g.home, g.away)}
        pairs, _ = _week_sides(inputs.matchups, week)
        for home_entry, away_entry in pairs:
            key = (int(home_entry["roster_id"]), int(away_entry["roster_id"]) if away_entry else None)
            home, away = games.setdefault(key, (_Side(key[0]), _Side(key[1]) if key[1] is not None else None))
            for side, entry in ((home, home_entry), (away, away_entry)):
                if side is None or entry is None:
                    continue
                _add_entry(
                    side, entry, week, shape, players, projections, state, reserve.get(side.team_id, ())
                )
    matchups = tuple(
        _freeze(home, away, matchup_period > shape.regular_weeks) for home, away in games.values()
    )
    pro_games: dict[str, ProGame] = {}
    for week in periods:
        for game in weeks[week].pro_games:
            pro_games.setdefault(game.game_id, game)
    return WeekData(
        season=shape.season,
        matchup_period=matchup_period,
        scoring_periods=periods,
        matchups=matchups,
        pro_games=tuple(sorted(pro_games.values(), key=lambda g: (g.kickoff, g.game_id))),
    )


def _reserves(rosters: Sequence[Any]) -> dict[int, tuple[str, ...]]:
    out: dict[int, tuple[str, ...]] = {}
    for index, raw in enumerate(rosters):
        roster = _mapping(raw, f"roster #{index}")
        out[_int(roster.get("roster_id"), "roster_id")] = tuple(str(p) for p in roster.get("reserve") or ())
    return out


def _add_entry(
    side: _Side,
    entry: Mapping[str, Any],
    week: int,
    shape: LeagueShape,
    players: Mapping[str, PlayerInfo],
    projections: Mapping[str, tuple[float, str | None]],
    games: Mapping[str, ProGame],
    reserve: Sequence[str],
) -> None:
    where = f"week {week} roster {side.team_id}"
    points = _number(entry.get("points") or 0, f"{where} points")
    custom = entry.get("custom_points")
    side.points += points
    side.official += points if custom is None else _number(custom, f"{where} custom_points")
    starters = [str(p) for p in _list(entry.get("starters") or [], f"{where} starters")]
    starters_points = entry.get("starters_points")
    if starters_points is not None and len(_list(starters_points, f"{where} starters_points")) != len(
        starters
    ):
        raise SleeperDataError(
            f"Sleeper {where} has {len(starters)} starters but not as many starters_points"
        )
    by_player = entry.get("players_points") or {}
    if not isinstance(by_player, Mapping):
        raise SleeperDataError(f"Sleeper {where} players_points is not an object")
    slots = shape.starting_slots
    started: set[str] = set()
    for index, player_id in enumerate(starters):
        if player_id in ("0", ""):
            continue  # an empty slot
        scored = starters_points[index] if starters_points is not None else by_player.get(player_id, 0.0)
        slot = slots[index] if index < len(slots) else "FLEX"
        line = _line(player_id, _slot(slot), scored, players, projections, games, slots, where)
        _put(side.starters, line)
        started.add(player_id)
    for player_id in (str(p) for p in entry.get("players") or ()):
        if player_id in started:
            continue
        slot = "IR" if player_id in reserve else "BE"
        _put(
            side.bench,
            _line(player_id, slot, by_player.get(player_id, 0.0), players, projections, games, slots, where),
        )


def _put(lines: dict[str, _Line], line: _Line) -> None:
    if line.player_id in lines:
        lines[line.player_id].add(line)
    else:
        lines[line.player_id] = line


def _line(
    player_id: str,
    slot: str,
    scored: Any,
    players: Mapping[str, PlayerInfo],
    projections: Mapping[str, tuple[float, str | None]],
    games: Mapping[str, ProGame],
    slots: Sequence[str],
    where: str,
) -> _Line:
    info = players.get(player_id)
    if info is None:  # a team defence's id is its team; anyone else is newer than the directory
        is_team = player_id.isalpha() and player_id.isupper()
        info = PlayerInfo(
            name=f"{player_id} D/ST" if is_team else f"Player {player_id}",
            position="DEF" if is_team else "",
            team=player_id if is_team else None,
            injury_status=None,
            fantasy_positions=(),
        )
    team = pro_team(info.team)
    game = games.get(team)
    projection, week_injury = projections.get(player_id, (0.0, None))
    points: float | None = None
    if game is not None and game.state != "pre" and not game.cancelled:
        points = _number(scored if scored is not None else 0.0, f"{where} player {player_id} points")
    return _Line(
        player_id=player_id,
        name=info.name,
        position=_position(info.position),
        slot=slot,
        pro_team=team,
        injury_status=_injury(week_injury or info.injury_status),
        projection=projection,
        points=points,
        eligible_slots=_eligible(info.position, info.fantasy_positions, slots),
    )


def _freeze(home: _Side, away: _Side | None, is_playoff: bool) -> MatchupData:
    def lineup(side: _Side | None) -> tuple[PlayerLine, ...]:
        return tuple(line.freeze() for line in side.starters.values()) if side else ()

    def bench(side: _Side | None) -> tuple[PlayerLine, ...]:
        if side is None:
            return ()
        return tuple(line.freeze() for pid, line in side.bench.items() if pid not in side.starters)

    def score(side: _Side | None, lines: tuple[PlayerLine, ...]) -> float | None:
        if side is None or not any(line.points is not None for line in lines):
            return None
        return round(side.official, 2)

    home_lineup, away_lineup = lineup(home), lineup(away)
    return MatchupData(
        home_team_id=home.team_id,
        away_team_id=away.team_id if away else None,
        home_lineup=home_lineup,
        away_lineup=away_lineup,
        home_score=score(home, home_lineup),
        away_score=score(away, away_lineup),
        is_playoff=is_playoff,
        home_bench=bench(home),
        away_bench=bench(away),
        home_adjustment=round(home.official - home.points, 2),
        away_adjustment=round(away.official - away.points, 2) if away else 0.0,
    )
