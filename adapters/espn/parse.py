"""Turn ESPN's fantasy-football JSON into the book's snapshots (`commands.provider`).

Why this module exists: ESPN's API is undocumented, and `espn_api` is the de-facto
reference for reading it. Rather than re-implement that knowledge, we feed `espn_api`'s own
classes (`League`, `Team`, `BoxScore`, `BoxPlayer`, its position and pro-team maps) with JSON
that *we* fetched (with httpx, from a fake server in tests, or from the shipped demo files),
through `PayloadRequests`, a stand-in for its HTTP layer that answers from those payloads and
never touches the network.

What `espn_api` does not decide for us, this module decides explicitly:

- Only starters make a lineup; bench "BE" and "IR" players go to a separate bench list that
  pricing never reads (the recap's best-possible-lineup award does). The FLEX slot is
  called "FLEX" rather than espn_api's "RB/WR/TE", in slots and eligible slots alike.
- `projection` is ESPN's projection for the scoring period (statSourceId 1); `points` is the
  actual (statSourceId 0), or None while the player's game has not started, when he has no
  stat line or an empty one (ESPN's mark of a player who did not play), or when his game was
  cancelled; never espn_api's default of 0. That difference is what lets the book tell
  "scored nothing" from "did not play", and a prop is void exactly when it is None at the end.
- NFL game state (pre/in/post) comes only from ESPN's NFL scoreboard, never from
  espn_api's `game_played`, which guesses from the machine's local clock, and it is read by
  the rule in `book_state`: "post" means over for good (played to the end, or cancelled),
  so a postponed, delayed or suspended game keeps the week open.
- A matchup's score is ESPN's official one: the starters' total plus the commissioner's
  `adjustment`, which ESPN's `winner` follows.
- A playoff matchup period may span several scoring periods (mSettings `matchupPeriods`);
  each starter's projection and points are summed over the periods he started.
- Anything missing or malformed raises `EspnDataError` (a ValueError) with a message a
  human can act on, instead of a bare KeyError from deep inside espn_api. Nothing here ever
  holds cookies, so no message can leak them.

Every function is pure: payloads in, frozen dataclasses out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from espn_api.football import League
from espn_api.football.box_player import BoxPlayer
from espn_api.football.box_score import BoxScore
from espn_api.football.constant import POSITION_MAP, PRO_TEAM_MAP
from espn_api.requests.espn_requests import EspnFantasyRequests

from adapters.espn.odds import parse_odds
from commands.provider import (
    GameLines,
    GameState,
    LeagueData,
    MatchupData,
    PlayerLine,
    ProGame,
    ProviderOdds,
    TeamInfo,
    WeekData,
)

__all__ = [
    "DEFAULT_POSITION",
    "EspnDataError",
    "NflGame",
    "PayloadRequests",
    "league_from_payloads",
    "load_payload",
    "merge_views",
    "parse_game_lines",
    "parse_league",
    "parse_pro_games",
    "parse_scoreboard",
    "parse_week",
    "scoring_periods_for",
]

Json = dict[str, Any]

#: ESPN's `defaultPositionId` (not the lineup-slot id!) to a position label. espn_api derives
#: the position from `eligibleSlots` instead; this is the fallback when that yields nothing.
DEFAULT_POSITION: Mapping[int, str] = {1: "QB", 2: "RB", 3: "WR", 4: "TE", 5: "K", 16: "D/ST"}

#: Lineup slots that do not score: the bench and injured reserve.
_NON_STARTER_SLOTS = frozenset({"BE", "IR"})
#: espn_api's names for slots that the book calls differently.
_SLOT_NAMES: Mapping[str, str] = {"RB/WR/TE": "FLEX"}
#: Pro team abbreviation to ESPN proTeamId, to find a player's game from espn_api's `proTeam`.
_PRO_TEAM_IDS: Mapping[str, int] = {
    abbrev: team_id for team_id, abbrev in PRO_TEAM_MAP.items() if team_id != 0
}
_GAME_STATES: frozenset[str] = frozenset({"pre", "in", "post"})
#: How far apart a scoreboard event and a schedule entry of the same two teams may kick off
#: and still be the same game (a flexed or moved game), when their ids do not match.
_SAME_GAME = timedelta(days=3)


class EspnDataError(ValueError):
    """ESPN data we cannot use: truncated JSON, a missing view, a renamed field.

    The message is meant for a commissioner or an operator reading logs; it names what was
    expected and where, and never contains cookies (this module never sees them).
    """


# --------------------------------------------------------------------------- raw JSON helpers


def load_payload(raw: str | bytes, what: str) -> Json:
    """Decode one ESPN response body, failing clearly on truncated or non-object JSON.

    ESPN's leagueHistory endpoint answers with a one-element list; like espn_api's
    `league_get`, we unwrap it so callers always get the league object.
    """
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise EspnDataError(
            f"ESPN's {what} response is not valid JSON (truncated or not JSON at all): "
            f"{exc.msg} at character {exc.pos}"
        ) from None
    except UnicodeDecodeError:
        raise EspnDataError(f"ESPN's {what} response is not UTF-8 text") from None
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict):
        data = data[0]
    if not isinstance(data, dict):
        raise EspnDataError(f"ESPN's {what} response should be a JSON object, got {type(data).__name__}")
    return data


def merge_views(*payloads: Mapping[str, Any]) -> Json:
    """Combine separately fetched views of one league as ESPN would in a single response.

    Asking ESPN for `?view=mTeam&view=mSettings` returns one object holding the union of
    both views' fields; fetching them one by one and merging here gives the same object.
    Nested objects merge key by key; lists of objects with an "id" (teams, members) merge
    element by element on that id; anything else is taken from the later payload.
    """
    merged: Json = {}
    for payload in payloads:
        if not isinstance(payload, Mapping):
            raise EspnDataError(f"each ESPN view should be a JSON object, got {type(payload).__name__}")
        merged = cast(Json, _merge(merged, payload))
    return merged


def _merge(left: Any, right: Any) -> Any:
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        out = dict(left)
        for key, value in right.items():
            out[key] = _merge(out[key], value) if key in out else _copy(value)
        return out
    if _is_id_list(left) and _is_id_list(right):
        out_list = [dict(item) for item in left]
        index = {item["id"]: pos for pos, item in enumerate(out_list)}
        for item in right:
            if item["id"] in index:
                pos = index[item["id"]]
                out_list[pos] = _merge(out_list[pos], item)
            else:
                index[item["id"]] = len(out_list)
                out_list.append(_copy(item))
        return out_list
    return _copy(right)


def _is_id_list(value: Any) -> bool:
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, Mapping) and "id" in item for item in value)
    )


def _copy(value: Any) -> Any:
    """A structural copy, so merged payloads never alias (and never mutate) the inputs."""
    if isinstance(value, Mapping):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _at(obj: Any, path: str, what: str) -> Any:
    """`obj[a][b]...` for the dotted `path`, or an EspnDataError naming what is missing."""
    current = obj
    walked: list[str] = []
    for part in path.split("."):
        walked.append(part)
        if not isinstance(current, Mapping) or part not in current:
            raise EspnDataError(f"ESPN {what} is missing '{'.'.join(walked)}'")
        current = current[part]
    return current


def _int(obj: Any, path: str, what: str) -> int:
    value = _at(obj, path, what)
    if isinstance(value, bool) or not isinstance(value, int):
        raise EspnDataError(f"ESPN {what} has a non-integer '{path}': {value!r}")
    return value


def _number(obj: Any, path: str, what: str) -> float:
    value = _at(obj, path, what)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EspnDataError(f"ESPN {what} has a non-numeric '{path}': {value!r}")
    return float(value)


def _list(obj: Any, path: str, what: str) -> list[Any]:
    value = _at(obj, path, what)
    if not isinstance(value, list):
        raise EspnDataError(f"ESPN {what} has '{path}' that is not a list")
    return value


def _mapping(obj: Any, path: str, what: str) -> Mapping[str, Any]:
    value = _at(obj, path, what)
    if not isinstance(value, Mapping):
        raise EspnDataError(f"ESPN {what} has '{path}' that is not an object")
    return value


@contextmanager
def _espn_errors(what: str) -> Iterator[None]:
    """Turn espn_api's KeyErrors and friends into an EspnDataError that says what broke.

    We validate what we read ourselves; this is the safety net for the fields only espn_api
    reads (a team's `record`, a settings block), so a renamed field is still a clear error.
    """
    try:
        yield
    except EspnDataError:
        raise
    except KeyError as exc:
        key = exc.args[0] if exc.args else "?"
        raise EspnDataError(
            f"ESPN {what} could not be read: field or id {key!r} is missing or unknown "
            "(was the right view requested?)"
        ) from exc
    except (TypeError, ValueError, IndexError, AttributeError) as exc:
        raise EspnDataError(f"ESPN {what} has an unexpected shape ({type(exc).__name__}: {exc})") from exc


def _clean(text: Any) -> str:
    """ESPN names carry stray spaces ("Feel the  Brees", "Alex  Ovechkin"); squash them."""
    return " ".join(str(text).split())


# ------------------------------------------------------------------ espn_api without network


def _views(params: Mapping[str, Any] | None) -> set[str]:
    view = (params or {}).get("view", ())
    return {view} if isinstance(view, str) else set(view)


class PayloadRequests(EspnFantasyRequests):
    """espn_api's request object, answering from payloads we already hold.

    `League` calls `espn_request.league_get(params=...)` / `.get(...)` for each view it
    needs; this subclass serves those calls from the JSON it was given, so espn_api's own
    parsing runs unchanged and offline. A view we were not given raises EspnDataError
    instead of silently going to the network.
    """

    def __init__(
        self,
        league_id: int,
        year: int,
        league: Mapping[str, Any] | None = None,
        pro_schedule: Mapping[str, Any] | None = None,
        box_scores: Mapping[int, Mapping[str, Any]] | None = None,
    ) -> None:
        super().__init__(sport="nfl", year=year, league_id=league_id, cookies=None, logger=None)
        league_payload = dict(league or {})
        # The combined league request always carries `schedule` (mMatchup); an empty one is
        # what ESPN sends before the season schedule exists.
        league_payload.setdefault("schedule", [])
        self._league = league_payload
        self._pro_schedule: Mapping[str, Any] = pro_schedule or {}
        self._box_scores: Mapping[int, Mapping[str, Any]] = box_scores or {}

    def league_get(
        self,
        params: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        extend: str = "",
    ) -> Any:
        """Serve a league-endpoint view from the held payloads."""
        views = _views(params)
        if extend:
            raise EspnDataError(f"espn_api asked for league resource {extend!r}, not supplied")
        if "mDraftDetail" in views:
            # Draft picks are not part of what we fetch; an undrafted league skips them.
            return {"draftDetail": {"drafted": False}}
        if "mPositionalRatings" in views:
            return {}
        scoring_period = (params or {}).get("scoringPeriodId")
        if views & {"mMatchupScore", "mScoreboard", "mBoxscore"} and scoring_period is not None:
            return self._box_score(int(scoring_period), headers)
        if views & {"mTeam", "mSettings", "mRoster", "mMatchup", "mStandings", "mMatchupScore"}:
            return self._league
        raise EspnDataError(f"espn_api asked for view(s) {sorted(views)}, which were not supplied")

    def get(
        self,
        params: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        extend: str = "",
    ) -> Any:
        """Serve a season-endpoint request (pro schedule, player universe)."""
        views = _views(params)
        if extend == "/players":
            # The player universe only feeds espn_api's name lookup map, which we never use.
            return []
        if "proTeamSchedules_wl" in views:
            return self._pro_schedule
        raise EspnDataError(
            f"espn_api asked for season data {sorted(views)} {extend!r}, which was not supplied"
        )

    def news_get(
        self,
        params: dict[str, Any] | None = None,
        headers: dict[str, Any] | None = None,
        extend: str = "",
    ) -> Any:
        """Player news is never fetched by this adapter."""
        raise EspnDataError("espn_api asked for player news, which this adapter does not fetch")

    def _box_score(self, scoring_period: int, headers: Mapping[str, Any] | None) -> Json:
        payload = self._box_scores.get(scoring_period)
        if payload is None:
            raise EspnDataError(f"no box scores were supplied for scoring period {scoring_period}")
        wanted = _matchup_period_filter(headers)
        if wanted is None:
            return dict(payload)
        schedule = [
            m
            for m in payload.get("schedule", [])
            if isinstance(m, Mapping) and str(m.get("matchupPeriodId")) in wanted
        ]
        return {**payload, "schedule": schedule}


def _matchup_period_filter(headers: Mapping[str, Any] | None) -> set[str] | None:
    """The matchup periods of an `x-fantasy-filter` header, as strings (espn_api sends the
    settings' string keys, ESPN's web client sends ints)."""
    raw = (headers or {}).get("x-fantasy-filter")
    if not raw:
        return None
    try:
        value = json.loads(raw)["schedule"]["filterMatchupPeriodIds"]["value"]
    except (ValueError, KeyError, TypeError):
        return None
    return {str(v) for v in value}


def league_from_payloads(league: Mapping[str, Any], pro_schedule: Mapping[str, Any] | None = None) -> League:
    """An espn_api `League` built from already-fetched views, with no network access.

    `league` is the merged base/status + mSettings + mTeam payload (mMatchupScore optional,
    for team schedules and scores). Uses `League(..., fetch_league=False)`, swaps in a
    `PayloadRequests`, then runs espn_api's own `fetch_league()`.
    """
    league_id = _int(league, "id", "league data")
    season = _int(league, "seasonId", "league data")
    _mapping(league, "status", "league data (base/status view)")
    _mapping(league, "settings", "league data (mSettings view)")
    _list(league, "teams", "league data (mTeam view)")
    espn_league = League(league_id=league_id, year=season, fetch_league=False)
    espn_league.espn_request = PayloadRequests(
        league_id=league_id, year=season, league=league, pro_schedule=pro_schedule
    )
    with _espn_errors("league data (base/status + mSettings + mTeam views)"):
        espn_league.fetch_league()
    return espn_league


# ----------------------------------------------------------------------------------- league


def scoring_periods_for(league: Mapping[str, Any], matchup_period: int) -> tuple[int, ...]:
    """The scoring periods (NFL weeks) of a matchup period, from mSettings.

    Regular-season matchups are one week; ESPN lets playoff rounds span two (or more), which
    `scheduleSettings.matchupPeriods` records as e.g. {"15": [15, 16]}.
    """
    periods = _mapping(league, "settings.scheduleSettings.matchupPeriods", "league settings")
    raw = periods.get(str(matchup_period))
    if raw is None:
        raise EspnDataError(
            f"ESPN league settings have no matchup period {matchup_period} "
            f"(known: {', '.join(sorted(periods, key=_int_key)) or 'none'})"
        )
    if not isinstance(raw, list) or not raw or not all(_is_int(p) for p in raw):
        raise EspnDataError(
            f"ESPN league settings list no scoring periods for matchup period {matchup_period}"
        )
    return tuple(sorted(raw))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int_key(text: str) -> tuple[int, str]:
    return (int(text), text) if text.isdigit() else (10**9, text)


def parse_league(league: Mapping[str, Any], pro_schedule: Mapping[str, Any] | None = None) -> LeagueData:
    """League identity, teams and owners, and where the season stands.

    `league` is the merge (see `merge_views`) of the base/status, mSettings and mTeam views.
    Owners: ESPN lists member ids on each team and the members (with `displayName`) once;
    the team's `primaryOwner` wins when several own it. An owner id without a matching member
    (ESPN anonymises members of some public leagues) still yields the id, with no name.
    """
    espn_league = league_from_payloads(league, pro_schedule)
    raw_teams = {t.get("id"): t for t in _list(league, "teams", "league data") if isinstance(t, Mapping)}
    members = {m.get("id"): m for m in league.get("members", []) if isinstance(m, Mapping) and "id" in m}
    matchup_periods = _mapping(league, "settings.scheduleSettings.matchupPeriods", "league settings")
    if not matchup_periods or not all(k.isdigit() for k in matchup_periods):
        raise EspnDataError("ESPN league settings have no usable 'matchupPeriods'")
    with _espn_errors("league data"):
        teams = tuple(
            _team_info(team, raw_teams.get(team.team_id, {}), members) for team in espn_league.teams
        )
        return LeagueData(
            league_id=int(espn_league.league_id),
            season=int(espn_league.year),
            name=_clean(espn_league.settings.name),
            teams=teams,
            current_matchup_period=int(espn_league.currentMatchupPeriod),
            regular_season_matchup_periods=int(espn_league.settings.reg_season_count),
            final_matchup_period=max(int(k) for k in matchup_periods),
            lineup_slots=_lineup_slots(league),
        )


def _lineup_slots(league: Mapping[str, Any]) -> tuple[tuple[str, int], ...]:
    """mSettings' `rosterSettings.lineupSlotCounts` as starting (slot, count) pairs.

    Keyed by lineup-slot id; espn_api's own `position_slot_counts` pairs the counts with
    labels by position in the dict, which goes wrong as soon as ESPN omits or reorders a
    key, so the ids are mapped here. Missing settings give (), and the recap then takes
    each team's started slots as the lineup.
    """
    counts = league.get("settings", {}).get("rosterSettings", {}).get("lineupSlotCounts", {})
    if not isinstance(counts, Mapping):
        return ()
    slots: list[tuple[str, int]] = []
    for key, count in sorted(counts.items(), key=lambda kv: _int_key(str(kv[0]))):
        if not str(key).isdigit() or not _is_int(count) or count <= 0:
            continue
        name = POSITION_MAP.get(int(key))
        if not isinstance(name, str) or not name or name in _NON_STARTER_SLOTS:
            continue
        slots.append((_SLOT_NAMES.get(name, name), int(count)))
    return tuple(slots)


def _team_info(team: Any, raw: Mapping[str, Any], members: Mapping[Any, Mapping[str, Any]]) -> TeamInfo:
    owner_ids = [o for o in raw.get("owners", []) if isinstance(o, str)]
    primary = raw.get("primaryOwner")
    owner_id = primary if isinstance(primary, str) and primary else (owner_ids[0] if owner_ids else None)
    member = members.get(owner_id)
    if member is None:
        # espn_api matched members to teams for us; take the first if the primary is unknown.
        member = next(iter(team.owners), None)
    name = member.get("displayName") if member else None
    return TeamInfo(
        team_id=int(team.team_id),
        name=_clean(team.team_name),
        abbrev=_clean(team.team_abbrev),
        owner_name=_clean(name) if isinstance(name, str) and name.strip() else None,
        owner_id=owner_id,
        wins=int(team.wins),
        losses=int(team.losses),
        ties=int(team.ties),
        points_for=round(float(team.points_for), 2),
        points_against=round(float(team.points_against), 2),
    )


# ------------------------------------------------------------------------ NFL schedule/state


#: ESPN's status names for a game called off for good, and for one moved to a later date.
_CANCELLED = frozenset({"STATUS_CANCELED", "STATUS_CANCELLED"})
_POSTPONED = frozenset({"STATUS_POSTPONED"})


@dataclass(frozen=True, slots=True)
class NflGame:
    """One event of ESPN's NFL site scoreboard: what state it is in and the score so far.

    `state`, `completed` and `status_name` are ESPN's own; `book_state` says what they mean
    for settling a week.
    """

    event_id: str
    home_pro_team_id: int
    away_pro_team_id: int
    kickoff: datetime  # timezone-aware, UTC
    state: GameState
    completed: bool
    home_score: int
    away_score: int
    status_name: str = ""
    home_name: str = ""
    away_name: str = ""
    odds: tuple[ProviderOdds, ...] = ()

    @property
    def cancelled(self) -> bool:
        return self.status_name in _CANCELLED

    @property
    def book_state(self) -> GameState:
        """The game's state as the book reads it: "post" only once nothing more will be played.

        ESPN reports a postponed or cancelled game as "post" although it was not completed,
        and fantasy points follow where the game is actually played (ESPN scores a player in
        the scoring period his game is played in). So:
        - completed (STATUS_FINAL): "post";
        - cancelled (STATUS_CANCELED): "post" too, and `cancelled`: it left the period, and its
          players' props are void;
        - postponed: "pre", not played yet. The week waits for the replay while ESPN's schedule
          keeps the game in the scoring period; once the schedule moves it to another period,
          it is simply not one of this period's games;
        - anything else not completed (in progress, delayed, suspended, or "post" with no
          reason given): "in", under way, which keeps the week waiting. No week is ever
          settled from a game that did not finish.
        """
        if self.cancelled:
            return "post"
        if self.status_name in _POSTPONED:
            return "pre"
        if self.completed:
            return "post"
        return "in" if self.state == "post" else self.state


def parse_scoreboard(scoreboard: Mapping[str, Any]) -> tuple[NflGame, ...]:
    """ESPN's NFL scoreboard (site.api.espn.com/.../nfl/scoreboard) as `NflGame`s.

    This is the only source of game state the book trusts: `status.type.state` is
    "pre", "in" or "post", `completed` whether it was played to the end and `name` why not
    (STATUS_POSTPONED, STATUS_CANCELED, STATUS_DELAYED, ...). Competitor `team.id` equals
    the fantasy API's `proTeamId`.
    """
    what = "NFL scoreboard"
    games: list[NflGame] = []
    for index, event in enumerate(_list(scoreboard, "events", what)):
        where = f"{what} event #{index}"
        event_id = str(_at(event, "id", where))
        state = _at(event, "status.type.state", where)
        if state not in _GAME_STATES:
            raise EspnDataError(f"{where} has an unknown state {state!r}")
        competitions = _list(event, "competitions", where)
        if not competitions:
            raise EspnDataError(f"{where} has no competitions")
        sides: dict[str, tuple[int, int]] = {}
        names: dict[str, str] = {}
        abbrevs: dict[str, str] = {}
        for competitor in _list(competitions[0], "competitors", where):
            home_away = str(_at(competitor, "homeAway", where))
            team_id = _parse_int(_at(competitor, "team.id", where), f"{where} team id")
            score = _parse_int(competitor.get("score", "0") or "0", f"{where} score")
            sides[home_away] = (team_id, score)
            team = competitor["team"]
            names[home_away] = _clean(team.get("displayName") or team.get("name") or "")
            # what `details` ("KC -3") names the team by; the fantasy map's as a fallback
            abbrevs[home_away] = str(team.get("abbreviation") or PRO_TEAM_MAP.get(team_id, ""))
        if set(sides) != {"home", "away"}:
            raise EspnDataError(f"{where} does not have one home and one away team")
        games.append(
            NflGame(
                event_id=event_id,
                home_pro_team_id=sides["home"][0],
                away_pro_team_id=sides["away"][0],
                kickoff=_parse_iso(_at(event, "date", where), where),
                state=cast(GameState, state),
                completed=bool(event["status"]["type"].get("completed", state == "post")),
                home_score=sides["home"][1],
                away_score=sides["away"][1],
                status_name=str(event["status"]["type"].get("name") or ""),
                home_name=names["home"],
                away_name=names["away"],
                odds=parse_odds(competitions[0], abbrevs["home"], abbrevs["away"]),
            )
        )
    return tuple(games)


def parse_game_lines(scoreboard: Mapping[str, Any]) -> tuple[GameLines, ...]:
    """The scoreboard's games with their odds, for the games board, kickoff-ordered.

    State is read by the same rule as the fantasy week's (`NflGame.book_state`); a game
    of a team ESPN's fantasy map does not know is left out (nothing could name it).
    """
    lines = [
        GameLines(
            event_id=game.event_id,
            home=PRO_TEAM_MAP[game.home_pro_team_id],
            away=PRO_TEAM_MAP[game.away_pro_team_id],
            home_name=game.home_name or PRO_TEAM_MAP[game.home_pro_team_id],
            away_name=game.away_name or PRO_TEAM_MAP[game.away_pro_team_id],
            kickoff=game.kickoff,
            state=game.book_state,
            completed=game.completed and not game.cancelled,
            status_name=game.status_name,
            home_score=game.home_score,
            away_score=game.away_score,
            odds=game.odds,
            postponed=game.status_name in _POSTPONED,
        )
        for game in parse_scoreboard(scoreboard)
        if game.home_pro_team_id in PRO_TEAM_MAP
        and game.away_pro_team_id in PRO_TEAM_MAP
        and 0 not in (game.home_pro_team_id, game.away_pro_team_id)
    ]
    return tuple(sorted(lines, key=lambda g: (g.kickoff, g.event_id)))


def _parse_int(value: Any, what: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise EspnDataError(f"ESPN {what} is not a number: {value!r}") from None


def _parse_iso(value: Any, what: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise EspnDataError(f"ESPN {what} has an unreadable date {value!r}") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class _ScheduledGame:
    game: ProGame
    scoring_period: int
    home_id: int
    away_id: int
    told: bool  # the state came from a scoreboard rather than the "pre" default


def _scheduled_games(
    pro_schedule: Mapping[str, Any],
    scoring_periods: Sequence[int],
    scoreboards: Iterable[Mapping[str, Any]],
) -> list[_ScheduledGame]:
    what = "pro schedule (proTeamSchedules_wl)"
    by_event: dict[str, NflGame] = {}
    by_teams: dict[tuple[int, int], NflGame] = {}
    for board in scoreboards:
        for nfl_game in parse_scoreboard(board):
            by_event[nfl_game.event_id] = nfl_game
            by_teams[(nfl_game.home_pro_team_id, nfl_game.away_pro_team_id)] = nfl_game
    seen: set[str] = set()
    out: list[_ScheduledGame] = []
    for team in _list(pro_schedule, "settings.proTeams", what):
        if not isinstance(team, Mapping):
            raise EspnDataError(f"ESPN {what} has a pro team that is not an object")
        by_period = team.get("proGamesByScoringPeriod") or {}
        if not isinstance(by_period, Mapping):
            raise EspnDataError(f"ESPN {what} has a malformed proGamesByScoringPeriod")
        for period in scoring_periods:
            for raw_game in by_period.get(str(period)) or []:
                where = f"{what} game of scoring period {period}"
                game_id = str(_at(raw_game, "id", where))
                if game_id in seen:
                    continue
                seen.add(game_id)
                home_id = _int(raw_game, "homeProTeamId", where)
                away_id = _int(raw_game, "awayProTeamId", where)
                kickoff_ms = _number(raw_game, "date", where)
                kickoff = datetime.fromtimestamp(kickoff_ms / 1000, tz=UTC)
                told = by_event.get(game_id)
                same_teams = by_teams.get((home_id, away_id))
                if told is None and same_teams and abs(same_teams.kickoff - kickoff) < _SAME_GAME:
                    told = same_teams  # ids differ, but same teams on (about) the same day
                out.append(
                    _ScheduledGame(
                        game=ProGame(
                            game_id=game_id,
                            home=_pro_abbrev(home_id, where),
                            away=_pro_abbrev(away_id, where),
                            kickoff=kickoff,
                            state=told.book_state if told else "pre",
                            cancelled=told.cancelled if told else False,
                        ),
                        scoring_period=period,
                        home_id=home_id,
                        away_id=away_id,
                        told=told is not None,
                    )
                )
    out.sort(key=lambda g: (g.game.kickoff, g.game.game_id))
    return out


def _pro_abbrev(pro_team_id: int, where: str) -> str:
    abbrev = PRO_TEAM_MAP.get(pro_team_id)
    if abbrev is None or pro_team_id == 0:
        raise EspnDataError(f"ESPN {where} names an unknown NFL team id {pro_team_id}")
    return abbrev


def parse_pro_games(
    pro_schedule: Mapping[str, Any],
    scoring_periods: Sequence[int],
    scoreboards: Iterable[Mapping[str, Any]] = (),
) -> tuple[ProGame, ...]:
    """The NFL games of the given scoring periods, kickoff-ordered.

    Kickoffs (epoch ms in proTeamSchedules_wl) become UTC-aware datetimes. State is taken
    from the scoreboards, matched by ESPN event id (the same id in both APIs) or, failing
    that, by home/away team within three days of the scheduled kickoff (so a rematch in
    another week is not mistaken for it). A game no scoreboard mentions stays "pre": state
    is never inferred from the clock here, since a delayed or postponed game would then be
    misread. ESPN reports a postponed game as state "post" (completed false); the book reads
    it as not played yet (`NflGame.book_state`).
    """
    return tuple(g.game for g in _scheduled_games(pro_schedule, scoring_periods, scoreboards))


# ------------------------------------------------------------------------------------- week


@dataclass(slots=True)
class _Line:
    """A starter being accumulated over the scoring periods of one matchup."""

    player_id: str
    name: str
    position: str
    slot: str
    pro_team: str
    injury_status: str | None
    projection: float
    points: float | None
    eligible_slots: tuple[str, ...] = ()

    def add(self, other: _Line) -> None:
        self.projection += other.projection
        if other.points is not None:
            self.points = (self.points or 0.0) + other.points
        # The latest period's news and team are the relevant ones.
        self.injury_status = other.injury_status
        self.pro_team = other.pro_team

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
    score: float  # ESPN's starters' total (totalPointsLive while live, else totalPoints)
    lines: dict[str, _Line]
    bench: dict[str, _Line]
    adjustment: float = 0.0  # the commissioner's, on top of `score`


@dataclass(slots=True)
class _Matchup:
    home: _Side
    away: _Side | None
    is_playoff: bool


def parse_week(
    league: Mapping[str, Any],
    box_scores: Mapping[int, Mapping[str, Any]],
    pro_schedule: Mapping[str, Any] | None,
    matchup_period: int,
    scoreboards: Iterable[Mapping[str, Any]] = (),
) -> WeekData:
    """One matchup period: every matchup's starters, scores, and the NFL games behind them.

    - `league`: the league payload (needs `seasonId` and mSettings' `matchupPeriods`).
    - `box_scores`: scoring period -> the `mMatchupScore`+`mScoreboard` (or `mBoxscore`)
      response fetched with that `scoringPeriodId`; its `schedule[]` entries carry
      `rosterForCurrentScoringPeriod.entries[]`. Each must belong to `matchup_period`.
    - `pro_schedule`: the proTeamSchedules_wl response (None: no pro games known).
    - `scoreboards`: ESPN NFL scoreboards for those weeks, the source of game state.

    A matchup's score is ESPN's official one: `totalPointsLive` while live, else
    `totalPoints` (cumulative over a multi-week matchup), plus the side's `adjustment`, the
    commissioner's points ESPN adds on top (the 2018 sample's matchup period 16 has some, and
    its `winner` follows the sum); None while no starter has points yet.
    """
    season = _int(league, "seasonId", "league data")
    league_id = _int(league, "id", "league data")
    periods = scoring_periods_for(league, matchup_period)
    if not box_scores:
        raise EspnDataError(f"no box scores were supplied for matchup period {matchup_period}")
    stray = sorted(set(box_scores) - set(periods))
    if stray:
        raise EspnDataError(
            f"box scores for scoring period(s) {stray} do not belong to matchup period "
            f"{matchup_period} (its scoring periods are {list(periods)})"
        )
    scheduled = _scheduled_games(pro_schedule, periods, scoreboards) if pro_schedule is not None else []
    espn_league = League(league_id=league_id, year=season, fetch_league=False)
    espn_league.espn_request = PayloadRequests(
        league_id=league_id, year=season, pro_schedule=pro_schedule or {}
    )

    matchups: dict[Any, _Matchup] = {}
    for period in sorted(box_scores):
        # {proTeamId: game} of the games that a scoreboard told us about, for this week.
        told = {
            team_id: g.game
            for g in scheduled
            if g.scoring_period == period and g.told
            for team_id in (g.home_id, g.away_id)
        }
        with _espn_errors(f"pro schedule for scoring period {period}"):
            opponents = espn_league._get_pro_schedule(period) if pro_schedule else {}
        # Without a schedule nobody is known to be off; with one, a team missing from it has
        # no game this period (a bye, or its game moved to another period).
        playing = set(opponents) if pro_schedule else None
        for key, matchup in _period_matchups(
            box_scores[period], period, matchup_period, season, opponents, told, playing
        ):
            if key in matchups:
                _absorb(matchups[key], matchup)
            else:
                matchups[key] = matchup

    return WeekData(
        season=season,
        matchup_period=matchup_period,
        scoring_periods=periods,
        matchups=tuple(_freeze_matchup(m) for m in matchups.values()),
        pro_games=tuple(g.game for g in scheduled),
    )


def _period_matchups(
    payload: Mapping[str, Any],
    period: int,
    matchup_period: int,
    season: int,
    opponents: Mapping[int, Any],
    told: Mapping[int, ProGame],
    playing: set[int] | None,
) -> Iterator[tuple[Any, _Matchup]]:
    what = f"box scores for scoring period {period}"
    found = False
    for index, raw in enumerate(_list(payload, "schedule", what)):
        where = f"{what}, matchup #{index}"
        if not isinstance(raw, Mapping):
            raise EspnDataError(f"ESPN {where} is not an object")
        if _int(raw, "matchupPeriodId", where) != matchup_period:
            continue  # ESPN ignored the matchup-period filter; skip other weeks
        found = True
        entries = {side: _entries(raw, side, where) for side in ("home", "away") if side in raw}
        if "home" not in entries:
            raise EspnDataError(f"ESPN {where} has no home team")
        with _espn_errors(where):
            box = BoxScore(raw, opponents, {}, period, season)
            home = _Side(
                int(box.home_team),
                float(box.home_score),
                *_lines(box.home_lineup, entries["home"], period, season, told, playing),
                adjustment=_adjustment(raw, "home", where),
            )
            away = None
            if "away" in entries:
                away = _Side(
                    int(box.away_team),
                    float(box.away_score),
                    *_lines(box.away_lineup, entries["away"], period, season, told, playing),
                    adjustment=_adjustment(raw, "away", where),
                )
        key = raw.get("id", (home.team_id, away.team_id if away else None))
        yield key, _Matchup(home=home, away=away, is_playoff=bool(box.is_playoff))
    if not found:
        raise EspnDataError(f"ESPN {what} hold no matchup of matchup period {matchup_period}")


def _entries(raw: Mapping[str, Any], side: str, where: str) -> list[Mapping[str, Any]]:
    """Validate the parts of a roster that we (not only espn_api) rely on."""
    where = f"{where} ({side} team)"
    _int(raw, f"{side}.teamId", where)
    _number(raw, f"{side}.totalPoints", where)
    entries = _list(
        raw,
        f"{side}.rosterForCurrentScoringPeriod.entries",
        f"{where} (box scores need the mBoxscore/mScoreboard view with a scoringPeriodId)",
    )
    for index, entry in enumerate(entries):
        spot = f"{where} roster entry #{index}"
        slot = _int(entry, "lineupSlotId", spot)
        if slot not in POSITION_MAP:
            raise EspnDataError(f"ESPN {spot} has an unknown lineupSlotId {slot}")
        player = _player(entry, spot)
        _int(player, "id", spot)
        _at(player, "fullName", spot)
        _list(player, "eligibleSlots", spot)
        pro_team = _int(player, "proTeamId", spot)
        if pro_team not in PRO_TEAM_MAP:
            raise EspnDataError(f"ESPN {spot} has an unknown proTeamId {pro_team}")
        stats = player.get("stats", [])
        if not isinstance(stats, list):
            raise EspnDataError(f"ESPN {spot} has player stats that are not a list")
    return entries


def _adjustment(raw: Mapping[str, Any], side: str, where: str) -> float:
    """A side's commissioner adjustment (ESPN sends 0 when there is none, older data nothing)."""
    value = raw[side].get("adjustment", 0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise EspnDataError(f"ESPN {where} ({side} team) has a non-numeric 'adjustment': {value!r}")
    return float(value)


def _player(entry: Mapping[str, Any], where: str) -> Mapping[str, Any]:
    if "playerPoolEntry" in entry:
        return _mapping(entry, "playerPoolEntry.player", where)
    return _mapping(entry, "player", where)


def _played_line(player: Mapping[str, Any], period: int, season: int) -> bool:
    """Whether ESPN holds real stats of this player for the period: did he play?

    ESPN marks a player who has not (yet) taken the field with an actual (statSourceId 0)
    entry whose `stats` are empty: before a game without `appliedTotal` (the recorded hockey
    box score), and for a game he did not play with `appliedTotal` 0.0 (the 2019 player card's
    weeks out injured, beside `stats` holding games played "210": 1 in the weeks he played).
    espn_api reads both as 0 points (and calls the player "inactive"); the book reads them as
    no points, so a prop on a player who did not play is void rather than graded at zero.
    """
    for stat in player.get("stats", []):
        if (
            isinstance(stat, Mapping)
            and stat.get("statSourceId") == 0
            and stat.get("scoringPeriodId") == period
            and stat.get("seasonId") == season
            and stat.get("statSplitTypeId") != 2
            and stat.get("stats")
        ):
            return True
    return False


def _lines(
    lineup: Sequence[BoxPlayer],
    entries: Sequence[Mapping[str, Any]],
    period: int,
    season: int,
    told: Mapping[int, ProGame],
    playing: set[int] | None,
) -> tuple[dict[str, _Line], dict[str, _Line]]:
    """The starters and the bench (BE/IR) of one side for one scoring period.

    A player has points only if he played a game of the period: his team's game started, was
    not cancelled and is in the period's schedule (`playing`: the teams with a game; a game
    moved to another period is scored there), and ESPN's actual line says he played.
    """
    if len(lineup) != len(entries):  # espn_api builds one BoxPlayer per entry, in order
        raise EspnDataError("espn_api returned a lineup that does not match the roster entries")
    starters: dict[str, _Line] = {}
    bench: dict[str, _Line] = {}
    for box_player, entry in zip(lineup, entries, strict=True):
        lines = bench if box_player.slot_position in _NON_STARTER_SLOTS else starters
        player = _player(entry, "roster entry")
        pro_team = str(box_player.proTeam)
        pro_team_id = _PRO_TEAM_IDS.get(pro_team, -1)
        game = told.get(pro_team_id)
        started = game.state != "pre" if game is not None else True
        # A cancelled game, or one the schedule moved out of the period, left it: void props.
        left = (game is not None and game.cancelled) or (playing is not None and pro_team_id not in playing)
        points: float | None = None
        if started and not left and _played_line(player, period, season):
            points = float(box_player.points)
        injury = box_player.injuryStatus
        position = box_player.position or DEFAULT_POSITION.get(player.get("defaultPositionId", -1), "")
        line = _Line(
            player_id=str(int(box_player.playerId)),
            name=_clean(box_player.name),
            position=position,
            slot=_SLOT_NAMES.get(box_player.slot_position, box_player.slot_position),
            pro_team=pro_team,
            injury_status=injury if isinstance(injury, str) and injury else None,
            projection=float(box_player.projected_points),
            points=points,
            eligible_slots=_eligible(box_player.eligibleSlots),
        )
        if line.player_id in lines:
            lines[line.player_id].add(line)
        else:
            lines[line.player_id] = line
    return starters, bench


def _eligible(slots: Iterable[Any]) -> tuple[str, ...]:
    """espn_api's eligible slot names, in the book's names, without bench, IR and blanks."""
    names = (_SLOT_NAMES.get(s, s) for s in slots if isinstance(s, str) and s and s not in _NON_STARTER_SLOTS)
    return tuple(dict.fromkeys(names))


def _absorb(total: _Matchup, later: _Matchup) -> None:
    """Fold a later scoring period of the same matchup into the running one."""
    for mine, theirs in ((total.home, later.home), (total.away, later.away)):
        if mine is None or theirs is None:
            continue
        for mine_lines, their_lines in ((mine.lines, theirs.lines), (mine.bench, theirs.bench)):
            for player_id, line in their_lines.items():
                if player_id in mine_lines:
                    mine_lines[player_id].add(line)
                else:
                    mine_lines[player_id] = line
        mine.score = theirs.score  # ESPN's matchup totals are cumulative over the periods
        mine.adjustment = theirs.adjustment  # one per matchup, repeated in every period


def _freeze_side(side: _Side | None) -> tuple[tuple[PlayerLine, ...], float | None]:
    if side is None:
        return (), None
    lineup = tuple(line.freeze() for line in side.lines.values())
    started = any(line.points is not None for line in lineup)
    return lineup, (round(side.score + side.adjustment, 2) if started else None)


def _freeze_bench(side: _Side | None) -> tuple[PlayerLine, ...]:
    if side is None:
        return ()
    # A player who started in one period of a two-week matchup is a starter, not a reserve.
    return tuple(line.freeze() for pid, line in side.bench.items() if pid not in side.lines)


def _freeze_matchup(matchup: _Matchup) -> MatchupData:
    home_lineup, home_score = _freeze_side(matchup.home)
    away_lineup, away_score = _freeze_side(matchup.away)
    return MatchupData(
        home_team_id=matchup.home.team_id,
        away_team_id=matchup.away.team_id if matchup.away else None,
        home_lineup=home_lineup,
        away_lineup=away_lineup,
        home_score=home_score,
        away_score=away_score,
        is_playoff=matchup.is_playoff,
        home_bench=_freeze_bench(matchup.home),
        away_bench=_freeze_bench(matchup.away),
        home_adjustment=matchup.home.adjustment,
        away_adjustment=matchup.away.adjustment if matchup.away else 0.0,
    )
