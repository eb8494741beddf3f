"""ESPN's JSON, piece by piece: the objects its fantasy API and its NFL scoreboard return.

Why one module builds them: the shipped demo league and the tests' simulated seasons must
answer in exactly the shapes ESPN does (recorded in /work/shared/espn-samples), field for
field and in ESPN's key order, or the parser would be tested against something ESPN never
sends. Each function here builds one kind of object from plain facts (a player, a game, a
score) and knows nothing of where those facts come from: the demo's one week or a whole
simulated season pass in what they know.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from espn_api.football.constant import PRO_TEAM_MAP

from adapters.espn.demo import eastern
from adapters.espn.demo.names import NFL_TEAMS, Player, fantasy_abbrev
from adapters.espn.demo.stats import POINTS_ALLOWED_TIERS, SCORING, applied, applied_total

__all__ = [
    "DEFAULT_POSITION_ID",
    "ELIGIBLE_SLOTS",
    "SLOT_ID",
    "Game",
    "Json",
    "box_side",
    "cancelled_status",
    "delayed_status",
    "envelope",
    "epoch_ms",
    "espn_records",
    "final_status",
    "iso_minute",
    "live_status",
    "member_entry",
    "postponed_status",
    "pro_game",
    "pro_schedule_view",
    "pro_team",
    "roster_entry",
    "scheduled_status",
    "scoreboard_event",
    "scoreboard_team",
    "scoreboard_view",
    "scoring_settings",
    "side_summary",
    "stat_entry",
    "status_block",
    "suspended_status",
    "team_entry",
    "transaction_counter",
]

Json = dict[str, Any]

#: ESPN's lineup-slot ids each position may fill (espn_api's POSITION_MAP names them).
ELIGIBLE_SLOTS: dict[str, list[int]] = {
    "QB": [0, 7, 20, 21],
    "RB": [2, 3, 23, 7, 20, 21],
    "WR": [3, 4, 5, 23, 7, 20, 21],
    "TE": [5, 6, 23, 7, 20, 21],
    "K": [17, 20, 21],
    "D/ST": [16, 20, 21],
}
DEFAULT_POSITION_ID = {"QB": 1, "RB": 2, "WR": 3, "TE": 4, "K": 5, "D/ST": 16}
SLOT_ID = {"QB": 0, "RB": 2, "WR": 4, "TE": 6, "FLEX": 23, "D/ST": 16, "K": 17, "BE": 20, "IR": 21}


def epoch_ms(moment: datetime) -> int:
    """ESPN's timestamps: integer milliseconds since the epoch."""
    return round(moment.timestamp() * 1000)


def iso_minute(moment: datetime) -> str:
    """The NFL scoreboard's dates: UTC to the minute, "2026-11-26T17:30Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


@dataclass(frozen=True, slots=True)
class Game:
    """One NFL game: ESPN's event id, the teams (proTeamIds), kickoff and final score."""

    event_id: int
    away: int
    home: int
    kickoff: datetime  # UTC
    home_score: int
    away_score: int

    def opponent_of(self, pro_team_id: int) -> int:
        return self.away if pro_team_id == self.home else self.home

    def points_allowed_by(self, pro_team_id: int) -> int:
        return self.away_score if pro_team_id == self.home else self.home_score


# ------------------------------------------------------------------ the league endpoint


def envelope(league_id: int, season: int, scoring_period: int) -> Json:
    """The fields every league response starts with."""
    return {
        "gameId": 1,
        "id": league_id,
        "scoringPeriodId": scoring_period,
        "seasonId": season,
        "segmentId": 0,
    }


def status_block(
    *,
    current_matchup_period: int,
    scoring_period: int,
    final_scoring_period: int,
    activated: datetime,
    standings_updated: datetime,
    waivers_run: datetime,
    teams_joined: int,
    previous_seasons: Sequence[int],
) -> Json:
    """The league's `status`, as the mSettings and mTeam views return it."""
    return {
        "activatedDate": epoch_ms(activated),
        "createdAsLeagueType": 0,
        "currentLeagueType": 0,
        "currentMatchupPeriod": current_matchup_period,
        "finalScoringPeriod": final_scoring_period,
        "firstScoringPeriod": 1,
        "isActive": True,
        "isExpired": False,
        "isFull": True,
        "isPlayoffMatchupEdited": False,
        "isToBeDeleted": False,
        "isViewable": False,
        "isWaiverOrderEdited": False,
        "latestScoringPeriod": scoring_period,
        "previousSeasons": list(previous_seasons),
        "standingsUpdateDate": epoch_ms(standings_updated),
        "teamsJoined": teams_joined,
        "transactionScoringPeriod": scoring_period,
        "waiverLastExecutionDate": epoch_ms(waivers_run),
        "waiverProcessStatus": {},
    }


