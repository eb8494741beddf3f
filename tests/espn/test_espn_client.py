"""EspnClient and EspnLeagueProvider against the fake ESPN: access, faults, retries, cache, limits.

Every fault the issue names gets a test: a private league without cookies, expired cookies, a
wrong league id, ESPN down, slow, or cutting its answers short. Retryable faults must be retried
(with growing, jittered pauses, observed through an injected `sleep`, never waited for) and then
raise `unavailable`; auth and 404 answers must not be retried at all.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta

import pytest

from adapters.espn.client import EspnClient, EspnCookies
from adapters.espn.errors import EspnError
from adapters.espn.provider import EspnLeagueProvider, detect_season, nfl_season_of
from commands.clock import ManualClock
from commands.provider import ProviderError
from tests.fakes.espn_fake import FakeEspn
from tests.fakes.espn_season import SeasonSim

SEASON = 2026
PUBLIC, PRIVATE = 4101, 4202


class Ticker:
    """A monotonic clock for the client's cache that moves only when told."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock() -> ManualClock:
    sim = SeasonSim(1, SEASON, 10)
    return ManualClock(sim.nfl.first_kickoff(5) + timedelta(hours=20))  # Friday of week 5


@pytest.fixture
async def fake(clock):
    async with FakeEspn(clock.now, slow_delay=0.25) as server:
        server.add_league(SeasonSim(PUBLIC, SEASON, 10, seed=1))
        server.add_league(SeasonSim(PRIVATE, SEASON, 12, seed=2, private=True))
        yield server


class Client:
    """Builds clients on the fake with recorded (not slept) backoff pauses."""

    def __init__(self, fake: FakeEspn) -> None:
        self.fake = fake
        self.pauses: list[float] = []
        self.ticker = Ticker()
        self.made: list[EspnClient] = []

    async def _sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)

    def __call__(self, **kwargs) -> EspnClient:
        kwargs.setdefault("monotonic", self.ticker)
        kwargs.setdefault("sleep", self._sleep)
        client = EspnClient(self.fake.fantasy_base, self.fake.site_base, **kwargs)
        self.made.append(client)
        return client


@pytest.fixture
async def make(fake):
    factory = Client(fake)
    yield factory
    for client in factory.made:
        await client.aclose()


def cookies_of(sim: SeasonSim) -> EspnCookies:
    return EspnCookies(espn_s2=sim.espn_s2, swid=sim.swid)


LEAGUE_PATH = f"/apis/v3/games/ffl/seasons/{SEASON}/segments/0/leagues/{{}}"


# ------------------------------------------------------------------------------ access


async def test_public_league_and_week(fake, make, clock):
    client = make()
    provider = EspnLeagueProvider(client, PUBLIC, SEASON, None, clock.now)
    league = await provider.fetch_league()
    assert (league.league_id, league.season, len(league.teams)) == (PUBLIC, SEASON, 10)
    assert league.current_matchup_period == 5 and league.regular_season_matchup_periods == 14
    assert all(t.owner_id and t.owner_name for t in league.teams)
    week = await provider.fetch_week(5)
    assert len(week.matchups) == 5 and not week.is_final
    assert {g.state for g in week.pro_games} == {"post", "pre"}  # Thursday night is over
    assert fake.cookies_seen and all(c is None for c in fake.cookies_seen)


async def test_private_league_with_cookies(fake, make, clock):
    sim = fake.leagues[PRIVATE]
    provider = EspnLeagueProvider(make(), PRIVATE, SEASON, cookies_of(sim), clock.now)
    league = await provider.fetch_league()
    assert len(league.teams) == 12
    week = await provider.fetch_week(league.current_matchup_period)
    assert len(week.matchups) == 6


@pytest.mark.parametrize("style", ["401", "403", "html"])
async def test_private_league_without_cookies(fake, make, clock, style):
    fake.auth_style = style
    provider = EspnLeagueProvider(make(retries=3), PRIVATE, SEASON, None, clock.now)
    with pytest.raises(EspnError) as caught:
        await provider.fetch_league()
    err = caught.value
    assert err.kind == "private" and not err.retryable and isinstance(err, ProviderError)
    assert "private" in err.user_message and "espn_s2" in err.user_message and "SWID" in err.user_message
    assert fake.requests[LEAGUE_PATH.format(PRIVATE)] == 1  # not retried


