"""Async HTTP access to Yahoo's OAuth and Fantasy Sports API, shared by every Yahoo league.

Why our own httpx client rather than a Yahoo library: the maintained Python ones
(yahoo_fantasy_api, yfpy) sit on `yahoo_oauth`, which is synchronous (requests), keeps one
grant in a JSON file on disk and refreshes it with blocking calls; an async bot serving many
leagues needs many grants kept in its database, refreshed without blocking the event loop and
never written to a file or a log. What we need of Yahoo is five GETs and one token endpoint,
so the same shape as the ESPN and Sleeper clients (one pooled `httpx.AsyncClient`, a bound on
requests in flight, jittered exponential retries) costs less than adapting a library.

What Yahoo adds:

- **grants.** Each league's requests carry its commissioner's access token, refreshed before
  it expires (and once more if Yahoo says it has) under the grant's own lock, so concurrent
  fetches of one league refresh once; `YahooGrant.on_refresh` stores the new tokens. A refresh
  Yahoo refuses (`invalid_grant`) is `YahooError.grant_revoked`.
- **throttling.** Yahoo answers too many requests with HTTP 999 (or 429); that closes one
  process-wide `Throttle` gate that every request waits at, with growing pauses, never a
  hot loop.
- **secrets.** Tokens, codes and the app secret go only into headers and form bodies; no
  message, log line or exception built here contains one.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Final

import httpx

from adapters.http_answers import backoff_delay, decode_json
from adapters.yahoo.errors import YahooError
from adapters.yahoo.oauth import YahooApp, YahooTokens
from adapters.yahoo.throttle import Throttle

__all__ = ["DEFAULT_YAHOO_API", "YahooClient", "YahooGrant"]

log = logging.getLogger(__name__)

DEFAULT_YAHOO_API: Final = "https://fantasysports.yahooapis.com/fantasy/v2"
_USER_AGENT: Final = "Sidebet/0.1 (+fantasy league sportsbook bot; play money)"
#: Yahoo's "too many requests": its own 999, and the standard 429.
_THROTTLED: Final = frozenset({999, 429})


class YahooGrant:
    """One league's tokens in use, with the lock that keeps its refreshes one at a time.

    `on_refresh` is awaited with the new tokens after every refresh (the bot stores them)."""

    def __init__(
        self,
        tokens: YahooTokens,
        on_refresh: Callable[[YahooTokens], Awaitable[None]] | None = None,
    ) -> None:
        self.tokens = tokens
        self.on_refresh = on_refresh
        self.lock = asyncio.Lock()
        self.refreshes = 0
        #: Set once Yahoo refused to refresh: later requests on this grant fail at once.
        self.revoked: YahooError | None = None

    def __repr__(self) -> str:
        return f"YahooGrant(expires_at={self.tokens.expires_at!r})"


class YahooClient:
    """Shared async access to Yahoo for every league; see the module docstring for why.

    `now` is the wall clock tokens expire by; `monotonic` and `sleep` drive the throttle
    and the retries (injected, so tests never wait)."""

    def __init__(
        self,
        app: YahooApp,
        base: str = DEFAULT_YAHOO_API,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_concurrency: int = 10,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        throttle: Throttle | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if retries < 0 or max_concurrency < 1 or timeout <= 0:
            raise ValueError("retries >= 0, max_concurrency >= 1 and timeout > 0 are required")
        self.app = app
        self.base = base.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self._now = now
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.throttle = throttle or Throttle(monotonic=monotonic, sleep=sleep)
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            transport=transport,
            limits=httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency),
            headers={"User-Agent": _USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
        )
        #: HTTP requests actually sent (retries and token calls included).
        self.requests_sent = 0

    def __repr__(self) -> str:
        return f"YahooClient(base={self.base!r}, app={self.app!r})"

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> YahooClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---------------------------------------------------------------------------- tokens

    async def exchange_code(self, code: str) -> YahooTokens:
        """A commissioner's consent code for tokens; a refused code is `YahooError.bad_code`."""
        form = {
            "grant_type": "authorization_code",
            "code": code.strip(),
            "redirect_uri": self.app.redirect_uri,
        }
        answer = await self._token_call(form, "code")
        return YahooTokens.from_answer(answer, self._now())

    async def refresh(self, grant: YahooGrant) -> None:
        """New tokens for `grant` (stored through its `on_refresh`)."""
        form = {
            "grant_type": "refresh_token",
            "refresh_token": grant.tokens.refresh_token,
            "redirect_uri": self.app.redirect_uri,
        }
        try:
            answer = await self._token_call(form, "refresh")
        except YahooError as error:
            if error.kind == "grant_revoked":
                grant.revoked = error
            raise
        grant.tokens = YahooTokens.from_answer(answer, self._now(), grant.tokens.refresh_token)
        grant.refreshes += 1
        log.info("Yahoo grant refreshed; good until %s", grant.tokens.expires_at.isoformat())
        if grant.on_refresh is not None:
            await grant.on_refresh(grant.tokens)

    async def _fresh_token(self, grant: YahooGrant, *, force: bool = False, seen: str | None = None) -> str:
        async with grant.lock:
            if grant.revoked is not None:
                raise grant.revoked
            # Another fetch may have refreshed while this one waited for the lock.
            if (force and grant.tokens.access_token == seen) or grant.tokens.stale(self._now()):
                await self.refresh(grant)
            return grant.tokens.access_token

    async def _token_call(self, form: dict[str, str], what: str) -> Any:
        url = f"{self.app.auth_base.rstrip('/')}/get_token"
        headers = {"Authorization": self.app.basic_auth, "Content-Type": "application/x-www-form-urlencoded"}
        response = await self._send(lambda: self._http.post(url, data=form, headers=headers), f"token {what}")
        status = response.status_code
        if status in (400, 401):
            error = _error_word(response)
            if what == "code":
                raise YahooError.bad_code()
            raise YahooError.grant_revoked(detail=f"token refresh refused: {error}", status=status)
        if status != 200:
            raise YahooError.unavailable(
                "its sign-in service refused", detail=f"token {what}: HTTP {status}", status=status
            )
        try:
            return await decode_json(response.content)
        except ValueError:
            raise YahooError.unavailable(
                "its sign-in answer was cut off", detail=f"token {what}: bad JSON"
            ) from None

    # ------------------------------------------------------------------------- endpoints

    async def game(self, grant: YahooGrant) -> Any:
        """`game/nfl`: the current NFL game's key and season."""
        return await self.get("/game/nfl", grant, "NFL game")

    async def settings(self, league_key: str, grant: YahooGrant) -> Any:
        return await self.get(
            f"/league/{league_key}/settings", grant, f"league {league_key} settings", league_key
        )

    async def standings(self, league_key: str, grant: YahooGrant) -> Any:
        return await self.get(
            f"/league/{league_key}/standings", grant, f"league {league_key} standings", league_key
        )

    async def scoreboard(self, league_key: str, week: int, grant: YahooGrant) -> Any:
        path = f"/league/{league_key}/scoreboard;week={week}"
        return await self.get(path, grant, f"league {league_key} scoreboard week {week}", league_key)

    async def roster(self, team_key: str, week: int, grant: YahooGrant) -> Any:
        path = f"/team/{team_key}/roster;week={week}/players/stats;type=week;week={week}"
        return await self.get(path, grant, f"team {team_key} roster week {week}")

    # ------------------------------------------------------------------------------ HTTP

    async def get(self, path: str, grant: YahooGrant, what: str, league_key: str | None = None) -> Any:
        """A decoded `?format=json` answer; YahooError otherwise. One refresh on a 401."""
        token = await self._fresh_token(grant)
        for attempt in (0, 1):
            url = self.base + path
            response = await self._send(functools.partial(self._api_get, url, token), what)
            status = response.status_code
            if status == 401:
                if attempt == 0:
                    token = await self._fresh_token(grant, force=True, seen=token)
                    continue
                raise YahooError.grant_revoked(detail=f"{what}: HTTP 401 after a refresh", status=status)
            if status in (400, 403, 404) and league_key is not None:
                missing = YahooError.not_found(league_key.rsplit(".", 1)[-1])
                missing.detail, missing.status = f"{what}: HTTP {status}", status
                raise missing
            if status != 200:
                raise YahooError.unavailable(
                    "it refused the request", detail=f"{what}: HTTP {status}", status=status
                )
            try:
                return await decode_json(response.content)
            except ValueError:
                raise YahooError.unavailable("its answers were cut off", detail=f"{what}: bad JSON") from None
        raise AssertionError("unreachable")

    async def _api_get(self, url: str, token: str) -> httpx.Response:
        return await self._http.get(
            url, params={"format": "json"}, headers={"Authorization": f"Bearer {token}"}
        )

    async def _send(self, call: Callable[[], Awaitable[httpx.Response]], what: str) -> httpx.Response:
        """One answer that is neither throttled nor a server failure, after retries."""
        failure = ""
        for attempt in range(self.retries + 1):
            if attempt:
                delay = backoff_delay(self.backoff, attempt - 1, self._rng)
                log.info(
                    "Yahoo %s failed (%s); retry %d/%d in %.2fs", what, failure, attempt, self.retries, delay
                )
                await self._sleep(delay)
            await self.throttle.wait()
            try:
                async with self._semaphore:
                    self.requests_sent += 1
                    response = await call()
            except httpx.TimeoutException:
                failure = "timed out"
                continue
            except httpx.TransportError as exc:
                failure = f"connection problem ({type(exc).__name__})"
                continue
            if response.status_code in _THROTTLED:
                pause = self.throttle.throttled()
                failure = f"throttled (HTTP {response.status_code}), every Yahoo request paused {pause:.0f}s"
                log.warning("Yahoo %s: %s", what, failure)
                continue
            self.throttle.passed()
            if response.status_code >= 500:
                failure = f"HTTP {response.status_code}"
                continue
            return response
        log.warning("Yahoo %s failed after %d attempts: %s", what, self.retries + 1, failure)
        raise YahooError.unavailable(
            "it is throttling Sidebet" if "throttled" in failure else "it is down or too slow",
            detail=f"{what}: {failure} after {self.retries + 1} attempts",
        )


def _error_word(response: httpx.Response) -> str:
    """Yahoo's OAuth error code ("invalid_grant"), never the body (it may echo a token)."""
    try:
        data = response.json()
    except ValueError:
        return "unreadable"
    word = data.get("error") if isinstance(data, dict) else None
    return str(word)[:40] if isinstance(word, str) and word.replace("_", "").isalnum() else "unknown"