def scoring_settings() -> Json:
    """mSettings' `scoringSettings` for the scoring table of `stats.SCORING`.

    The points-allowed tiers score only for D/ST: ESPN writes them as 0 points with a
    position override {"16": points}.
    """
    items: list[Json] = [
        {
            "isReverseItem": False,
            "leagueRanking": 0.0,
            "leagueTotal": 0.0,
            "points": points,
            "statId": stat_id,
        }
        for stat_id, points in sorted(SCORING.items())
    ]
    items += [
        {
            "isReverseItem": False,
            "leagueRanking": 0.0,
            "leagueTotal": 0.0,
            "points": 0.0,
            "pointsOverrides": {"16": points},
            "statId": stat_id,
        }
        for _, _, stat_id, points in POINTS_ALLOWED_TIERS
    ]
    return {
        "allowOutOfPositionScoring": False,
        "homeTeamBonus": 0,
        "matchupTieRule": "NONE",
        "matchupTieRuleBy": 0,
        "playerRankType": "PPR",
        "playoffHomeTeamBonus": 0,
        "playoffMatchupTieRule": "NONE",
        "playoffMatchupTieRuleBy": 0,
        "scoringItems": items,
        "scoringType": "H2H_POINTS",
    }


def member_entry(handle: str, first: str, last: str, member_id: str, *, manager: bool) -> Json:
    """One of mTeam's `members`: an ESPN account (its id is the SWID GUID)."""
    return {
        "displayName": handle,
        "firstName": first,
        "id": member_id,
        "isLeagueManager": manager,
        "lastName": last,
    }


def transaction_counter(
    *, budget_spent: int, acquisitions: int, drops: int, to_active: int, to_ir: int, trades: int
) -> Json:
    return {
        "acquisitionBudgetSpent": budget_spent,
        "acquisitions": acquisitions,
        "drops": drops,
        "matchupAcquisitionTotals": {},
        "misc": 0,
        "moveToActive": to_active,
        "moveToIR": to_ir,
        "paid": 0.0,
        "teamCharges": 0.0,
        "trades": trades,
    }


def team_entry(
    *,
    team_id: int,
    name: str,
    abbrev: str,
    owner: str,
    seed: int,
    draft_rank: int,
    record: Json,
    transactions: Json,
    waiver_rank: int,
    extra: Mapping[str, Any] | None = None,
) -> Json:
    """One of mTeam's `teams`; `extra` adds fields some responses carry (logo, nickname...).

    ESPN sorts these keys, and so does this, whatever `extra` holds.
    """
    team: Json = {
        "abbrev": abbrev,
        "currentProjectedRank": seed,
        "divisionId": 0,
        "draftDayProjectedRank": draft_rank,
        "id": team_id,
        "isActive": True,
        "name": name,
        "owners": [owner],
        "playoffSeed": seed,
        "points": record["overall"]["pointsFor"],
        "pointsAdjusted": 0.0,
        "pointsDelta": 0.0,
        "primaryOwner": owner,
        "rankCalculatedFinal": 0,
        "rankFinal": 0,
        "record": record,
        "transactionCounter": transactions,
        "valuesByStat": {},
        "waiverRank": waiver_rank,
        **(extra or {}),
    }
    return dict(sorted(team.items()))


def _record() -> Json:
    return {
        "gamesBack": 0.0,
        "losses": 0,
        "percentage": 0.0,
        "pointsAgainst": 0.0,
        "pointsFor": 0.0,
        "streakLength": 0,
        "streakType": "NONE",
        "ties": 0,
        "wins": 0,
    }