async def test_wrong_cookies_are_expired_cookies(fake, make, clock):
    bad = EspnCookies(espn_s2="AEBnotTheRealOne%2Fzz", swid="{00000000-0000-4000-8000-000000000000}")
    provider = EspnLeagueProvider(make(), PRIVATE, SEASON, bad, clock.now)
    with pytest.raises(EspnError) as caught:
        await provider.fetch_week(5)
    assert caught.value.kind == "cookies_expired" and not caught.value.retryable
    assert "fresh" in caught.value.user_message
    assert fake.requests[LEAGUE_PATH.format(PRIVATE)] == 1


async def test_expired_cookies_401_fault(fake, make, clock):
    """Cookies that worked yesterday: ESPN now answers 401 for the league."""
    sim = fake.leagues[PRIVATE]
    fake.fault = "unauthorized"
    provider = EspnLeagueProvider(make(), PRIVATE, SEASON, cookies_of(sim), clock.now)
    with pytest.raises(EspnError) as caught:
        await provider.fetch_league()
    assert caught.value.kind == "cookies_expired" and caught.value.status == 401
    assert fake.total_requests == 1


async def test_wrong_league_id(fake, make, clock):
    provider = EspnLeagueProvider(make(), 999_999, SEASON, None, clock.now)
    with pytest.raises(EspnError) as caught:
        await provider.fetch_league()
    err = caught.value
    assert err.kind == "not_found" and not err.retryable
    assert (
        "999999" in err.user_message and str(SEASON) in err.user_message and "leagueId=" in err.user_message
    )
    assert fake.total_requests == 1


# -------------------------------------------------------------------- retryable faults


async def test_down_is_retried_with_backoff_then_unavailable(fake, make, clock):
    fake.fault = "down"
    client = make(retries=3, backoff=0.5)
    with pytest.raises(EspnError) as caught:
        await EspnLeagueProvider(client, PUBLIC, SEASON, None, clock.now).fetch_league()
    err = caught.value
    assert err.kind == "unavailable" and err.retryable and err.status == 503
    assert "next sync" in err.user_message
    assert fake.requests[LEAGUE_PATH.format(PUBLIC)] == 4  # 1 + 3 retries
    make_pauses = make.pauses
    assert len(make_pauses) == 3
    for attempt, pause in enumerate(make_pauses):  # equal jitter: [step/2, step]
        step = 0.5 * 2**attempt
        assert step / 2 <= pause <= step


async def test_down_then_back_recovers_within_one_sync(fake, make, clock):
    fake.fault, fake.fault_count = "down", 2
    league = await EspnLeagueProvider(make(retries=3), PUBLIC, SEASON, None, clock.now).fetch_league()
    assert league.league_id == PUBLIC
    assert fake.requests[LEAGUE_PATH.format(PUBLIC)] == 3 and len(make.pauses) == 2


async def test_slow_server_times_out_then_unavailable(fake, make, clock):
    fake.fault = "slow"  # answers after 0.25 s; the client waits 0.05 s
    client = make(retries=1, timeout=0.05)
    with pytest.raises(EspnError) as caught:
        await EspnLeagueProvider(client, PUBLIC, SEASON, None, clock.now).fetch_league()
    assert caught.value.kind == "unavailable" and "timed out" in caught.value.detail
    assert client.requests_sent == 2


async def test_truncated_json_is_retried_then_unavailable(fake, make, clock):
    fake.fault = "truncated"
    client = make(retries=2)
    with pytest.raises(EspnError) as caught:
        await EspnLeagueProvider(client, PUBLIC, SEASON, None, clock.now).fetch_league()
    err = caught.value
    assert err.kind == "unavailable" and "cut off" in err.user_message and "invalid JSON" in err.detail
    assert client.requests_sent == 3


