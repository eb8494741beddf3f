"""parse.py against ESPN's own recorded responses (tests/espn/samples)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from adapters.espn.parse import (
    EspnDataError,
    PayloadRequests,
    league_from_payloads,
    merge_views,
    parse_league,
    parse_pro_games,
    parse_scoreboard,
    parse_week,
    scoring_periods_for,
)

# --------------------------------------------------------------------------- league views


def test_sample_league_identity_and_schedule_shape(sample_league):
    league = parse_league(sample_league)
    assert league.league_id == 368876
    assert league.season == 2018
    assert league.name == "FXBG League"
    assert league.current_matchup_period == 16
    assert league.regular_season_matchup_periods == 13
    assert league.final_matchup_period == 16


def test_sample_league_teams_names_are_cleaned_and_sorted(sample_league):
    teams = parse_league(sample_league).teams
    assert [t.team_id for t in teams] == [1, 2, 3, 4, 5, 7, 8, 9, 10, 11]
    first = teams[0]
    assert (first.name, first.abbrev) == ("Goin' HAM Newton", "GHN")
    # "Feel the " + "Brees" and "Misunderstood " + "Mistfits ": ESPN's stray spaces go
    by_id = {t.team_id: t for t in teams}
    assert by_id[3].name == "Feel the Brees"
    assert by_id[9].name == "Misunderstood Mistfits"


def test_sample_owner_ids_without_matching_members_keep_id_but_no_name(sample_league, sample):
    # ESPN anonymised this sample: the teams' owner ids match no member, so there is no name.
    raw = {t["id"]: t for t in sample("league_2018_mTeam.json")["teams"]}
    for team in parse_league(sample_league).teams:
        assert team.owner_id == raw[team.team_id]["primaryOwner"]
        assert team.owner_name is None


def test_owner_name_comes_from_member_display_name(sample_league):
    payload = copy.deepcopy(sample_league)
    owner = payload["teams"][0]["primaryOwner"]
    payload["members"].append({"displayName": "  cdub ", "id": owner, "isLeagueManager": False})
    team = parse_league(payload).teams[0]
    assert (team.owner_id, team.owner_name) == (owner, "cdub")


def test_espn_api_league_is_built_offline_from_views(sample_league):
    espn_league = league_from_payloads(sample_league)
    assert len(espn_league.teams) == 10
    team = espn_league.teams[0]
    assert team.team_name == "Goin' HAM Newton"
    assert (team.wins, team.losses) == (8, 5)
    # schedule and scores came from the mMatchupScore view
    assert team.scores[:3] == [75.54, 148.1, 128.5]
    assert espn_league.settings.playoff_team_count == 6
    assert isinstance(espn_league.espn_request, PayloadRequests)
    assert espn_league.espn_request.cookies is None


def test_scoring_periods_from_settings(sample_league):
    assert scoring_periods_for(sample_league, 1) == (1,)
    assert scoring_periods_for(sample_league, 16) == (16,)
    with pytest.raises(EspnDataError, match="no matchup period 17"):
        scoring_periods_for(sample_league, 17)


def test_merge_views_unions_teams_by_id(sample):
    base = sample("league_2018_base.json")
    team_view = sample("league_2018_mTeam.json")
    merged = merge_views(base, team_view)
    first = next(t for t in merged["teams"] if t["id"] == 1)
    assert first["location"] == "Goin'"  # from either view
    assert "record" in first  # only in mTeam
    assert len(merged["teams"]) == 10
    assert base["teams"][0].get("record") is None  # inputs untouched


def test_box_scores_need_rosters(sample_league, sample):
    # mMatchupScore alone has no rosters: a clear error, not a KeyError.
    season = sample("league_2018_mMatchupScore.json")
    with pytest.raises(EspnDataError, match="rosterForCurrentScoringPeriod"):
        parse_week(sample_league, {16: season}, None, 16)


# ------------------------------------------------------------------------ NFL schedule/state


def test_pro_schedule_week_12_of_2024(sample):
    games = parse_pro_games(sample("pro_schedule_2024.json"), (12,))
    assert len(games) == 13  # 32 teams, six on bye
    first, last = games[0], games[-1]
    assert (first.game_id, first.away, first.home) == ("401671875", "PIT", "CLE")
    assert first.kickoff == datetime(2024, 11, 22, 1, 15, tzinfo=UTC)
    assert (last.away, last.home) == ("BAL", "LAC")
    assert last.kickoff == datetime(2024, 11, 26, 1, 15, tzinfo=UTC)
    assert all(g.kickoff.tzinfo is UTC for g in games)
    assert all(g.state == "pre" for g in games)  # nobody told us otherwise
    playing = {team for g in games for team in (g.home, g.away)}
    assert {"ATL", "BUF", "CIN", "JAX", "NO", "NYJ"}.isdisjoint(playing)
    assert [g.kickoff for g in games] == sorted(g.kickoff for g in games)


def test_pro_schedule_several_scoring_periods(sample):
    games = parse_pro_games(sample("pro_schedule_2024.json"), (16, 17))
    assert len(games) == 32
    assert len({g.game_id for g in games}) == 32


def test_nfl_scoreboard_sample(sample):
    games = parse_scoreboard(sample("nfl_scoreboard_2023_w5.json"))
    assert len(games) == 14
    first = games[0]
    assert first.event_id == "401547457"
    assert (first.home_pro_team_id, first.away_pro_team_id) == (28, 3)  # CHI @ WSH
    assert first.kickoff == datetime(2023, 10, 6, 0, 15, tzinfo=UTC)
    assert (first.state, first.completed, first.home_score) == ("pre", False, 0)
    assert {g.state for g in games} == {"pre"}


def test_scoreboard_state_reaches_pro_games_by_event_id_and_by_teams(sample):
    pro_schedule = sample("pro_schedule_2024.json")
    board = sample("nfl_scoreboard_2023_w5.json")
    # Reuse the recorded scoreboard's shape with this week's games: one matched by
    # event id (final), one only by its home/away teams (live).
    final_event, live_event = board["events"][0], board["events"][1]
    final_event["id"] = "401671875"  # PIT @ CLE
    final_event["status"]["type"].update(state="post", completed=True, name="STATUS_FINAL")
    final_event["competitions"][0]["competitors"][0]["score"] = "24"
    live_event["id"] = "999"
    live_event["status"]["type"].update(state="in", name="STATUS_IN_PROGRESS")
    home, away = live_event["competitions"][0]["competitors"]
    home["team"]["id"], away["team"]["id"] = "19", "27"  # TB @ NYG
    live_event["date"] = "2024-11-24T18:00Z"
    board["events"] = [final_event, live_event]
    games = {g.game_id: g for g in parse_pro_games(pro_schedule, (12,), [board])}
    assert games["401671875"].state == "post"
    assert games["401671638"].state == "in"
    assert sum(g.state == "pre" for g in games.values()) == 11
    assert parse_scoreboard(board)[0].home_score == 24
    # the same two teams a week away are another game (a rematch), not this one
    live_event["date"] = "2024-12-01T18:00Z"
    games = {g.game_id: g for g in parse_pro_games(pro_schedule, (12,), [board])}
    assert games["401671638"].state == "pre"


# ---------------------------------------------------------------------- box score structure


def _key_sets(entries):
    """Keys present in every roster entry / pool entry / player / stat line."""
    levels = {"entry": [], "pool": [], "player": [], "stat": []}
    for entry in entries:
        levels["entry"].append(set(entry))
        levels["pool"].append(set(entry["playerPoolEntry"]))
        player = entry["playerPoolEntry"]["player"]
        levels["player"].append(set(player))
        levels["stat"].extend(set(stat) for stat in player["stats"])
    return {level: set.intersection(*sets) for level, sets in levels.items() if sets}


def test_demo_box_scores_have_espns_shape(sample, demo_box):
    recorded = sample("hockey_2021_box_score_trimmed.json")
    matchup = recorded["schedule"][0]
    demo_matchup = demo_box["schedule"][0]
    assert set(matchup) <= set(demo_matchup)
    side_keys = set(matchup["home"]) - {"rosterForMatchupPeriod", "rosterForMatchupPeriodDelayed"}
    assert side_keys <= set(demo_matchup["home"])
    assert set(recorded) <= set(demo_box)
    real = _key_sets(
        matchup["home"]["rosterForCurrentScoringPeriod"]["entries"]
        + matchup["away"]["rosterForCurrentScoringPeriod"]["entries"]
    )
    ours = _key_sets(
        entry
        for m in demo_box["schedule"]
        for side in ("home", "away")
        for entry in m[side]["rosterForCurrentScoringPeriod"]["entries"]
    )
    for level, keys in real.items():
        assert keys <= ours[level], (level, keys - ours[level])


def test_empty_actual_line_is_not_zero_points(sample, demo_league, demo_box, demo_pro_schedule):
    """ESPN can list an actual (statSourceId 0) line with empty stats before a game: the
    recorded hockey entry below has exactly that. espn_api reads it as 0 points; the book
    must read "no points yet"."""
    recorded = sample("hockey_2021_box_score_trimmed.json")
    entry = next(
        e
        for e in recorded["schedule"][0]["home"]["rosterForCurrentScoringPeriod"]["entries"]
        if e["playerPoolEntry"]["player"]["stats"]
    )
    player = entry["playerPoolEntry"]["player"]
    assert player["stats"][0]["stats"] == {} and "appliedTotal" not in player["stats"][0]
    # Turn the hockey skater into a football WR on KC with a projection, keep the empty line.
    entry["lineupSlotId"] = 4
    player.update(proTeamId=12, defaultPositionId=3, eligibleSlots=[3, 4, 5, 23, 7, 20, 21])
    player["stats"][0].update(proTeamId=12, scoringPeriodId=12, seasonId=2026)
    player["stats"].append(
        {
            "appliedTotal": 11.5,
            "proTeamId": 12,
            "scoringPeriodId": 12,
            "seasonId": 2026,
            "statSourceId": 1,
            "statSplitTypeId": 1,
            "stats": {"53": 5.0},
        }
    )
    entries = demo_box["schedule"][0]["home"]["rosterForCurrentScoringPeriod"]["entries"]
    wr_index = next(i for i, e in enumerate(entries) if e["lineupSlotId"] == 4)
    entries[wr_index] = entry

    week = parse_week(demo_league, {12: demo_box}, demo_pro_schedule, 12)
    line = next(p for p in week.matchups[0].home_lineup if p.player_id == str(player["id"]))
    assert (line.name, line.position, line.slot, line.pro_team) == ("Torey Krug", "WR", "WR", "KC")
    assert line.projection == 11.5
    assert line.points is None
