"""Async HTTP access to ESPN's fantasy API and NFL scoreboard, shared by every league the bot syncs.

Why a client of our own instead of espn_api's `League(...)`: espn_api fetches with blocking
`requests`, one league after another, and re-downloads the NFL schedule for every league. The
bot syncs hundreds of leagues from one event loop, so this client:

- shares one `httpx.AsyncClient` (connection pooling, keep-alive) between all leagues;
- bounds how many requests are in flight at once (a semaphore), to be polite to ESPN and to
  keep a burst of syncs from exhausting sockets;
- retries what is worth retrying (connect errors, timeouts, 429/5xx, truncated or invalid JSON)
  with exponential backoff and jitter, so a sync that hits a hiccup still completes, and gives up
  with `EspnError(kind="unavailable")` so nothing is priced or settled from incomplete data;
- never retries what will not get better by waiting (401/403: cookies; 404: wrong league id);
- caches every successful answer for `cache_ttl` seconds per (league, request, cookies), and
  coalesces identical requests already in flight, so a sync that asks twice costs one request
  and 200 leagues asking for the same NFL schedule cost one request too;
- bounds that cache by the size of the answers it holds (`cache_max_bytes` of response bodies,
  least recently used out first, expired answers dropped as soon as anything is stored). A
  league's box scores are only worth keeping for the seconds its own sync takes; the answers
  every league shares (the NFL schedule, scoreboards) are asked for by each sync and so stay
  recent. Bounded by entry count alone, a tick over 1,000 leagues kept every league's decoded
  JSON alive (~0.6 MB each, most of a bot process's memory).

The JSON is returned as decoded; parsing into the book's snapshots is `adapters.espn.parse`'s job
(run by `adapters.espn.provider`). Cached payloads are shared between callers: treat them as
read-only (parse.py never mutates its inputs).

Secrets: cookies travel only in the `Cookie` header of each request; they never appear in a URL,
a log line, an exception or a repr (`EspnCookies.__repr__` hides them).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import httpx
from cachetools import TLRUCache
from espn_api.requests.constant import FANTASY_BASE_ENDPOINT

from adapters.espn.errors import EspnError
from adapters.http_answers import CachedAnswer, answer_cache, backoff_delay, decode_json
from commands.metrics import ESPN_REQUEST_ERRORS, ESPN_REQUEST_SECONDS

__all__ = ["DEFAULT_FANTASY_BASE", "DEFAULT_SITE_BASE", "EspnClient", "EspnCookies", "Json"]

Json = dict[str, Any]

log = logging.getLogger(__name__)

#: espn_api's own base URL for the fantasy API (lm-api-reads.fantasy.espn.com/apis/v3/games/).
DEFAULT_FANTASY_BASE: Final = FANTASY_BASE_ENDPOINT
DEFAULT_SITE_BASE: Final = "https://site.api.espn.com"
#: The NFL schedule moves rarely (a flexed game), so it is cached longer than live data.
PRO_SCHEDULE_TTL: Final = 3600.0
#: Default bound of the cache: response bodies up to this many bytes (decoded JSON is ~3.5x that).
DEFAULT_CACHE_MAX_BYTES: Final = 8 * 1024 * 1024
_USER_AGENT: Final = "Sidebet/0.1 (+fantasy league sportsbook bot; play money)"


@dataclass(frozen=True, slots=True, repr=False)
class EspnCookies:
    """The two cookies ESPN needs for a private league. Their values are never shown.

    `swid` is the member GUID in curly braces; a GUID pasted without them is accepted.
    """

    espn_s2: str
    swid: str
    _digest: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        s2, swid = self.espn_s2.strip(), self.swid.strip()
        if not s2 or not swid:
            raise ValueError("both espn_s2 and SWID are needed for a private ESPN league")
        if not swid.startswith("{"):
            swid = "{" + swid.strip("{}") + "}"
        object.__setattr__(self, "espn_s2", s2)
        object.__setattr__(self, "swid", swid)
        digest = hashlib.sha256(f"{s2}\0{swid}".encode()).hexdigest()[:16]
        object.__setattr__(self, "_digest", digest)

    def __repr__(self) -> str:
        return "EspnCookies(espn_s2=<hidden>, swid=<hidden>)"

    __str__ = __repr__

    @property
    def cache_key(self) -> str:
        """A one-way fingerprint, so answers fetched with other cookies are never shared."""
        return self._digest

    def header(self) -> str:
        """The `Cookie` header value ESPN expects."""
        return f"espn_s2={self.espn_s2}; SWID={self.swid}"


@dataclass(frozen=True, slots=True)
class _Request:
    """One GET, with what to say about it if it fails. Holds no secrets (cookies go apart)."""

    url: str
    params: tuple[tuple[str, str], ...]
    what: str  # e.g. "league 123 (mSettings, mTeam)", for messages and logs
    league_id: int | None = None
    season: int | None = None
    filter_header: str | None = None
    ttl: float | None = None  # None: the client's cache_ttl


class EspnClient:
    """Shared async access to ESPN for every league; see the module docstring for why.

    `monotonic` is the clock of the cache (inject one in tests to expire entries without
    sleeping); `cache_max_bytes` bounds the response bodies the cache holds (0: no cache);
    `transport` lets tests plug in an httpx transport. `sleep` and `rng` drive the
    backoff between retries (inject them to observe delays without waiting).
    """

    def __init__(
        self,
        fantasy_base: str = DEFAULT_FANTASY_BASE,
        site_base: str = DEFAULT_SITE_BASE,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_concurrency: int = 20,
        cache_ttl: float = 30.0,
        cache_max_bytes: int = DEFAULT_CACHE_MAX_BYTES,
        monotonic: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if retries < 0 or max_concurrency < 1 or timeout <= 0 or cache_max_bytes < 0:
            raise ValueError(
                "retries >= 0, max_concurrency >= 1, timeout > 0 and cache_max_bytes >= 0 are required"
            )
        self.fantasy_base = fantasy_base if fantasy_base.endswith("/") else fantasy_base + "/"
        self.site_base = site_base.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.max_concurrency = max_concurrency
        self.cache_ttl = cache_ttl
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            transport=transport,
            limits=httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency),
            headers={"User-Agent": _USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,  # a redirect is ESPN's login wall, never data
        )
        self._cache: TLRUCache[Hashable, CachedAnswer] = answer_cache(cache_max_bytes, monotonic)
        self._in_flight: dict[Hashable, asyncio.Future[Any]] = {}
        #: HTTP requests actually sent (retries included), and answers served from the cache.
        self.requests_sent = 0
        self.cache_hits = 0

    async def aclose(self) -> None:
        """Close the shared connection pool."""
        await self._http.aclose()

    async def __aenter__(self) -> EspnClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def cache_bytes(self) -> int:
        """Bytes of response bodies the cache holds now (never more than `cache_max_bytes`)."""
        return int(self._cache.currsize)

    def clear_cache(self) -> None:
        """Forget every cached answer (e.g. for a commissioner's "sync now")."""
        self._cache.clear()

    # ------------------------------------------------------------------------- ESPN endpoints

    def league_url(self, league_id: int, season: int) -> str:
        return f"{self.fantasy_base}ffl/seasons/{season}/segments/0/leagues/{league_id}"

    async def league(
        self,
        league_id: int,
        season: int,
        views: Sequence[str] = (),
        *,
        cookies: EspnCookies | None = None,
        scoring_period: int | None = None,
        matchup_periods: Sequence[int] | None = None,
    ) -> Json:
        """The league endpoint with the given views (no view: ESPN's base league object).

        `scoring_period` selects the week of box-score views; `matchup_periods` becomes ESPN's
        `x-fantasy-filter` header (as espn_api's `box_scores` sends it), which trims the
        schedule to those matchup periods.
        """
        params = [("view", v) for v in views]
        if scoring_period is not None:
            params.append(("scoringPeriodId", str(scoring_period)))
        filter_header = None
        if matchup_periods:
            filter_header = json.dumps(
                {"schedule": {"filterMatchupPeriodIds": {"value": [int(p) for p in matchup_periods]}}}
            )
        label = ", ".join(views) or "base"
        if scoring_period is not None:
            label += f", scoring period {scoring_period}"
        request = _Request(
            url=self.league_url(league_id, season),
            params=tuple(params),
            what=f"league {league_id} ({label})",
            league_id=league_id,
            season=season,
            filter_header=filter_header,
        )
        data = await self._get(request, cookies)
        if isinstance(data, list) and len(data) == 1:
            data = data[0]
        if not isinstance(data, dict):
            raise EspnError.bad_data(f"{request.what}: expected a JSON object, got {type(data).__name__}")
        return data

    async def league_history(
        self, league_id: int, *, cookies: EspnCookies | None = None, season: int | None = None
    ) -> list[Json]:
        """ESPN's leagueHistory endpoint: one object per past season of the league."""
        params = (("seasonId", str(season)),) if season is not None else ()
        request = _Request(
            url=f"{self.fantasy_base}ffl/leagueHistory/{league_id}",
            params=params,
            what=f"league {league_id} history",
            league_id=league_id,
            season=season,
        )
        data = await self._get(request, cookies)
        if isinstance(data, dict):
            data = [data]
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise EspnError.bad_data(f"{request.what}: expected a list of league objects")
        return data

    async def pro_schedule(self, season: int) -> Json:
        """The whole NFL season's schedule (proTeamSchedules_wl): kickoffs per pro team and week."""
        request = _Request(
            url=f"{self.fantasy_base}ffl/seasons/{season}",
            params=(("view", "proTeamSchedules_wl"),),
            what=f"NFL schedule {season}",
            season=season,
            ttl=max(self.cache_ttl, PRO_SCHEDULE_TTL),
        )
        return await self._object(request)

    async def nfl_scoreboard(self, season: int, week: int) -> Json:
        """ESPN's NFL scoreboard of a regular-season week: each game's state (pre/in/post)."""
        request = _Request(
            url=f"{self.site_base}/apis/site/v2/sports/football/nfl/scoreboard",
            params=(("dates", str(season)), ("seasontype", "2"), ("week", str(week))),
            what=f"NFL scoreboard {season} week {week}",
            season=season,
        )
        return await self._object(request)

    async def _object(self, request: _Request) -> Json:
        data = await self._get(request, None)
        if not isinstance(data, dict):
            raise EspnError.bad_data(f"{request.what}: expected a JSON object, got {type(data).__name__}")
        return data

    # ---------------------------------------------------------------------- cache, coalescing

    async def _get(self, request: _Request, cookies: EspnCookies | None) -> Any:
        key = (request.url, request.params, request.filter_header, cookies.cache_key if cookies else None)
        hit = self._cache.get(key)
        if hit is not None:
            self.cache_hits += 1
            return hit.data
        pending = self._in_flight.get(key)
        if pending is not None:
            self.cache_hits += 1
            return await asyncio.shield(pending)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            data, size = await self._fetch(request, cookies)
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: nobody else may be waiting
            raise
        else:
            future.set_result(data)
            ttl = self.cache_ttl if request.ttl is None else request.ttl
            if ttl > 0 and size <= self._cache.maxsize:
                self._cache[key] = CachedAnswer(data, size, ttl)
            return data
        finally:
            del self._in_flight[key]

    # ------------------------------------------------------------------------ HTTP and retries

    def backoff_delay(self, attempt: int) -> float:
        """Pause before retry number `attempt + 1`: exponential, with "equal jitter".

        Half the exponential step is kept and half is random, so many leagues failing at once
        do not all come back at the same instant, yet no retry comes back immediately.
        """
        return backoff_delay(self.backoff, attempt, self._rng)

    async def _fetch(self, request: _Request, cookies: EspnCookies | None) -> tuple[Any, int]:
        """The decoded answer, and its body's size in bytes (what it weighs in the cache)."""
        headers: dict[str, str] = {}
        if request.filter_header:
            headers["x-fantasy-filter"] = request.filter_header
        if cookies is not None:
            headers["Cookie"] = cookies.header()
        failure = ""
        status: int | None = None
        truncated = False
        for attempt in range(self.retries + 1):
            if attempt:
                delay = self.backoff_delay(attempt - 1)
                log.info(
                    "ESPN %s failed (%s); retry %d/%d in %.2fs",
                    request.what,
                    failure,
                    attempt,
                    self.retries,
                    delay,
                )
                await self._sleep(delay)
            api = "site" if request.url.startswith(self.site_base) else "fantasy"
            try:
                async with self._semaphore:
                    self.requests_sent += 1
                    with ESPN_REQUEST_SECONDS.labels(api).time():
                        response = await self._http.get(request.url, params=request.params, headers=headers)
            except httpx.TimeoutException:
                ESPN_REQUEST_ERRORS.labels("timeout").inc()
                failure, status, truncated = "timed out", None, False
                continue
            except httpx.TransportError as exc:
                ESPN_REQUEST_ERRORS.labels("connection").inc()
                failure, status, truncated = f"connection problem ({type(exc).__name__})", None, False
                continue
            status = response.status_code
            if status in (401, 403) or _is_login_redirect(response):
                ESPN_REQUEST_ERRORS.labels("auth").inc()
                raise self._auth_error(request, cookies, status)
            if status == 404:
                ESPN_REQUEST_ERRORS.labels("not_found").inc()
                raise self._not_found(request)
            if status == 429 or status >= 500:
                ESPN_REQUEST_ERRORS.labels("http_429" if status == 429 else "http_5xx").inc()
                failure, truncated = f"HTTP {status}", False
                continue
            if status != 200:
                ESPN_REQUEST_ERRORS.labels("http_other").inc()
                raise EspnError.unavailable(
                    "it refused the request", detail=f"{request.what}: HTTP {status}", status=status
                )
            if "html" in response.headers.get("content-type", "").lower():
                # ESPN answers some private leagues with its sign-in page instead of a 401.
                ESPN_REQUEST_ERRORS.labels("auth").inc()
                raise self._auth_error(request, cookies, None)
            try:
                body = response.content
                return await decode_json(body), len(body)
            except ValueError as exc:
                ESPN_REQUEST_ERRORS.labels("bad_json").inc()
                failure, truncated = f"invalid JSON ({exc})", True
                continue
        what = "its answers were cut off" if truncated else "it is down or too slow"
        log.warning("ESPN %s failed after %d attempts: %s", request.what, self.retries + 1, failure)
        raise EspnError.unavailable(
            what,
            detail=f"{request.what}: {failure} after {self.retries + 1} attempts",
            status=status,
        )

    @staticmethod
    def _auth_error(request: _Request, cookies: EspnCookies | None, status: int | None) -> EspnError:
        if request.league_id is None:
            return EspnError.unavailable(
                "it refused access", detail=f"{request.what}: HTTP {status}", status=status
            )
        if cookies is None:
            return EspnError.private(request.league_id, status=status)
        return EspnError.cookies_expired(request.league_id, status=status)

    @staticmethod
    def _not_found(request: _Request) -> EspnError:
        if request.league_id is not None and request.season is not None:
            return EspnError.not_found(request.league_id, request.season)
        if request.league_id is not None:
            return EspnError(
                "not_found",
                f"ESPN has no league {request.league_id}. Check the id: it is the number after "
                "'leagueId=' in the league's web address on fantasy.espn.com.",
                detail="HTTP 404",
                status=404,
            )
        return EspnError.unavailable("it has no such data", detail=f"{request.what}: HTTP 404", status=404)


def _is_login_redirect(response: httpx.Response) -> bool:
    return response.is_redirect and "login" in response.headers.get("location", "").lower()
