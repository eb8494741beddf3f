"""A whole simulated ESPN season through EspnLeagueProvider, for a 10- and a 12-team league.

An injected clock walks from preseason through every regular-season week, both two-week playoff
rounds and past the final; at each instant the provider (real HTTP to the fake, parsed by the
real espn_api) must report what ESPN would: the current period, live and final scores that match
the simulator, `is_final` only once every game of every scoring period is over, the bracket from
the standings with eliminated teams absent, and a stat correction after settlement.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.espn.client import EspnClient
from adapters.espn.provider import EspnLeagueProvider
from commands.clock import ManualClock
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import SeasonSim

SEASON = 2026
MINUTE = timedelta(minutes=1)


class Ticker:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture(params=[10, 12], ids=["10-team", "12-team"])
async def world(request):
    sim = SeasonSim(5000 + request.param, SEASON, request.param, seed=request.param)
    clock = ManualClock(sim.preseason)
    ticker = Ticker()
    async with FakeEspn(clock.now) as fake:
        fake.add_league(sim)
        client = EspnClient(fake.fantasy_base, fake.site_base, monotonic=ticker, cache_ttl=30.0)
        provider = EspnLeagueProvider(client, sim.league_id, SEASON, None, clock.now)

        def at(instant):
            """Move the clock, and let the cache expire as real time would."""
            clock.set(instant)
            ticker.t += 3600

        yield sim, provider, at, ticker, fake
        await client.aclose()


def scores(week):
    return {m.home_team_id: m.home_score for m in week.matchups} | {
        m.away_team_id: m.away_score for m in week.matchups if m.away_team_id is not None
    }


async def test_preseason(world):
    sim, provider, at, *_ = world
    at(sim.preseason)
    league = await provider.fetch_league()
    assert league.current_matchup_period == 1
    assert (league.regular_season_matchup_periods, league.final_matchup_period) == (14, 16)
    assert len(league.teams) == sim.size and all(t.wins == 0 for t in league.teams)
    week = await provider.fetch_week(1)
    assert not week.is_final and {g.state for g in week.pro_games} == {"pre"}
    assert len(week.matchups) == sim.size // 2
    assert all(m.home_score is None and m.away_score is None for m in week.matchups)
    lines = [p for m in week.matchups for p in (*m.home_lineup, *m.away_lineup)]
    assert len(lines) == 9 * sim.size and all(p.points is None for p in lines)
    assert sum(p.projection for p in lines) > 100 * sim.size
    assert min(g.kickoff for g in week.pro_games) == sim.first_kickoff


async def test_a_week_lives_and_ends(world):
    sim, provider, at, *_ = world
    week5 = sim.nfl
    at(week5.first_kickoff(5) + timedelta(days=3, hours=1))  # Sunday, early games live
    live = await provider.fetch_week(5)
    assert {g.state for g in live.pro_games} == {"pre", "in", "post"} and not live.is_final
    assert any(s is not None for s in scores(live).values())

    at(week5.last_kickoff(5) + timedelta(hours=1))  # Monday night under way
    monday = await provider.fetch_week(5)
    assert not monday.is_final and [g.state for g in monday.pro_games].count("in") == 1

    at(sim.end_of_matchup(5) + MINUTE)  # after Monday night
    final = await provider.fetch_week(5)
    assert final.is_final
    assert scores(final) == pytest.approx({t: sim.matchup_points(t, 5) for t in sim.team_ids})
    league = await provider.fetch_league()
    assert league.current_matchup_period == 5  # ESPN rolls over on Tuesday
    at(sim.nfl.rollover(6) + MINUTE)
    league = await provider.fetch_league()
    assert league.current_matchup_period == 6
    assert sum(t.wins + t.losses + t.ties for t in league.teams) == 5 * sim.size


async def test_whole_regular_season(world):
    sim, provider, at, *_ = world
    for period in range(1, 15):
        at(sim.first_kickoff_of(period) - MINUTE)
        before = await provider.fetch_week(period)
        assert not before.is_final and all(s is None for s in scores(before).values())
        at(sim.end_of_matchup(period) + MINUTE)
        after = await provider.fetch_week(period)
        assert after.is_final and after.scoring_periods == (period,)
        assert not any(m.is_playoff for m in after.matchups)
        assert scores(after) == pytest.approx({t: sim.matchup_points(t, period) for t in sim.team_ids})
    league = await provider.fetch_league()
    assert sum(t.wins + t.ties / 2 for t in league.teams) == 14 * sim.size / 2


async def test_two_week_playoffs_and_the_final(world):
    sim, provider, at, *_ = world
    at(sim.end_of_matchup(14) + timedelta(days=1))
    league = await provider.fetch_league()
    assert league.current_matchup_period == 15
    seeds = sim.playoff_teams()
    by_standing = sorted(league.teams, key=lambda t: (-(t.wins + t.ties / 2), -t.points_for, t.team_id))
    assert [t.team_id for t in by_standing[:4]] == seeds

    semis = await provider.fetch_week(15)
    assert semis.scoring_periods == (15, 16) and all(m.is_playoff for m in semis.matchups)
    pairs = {(m.home_team_id, m.away_team_id) for m in semis.matchups}
    assert pairs == {(seeds[0], seeds[3]), (seeds[1], seeds[2])}
    eliminated = set(sim.team_ids) - set(seeds)
    assert not eliminated & {t for pair in pairs for t in pair}
    assert {g.state for g in semis.pro_games} == {"pre"}
    assert {sp for sp in (15, 16)} == set(semis.scoring_periods)
    assert len(semis.pro_games) == 32  # two full NFL weeks, no byes after week 14

    at(sim.nfl.end_of(15) + timedelta(hours=12))  # first week of the round done, second to come
    half = await provider.fetch_week(15)
    assert not half.is_final
    assert [g.state for g in half.pro_games] == ["post"] * 16 + ["pre"] * 16
    first_week = {t: sim.team_points(t, 15) for t in seeds}
    assert scores(half) == pytest.approx(first_week)

    at(sim.end_of_matchup(15) + MINUTE)
    done = await provider.fetch_week(15)
    assert done.is_final
    assert scores(done) == pytest.approx({t: sim.matchup_points(t, 15) for t in seeds})
    starters = {p.player_id for m in done.matchups for p in m.home_lineup}
    assert starters  # lineups of both weeks are folded together

    at(sim.season_end + timedelta(hours=1))
    league = await provider.fetch_league()
    assert league.current_matchup_period == 16
    final = await provider.fetch_week(16)
    assert final.is_final and final.scoring_periods == (17, 18) and len(final.matchups) == 1
    (game,) = final.matchups
    winners = {max(p, key=lambda t: (sim.matchup_points(t, 15), -seeds.index(t))) for p in pairs}
    assert {game.home_team_id, game.away_team_id} == winners
    assert game.is_playoff


async def test_stat_correction_after_settlement(world):
    sim, provider, at, ticker, _fake = world
    at(sim.end_of_matchup(7) + timedelta(hours=2))
    settled = await provider.fetch_week(7)
    assert settled.is_final
    matchup = settled.matchups[0]
    star = max(matchup.home_lineup, key=lambda p: p.points or 0)
    sim.correct_stat(7, star.player_id, star.points + 12.5)

    cached = await provider.fetch_week(7)  # within the cache TTL: the same answer, no request
    assert cached.matchups[0].home_score == matchup.home_score

    ticker.t += 31  # the next sync, after the TTL
    corrected = await provider.fetch_week(7)
    again = corrected.matchups[0]
    assert again.home_score == pytest.approx(matchup.home_score + 12.5)
    line = next(p for p in again.home_lineup if p.player_id == star.player_id)
    assert line.points == pytest.approx(star.points + 12.5)
    assert again.away_score == matchup.away_score