async def test_truncated_once_is_recovered(fake, make, clock):
    fake.fault, fake.fault_count, fake.fault_match = "truncated", 1, "scoreboard"
    week = await EspnLeagueProvider(make(), PUBLIC, SEASON, None, clock.now).fetch_week(5)
    assert week.pro_games and fake.requests["/apis/site/v2/sports/football/nfl/scoreboard"] == 2


async def test_nothing_partial_when_one_part_of_a_week_fails(fake, make, clock):
    """Box scores arrive but the NFL scoreboard stays down: no WeekData at all."""
    fake.fault, fake.fault_match = "down", "scoreboard"
    with pytest.raises(EspnError) as caught:
        await EspnLeagueProvider(make(retries=1), PUBLIC, SEASON, None, clock.now).fetch_week(5)
    assert caught.value.kind == "unavailable"
    fake.fault = None  # the next sync simply works
    week = await EspnLeagueProvider(make(), PUBLIC, SEASON, None, clock.now).fetch_week(5)
    assert week.matchups


async def test_unreadable_data_is_bad_data(fake, make, clock):
    """A complete answer without what we need (no playoff bracket yet) is `bad_data`."""
    with pytest.raises(EspnError) as caught:
        await EspnLeagueProvider(make(), PUBLIC, SEASON, None, clock.now).fetch_week(15)
    assert caught.value.kind == "bad_data" and caught.value.retryable


# ---------------------------------------------------------------------- cache, limits


async def test_cache_one_request_per_ttl_and_coalescing(fake, make, clock):
    client = make(cache_ttl=30.0)
    provider = EspnLeagueProvider(client, PUBLIC, SEASON, None, clock.now)
    await provider.fetch_league()
    await provider.fetch_week(5)  # needs the league settings again: served from the cache
    assert fake.requests[LEAGUE_PATH.format(PUBLIC)] == 2  # settings+teams once, box scores once
    await asyncio.gather(*(provider.fetch_league() for _ in range(10)))
    assert fake.requests[LEAGUE_PATH.format(PUBLIC)] == 2
    make.ticker.t += 31
    await asyncio.gather(*(provider.fetch_league() for _ in range(10)))  # expired: one request for all
    assert fake.requests[LEAGUE_PATH.format(PUBLIC)] == 3


async def test_cache_is_bounded_by_bytes_and_keeps_what_every_league_shares(fake, make, clock):
    """A tick over many leagues must not keep every league's answers alive (bot memory grew with
    each league): old leagues' answers make room, while one sync still asks once per answer."""
    for league_id in range(7100, 7106):
        fake.add_league(SeasonSim(league_id, SEASON, 10, seed=league_id))
    probe = make()
    await EspnLeagueProvider(probe, 7100, SEASON, None, clock.now).fetch_week(5)
    one_sync = probe.cache_bytes  # one league's answers plus the NFL schedule and scoreboard
    fake.reset_counts()
    client = make(cache_max_bytes=int(one_sync * 1.5))
    for league_id in range(7100, 7106):
        provider = EspnLeagueProvider(client, league_id, SEASON, None, clock.now)
        await provider.fetch_league()
        await provider.fetch_week(5)
        assert 0 < client.cache_bytes <= int(one_sync * 1.5)
        assert fake.requests[LEAGUE_PATH.format(league_id)] == 2  # the settings were still cached
    assert fake.requests[f"/apis/v3/games/ffl/seasons/{SEASON}"] == 1  # asked by every sync: kept
    await EspnLeagueProvider(client, 7100, SEASON, None, clock.now).fetch_league()
    assert fake.requests[LEAGUE_PATH.format(7100)] == 3  # the first league's answers made room

    uncached = make(cache_max_bytes=0)
    provider = EspnLeagueProvider(uncached, PUBLIC, SEASON, None, clock.now)
    assert await provider.fetch_league() == await provider.fetch_league()
    assert uncached.cache_bytes == 0