def espn_records(
    team_ids: Iterable[int], games: Iterable[tuple[int, int, float, float]]
) -> dict[int, dict[str, Json]]:
    """mTeam's `record` blocks (overall, home, away, division) from finished games.

    `games` are (home team, away team, home points, away points) in the order played, so
    streaks come out right.
    """
    out = {
        team: {"away": _record(), "division": _record(), "home": _record(), "overall": _record()}
        for team in team_ids
    }
    for home, away, home_points, away_points in games:
        for team, mine, theirs, where in (
            (home, home_points, away_points, "home"),
            (away, away_points, home_points, "away"),
        ):
            result = "wins" if mine > theirs else "losses" if mine < theirs else "ties"
            for block in ("overall", "division", where):
                rec = out[team][block]
                rec[result] += 1
                rec["pointsFor"] = round(rec["pointsFor"] + mine, 2)
                rec["pointsAgainst"] = round(rec["pointsAgainst"] + theirs, 2)
            overall = out[team]["overall"]
            streak = {"wins": "WIN", "losses": "LOSS", "ties": "TIE"}[result]
            if overall["streakType"] == streak:
                overall["streakLength"] += 1
            else:
                overall["streakType"], overall["streakLength"] = streak, 1
    for team_records in out.values():
        for rec in team_records.values():
            played = rec["wins"] + rec["losses"] + rec["ties"]
            rec["percentage"] = (rec["wins"] + rec["ties"] / 2) / played if played else 0.0
    leader = max(r["overall"]["wins"] for r in out.values())
    for team_records in out.values():
        team_records["overall"]["gamesBack"] = float(leader - team_records["overall"]["wins"])
    return out


# ---------------------------------------------------------------- matchups and rosters


def side_summary(
    team_id: int,
    points_by_period: Mapping[int, float],
    total: float,
    *,
    adjustment: float = 0.0,
    adjustment_reason: str | None = None,
) -> Json:
    """One side of a `schedule[]` matchup as mMatchupScore returns it.

    `totalPoints` is what the starters scored; a commissioner's `adjustment` stands beside
    it (with the `adjustmentReason` ESPN shows, as in the 2018 sample's matchup period 16).
    """
    side: Json = {"adjustment": adjustment}
    if adjustment_reason is not None:
        side["adjustmentReason"] = adjustment_reason
    side.update(
        cumulativeScore={"losses": 0, "statBySlot": None, "ties": 0, "wins": 0},
        pointsByScoringPeriod={str(period): points for period, points in points_by_period.items()},
        teamId=team_id,
        tiebreak=0.0,
        totalPoints=total,
    )
    return side


def box_side(summary: Json, entries: list[Json], projected_live: float) -> Json:
    """A side of a box score (mMatchupScore + mScoreboard for one scoring period)."""
    total = summary["totalPoints"]
    return {
        **summary,
        "rosterForCurrentScoringPeriod": {"appliedStatTotal": total, "entries": entries},
        "totalPointsLive": total,
        "totalProjectedPointsLive": projected_live,
    }


def stat_entry(
    player: Player,
    game: Game,
    period: int,
    season: int,
    source: int,
    stats: Mapping[int, float],
    *,
    applied_stats: Mapping[str, float] | None = None,
    total: float | None = None,
) -> Json:
    """A player's stat line for a scoring period: statSourceId 0 actual, 1 projected.

    Points follow from the stats by the league's scoring unless a stat correction gives
    `applied_stats` and `total` of its own. An actual line with no stats at all is ESPN's
    way of saying the player did not play (see /work/shared/espn-samples/player_card_2019.json).
    """
    if applied_stats is None:
        applied_stats = applied(dict(stats))
    return {
        "appliedStats": dict(applied_stats),
        "appliedTotal": applied_total(dict(applied_stats)) if total is None else total,
        "externalId": str(game.event_id),
        "id": f"{source}1{game.event_id}",
        "lastUpdateInfo": {},
        "proTeamId": player.pro_team,
        "scoringPeriodId": period,
        "seasonId": season,
        "statSourceId": source,
        "statSplitTypeId": 1,
        "stats": {str(k): v for k, v in sorted(stats.items())},
    }


def roster_entry(
    player: Player,
    slot: str,
    team_id: int,
    stats: list[Json],
    *,
    injury_status: str,
    owned: tuple[float, float],
    locked: bool,
) -> Json:
    """A roster entry (`rosterForCurrentScoringPeriod.entries[]`) with the player's stat lines.

    `owned` is (percentOwned, percentStarted); `locked` whether his game has kicked off.
    """
    actual = stats[0]["appliedTotal"] if stats and stats[0]["statSourceId"] == 0 else 0.0
    info: Json = {
        "active": True,
        "defaultPositionId": DEFAULT_POSITION_ID[player.position],
        "droppable": True,
        "eligibleSlots": ELIGIBLE_SLOTS[player.position],
        "firstName": player.first,
        "fullName": player.full_name,
        "id": player.player_id,
        "injured": player.position != "D/ST" and injury_status not in ("ACTIVE", "QUESTIONABLE"),
        "injuryStatus": injury_status,
        "jersey": player.jersey,
        "lastName": player.last,
        "ownership": {"percentOwned": owned[0], "percentStarted": owned[1]},
        "proTeamId": player.pro_team,
        "stats": stats,
        "universeId": 1,
    }
    return {
        "injuryStatus": "NORMAL",
        "lineupSlotId": SLOT_ID[slot],
        "pendingTransactionIds": None,
        "playerId": player.player_id,
        "playerPoolEntry": {
            "appliedStatTotal": actual,
            "id": player.player_id,
            "keeperValue": 0,
            "keeperValueFuture": 0,
            "lineupLocked": locked,
            "onTeamId": team_id,
            "player": info,
            "rosterLocked": locked,
            "status": "ONTEAM",
            "tradeLocked": False,
        },
        "status": "NORMAL",
    }


