"""The shipped demo files: ESPN's shape, readable by the real espn_api path, reproducible."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from espn_api.football.box_score import BoxScore
from espn_api.football.constant import PRO_TEAM_MAP

from adapters.espn.demo import (
    ALL_FILES,
    DATA_DIR,
    DEMO_LEAGUE_ID,
    DEMO_LEAGUE_NAME,
    DEMO_SEASON,
    TEAM_FILE,
    generate,
)
from adapters.espn.demo.provider import demo_owner_names
from adapters.espn.parse import league_from_payloads, parse_league, parse_week

STARTING_SLOTS = Counter({"QB": 1, "RB": 2, "WR": 2, "TE": 1, "FLEX": 1, "D/ST": 1, "K": 1})

KICKOFFS_UTC = [
    datetime(2026, 11, 26, 17, 30, tzinfo=UTC),  # Thu 12:30 ET, Detroit
    datetime(2026, 11, 26, 21, 30, tzinfo=UTC),  # Thu 4:30 ET, Dallas
    datetime(2026, 11, 27, 1, 20, tzinfo=UTC),  # Thu 8:20 ET
    *[datetime(2026, 11, 29, 18, 0, tzinfo=UTC)] * 7,  # Sun 1:00 ET
    datetime(2026, 11, 29, 21, 5, tzinfo=UTC),  # Sun 4:05 ET
    datetime(2026, 11, 29, 21, 5, tzinfo=UTC),
    datetime(2026, 11, 29, 21, 25, tzinfo=UTC),  # Sun 4:25 ET
    datetime(2026, 11, 30, 1, 20, tzinfo=UTC),  # Sunday night 8:20 ET
    datetime(2026, 12, 1, 1, 15, tzinfo=UTC),  # Monday night 8:15 ET
]


def test_demo_league_through_espn_api(demo_league):
    espn_league = league_from_payloads(demo_league)
    assert espn_league.league_id == DEMO_LEAGUE_ID and espn_league.year == DEMO_SEASON
    assert len(espn_league.teams) == 10
    assert espn_league.currentMatchupPeriod == 12 and espn_league.current_week == 12
    assert espn_league.settings.reg_season_count == 14
    assert espn_league.settings.matchup_periods["15"] == [15, 16]
    # records in mTeam agree with the season results in mMatchupScore, as espn_api reads them
    for team in espn_league.teams:
        outcomes = Counter(team.outcomes[:11])
        assert (outcomes["W"], outcomes["L"], outcomes["T"]) == (team.wins, team.losses, team.ties)
        assert round(sum(team.scores[:11]), 2) == team.points_for
    assert sum(t.wins for t in espn_league.teams) == sum(t.losses for t in espn_league.teams)


def test_demo_league_data(demo_league):
    league = parse_league(demo_league)
    assert (league.league_id, league.season, league.name) == (
        DEMO_LEAGUE_ID,
        DEMO_SEASON,
        DEMO_LEAGUE_NAME,
    )
    assert (league.current_matchup_period, league.regular_season_matchup_periods) == (12, 14)
    assert league.final_matchup_period == 16
    assert [t.team_id for t in league.teams] == list(range(1, 11))
    assert len({t.name for t in league.teams}) == 10
    assert len({t.abbrev for t in league.teams}) == 10
    owners = [t.owner_name for t in league.teams]
    assert tuple(owners) == demo_owner_names()
    assert len(set(owners)) == 10 and all(o and o == o.lower() for o in owners)
    assert all(t.owner_id and t.owner_id.startswith("{") for t in league.teams)


def test_demo_week_parses_into_five_full_matchups(demo_league, demo_box, demo_pro_schedule):
    week = parse_week(demo_league, {12: demo_box}, demo_pro_schedule, 12)
    assert (week.season, week.matchup_period, week.scoring_periods) == (2026, 12, (12,))
    assert len(week.matchups) == 5
    teams = [t for m in week.matchups for t in (m.home_team_id, m.away_team_id)]
    assert sorted(teams) == list(range(1, 11))
    for matchup in week.matchups:
        assert not matchup.is_playoff
        for lineup in (matchup.home_lineup, matchup.away_lineup):
            assert len(lineup) == 9
            assert Counter(p.slot for p in lineup) == STARTING_SLOTS
            assert all(p.projection > 0 for p in lineup)
            assert all(p.pro_team not in ("ARI", "MIA", "None") for p in lineup)
            assert all(p.slot not in ("BE", "IR") for p in lineup)
            flex = next(p for p in lineup if p.slot == "FLEX")
            assert flex.position in ("RB", "WR", "TE")
            dst = next(p for p in lineup if p.slot == "D/ST")
            assert dst.position == "D/ST" and int(dst.player_id) < 0 and dst.name.endswith(" D/ST")
            # without a scoreboard the stat lines decide: the shipped week is played out
            assert all(p.points is not None for p in lineup)
        assert matchup.home_score == round(sum(p.points for p in matchup.home_lineup), 2)


def test_demo_week_known_kickoffs(demo_league, demo_box, demo_pro_schedule, demo_scoreboard):
    week = parse_week(demo_league, {12: demo_box}, demo_pro_schedule, 12, [demo_scoreboard])
    assert [g.kickoff for g in week.pro_games] == KICKOFFS_UTC
    assert (week.pro_games[0].away, week.pro_games[0].home) == ("CHI", "DET")
    assert week.pro_games[1].home == "DAL"
    assert (week.pro_games[-1].away, week.pro_games[-1].home) == ("BUF", "LAR")
    playing = {t for g in week.pro_games for t in (g.home, g.away)}
    assert len(playing) == 30 and {"ARI", "MIA"}.isdisjoint(playing)
    assert all(g.state == "pre" for g in week.pro_games)
    assert not week.is_final
    # the scoreboard says every game is ahead: nobody has points yet
    assert all(m.home_score is None and m.away_score is None for m in week.matchups)


def test_demo_box_stat_lines(demo_box):
    for matchup in demo_box["schedule"]:
        for side in ("home", "away"):
            data = matchup[side]
            entries = data["rosterForCurrentScoringPeriod"]["entries"]
            assert 15 <= len(entries) <= 16
            assert Counter(e["lineupSlotId"] for e in entries)[20] == 6
            total = 0.0
            for entry in entries:
                player = entry["playerPoolEntry"]["player"]
                assert player["proTeamId"] in PRO_TEAM_MAP and player["proTeamId"] != 0
                sources = {s["statSourceId"]: s for s in player["stats"]}
                if entry["lineupSlotId"] not in (20, 21):
                    assert set(sources) == {0, 1}
                    assert sources[1]["appliedTotal"] > 0
                    assert all(s["scoringPeriodId"] == 12 and s["seasonId"] == 2026 for s in player["stats"])
                    total += sources[0]["appliedTotal"]
            assert round(total, 2) == data["totalPoints"]


def test_demo_espn_api_box_score_reads_lineups(demo_box):
    boxes = [BoxScore(m, {}, {}, 12, 2026) for m in demo_box["schedule"]]
    assert len(boxes) == 5
    for box in boxes:
        starters = [p for p in box.home_lineup if p.slot_position not in ("BE", "IR")]
        assert len(starters) == 9
        assert all(p.projected_points > 0 for p in starters)
        assert {p.position for p in starters} <= {"QB", "RB", "WR", "TE", "D/ST", "K"}


def test_demo_bench_has_bye_and_injured_players(demo_box):
    entries = [
        e
        for m in demo_box["schedule"]
        for side in ("home", "away")
        for e in m[side]["rosterForCurrentScoringPeriod"]["entries"]
    ]
    on_bye = [e for e in entries if e["playerPoolEntry"]["player"]["proTeamId"] in (15, 22)]
    assert on_bye and all(e["lineupSlotId"] == 20 for e in on_bye)
    assert all(e["playerPoolEntry"]["player"]["stats"] == [] for e in on_bye)
    injured_reserve = [e for e in entries if e["lineupSlotId"] == 21]
    assert len(injured_reserve) == 2
    statuses = Counter(e["playerPoolEntry"]["player"]["injuryStatus"] for e in entries)
    assert statuses["ACTIVE"] > 100 and statuses["INJURY_RESERVE"] == 2


def test_demo_pro_schedule_uses_all_32_real_team_ids(demo_pro_schedule):
    teams = demo_pro_schedule["settings"]["proTeams"]
    assert {t["id"] for t in teams} == set(PRO_TEAM_MAP)
    byes = {t["abbrev"] for t in teams if t["byeWeek"] == 12}
    assert byes == {"Ari", "Mia"}
    assert all(not t["proGamesByScoringPeriod"] for t in teams if t["abbrev"] in byes)


def test_demo_scoreboard_template(demo_scoreboard, demo_pro_schedule):
    events = demo_scoreboard["events"]
    assert len(events) == 15
    assert {e["status"]["type"]["state"] for e in events} == {"pre"}
    game_ids = {
        str(g["id"])
        for t in demo_pro_schedule["settings"]["proTeams"]
        for g in t["proGamesByScoringPeriod"].get("12", [])
    }
    assert {e["id"] for e in events} == game_ids
    assert events[0]["status"]["type"]["shortDetail"] == "11/26 - 12:30 PM EST"
    assert [t["abbreviation"] for t in demo_scoreboard["week"]["teamsOnBye"]] == ["ARI", "MIA"]


def test_demo_owner_names():
    assert demo_owner_names() == (
        "alex",
        "blake",
        "casey",
        "drew",
        "emery",
        "frankie",
        "gray",
        "harper",
        "jules",
        "kai",
    )
    assert demo_owner_names(DATA_DIR) == demo_owner_names()
    assert TEAM_FILE in ALL_FILES


# ------------------------------------------------------------------------------ generator


def test_committed_files_are_what_the_generator_writes():
    assert generate.stale_files() == []
    assert generate.main(["--check"]) == 0


def test_generator_is_deterministic(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    assert generate.main(["--out", str(first)]) == 0
    generate.write_demo_data(second)
    for name in ALL_FILES:
        data = (first / name).read_bytes()
        assert data == (second / name).read_bytes(), name
        assert data == (DATA_DIR / name).read_bytes(), name


def test_check_reports_stale_files(tmp_path):
    generate.write_demo_data(tmp_path)
    (tmp_path / TEAM_FILE).write_text("{}", encoding="utf-8")
    assert generate.stale_files(tmp_path) == [TEAM_FILE]
    assert generate.main(["--check", "--out", str(tmp_path)]) == 1