async def test_shared_nfl_data_fetched_once_for_many_leagues(fake, make, clock):
    for league_id in range(7000, 7010):
        fake.add_league(SeasonSim(league_id, SEASON, 10, seed=league_id))
    client = make()
    weeks = await asyncio.gather(
        *(EspnLeagueProvider(client, i, SEASON, None, clock.now).fetch_week(5) for i in range(7000, 7010))
    )
    assert all(w.pro_games for w in weeks)
    assert fake.requests[f"/apis/v3/games/ffl/seasons/{SEASON}"] == 1
    assert fake.requests["/apis/site/v2/sports/football/nfl/scoreboard"] == 1


async def test_concurrency_is_bounded(fake, make, clock):
    fake.latency = 0.02
    for league_id in range(8000, 8012):
        fake.add_league(SeasonSim(league_id, SEASON, 10, seed=league_id))
    client = make(max_concurrency=3)
    await asyncio.gather(
        *(EspnLeagueProvider(client, i, SEASON, None, clock.now).fetch_league() for i in range(8000, 8012))
    )
    assert fake.max_in_flight == 3


# --------------------------------------------------------------------------- secrets


async def test_no_secret_in_messages_logs_or_reprs(fake, make, clock, caplog):
    caplog.set_level(logging.DEBUG)
    sim = fake.leagues[PRIVATE]
    good = cookies_of(sim)
    wrong = EspnCookies(espn_s2="AEBsecretS2value%2B%2F", swid="{11111111-2222-4333-8444-555555555555}")
    errors: list[EspnError] = []
    with pytest.raises(EspnError) as caught:
        await EspnLeagueProvider(make(), PRIVATE, SEASON, wrong, clock.now).fetch_league()
    errors.append(caught.value)
    fake.fault = "down"
    provider = EspnLeagueProvider(make(retries=1), PRIVATE, SEASON, good, clock.now)
    with pytest.raises(EspnError) as caught:
        await provider.fetch_week(5)
    errors.append(caught.value)
    shown = [caplog.text, repr(good), str(good), repr(wrong), repr(provider)]
    shown += [text for e in errors for text in (str(e), repr(e), e.user_message, e.detail)]
    for secret in (sim.espn_s2, sim.swid, wrong.espn_s2, wrong.swid, "=AEB", "SWID={"):
        assert not any(secret in text for text in shown), secret
    assert "<hidden>" in repr(good)


def test_cookies_normalise_swid_and_need_both():
    assert EspnCookies(" s2 ", "ABC-123").header() == "espn_s2=s2; SWID={ABC-123}"
    with pytest.raises(ValueError):
        EspnCookies("", "{x}")


# ---------------------------------------------------------------------- detect_season


async def test_detect_season(fake, make):
    client = make()
    assert await detect_season(client, PUBLIC, None, date(2026, 10, 1)) == SEASON
    assert await detect_season(client, PUBLIC, None, date(2027, 1, 10)) == SEASON  # January: last season
    # in August 2027 the league has not been renewed yet: 2027 is a 404, 2026 answers
    assert await detect_season(client, PUBLIC, None, date(2027, 8, 1)) == SEASON
    # years later, only leagueHistory knows it
    assert await detect_season(client, PUBLIC, None, date(2030, 8, 1)) == SEASON
    with pytest.raises(EspnError) as caught:
        await detect_season(client, 31337, None, date(2026, 10, 1))
    assert caught.value.kind == "not_found"
    with pytest.raises(EspnError) as caught:
        await detect_season(client, PRIVATE, None, date(2026, 10, 1))
    assert caught.value.kind == "private"
    sim = fake.leagues[PRIVATE]
    assert await detect_season(client, PRIVATE, cookies_of(sim), date(2026, 10, 1)) == SEASON


def test_nfl_season_of():
    assert [nfl_season_of(date(2026, m, 1)) for m in (1, 2, 3, 9, 12)] == [2025, 2025, 2026, 2026, 2026]


async def test_provider_needs_an_aware_clock(fake, make):
    provider = EspnLeagueProvider(make(), PUBLIC, SEASON, None, lambda: datetime(2026, 10, 1))
    with pytest.raises(ValueError):
        await provider.fetch_week(5)
    assert datetime(2026, 10, 1, tzinfo=UTC)  # the aware form is what ManualClock gives
