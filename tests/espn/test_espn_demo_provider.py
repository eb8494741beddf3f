"""DemoLeagueProvider: the demo week played out along an injected clock."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.espn.demo.provider import (
    DEMO_WEEK_START,
    GAME_LENGTH,
    DemoLeagueProvider,
    demo_owner_names,
    game_state,
)
from adapters.espn.parse import EspnDataError
from commands.clock import ManualClock
from commands.provider import LeagueDataProvider, WeekData

THANKSGIVING_EARLY = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
MID_SUNDAY = datetime(2026, 11, 29, 19, 45, tzinfo=UTC)  # 2:45 pm ET
AFTER_MONDAY_NIGHT = datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


async def week_at(moment: datetime) -> WeekData:
    return await DemoLeagueProvider(lambda: moment).fetch_week(12)


def lines(week: WeekData):
    return [p for m in week.matchups for p in (*m.home_lineup, *m.away_lineup)]


def test_demo_week_start_is_wednesday_noon_in_new_york():
    noon_in_new_york = datetime(2026, 11, 25, 17, 0, tzinfo=UTC)
    assert noon_in_new_york == DEMO_WEEK_START
    assert DEMO_WEEK_START.tzinfo is UTC
    assert DEMO_WEEK_START < THANKSGIVING_EARLY


def test_implements_the_protocol():
    provider: LeagueDataProvider = DemoLeagueProvider(lambda: DEMO_WEEK_START)
    assert callable(provider.fetch_league) and callable(provider.fetch_week)


async def test_league():
    league = await DemoLeagueProvider(lambda: DEMO_WEEK_START).fetch_league()
    assert league.name == "Sidebet Demo League"
    assert (league.league_id, league.season, league.current_matchup_period) == (1234567, 2026, 12)
    assert tuple(t.owner_name for t in league.teams) == demo_owner_names()


async def test_before_kickoff_nothing_has_happened():
    week = await week_at(DEMO_WEEK_START)
    assert len(week.matchups) == 5 and len(week.pro_games) == 15
    assert {g.state for g in week.pro_games} == {"pre"}
    assert not week.is_final
    assert all(p.points is None for p in lines(week))
    assert all(p.projection > 0 for p in lines(week))
    assert all(m.home_score is None and m.away_score is None for m in week.matchups)


async def test_at_first_kickoff_that_game_is_live_with_zero_points():
    week = await week_at(THANKSGIVING_EARLY)
    states = {(g.away, g.home): g.state for g in week.pro_games}
    assert states[("CHI", "DET")] == "in"
    assert sum(s == "pre" for s in states.values()) == 14
    for player in lines(week):
        if player.pro_team in ("CHI", "DET"):
            assert player.points == 0.0
        else:
            assert player.points is None
    for matchup in week.matchups:
        for lineup, score in (
            (matchup.home_lineup, matchup.home_score),
            (matchup.away_lineup, matchup.away_score),
        ):
            kicked_off = any(p.pro_team in ("CHI", "DET") for p in lineup)
            assert (score is not None) == kicked_off


async def test_mid_sunday_some_live_some_final():
    final = {p.player_id: p.points for p in lines(await week_at(AFTER_MONDAY_NIGHT))}
    week = await week_at(MID_SUNDAY)
    states = [g.state for g in week.pro_games]
    assert states == ["post"] * 3 + ["in"] * 7 + ["pre"] * 5
    state_of = {team: g.state for g in week.pro_games for team in (g.home, g.away)}
    share = (MID_SUNDAY - datetime(2026, 11, 29, 18, 0, tzinfo=UTC)) / GAME_LENGTH
    assert 0 < share < 1
    seen = set()
    for player in lines(week):
        state = state_of[player.pro_team]
        seen.add(state)
        if state == "pre":
            assert player.points is None
        elif state == "post":
            assert player.points == final[player.player_id]
        else:
            assert player.points is not None
            assert player.points == pytest.approx(final[player.player_id] * share, abs=0.05)
    assert seen == {"pre", "in", "post"}
    for matchup in week.matchups:
        for lineup, score in (
            (matchup.home_lineup, matchup.home_score),
            (matchup.away_lineup, matchup.away_score),
        ):
            assert score == pytest.approx(sum(p.points or 0.0 for p in lineup), abs=0.01)


async def test_after_monday_night_the_week_is_final(demo_box):
    week = await week_at(AFTER_MONDAY_NIGHT)
    assert {g.state for g in week.pro_games} == {"post"}
    assert week.is_final
    shipped = {m["home"]["teamId"]: m["home"]["totalPoints"] for m in demo_box["schedule"]} | {
        m["away"]["teamId"]: m["away"]["totalPoints"] for m in demo_box["schedule"]
    }
    for matchup in week.matchups:
        for team, lineup, score in (
            (matchup.home_team_id, matchup.home_lineup, matchup.home_score),
            (matchup.away_team_id, matchup.away_lineup, matchup.away_score),
        ):
            assert all(p.points is not None for p in lineup)
            assert score == pytest.approx(sum(p.points for p in lineup), abs=0.01)
            assert score == shipped[team]


async def test_one_provider_follows_a_moving_clock():
    clock = ManualClock(DEMO_WEEK_START)
    provider = DemoLeagueProvider(clock.now)
    states = []
    for _ in range(8):
        week = await provider.fetch_week(12)
        states.append([g.state for g in week.pro_games])
        clock.advance(timedelta(days=1))
    order = {"pre": 0, "in": 1, "post": 2}
    for earlier, later in itertools.pairwise(states):
        assert all(order[a] <= order[b] for a, b in zip(earlier, later, strict=True))
    assert set(states[0]) == {"pre"} and set(states[-1]) == {"post"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.datetimes(min_value=datetime(2026, 11, 25), max_value=datetime(2026, 12, 2), timezones=st.just(UTC))
)
async def test_scores_are_the_sum_of_starters_at_any_instant(moment):
    week = await week_at(moment)
    for game in week.pro_games:
        assert game.state == game_state(game.kickoff, moment)[0]
    for matchup in week.matchups:
        for lineup, score in (
            (matchup.home_lineup, matchup.home_score),
            (matchup.away_lineup, matchup.away_score),
        ):
            started = [p.points for p in lineup if p.points is not None]
            if started:
                assert score == pytest.approx(sum(started), abs=0.01)
            else:
                assert score is None


async def test_only_week_12_exists():
    provider = DemoLeagueProvider(lambda: DEMO_WEEK_START)
    with pytest.raises(EspnDataError, match="matchup period 12"):
        await provider.fetch_week(13)


async def test_naive_clock_is_refused():
    provider = DemoLeagueProvider(lambda: datetime(2026, 11, 29, 12, 0))
    with pytest.raises(ValueError, match="aware"):
        await provider.fetch_week(12)
