"""The Sleeper client against the fake Sleeper: the rate limit, shared answers, faults in words.

Clocks are injected everywhere: the rate limit and the caches run on a ticker that the injected
`sleep` advances, so nothing here waits for time to pass.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import NamedTuple

import pytest

from adapters.espn.client import EspnClient
from adapters.sleeper.client import SleeperClient
from adapters.sleeper.errors import SleeperError
from adapters.sleeper.provider import SleeperLeagueProvider
from adapters.sleeper.rate_limit import RateLimit
from commands.clock import ManualClock
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import NflSeason, SeasonSim
from tests.fakes.sleeper_fake import FakeSleeper
from tests.virtual_time import Ticker

SEASON = 2026


class World(NamedTuple):
    nfl: NflSeason
    clock: ManualClock
    ticker: Ticker
    espn_fake: FakeEspn
    fake: FakeSleeper
    espn: EspnClient


@pytest.fixture
async def world():
    nfl = NflSeason.for_season(SEASON)
    first = SeasonSim(7000, SEASON, 10, seed=1, nfl=nfl)
    clock = ManualClock(first.first_kickoff + timedelta(days=4))
    ticker = Ticker()
    async with FakeEspn(now=clock.now) as espn_fake, FakeSleeper(now=clock.now) as fake:
        espn = EspnClient(espn_fake.fantasy_base, espn_fake.site_base, cache_ttl=0, retries=0)
        yield World(nfl, clock, ticker, espn_fake, fake, espn)
        await espn.aclose()


def client(fake: FakeSleeper, ticker: Ticker, **kwargs) -> SleeperClient:
    return SleeperClient(fake.base, monotonic=ticker, sleep=ticker.sleep, **kwargs)


async def test_many_leagues_syncing_at_once_never_exceed_the_rate_limit(world):
    nfl, clock, ticker, espn_fake, fake, espn = (
        world.nfl,
        world.clock,
        world.ticker,
        world.espn_fake,
        world.fake,
        world.espn,
    )
    ids = []
    for n in range(40):
        sim = SeasonSim(7000 + n, SEASON, 10, seed=n, nfl=nfl)
        espn_fake.add_league(sim)
        ids.append(fake.add_league(sim))
    limit = RateLimit(30, 60.0, monotonic=ticker, sleep=ticker.sleep)
    sent: list[float] = []
    acquire = limit.acquire

    async def recorded() -> None:
        await acquire()
        sent.append(ticker())

    limit.acquire = recorded  # type: ignore[method-assign]
    sleeper = client(fake, ticker, rate_limit=limit, cache_ttl=30.0)

    async def sync(league_id: str) -> int:
        provider = SleeperLeagueProvider(sleeper, espn, league_id, clock.now)
        data = await provider.fetch_league()
        week = await provider.fetch_week(data.current_matchup_period)
        return len(week.matchups)

    assert await asyncio.gather(*(sync(i) for i in ids)) == [5] * 40
    await sleeper.aclose()
    assert len(sent) == sleeper.requests_sent
    assert len(sent) == sum(fake.requests.values()) > 4 * 30  # several windows' worth
    for index, start in enumerate(sent):  # any 60 s holds at most 30 requests
        assert sum(1 for t in sent[index:] if t < start + 60.0) <= 30
    assert limit.waited > 0 and ticker.t >= 60.0 * (len(sent) // 30 - 1)
    # the directory and each week's projections were fetched once for all forty leagues
    assert fake.requests["/v1/players/nfl"] == 1 and fake.requests[f"/projections/nfl/{SEASON}/1"] == 1


async def test_the_player_directory_is_fetched_at_most_daily_and_kept_out_of_the_cache_bound(world):
    nfl, ticker, fake = world.nfl, world.ticker, world.fake
    sim = SeasonSim(7100, SEASON, 10, seed=3, nfl=nfl)
    fake.add_league(sim)
    sleeper = client(fake, ticker, cache_max_bytes=64 * 1024)
    first = await sleeper.players()
    ticker.t += 6 * 3600
    assert await sleeper.players() is first and fake.requests["/v1/players/nfl"] == 1
    assert sleeper.cache_bytes == 0  # not in the byte-bounded cache at all
    ticker.t += 19 * 3600
    await sleeper.players()
    assert fake.requests["/v1/players/nfl"] == 2
    await sleeper.aclose()


@pytest.mark.parametrize(
    ("fault", "kind", "words"),
    [
        ("down", "unavailable", "down or too slow"),
        ("truncated", "unavailable", "cut off"),
        ("broken", "bad_data", "could not read"),
    ],
)
async def test_faults_that_outlast_the_retries_become_plain_words(world, fault, kind, words):
    nfl, ticker, fake = world.nfl, world.ticker, world.fake
    league_id = fake.add_league(SeasonSim(7200, SEASON, 10, seed=4, nfl=nfl))
    sleeper = client(fake, ticker, retries=2, cache_ttl=0)
    fake.fault, fake.fault_match = fault, "/rosters"
    with pytest.raises(SleeperError) as caught:
        await sleeper.rosters(league_id)
    assert caught.value.kind == kind and words in caught.value.user_message
    assert "http" not in caught.value.user_message.lower()
    expected_tries = 1 if fault == "broken" else 3
    assert fake.requests[f"/v1/league/{league_id}/rosters"] == expected_tries
    if fault != "broken":
        assert len(ticker.slept) == 2  # backoff between tries, on the injected clock
    await sleeper.aclose()


async def test_a_hiccup_within_the_retries_is_absorbed(world):
    nfl, ticker, fake = world.nfl, world.ticker, world.fake
    league_id = fake.add_league(SeasonSim(7300, SEASON, 10, seed=5, nfl=nfl))
    sleeper = client(fake, ticker, retries=2, cache_ttl=0)
    fake.fault, fake.fault_count = "truncated", 1
    assert len(await sleeper.rosters(league_id)) == 10
    await sleeper.aclose()


async def test_a_slow_sleeper_times_out_into_unavailable(world):
    nfl, ticker, fake = world.nfl, world.ticker, world.fake
    league_id = fake.add_league(SeasonSim(7400, SEASON, 10, seed=6, nfl=nfl))
    fake.fault, fake.slow_delay = "slow", 0.5
    sleeper = client(fake, ticker, retries=0, timeout=0.05)
    with pytest.raises(SleeperError) as caught:
        await sleeper.league(league_id)
    assert caught.value.kind == "unavailable" and caught.value.retryable
    await sleeper.aclose()


async def test_an_unknown_league_is_not_found_since_sleeper_answers_null(world):
    ticker, fake = world.ticker, world.fake
    sleeper = client(fake, ticker)
    with pytest.raises(SleeperError) as caught:
        await sleeper.league("999999999999999999")
    assert caught.value.kind == "not_found" and not caught.value.retryable
    assert "999999999999999999" in caught.value.user_message
    await sleeper.aclose()


def test_the_rate_limit_refuses_nonsense():
    with pytest.raises(ValueError):
        RateLimit(0, 60.0, monotonic=lambda: 0.0)
