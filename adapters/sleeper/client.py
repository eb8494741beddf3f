"""Async HTTP access to Sleeper's public API, shared by every Sleeper league the bot syncs.

Built like `adapters.espn.client.EspnClient` (one pooled `httpx.AsyncClient`, a bound on requests
in flight, retries with jittered exponential backoff for timeouts, 429/5xx and cut-off JSON, a
byte-bounded per-league answer cache with in-flight coalescing), plus what Sleeper asks for:

- **a process-wide rate limit.** Sleeper asks clients to stay under 1,000 calls a minute; every
  HTTP attempt of this client (retries included, whichever league it is for) first takes a place
  in one `RateLimit` window, 900 a minute by default, so many leagues syncing at once can never
  exceed it together.
- **shared answers kept apart.** The player directory (`players/nfl`, about 5 MB of JSON) is
  fetched at most once a day and every league reads the same copy; the NFL state and each week's
  projections are the same for every league too. They live in a small store of their own, so
  they neither evict nor are evicted by leagues' answers in the byte-bounded cache, and only
  the fields the book reads are kept of the directory.
- **Sleeper's way of saying "no such league".** Sleeper answers an unknown league id with
  HTTP 200 and a JSON `null`; that is `SleeperError.not_found`, never data.

Cached payloads are shared between callers: treat them as read-only.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpx
from cachetools import TLRUCache

from adapters.http_answers import CachedAnswer, answer_cache, backoff_delay, decode_json
from adapters.sleeper.errors import SleeperError
from adapters.sleeper.rate_limit import RateLimit

__all__ = ["DEFAULT_SLEEPER_BASE", "PlayerInfo", "SleeperClient"]

log = logging.getLogger(__name__)

DEFAULT_SLEEPER_BASE: Final = "https://api.sleeper.app"
#: Sleeper's own ceiling is 1,000 calls a minute; stay well under it.
DEFAULT_CALLS_PER_MINUTE: Final = 900
#: The player directory changes a few times a day at most; Sleeper asks for at most one fetch a day.
PLAYERS_TTL: Final = 24 * 3600.0
#: Season and week move once a week; projections are refreshed by Sleeper during the week.
STATE_TTL: Final = 300.0
PROJECTIONS_TTL: Final = 900.0
DEFAULT_CACHE_MAX_BYTES: Final = 8 * 1024 * 1024
_USER_AGENT: Final = "Sidebet/0.1 (+fantasy league sportsbook bot; play money)"


@dataclass(frozen=True, slots=True)
class PlayerInfo:
    """What the book reads of a player directory entry (the rest of the 5 MB is dropped)."""

    name: str
    position: str  # Sleeper's: QB, RB, WR, TE, K, DEF, DL, LB, DB, ...
    team: str | None  # Sleeper's team abbreviation, None for a free agent
    injury_status: str | None  # Sleeper's ("Questionable", "Out", "IR", ...), None when healthy
    fantasy_positions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Request:
    path: str  # after the base, e.g. "/v1/league/123"
    params: tuple[tuple[str, str], ...]
    what: str  # for messages and logs, e.g. "league 123 matchups week 3"
    league_id: str | None = None  # set when a `null` answer means "no such league"


@dataclass(slots=True)
class _Shared:
    data: Any
    expires: float


class SleeperClient:
    """Shared async access to Sleeper for every league; see the module docstring for why.

    `monotonic` is the clock of the cache, the shared answers and the rate limit; `cache_ttl` 0
    keeps no answer but the daily player directory; `sleep` is what retries and the rate limit
    wait with; `rate_limit` may be shared by several clients (a test
    passes one to watch it).
    """

    def __init__(
        self,
        base: str = DEFAULT_SLEEPER_BASE,
        *,
        timeout: float = 10.0,
        retries: int = 3,
        backoff: float = 0.5,
        max_concurrency: int = 20,
        cache_ttl: float = 30.0,
        cache_max_bytes: int = DEFAULT_CACHE_MAX_BYTES,
        calls_per_minute: int = DEFAULT_CALLS_PER_MINUTE,
        rate_limit: RateLimit | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if retries < 0 or max_concurrency < 1 or timeout <= 0 or cache_max_bytes < 0:
            raise ValueError(
                "retries >= 0, max_concurrency >= 1, timeout > 0 and cache_max_bytes >= 0 are required"
            )
        self.base = base.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self.cache_ttl = cache_ttl
        self._monotonic = monotonic
        self._sleep = sleep
        self._rng = rng or random.Random()
        self.rate_limit = rate_limit or RateLimit(calls_per_minute, 60.0, monotonic=monotonic, sleep=sleep)
        self._semaphore = asyncio.Semaphore(max_concurrency)
        self._http = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout),
            transport=transport,
            limits=httpx.Limits(max_connections=max_concurrency, max_keepalive_connections=max_concurrency),
            headers={"User-Agent": _USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
        )
        self._cache: TLRUCache[Hashable, CachedAnswer] = answer_cache(cache_max_bytes, monotonic)
        self._shared: dict[Hashable, _Shared] = {}
        self._in_flight: dict[Hashable, asyncio.Future[Any]] = {}
        #: HTTP requests actually sent (retries included), and answers served without one.
        self.requests_sent = 0
        self.cache_hits = 0

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> SleeperClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def cache_bytes(self) -> int:
        """Bytes of league answers the bounded cache holds (shared answers are not counted)."""
        return int(self._cache.currsize)

    def clear_cache(self) -> None:
        """Forget every league answer (the shared directory and projections stay)."""
        self._cache.clear()

    # ----------------------------------------------------------------------- Sleeper endpoints

    async def state(self) -> dict[str, Any]:
        """`state/nfl`: the NFL season and week Sleeper is in."""
        return await self._object(_Request("/v1/state/nfl", (), "NFL state"), shared_ttl=STATE_TTL)

    async def league(self, league_id: str) -> dict[str, Any]:
        """`league/{id}`: name, season, sport, status, roster_positions, scoring and settings."""
        request = _Request(f"/v1/league/{league_id}", (), f"league {league_id}", league_id)
        return await self._object(request)

    async def users(self, league_id: str) -> list[Any]:
        return await self._list(_Request(f"/v1/league/{league_id}/users", (), f"league {league_id} users"))

    async def rosters(self, league_id: str) -> list[Any]:
        request = _Request(f"/v1/league/{league_id}/rosters", (), f"league {league_id} rosters")
        return await self._list(request)

    async def matchups(self, league_id: str, week: int) -> list[Any]:
        request = _Request(
            f"/v1/league/{league_id}/matchups/{week}", (), f"league {league_id} matchups week {week}"
        )
        return await self._list(request)

    async def projections(self, season: int, week: int) -> Mapping[str, Mapping[str, Any]]:
        """Every player's projected stat line for a regular-season week, by player id.

        Shared by all leagues and indexed once per fetch: a league reads the rows of its own
        players only (a few hundred of Sleeper's thousands), whatever the number of leagues.
        """
        request = _Request(
            f"/projections/nfl/{season}/{week}",
            (("season_type", "regular"),),
            f"projections {season} week {week}",
        )
        index = await self._get(request, PROJECTIONS_TTL, _by_player)
        return index

    async def players(self) -> Mapping[str, PlayerInfo]:
        """The NFL player directory, fetched at most once a day and shared by every league."""
        key = ("players",)
        hit = self._shared_hit(key)
        if hit is not None:
            return hit
        request = _Request("/v1/players/nfl", (), "NFL player directory")
        directory = await self._coalesced(key, lambda: self._fetch_players(request))
        self._shared[key] = _Shared(directory, self._monotonic() + PLAYERS_TTL)
        return directory

    async def _fetch_players(self, request: _Request) -> Mapping[str, PlayerInfo]:
        directory, _ = await self._fetch(request, _directory)
        return directory

    # ------------------------------------------------------------------- answers and caching

    async def _object(self, request: _Request, *, shared_ttl: float | None = None) -> dict[str, Any]:
        data = await self._get(request, shared_ttl)
        if data is None and request.league_id is not None:
            raise SleeperError.not_found(request.league_id)
        if not isinstance(data, dict):
            raise SleeperError.bad_data(f"{request.what}: expected a JSON object, got {type(data).__name__}")
        return data

    async def _list(self, request: _Request, *, shared_ttl: float | None = None) -> list[Any]:
        data = await self._get(request, shared_ttl)
        if not isinstance(data, list):
            raise SleeperError.bad_data(f"{request.what}: expected a JSON list, got {type(data).__name__}")
        return data

    def _shared_hit(self, key: Hashable) -> Any:
        entry = self._shared.get(key)
        if entry is not None and entry.expires > self._monotonic():
            self.cache_hits += 1
            return entry.data
        return None

    async def _get(
        self, request: _Request, shared_ttl: float | None, transform: Callable[[Any, str], Any] | None = None
    ) -> Any:
        """The answer, from the cache or fetched once for everyone asking; `transform` (for a
        shared answer) turns the decoded JSON into what is kept, once per fetch."""
        key = (request.path, request.params)
        if shared_ttl is not None:
            hit = self._shared_hit(key)
            if hit is not None:
                return hit
        else:
            cached = self._cache.get(key)
            if cached is not None:
                self.cache_hits += 1
                return cached.data
        data, size = await self._coalesced(key, lambda: self._fetch(request, transform))
        if shared_ttl is not None and self.cache_ttl > 0:  # cache_ttl 0: nothing live is kept
            now = self._monotonic()
            for old in [k for k, v in self._shared.items() if v.expires <= now]:
                del self._shared[old]
            self._shared[key] = _Shared(data, now + shared_ttl)
        elif self.cache_ttl > 0 and size <= self._cache.maxsize:
            self._cache[key] = CachedAnswer(data, size, self.cache_ttl)
        return data

    async def _coalesced(self, key: Hashable, fetch: Callable[[], Awaitable[Any]]) -> Any:
        """One request for everyone asking the same thing at once."""
        pending = self._in_flight.get(key)
        if pending is not None:
            self.cache_hits += 1
            return await asyncio.shield(pending)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._in_flight[key] = future
        try:
            result = await fetch()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: nobody else may be waiting
            raise
        else:
            future.set_result(result)
            return result
        finally:
            del self._in_flight[key]

    # ------------------------------------------------------------------------ HTTP and retries

    async def _fetch(
        self, request: _Request, transform: Callable[[Any, str], Any] | None = None
    ) -> tuple[Any, int]:
        """The decoded answer (transformed) and its body's size, after retries; SleeperError
        otherwise."""
        failure, status, truncated = "", None, False
        for attempt in range(self.retries + 1):
            if attempt:
                delay = backoff_delay(self.backoff, attempt - 1, self._rng)
                log.info("Sleeper %s failed (%s); retry %d/%d in %.2fs", request.what, failure, attempt,
                         self.retries, delay)  # fmt: skip
                await self._sleep(delay)
            await self.rate_limit.acquire()
            try:
                async with self._semaphore:
                    self.requests_sent += 1
                    response = await self._http.get(self.base + request.path, params=request.params)
            except httpx.TimeoutException:
                failure, status, truncated = "timed out", None, False
                continue
            except httpx.TransportError as exc:
                failure, status, truncated = f"connection problem ({type(exc).__name__})", None, False
                continue
            status = response.status_code
            if status == 404 and request.league_id is not None:
                raise SleeperError.not_found(request.league_id)
            if status == 429 or status >= 500:
                failure, truncated = f"HTTP {status}", False
                continue
            if status != 200:
                raise SleeperError.unavailable(
                    "it refused the request", detail=f"{request.what}: HTTP {status}", status=status
                )
            try:
                body = response.content
                data = await decode_json(body)
            except ValueError as exc:
                failure, truncated = f"invalid JSON ({exc})", True
                continue
            return (transform(data, request.what) if transform else data), len(body)
        what = "its answers were cut off" if truncated else "it is down or too slow"
        log.warning("Sleeper %s failed after %d attempts: %s", request.what, self.retries + 1, failure)
        raise SleeperError.unavailable(
            what, detail=f"{request.what}: {failure} after {self.retries + 1} attempts", status=status
        )


def _directory(data: Any, what: str) -> dict[str, PlayerInfo]:
    if not isinstance(data, dict):
        raise SleeperError.bad_data(f"{what}: expected a JSON object")
    return {str(pid): _player_info(raw) for pid, raw in data.items() if isinstance(raw, Mapping)}


def _by_player(data: Any, what: str) -> dict[str, Mapping[str, Any]]:
    if not isinstance(data, list):
        raise SleeperError.bad_data(f"{what}: expected a JSON list, got {type(data).__name__}")
    return {str(row["player_id"]): row for row in data if isinstance(row, Mapping) and row.get("player_id")}


def _player_info(raw: Mapping[str, Any]) -> PlayerInfo:
    position = str(raw.get("position") or "")
    team = raw.get("team")
    if position == "DEF":  # Sleeper: first_name "Kansas City", last_name "Chiefs"; ESPN: "Chiefs D/ST"
        name = f"{raw.get('last_name') or team or ''} D/ST"
    else:
        name = str(raw.get("full_name") or f"{raw.get('first_name') or ''} {raw.get('last_name') or ''}")
    fantasy = raw.get("fantasy_positions") or ()
    return PlayerInfo(
        name=" ".join(name.split()) or "Unknown player",
        position=position,
        team=str(team) if team else None,
        injury_status=str(raw["injury_status"]) if raw.get("injury_status") else None,
        fantasy_positions=tuple(str(p) for p in fantasy if isinstance(p, str)),
    )
