"""The Yahoo client against the fake Yahoo: grants refreshed before they expire (once, however
many fetches ask at once), a 401 refreshed and retried once, a revoked grant and a refused code
in plain words with no secret in them, Yahoo's 999 throttling as one process-wide backoff, an
unknown league; and the signed consent state. The clock is a ManualClock; nobody sleeps."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from adapters.yahoo.client import YahooClient, YahooGrant
from adapters.yahoo.errors import YahooError
from adapters.yahoo.oauth import GrantRequest, YahooApp, YahooTokens, read_state, sign_state
from adapters.yahoo.throttle import Throttle
from commands.clock import ManualClock
from tests.fakes.espn_season import SeasonSim
from tests.fakes.yahoo_fake import CLIENT_ID, CLIENT_SECRET, GAME_KEY, FakeYahoo
from tests.yahoo.test_yahoo_season_lifecycle import VirtualTime


@pytest.fixture
async def yahoo():
    sim = SeasonSim(771002, 2026, teams=10, seed=3)
    clock = ManualClock(sim.first_kickoff + timedelta(days=2))
    virtual = VirtualTime()
    async with FakeYahoo(now=clock.now) as fake:
        fake.add_league(sim)
        app = YahooApp(CLIENT_ID, CLIENT_SECRET, auth_base=fake.auth_base)
        throttle = Throttle(monotonic=virtual.monotonic, sleep=virtual.sleep, base=30.0)
        client = YahooClient(
            app, fake.api_base, retries=3, now=clock.now, sleep=virtual.sleep, throttle=throttle
        )
        yield client, fake, clock, virtual, f"{GAME_KEY}.l.{sim.league_id}"
        await client.aclose()


async def test_a_grant_is_refreshed_once_before_it_expires_and_stored(yahoo):
    client, fake, clock, _, key = yahoo
    tokens = await client.exchange_code(fake.issue_code())
    stored: list[YahooTokens] = []

    async def store(fresh: YahooTokens) -> None:
        stored.append(fresh)

    grant = YahooGrant(tokens, store)
    await client.settings(key, grant)
    assert fake.refreshes == 0
    clock.advance(timedelta(minutes=56))  # within five minutes of expiry: refresh first
    await asyncio.gather(client.settings(key, grant), client.standings(key, grant), client.game(grant))
    assert fake.refreshes == 1 and len(stored) == 1 and grant.tokens == stored[0]
    assert stored[0].access_token != tokens.access_token and stored[0].refresh_token == tokens.refresh_token
    assert "***" in repr(stored[0]) and stored[0].access_token not in repr(grant)


async def test_a_401_is_refreshed_and_retried_once(yahoo):
    client, fake, _, _, key = yahoo
    grant = YahooGrant(await client.exchange_code(fake.issue_code()))
    fake.access.clear()  # Yahoo forgot the access token early; the refresh token still holds
    assert (await client.settings(key, grant))["fantasy_content"]["league"][0]["league_key"] == key
    assert fake.refreshes == 1


async def test_a_revoked_grant_is_plain_words_without_a_secret(yahoo):
    client, fake, clock, _, key = yahoo
    grant = YahooGrant(await client.exchange_code(fake.issue_code()))
    fake.revoke()
    clock.advance(timedelta(hours=2))
    with pytest.raises(YahooError) as caught:
        await client.settings(key, grant)
    error = caught.value
    assert error.kind == "grant_revoked" and not error.retryable and error.notify_once
    assert "setup yahoo" in error.user_message
    for secret in (grant.tokens.access_token, grant.tokens.refresh_token, CLIENT_SECRET):
        assert secret not in str(error) and secret not in repr(error)
    calls = fake.requests["token"]
    with pytest.raises(YahooError):  # the grant remembers: Yahoo is not asked again
        await client.standings(key, grant)
    assert fake.requests["token"] == calls


async def test_a_refused_code_asks_for_a_fresh_link(yahoo):
    client, fake, *_ = yahoo
    code = fake.issue_code()
    await client.exchange_code(code)
    with pytest.raises(YahooError) as caught:
        await client.exchange_code(code)  # a code works once
    assert "fresh link" in caught.value.user_message and code not in str(caught.value)


async def test_throttling_pauses_every_request_of_the_process(yahoo):
    client, fake, _, virtual, key = yahoo
    grant = YahooGrant(await client.exchange_code(fake.issue_code()))
    fake.throttle = 2
    answers = await asyncio.gather(client.settings(key, grant), client.standings(key, grant))
    assert all("fantasy_content" in a for a in answers)
    assert client.throttle.throttles == 2 and client.throttle.strikes == 0  # reset by the answer
    assert client.throttle.waited >= 30.0 and virtual.now >= 60.0  # 30 s, then 60 s, shared


async def test_throttling_that_does_not_end_is_unavailable_not_a_hot_loop(yahoo):
    client, fake, _, virtual, key = yahoo
    grant = YahooGrant(await client.exchange_code(fake.issue_code()))
    fake.throttle = 100
    sent = fake.requests["league"]
    with pytest.raises(YahooError) as caught:
        await client.settings(key, grant)
    assert (
        caught.value.kind == "unavailable"
        and caught.value.retryable
        and "throttling" in caught.value.user_message
    )
    assert fake.requests["league"] - sent == client.retries + 1 and virtual.now >= 30 + 60 + 120


async def test_an_unknown_league_is_not_found(yahoo):
    client, fake, *_ = yahoo
    grant = YahooGrant(await client.exchange_code(fake.issue_code()))
    with pytest.raises(YahooError) as caught:
        await client.settings(f"{GAME_KEY}.l.999", grant)
    assert caught.value.kind == "not_found" and "999" in caught.value.user_message


def test_a_consent_state_is_signed_and_expires():
    clock = ManualClock(datetime(2026, 9, 20, 12, 0, tzinfo=UTC))
    app = YahooApp(CLIENT_ID, CLIENT_SECRET, "https://bot.example/yahoo/callback")
    asked = GrantRequest("discord", "guild-1", "chan-1", "boss", "12345", clock.now().replace(microsecond=0))
    state = sign_state(app, asked)
    assert read_state(app, state, clock.now()) == asked
    assert app.consent_url(state).startswith("https://api.login.yahoo.com/oauth2/request_auth?client_id=")
    tampered = state[:5] + ("A" if state[5] != "A" else "B") + state[6:]
    assert read_state(app, tampered, clock.now()) is None
    assert read_state(app, "garbage", clock.now()) is None
    assert read_state(YahooApp(CLIENT_ID, "another-secret"), state, clock.now()) is None
    clock.advance(timedelta(minutes=31))
    assert read_state(app, state, clock.now()) is None
    assert CLIENT_SECRET not in repr(app)
