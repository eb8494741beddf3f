"""Yahoo's JSON into the book's snapshots: the fake's answers (Yahoo's layout, see
tests/fakes/yahoo_fake.py for the recorded samples it follows) and hand-made edge cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from espn_api.football.constant import PRO_TEAM_MAP

from adapters.sleeper.parse import pro_team
from adapters.yahoo.parse import (
    POSITION_WEIGHTS,
    RosterWeek,
    YahooDataError,
    game_key,
    league_shape,
    parse_league,
    parse_week,
    roster_lines,
    scoreboard_teams,
)
from adapters.yahoo.shapes import collection
from commands.provider import ProGame
from tests.fakes.espn_season import SeasonSim
from tests.fakes.yahoo_fake import FakeYahoo, yahoo_team_abbr

KICKOFF = datetime(2026, 9, 13, 17, 0, tzinfo=UTC)


@pytest.fixture
def served():
    sim = SeasonSim(771004, 2026, teams=10, seed=9)
    now = sim.nfl.end_of(1) + timedelta(hours=1)
    fake = FakeYahoo(now=lambda: now, end_week=3)
    fake.add_league(sim)
    return sim, fake


def test_a_league_and_a_week_as_the_fake_serves_them(served):
    sim, fake = served
    key = f"473.l.{sim.league_id}"
    assert game_key(fake._route("game/nfl")) == ("473", 2026)
    shape = league_shape(fake._route(f"league/{key}/settings"))
    assert (shape.final_period, shape.regular_periods, shape.playoff_start_week) == (3, 3, None)
    assert dict(shape.starting_slots) == {"QB": 1, "WR": 2, "RB": 2, "TE": 1, "FLEX": 1, "K": 1, "D/ST": 1}
    league = parse_league(shape, fake._route(f"league/{key}/standings"))
    assert len(league.teams) == 10 and league.teams[0].owner_name == "alex"
    assert len({t.abbrev for t in league.teams}) == 10 and league.current_matchup_period == 1
    assert sum(t.wins + t.losses + t.ties for t in league.teams) == 10  # week 1 is final
    scoreboard = fake._route(f"league/{key}/scoreboard;week=1")
    games = scoreboard_teams(scoreboard)
    assert len(games) == 5 and all(home.team_id < away.team_id for home, away, _ in games if away)
    rosters = {
        side.team_id: RosterWeek(
            fake._route(f"team/{side.team_key}/roster;week=1/players/stats;type=week;week=1")
        )
        for home, away, _ in games
        for side in (home, away)
        if side
    }
    pro = [ProGame(str(t), pro_team(yahoo_team_abbr(t)), "BYE", KICKOFF, "post") for t in PRO_TEAM_MAP if t]
    week = parse_week(shape, 1, scoreboard, rosters, pro)
    assert week.scoring_periods == (1,) and len(week.matchups) == 5
    for matchup, (home, _away, _) in zip(week.matchups, games, strict=True):
        assert matchup.home_score == round(sim.team_points(home.team_id, 1), 2)
        assert len(matchup.home_lineup) == 9 and all(p.slot not in ("BN", "BE") for p in matchup.home_lineup)
        # No player projections from Yahoo: the team's projection is shared among the starters.
        assert sum(p.projection for p in matchup.home_lineup) == pytest.approx(home.projected, abs=0.05)
        assert {p.position for p in matchup.home_lineup} >= {"QB", "D/ST", "K"}
        assert all(p.name.endswith("D/ST") for p in matchup.home_lineup if p.position == "D/ST")


def _player(pid: str, position: str, slot: str, team: str, *, status: str | None = None, **extra) -> dict:
    meta = [
        {"player_key": f"473.p.{pid}"},
        {"player_id": pid},
        {"name": {"full": f"Player {pid}", "first": "Player", "last": pid}},
        *([{"status": status}] if status else []),
        {"editorial_team_abbr": team},
        {"display_position": position},
        {"eligible_positions": [{"position": position}]},
        [],
    ]
    return {
        "player": [
            meta,
            {"selected_position": [{"coverage_type": "week", "week": "1"}, {"position": slot}]},
            {"player_points": {"coverage_type": "week", "week": "1", "total": "10.5"}, **extra},
        ]
    }


def _roster(*players: dict) -> RosterWeek:
    body = {str(i): p for i, p in enumerate(players)}
    body["count"] = len(players)
    team = [[{"team_key": "473.l.1.t.1"}, {"team_id": "1"}], {"roster": {"0": {"players": body}}}]
    return RosterWeek({"fantasy_content": {"team": team}})


def test_team_projection_is_shared_by_position_and_nothing_to_who_is_out():
    games = {t: ProGame(t, t, "X", KICKOFF, "pre") for t in ("KC", "WSH", "BUF")}
    starters, bench = roster_lines(
        _roster(
            _player("1", "QB", "QB", "KC"),
            _player("2", "WR", "W/R/T", "Was"),
            _player("3", "RB", "RB", "Buf", status="O"),
            _player("4", "TE", "TE", "Nyj"),  # no game this week
            _player("5", "WR", "BN", "KC"),
        ),
        games,
        100.0,
    )
    by_id = {p.player_id: p for p in starters}
    assert [p.player_id for p in bench] == ["5"] and bench[0].slot == "BN"
    assert by_id["2"].pro_team == "WSH" and by_id["2"].slot == "FLEX"
    assert by_id["3"].injury_status == "OUT" and by_id["3"].projection == 0.0 and by_id["4"].projection == 0.0
    share = POSITION_WEIGHTS["QB"] / (POSITION_WEIGHTS["QB"] + POSITION_WEIGHTS["WR"])
    assert by_id["1"].projection == pytest.approx(100 * share, abs=0.01)
    assert all(p.points is None for p in starters)  # nobody has kicked off


def test_player_projections_when_yahoo_gives_them():
    games = {"KC": ProGame("g", "KC", "X", KICKOFF, "in")}
    starters, _ = roster_lines(
        _roster(
            _player("1", "QB", "QB", "KC", player_projected_points={"coverage_type": "week", "total": "21.3"})
        ),
        games,
        99.0,
    )
    assert starters[0].projection == 21.3 and starters[0].points == 10.5


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"fantasy_content": {}},
        {"fantasy_content": {"team": [[{"team_id": "1"}], {"roster": {"0": {"players": {"count": 2}}}}]}},
        {"fantasy_content": {"team": [[{"team_id": "1"}], {"roster": "nope"}]}},
    ],
)
def test_unreadable_answers_are_data_errors(payload):
    with pytest.raises(YahooDataError):
        roster_lines(RosterWeek(payload), {}, 10.0)


def test_a_collection_must_hold_what_it_counts():
    assert collection({"0": {"team": [[{"team_id": "1"}]]}, "count": 1}, "team") == [{"team_id": "1"}]
    with pytest.raises(YahooDataError):
        collection({"count": "x"}, "team")