# ------------------------------------------------------------------- the NFL schedule


def pro_game(game: Game, period: int) -> Json:
    """A game in proTeamSchedules_wl's `proGamesByScoringPeriod`."""
    return {
        "awayProTeamId": game.away,
        "date": epoch_ms(game.kickoff),
        "homeProTeamId": game.home,
        "id": game.event_id,
        "scoringPeriodId": period,
        "startTimeTBD": False,
        "statsOfficial": False,
        "validForLocking": True,
    }


def pro_team(
    pro_id: int, games: Mapping[str, list[Json]], bye_week: int, positions: Sequence[int] = (14, 15, 16)
) -> Json:
    """An NFL team of proTeamSchedules_wl with its games by scoring period.

    `teamPlayersByPosition` names the team's pseudo-players (the D/ST is -16000 - id).
    """
    location, name = NFL_TEAMS[pro_id]
    return {
        "abbrev": fantasy_abbrev(pro_id),
        "byeWeek": bye_week,
        "id": pro_id,
        "location": location,
        "name": name,
        "proGamesByScoringPeriod": dict(games),
        "teamPlayersByPosition": {str(p): -1000 * p - pro_id for p in positions},
        "universeId": 1 + pro_id % 2,
    }


def pro_schedule_view(teams: list[Json]) -> Json:
    """The season endpoint with view=proTeamSchedules_wl: the teams, then ESPN's free-agent "team"."""
    free_agents = {
        "abbrev": "FA",
        "byeWeek": 0,
        "id": 0,
        "location": "",
        "name": "FA",
        "proGamesByScoringPeriod": {},
        "universeId": 0,
    }
    return {"display": True, "settings": {"proTeams": [*teams, free_agents]}}


# ---------------------------------------------------------------- the NFL scoreboard


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _status(
    type_id: str,
    name: str,
    state: str,
    completed: bool,
    description: str,
    *,
    clock: float = 0.0,
    display_clock: str = "0:00",
    period: int = 0,
    detail: str | None = None,
    short: str | None = None,
) -> Json:
    return {
        "clock": clock,
        "displayClock": display_clock,
        "period": period,
        "type": {
            "id": type_id,
            "name": name,
            "state": state,
            "completed": completed,
            "description": description,
            "detail": description if detail is None else detail,
            "shortDetail": description if short is None else short,
        },
    }


def scheduled_status(kickoff: datetime) -> Json:
    """A game that has not started (STATUS_SCHEDULED, state "pre")."""
    local = kickoff.astimezone(eastern())
    clock = local.strftime("%I:%M %p").lstrip("0") + " EST"
    return _status(
        "1",
        "STATUS_SCHEDULED",
        "pre",
        False,
        "Scheduled",
        detail=f"{local.strftime('%a, %B')} {_ordinal(local.day)} at {clock}",
        short=f"{local.month}/{local.day} - {clock}",
    )


def _game_clock(share: float) -> tuple[float, str, int, str]:
    """(seconds left in the quarter, its display, the quarter, "3rd") `share` into a game."""
    seconds_played = int(share * 60 * 60)  # 60 minutes of game clock
    period = min(4, seconds_played // 900 + 1)
    left = max(0, 900 * period - seconds_played)
    ordinal = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}[period]
    return float(left), f"{left // 60}:{left % 60:02d}", period, ordinal


def live_status(share: float) -> Json:
    """A game `share` (0..1) of the way through (STATUS_IN_PROGRESS, state "in")."""
    left, clock, period, ordinal = _game_clock(share)
    return _status(
        "2",
        "STATUS_IN_PROGRESS",
        "in",
        False,
        "In Progress",
        clock=left,
        display_clock=clock,
        period=period,
        detail=f"{clock} - {ordinal} Quarter",
        short=f"{clock} - {ordinal}",
    )


