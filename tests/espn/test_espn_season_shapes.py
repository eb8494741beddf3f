"""The fake ESPN answers in the shapes of the recorded samples, and espn_api's own League loads it.

Why: the season tests are only worth something if the simulator speaks ESPN. Key sets are
compared with tests/espn/samples (recorded ESPN responses), and espn_api's blocking `League(...)`
(the bench's baseline) is pointed at the fake, in a worker thread, and must load a league.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from espn_api.football import League

from adapters.espn.demo import eastern
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import NflSeason, SeasonSim

SEASON = 2026


@pytest.fixture
def sim():
    sim = SeasonSim(777, SEASON, 12, seed=7)
    instant = sim.nfl.first_kickoff(6) + timedelta(days=3, hours=2)
    sim.now = lambda: instant
    return sim


def test_league_views_have_the_samples_keys(sim, sample):
    now = sim.now()
    settings = sim.league_view(("mSettings",), now)
    recorded = sample("league_2018_mSettings.json")
    assert set(recorded) <= set(settings)
    assert set(recorded["status"]) <= set(settings["status"])
    assert set(recorded["settings"]["scheduleSettings"]) <= set(settings["settings"]["scheduleSettings"])

    teams = sim.league_view(("mTeam",), now)
    recorded = sample("league_2018_mTeam.json")
    assert set(recorded) - {"draftDetail"} <= set(teams)
    assert set(recorded["teams"][0]) <= set(teams["teams"][0])
    assert set(recorded["members"][0]) - {"notificationSettings"} <= set(teams["members"][0])

    schedule = sim.league_view(("mMatchupScore",), now)
    recorded = sample("league_2018_mMatchupScore.json")
    assert set(recorded["schedule"][0]) <= set(schedule["schedule"][0])
    assert set(recorded["schedule"][0]["home"]) <= set(schedule["schedule"][0]["home"])


def test_nfl_views_have_the_samples_keys(sim, sample):
    nfl = NflSeason.for_season(SEASON)
    pro = nfl.pro_schedule_view()
    recorded = sample("pro_schedule_2024.json")
    team = recorded["settings"]["proTeams"][0]
    game = next(iter(team["proGamesByScoringPeriod"].values()))[0]
    ours = pro["settings"]["proTeams"][0]
    assert set(team) <= set(ours)
    assert set(game) == set(next(iter(ours["proGamesByScoringPeriod"].values()))[0])
    assert all(len(t["proGamesByScoringPeriod"]) in (17, 18) for t in pro["settings"]["proTeams"] if t["id"])

    board = nfl.scoreboard_view(6, sim.now())
    recorded = sample("nfl_scoreboard_2023_w5.json")
    assert set(recorded) == set(board)
    assert set(recorded["events"][0]) - {"weather"} <= set(board["events"][0])
    competitor = recorded["events"][0]["competitions"][0]["competitors"][0]
    assert {"homeAway", "team", "score", "id"} <= set(competitor)
    assert {e["status"]["type"]["state"] for e in board["events"]} == {"pre", "in", "post"}


def test_kickoff_windows():
    nfl = NflSeason.for_season(SEASON)
    for week in range(1, 19):
        kickoffs = nfl.kickoffs(week)
        first, last = (k.astimezone(eastern()) for k in (kickoffs[0], kickoffs[-1]))
        assert (first.strftime("%a"), first.hour, first.minute) == ("Thu", 20, 15)
        assert (last.strftime("%a"), last.hour, last.minute) == ("Mon", 20, 15)
        sunday = [
            k.astimezone(eastern()) for k in kickoffs if k.astimezone(eastern()).strftime("%a") == "Sun"
        ]
        assert {(k.hour, k.minute) for k in sunday} == {(13, 0), (16, 5), (16, 25), (20, 20)}
        byes = [t for t, w in nfl.bye_week.items() if w == week]
        assert len(kickoffs) * 2 + len(byes) == 32
        assert (5 <= week <= 14) == bool(byes)


async def test_espn_api_league_loads_from_the_fake(sim, monkeypatch):
    import espn_api.requests.espn_requests as espn_requests

    async with FakeEspn(sim.now) as fake:
        fake.add_league(sim)
        monkeypatch.setattr(espn_requests, "FANTASY_BASE_ENDPOINT", fake.fantasy_base)
        league = await asyncio.to_thread(League, league_id=777, year=SEASON)
        assert len(league.teams) == 12 and league.currentMatchupPeriod == 6
        assert league.settings.reg_season_count == 14
        assert all(len(team.roster) == 15 for team in league.teams)
        assert sum(team.wins for team in league.teams) + sum(t.ties for t in league.teams) / 2 == 30
