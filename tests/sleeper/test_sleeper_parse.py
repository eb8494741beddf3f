"""Sleeper's JSON into the book's snapshots: recorded answers, and each league shape's meaning."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from adapters.sleeper.client import PlayerInfo
from adapters.sleeper.parse import (
    SleeperDataError,
    WeekInputs,
    league_shape,
    parse_league,
    parse_week,
    pro_team,
    projected_points,
)
from commands.provider import ProGame

SAMPLES = Path(__file__).resolve().parent / "samples"
KICKOFF = datetime(2020, 9, 13, 17, 0, tzinfo=UTC)


def sample(name: str) -> Any:
    return json.loads((SAMPLES / name).read_text())


def state(week: int, kind: str = "regular", season: str = "2020") -> dict[str, Any]:
    return {"season": season, "season_type": kind, "week": week}


def test_the_recorded_league_reads_with_owners_records_and_its_playoff_rounds():
    data = parse_league(sample("league.json"), sample("users.json"), sample("rosters.json"), state(5))
    assert (data.league_id, data.season, data.name) == (521379020332068864, 2020, "DLP Dynasty League")
    teams = {t.team_id: t for t in data.teams}
    assert set(teams) == {2, 3, 9, 10}
    assert teams[9].owner_name == "Conquistador00" and teams[9].owner_id == "589594433561858048"
    assert teams[9].name == "Conquistador00"  # no team_name in the user's metadata
    assert (teams[9].wins, teams[9].losses, teams[9].points_for, teams[9].points_against) == (
        4,
        0,
        542.1,
        382.04,
    )
    assert teams[2].abbrev == "RAH292" and teams[10].abbrev == "EIDOLONI"
    # playoff_week_start 14, four teams, two weeks per round (playoff_round_type 2)
    assert (data.regular_season_matchup_periods, data.final_matchup_period) == (13, 15)
    assert league_shape(sample("league.json")).periods[14] == (14, 15)
    assert data.lineup_slots == (("QB", 1), ("RB", 2), ("WR", 3), ("TE", 1), ("FLEX", 2))
    assert data.current_matchup_period == 5


@pytest.mark.parametrize(
    ("now", "period"),
    [(state(1, "pre"), 1), (state(14), 14), (state(15), 14), (state(17), 15), (state(1, "post"), 15),
     (state(2, "regular", "2021"), 15), (state(16, "regular", "2019"), 1)],
)  # fmt: skip
def test_the_current_matchup_period_follows_sleepers_nfl_state(now, period):
    data = parse_league(sample("league.json"), sample("users.json"), sample("rosters.json"), now)
    assert data.current_matchup_period == period


def _games(state: str = "post", cancelled: bool = False) -> list[ProGame]:
    teams = ["KC", "BUF", "LAR", "WSH", "DAL", "NYG"]
    return [
        ProGame(f"g{i}", teams[2 * i], teams[2 * i + 1], KICKOFF + timedelta(hours=i), state, cancelled)
        for i in range(3)
    ]


def _directory(ids: list[str]) -> dict[str, PlayerInfo]:
    teams = ["KC", "BUF", "LAR", "WAS", "DAL", "NYG"]
    return {pid: PlayerInfo(f"P{pid}", "WR", teams[i % 6], None, ("WR",)) for i, pid in enumerate(ids)}


def test_the_recorded_week_pairs_rosters_by_matchup_id_and_reads_their_scores():
    entries = sample("matchups_week1.json")
    ids = sorted({p for e in entries for p in e["players"]})
    week = parse_week(
        sample("league.json"),
        sample("rosters.json"),
        _directory(ids),
        {1: WeekInputs(entries, {}, _games())},
        1,
    )
    pairs = {(m.home_team_id, m.away_team_id): (m.home_score, m.away_score) for m in week.matchups}
    assert pairs == {(9, 10): (96.44, 75.62), (2, 3): (134.7, 84.1)}
    game = next(m for m in week.matchups if m.home_team_id == 9)
    assert [line.player_id for line in game.home_lineup] == entries[2]["starters"]
    assert [line.slot for line in game.home_lineup] == [
        "QB",
        "RB",
        "RB",
        "WR",
        "WR",
        "WR",
        "TE",
        "FLEX",
        "FLEX",
    ]
    assert {line.slot for line in game.away_bench} == {"BE", "IR"}  # roster 10 keeps 2583 on reserve
    assert week.is_final and not any(m.is_playoff for m in week.matchups)


def _entry(roster: int, matchup: int | None, starters: list[str], scores: list[float], **extra: Any) -> dict:
    return {
        "roster_id": roster,
        "matchup_id": matchup,
        "starters": starters,
        "starters_points": scores,
        "players": [*starters, f"b{roster}"],
        "players_points": {**dict(zip(starters, scores, strict=True)), f"b{roster}": 1.5},
        "points": round(sum(scores), 2),
        "custom_points": None,
        **extra,
    }


def _league(**settings: Any) -> dict[str, Any]:
    league = copy.deepcopy(sample("league.json"))
    league["roster_positions"] = ["QB", "SUPER_FLEX", "DEF", "IDP_FLEX", "BN"]
    league["settings"].update(settings)
    return league


def _week(entries: list[dict], period: int = 1, games: list[ProGame] | None = None, **settings: Any):
    ids = [p for e in entries for p in e["players"]]
    directory = _directory(ids) | {"KC": PlayerInfo("Chiefs D/ST", "DEF", "KC", None, ("DEF",))}
    directory["lb1"] = PlayerInfo("Line Backer", "LB", "DAL", "Questionable", ("LB",))
    league = _league(**settings)
    weeks = league_shape(league).periods[period]
    return parse_week(
        league, [], directory, {w: WeekInputs(entries, {}, games or _games()) for w in weeks}, period
    )


def test_custom_points_override_the_score_and_are_kept_as_the_adjustment():
    week = _week(
        [
            _entry(1, 1, ["a", "b", "KC", "lb1"], [20.0, 10.5, 4.0, 6.25], custom_points=30.0),
            _entry(2, 1, ["c", "d", "e", "f"], [9.0, 8.0, 7.0, 6.0]),
        ]
    )
    [game] = week.matchups
    assert (game.home_score, game.away_score) == (30.0, 30.0)
    assert game.home_adjustment == pytest.approx(30.0 - 40.75) and game.away_adjustment == 0.0


def test_slots_positions_and_defences_read_in_the_books_terms():
    week = _week([_entry(1, 1, ["a", "b", "KC", "lb1"], [1.0, 2.0, 3.0, 4.0]), _entry(2, 1, ["c"], [1.0])])
    home = {line.player_id: line for line in week.matchups[0].home_lineup}
    assert [line.slot for line in home.values()] == ["QB", "SUPER_FLEX", "D/ST", "IDP_FLEX"]
    assert home["KC"].position == "D/ST" and home["KC"].name == "Chiefs D/ST"
    assert home["lb1"].eligible_slots == ("IDP_FLEX",) and home["lb1"].injury_status == "QUESTIONABLE"
    assert home["a"].eligible_slots == ("SUPER_FLEX",)  # a WR: not a QB, but superflex takes him
    assert home["b"].pro_team == "BUF" and pro_team("WAS") == "WSH" and pro_team(None) == "FA"


def test_empty_slots_are_skipped_and_a_null_matchup_id_plays_nobody():
    week = _week(
        [
            _entry(1, 1, ["a", "0"], [5.5, 0.0]),
            _entry(2, 1, ["c", "d"], [1.0, 2.0]),
            _entry(3, None, ["e", "f"], [3.0, 4.0]),  # a playoff bye / out of the bracket
            _entry(4, 2, ["g", "h"], [3.0, 4.0]),  # alone in its matchup: a bye
        ]
    )
    by_home = {m.home_team_id: m for m in week.matchups}
    assert set(by_home) == {1, 4} and by_home[4].away_team_id is None
    assert [line.player_id for line in by_home[1].home_lineup] == ["a"]


def test_points_wait_for_the_kickoff_and_a_cancelled_game_voids_them():
    before = _week([_entry(1, 1, ["a"], [0.0]), _entry(2, 1, ["c"], [0.0])], games=_games("pre"))
    assert before.matchups[0].home_score is None and before.matchups[0].home_lineup[0].points is None
    cancelled = _week([_entry(1, 1, ["a"], [0.0]), _entry(2, 1, ["c"], [0.0])], games=_games("post", True))
    assert cancelled.matchups[0].home_lineup[0].points is None


def test_a_two_week_playoff_round_adds_both_weeks():
    entries = [_entry(1, 1, ["a"], [10.0]), _entry(2, 1, ["c"], [7.5])]
    week = _week(entries, period=14, playoff_round_type=2)
    assert week.scoring_periods == (14, 15)
    [game] = week.matchups
    assert (game.home_score, game.away_score) == (20.0, 15.0) and game.is_playoff
    assert game.home_lineup[0].points == 20.0


def test_projections_use_the_leagues_own_scoring_else_sleepers_points_for_its_reception_rule():
    shape = league_shape(sample("league.json"))  # half PPR, 0.04 a passing yard
    assert projected_points({"pass_yd": 250.0, "pass_td": 2.0, "rec": 4}, shape) == pytest.approx(
        10.0 + 8.0 + 2.0
    )
    by_format = {"pts_ppr": 15.0, "pts_half_ppr": 13.0, "pts_std": 11.0}
    assert projected_points(by_format, shape) == 13.0
    assert projected_points({}, shape) == 0.0


@pytest.mark.parametrize(
    "broken",
    [
        lambda e: e[0].update(roster_id="x"),
        lambda e: e[0].update(points="lots"),
        lambda e: e[0].update(starters_points=[1.0]),
        lambda e: e[0].update(players_points=[1]),
        lambda e: e.append(dict(e[0])),
        lambda e: e.extend([_entry(7, 1, ["z"], [1.0])]),
    ],
)
def test_unreadable_weeks_are_refused_whole(broken):
    entries = [_entry(1, 1, ["a", "b"], [1.0, 2.0]), _entry(2, 1, ["c"], [1.0])]
    broken(entries)
    with pytest.raises(SleeperDataError):
        _week(entries)