def final_status() -> Json:
    """A game played to the end (STATUS_FINAL, state "post", completed)."""
    return _status("3", "STATUS_FINAL", "post", True, "Final", period=4)


def cancelled_status() -> Json:
    """A game called off for good (STATUS_CANCELED: state "post" but not completed)."""
    return _status("5", "STATUS_CANCELED", "post", False, "Canceled")


def postponed_status() -> Json:
    """A game moved to a later date (STATUS_POSTPONED: state "post" but not completed)."""
    return _status("6", "STATUS_POSTPONED", "post", False, "Postponed")


def delayed_status(share: float) -> Json:
    """A game stopped for a while (weather), `share` of the way through (STATUS_DELAYED)."""
    left, clock, period, _ = _game_clock(share)
    return _status(
        "7", "STATUS_DELAYED", "in", False, "Delayed", clock=left, display_clock=clock, period=period
    )


def suspended_status(share: float) -> Json:
    """A game halted to be resumed another day, `share` of the way through (STATUS_SUSPENDED)."""
    left, clock, period, _ = _game_clock(share)
    return _status(
        "8", "STATUS_SUSPENDED", "in", False, "Suspended", clock=left, display_clock=clock, period=period
    )


def scoreboard_team(pro_id: int) -> Json:
    """An NFL team as the site scoreboard names it (its `id` is the fantasy API's proTeamId)."""
    location, name = NFL_TEAMS[pro_id]
    abbrev = PRO_TEAM_MAP[pro_id]
    return {
        "id": str(pro_id),
        "uid": f"s:20~l:28~t:{pro_id}",
        "location": location,
        "name": name,
        "abbreviation": abbrev,
        "displayName": f"{location} {name}",
        "shortDisplayName": name,
        "isActive": True,
        "logo": f"https://a.espncdn.com/i/teamlogos/nfl/500/scoreboard/{abbrev.lower()}.png",
    }


def scoreboard_event(
    game: Game,
    season: int,
    week: int,
    status: Json,
    *,
    home_score: int = 0,
    away_score: int = 0,
    kickoff: datetime | None = None,
) -> Json:
    """One of the scoreboard's `events[]`: the game, its status and the score so far.

    `kickoff` is the date ESPN shows (a postponed game's new date), the game's by default.
    """
    when = iso_minute(kickoff or game.kickoff)
    started = status["type"]["state"] != "pre"
    home, away = scoreboard_team(game.home), scoreboard_team(game.away)
    scores = {"home": home_score, "away": away_score}
    competitors = [
        {
            "id": str(team_id),
            "uid": f"s:20~l:28~t:{team_id}",
            "type": "team",
            "order": order,
            "homeAway": side,
            "team": team,
            "score": str(scores[side]),
            "statistics": [],
        }
        for order, (side, team_id, team) in enumerate((("home", game.home, home), ("away", game.away, away)))
    ]
    return {
        "id": str(game.event_id),
        "uid": f"s:20~l:28~e:{game.event_id}",
        "date": when,
        "name": f"{away['displayName']} at {home['displayName']}",
        "shortName": f"{away['abbreviation']} @ {home['abbreviation']}",
        "season": {"year": season, "type": 2, "slug": "regular-season"},
        "week": {"number": week},
        "competitions": [
            {
                "id": str(game.event_id),
                "uid": f"s:20~l:28~e:{game.event_id}~c:{game.event_id}",
                "date": when,
                "attendance": 0,
                "type": {"id": "1", "abbreviation": "STD"},
                "timeValid": True,
                "neutralSite": False,
                "conferenceCompetition": False,
                "playByPlayAvailable": started,
                "recent": started,
                "competitors": competitors,
                "notes": [],
                "status": status,
                "broadcasts": [],
                "format": {"regulation": {"periods": 4}},
                "startDate": when,
            }
        ],
        "links": [],
        "status": status,
    }


def scoreboard_view(season: int, week: int, events: list[Json], byes: Iterable[int]) -> Json:
    """ESPN's NFL site scoreboard of a regular-season week (as nfl_scoreboard_2023_w5)."""
    return {
        "leagues": [
            {
                "id": "28",
                "uid": "s:20~l:28",
                "name": "National Football League",
                "abbreviation": "NFL",
                "slug": "nfl",
                "season": {
                    "year": season,
                    "type": {"id": "2", "type": 2, "name": "Regular Season", "abbreviation": "reg"},
                },
            }
        ],
        "season": {"type": 2, "year": season},
        "week": {"number": week, "teamsOnBye": [scoreboard_team(t) for t in byes]},
        "events": events,
    }
