"""Bad payloads become EspnDataError with a readable message, never a bare KeyError."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.espn.demo import BOXSCORE_FILE, DATA_DIR
from adapters.espn.demo.provider import DemoLeagueProvider
from adapters.espn.parse import (
    EspnDataError,
    PayloadRequests,
    load_payload,
    merge_views,
    parse_league,
    parse_pro_games,
    parse_scoreboard,
    parse_week,
)


def test_espn_data_error_is_a_value_error():
    assert issubclass(EspnDataError, ValueError)


def test_truncated_json_text(sample):
    text = json.dumps(sample("league_2018_mTeam.json"))
    with pytest.raises(EspnDataError, match="mTeam response is not valid JSON"):
        load_payload(text[: len(text) // 2], "mTeam")
    with pytest.raises(EspnDataError, match="not valid JSON"):
        load_payload(b"", "mSettings")
    with pytest.raises(EspnDataError, match="should be a JSON object"):
        load_payload("[1, 2]", "mSettings")
    with pytest.raises(EspnDataError, match="not UTF-8"):
        load_payload(b"\xff\xfe{", "mSettings")


def test_league_history_list_is_unwrapped(sample):
    payload = sample("league_2018_base.json")
    assert load_payload(json.dumps([payload]), "league") == payload


@settings(max_examples=60, deadline=None)
@given(cut=st.integers(min_value=0, max_value=4311))
def test_any_truncation_is_an_espn_data_error(cut):
    raw = (Path(__file__).parent / "samples" / "league_2018_base.json").read_bytes()
    cut = min(cut, len(raw) - 2)  # the last bytes are whitespace and the closing brace
    with pytest.raises(EspnDataError):
        load_payload(raw[:cut], "base")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (("status",), "missing 'status'"),
        (("settings",), "missing 'settings'"),
        (("teams",), "missing 'teams'"),
        (("id",), "missing 'id'"),
        (("settings", "scheduleSettings", "matchupPeriods"), "matchupPeriods"),
        (("status", "currentMatchupPeriod"), "currentMatchupPeriod"),
        (("settings", "scoringSettings"), "scoringSettings"),
    ],
)
def test_league_missing_keys(sample_league, path, message):
    payload = copy.deepcopy(sample_league)
    target = payload
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    with pytest.raises(EspnDataError, match=message):
        parse_league(payload)


def test_league_team_without_record(sample_league):
    payload = copy.deepcopy(sample_league)
    del payload["teams"][3]["record"]
    with pytest.raises(EspnDataError, match="'record'"):
        parse_league(payload)


def test_league_without_mteam_view(sample):
    # base + mSettings only: teams lack what espn_api's Team needs
    payload = merge_views(sample("league_2018_base.json"), sample("league_2018_mSettings.json"))
    with pytest.raises(EspnDataError, match="right view"):
        parse_league(payload)


def test_merge_views_rejects_non_objects():
    with pytest.raises(EspnDataError):
        merge_views({"id": 1}, ["not", "a", "view"])  # type: ignore[arg-type]


def test_week_errors(demo_league, demo_box, demo_pro_schedule):
    with pytest.raises(EspnDataError, match="no matchup period 30"):
        parse_week(demo_league, {30: demo_box}, demo_pro_schedule, 30)
    with pytest.raises(EspnDataError, match="do not belong to matchup period 12"):
        parse_week(demo_league, {13: demo_box}, demo_pro_schedule, 12)
    with pytest.raises(EspnDataError, match="no box scores"):
        parse_week(demo_league, {}, demo_pro_schedule, 12)
    with pytest.raises(EspnDataError, match="no matchup of matchup period 11"):
        parse_week(demo_league, {11: demo_box}, demo_pro_schedule, 11)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda box: box.pop("schedule"), "missing 'schedule'"),
        (lambda box: box["schedule"][0].pop("home"), "no home team"),
        (lambda box: box["schedule"][0]["home"].pop("teamId"), "teamId"),
        (lambda box: box["schedule"][0]["away"].pop("totalPoints"), "totalPoints"),
        (
            lambda box: box["schedule"][0]["home"].pop("rosterForCurrentScoringPeriod"),
            "rosterForCurrentScoringPeriod",
        ),
        (lambda box: _first_entry(box).pop("lineupSlotId"), "lineupSlotId"),
        (lambda box: _first_entry(box).update(lineupSlotId=99), "unknown lineupSlotId 99"),
        (lambda box: _first_player(box).pop("proTeamId"), "proTeamId"),
        (lambda box: _first_player(box).update(proTeamId=37), "unknown proTeamId 37"),
        (lambda box: _first_player(box).pop("fullName"), "fullName"),
        (lambda box: _first_entry(box).pop("playerPoolEntry"), "player"),
        (lambda box: _first_player(box).update(stats="n/a"), "stats that are not a list"),
        (lambda box: box["schedule"][2].pop("matchupPeriodId"), "matchupPeriodId"),
    ],
)
def test_box_score_missing_keys(demo_league, demo_box, demo_pro_schedule, mutate, message):
    mutate(demo_box)
    with pytest.raises(EspnDataError, match=message):
        parse_week(demo_league, {12: demo_box}, demo_pro_schedule, 12)


def _first_entry(box):
    return box["schedule"][0]["home"]["rosterForCurrentScoringPeriod"]["entries"][0]


def _first_player(box):
    return _first_entry(box)["playerPoolEntry"]["player"]


def test_error_messages_name_the_place(demo_league, demo_box, demo_pro_schedule):
    _first_player(demo_box).pop("proTeamId")
    with pytest.raises(EspnDataError) as info:
        parse_week(demo_league, {12: demo_box}, demo_pro_schedule, 12)
    message = str(info.value)
    assert "scoring period 12" in message and "matchup #0" in message
    assert "home team" in message and "roster entry #0" in message


def test_pro_schedule_errors(sample):
    with pytest.raises(EspnDataError, match="missing 'settings'"):
        parse_pro_games({"display": True}, (12,))
    schedule = sample("pro_schedule_2024.json")
    team = next(t for t in schedule["settings"]["proTeams"] if t["id"] == 12)
    del team["proGamesByScoringPeriod"]["12"][0]["date"]
    with pytest.raises(EspnDataError, match="'date'"):
        parse_pro_games(schedule, (12,))
    team["proGamesByScoringPeriod"]["12"][0]["date"] = 1732471200000
    team["proGamesByScoringPeriod"]["12"][0]["homeProTeamId"] = 77
    with pytest.raises(EspnDataError, match="unknown NFL team id 77"):
        parse_pro_games(schedule, (12,))


def test_scoreboard_errors(sample):
    board = sample("nfl_scoreboard_2023_w5.json")
    del board["events"][2]["status"]
    with pytest.raises(EspnDataError, match="event #2 is missing 'status'"):
        parse_scoreboard(board)
    board = sample("nfl_scoreboard_2023_w5.json")
    board["events"][0]["status"]["type"]["state"] = "halftime"
    with pytest.raises(EspnDataError, match="unknown state 'halftime'"):
        parse_scoreboard(board)
    board = sample("nfl_scoreboard_2023_w5.json")
    board["events"][0]["competitions"][0]["competitors"].pop()
    with pytest.raises(EspnDataError, match="one home and one away"):
        parse_scoreboard(board)
    with pytest.raises(EspnDataError, match="missing 'events'"):
        parse_scoreboard({"leagues": []})


def test_payload_requests_never_go_to_the_network():
    requests = PayloadRequests(league_id=1, year=2026, league={"id": 1})
    assert requests.cookies is None
    with pytest.raises(EspnDataError, match="kona_player_info"):
        requests.league_get(params={"view": "kona_player_info"})
    with pytest.raises(EspnDataError, match="communication"):
        requests.league_get(params={"view": "kona_league_communication"}, extend="/communication/")
    with pytest.raises(EspnDataError, match="player news"):
        requests.news_get(params={"playerId": 1})
    with pytest.raises(EspnDataError, match="scoring period 3"):
        requests.league_get(params={"view": ["mMatchupScore", "mScoreboard"], "scoringPeriodId": 3})
    assert requests.get(extend="/players", params={"view": "players_wl"}) == []


def test_payload_requests_apply_the_matchup_period_filter(demo_box):
    requests = PayloadRequests(league_id=1, year=2026, box_scores={12: demo_box})
    params = {"view": ["mMatchupScore", "mScoreboard"], "scoringPeriodId": 12}
    wanted = {"x-fantasy-filter": json.dumps({"schedule": {"filterMatchupPeriodIds": {"value": ["12"]}}})}
    other = {"x-fantasy-filter": json.dumps({"schedule": {"filterMatchupPeriodIds": {"value": [11]}}})}
    assert len(requests.league_get(params=params, headers=wanted)["schedule"]) == 5
    assert requests.league_get(params=params, headers=other)["schedule"] == []


async def test_demo_provider_with_truncated_file(tmp_path):
    for path in DATA_DIR.glob("*.json"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    raw = (DATA_DIR / BOXSCORE_FILE).read_bytes()
    (tmp_path / BOXSCORE_FILE).write_bytes(raw[: len(raw) // 3])
    provider = DemoLeagueProvider(lambda: datetime(2026, 11, 29, tzinfo=UTC), data_dir=tmp_path)
    with pytest.raises(EspnDataError, match="not valid JSON"):
        await provider.fetch_week(12)


async def test_demo_provider_with_missing_file(tmp_path):
    provider = DemoLeagueProvider(lambda: datetime(2026, 11, 29, tzinfo=UTC), data_dir=tmp_path)
    with pytest.raises(EspnDataError, match="generate"):
        await provider.fetch_league()


def _paths(obj, prefix=()):
    """Every key path in a JSON object (lists walked by index)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            yield (*prefix, key)
            yield from _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for index, value in enumerate(obj[:3]):
            yield from _paths(value, (*prefix, index))


@pytest.fixture(scope="module")
def box_paths():
    box = json.loads((DATA_DIR / BOXSCORE_FILE).read_text(encoding="utf-8"))
    return [p for p in _paths(box) if isinstance(p[-1], str)]


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_deleting_any_box_key_parses_or_raises_espn_data_error(
    demo_league, demo_box, demo_pro_schedule, box_paths, data
):
    path = data.draw(st.sampled_from(box_paths))
    box = copy.deepcopy(demo_box)
    target = box
    for key in path[:-1]:
        target = target[key]
    del target[path[-1]]
    try:
        week = parse_week(demo_league, {12: box}, demo_pro_schedule, 12)
    except EspnDataError as exc:
        assert str(exc)
    else:
        assert len(week.matchups) == 5
