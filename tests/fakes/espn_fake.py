"""A fake ESPN on 127.0.0.1 (aiohttp, port 0): fantasy API views and the NFL site scoreboard.

Why a real HTTP server rather than a mocked transport: the client's retries, timeouts, connection
pool, concurrency bound and cookie handling only mean something over real sockets, and the bench
compares against espn_api's own blocking `requests` calls, which need a server too.

It serves any number of `SeasonSim` leagues (see espn_season.py) on ESPN's paths:

- `/apis/v3/games/ffl/seasons/{season}/segments/0/leagues/{id}?view=...&scoringPeriodId=...`
  (views merged as ESPN merges them; the `x-fantasy-filter` header's filterMatchupPeriodIds honoured)
- `/apis/v3/games/ffl/leagueHistory/{id}[?seasonId=]`
- `/apis/v3/games/ffl/seasons/{season}?view=proTeamSchedules_wl` and `/seasons/{season}/players`
- `/apis/site/v2/sports/football/nfl/scoreboard?dates={season}&seasontype=2&week={n}`

Faults, as ESPN shows them:

- `fault = "down"` (503), `"slow"` (answers after `slow_delay` s), `"truncated"` (200 with half a
  body), `"unauthorized"` (401 on fantasy league paths, as with expired cookies); `fault_count`
  limits it to the next n requests (then it clears itself), `fault_match` to paths containing it.
- a private league (`SeasonSim(private=True)`) wants its `espn_s2` and `SWID` cookies; without or
  with wrong ones it answers per `auth_style`: "401" (ESPN's usual JSON), "403", or "html" (a 200
  sign-in page); an unknown league or season is a 404.

`requests` counts requests per path; `max_in_flight` records the most handled at once (`latency`
adds a per-response delay, like a real network, which makes concurrency observable).

Run standalone for the bench: `python -m tests.fakes.espn_fake --leagues 200 --at 2026-10-04T19:00Z`
prints `PORT <n>` and serves until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from adapters.espn.demo.odds import with_odds
from tests.fakes.espn_season import NflSeason, SeasonSim

Fault = str | None  # "down" | "slow" | "truncated" | "unauthorized" | None

_FANTASY = "/apis/v3/games/ffl"
#: How many players /players (view players_wl) returns at most, about ESPN's active universe.
PLAYER_UNIVERSE = 2500
_NOT_FOUND = {
    "messages": ["Not Found"],
    "details": [
        {
            "message": "Not Found",
            "shortMessage": "Not Found",
            "resolution": None,
            "type": "GENERAL_NOT_FOUND",
            "metaData": None,
        }
    ],
}
_NOT_AUTHORIZED = {
    "messages": ["You are not authorized to view this League."],
    "details": [
        {
            "message": "You are not authorized to view this League.",
            "shortMessage": "You are not authorized to view this League.",
            "resolution": None,
            "type": "AUTH_LEAGUE_NOT_VISIBLE",
            "metaData": None,
        }
    ],
}
_LOGIN_PAGE = "<!DOCTYPE html><html><head><title>ESPN Fan Account - Log In</title></head><body></body></html>"


class FakeEspn:
    """The fake server. Start with `async with FakeEspn(now=clock.now) as fake:` (or `await start()`).

    `fantasy_base` / `site_base` are what `EspnClient` takes; `now` is the shared clock that
    plays every league and the NFL scoreboard out.
    """

    def __init__(
        self,
        now: Callable[[], datetime] | None = None,
        *,
        latency: float = 0.0,
        slow_delay: float = 0.5,
        auth_style: str = "401",
        cache_responses: bool = True,
        odds: bool = False,
    ) -> None:
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        # Sportsbooks' lines on the scoreboard's games, as ESPN's real scoreboard carries them
        # (the demo sportsbook's, adapters/espn/demo/odds.py): the NFL games board reads them.
        self.odds = odds
        self.latency = latency
        self.slow_delay = slow_delay
        self.auth_style = auth_style
        self.leagues: dict[int, SeasonSim] = {}
        self.fault: Fault = None
        self.fault_count: int | None = None
        self.fault_match: str | None = None
        self.requests: Counter[str] = Counter()
        self.cookies_seen: list[str | None] = []  # the Cookie header of each league request
        self.in_flight = 0
        self.max_in_flight = 0
        self._cache_responses = cache_responses
        self._rendered: dict[tuple[Any, ...], bytes] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --------------------------------------------------------------------------- lifecycle

    async def start(self) -> FakeEspn:
        app = web.Application()
        app.router.add_get(_FANTASY + "/seasons/{season}/segments/0/leagues/{league_id}", self._league)
        app.router.add_get(_FANTASY + "/leagueHistory/{league_id}", self._history)
        app.router.add_get(_FANTASY + "/seasons/{season}/players", self._players)
        app.router.add_get(_FANTASY + "/seasons/{season}", self._season)
        app.router.add_get("/apis/site/v2/sports/football/nfl/scoreboard", self._scoreboard)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeEspn:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def fantasy_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/apis/v3/games/"

    @property
    def site_base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_league(self, sim: SeasonSim) -> SeasonSim:
        """Serve `sim` (its clock becomes the server's). Leagues of one season share its NFL
        schedule and scoreboards: the season of the first league added, which may be one with
        postponed or cancelled games (`SeasonSim(..., nfl=...)`)."""
        known = self.nfl(sim.season)
        if sim.nfl is not known and any(other.season == sim.season for other in self.leagues.values()):
            raise ValueError(f"leagues of season {sim.season} must share one NflSeason")
        sim.now = self.now
        self.leagues[sim.league_id] = sim
        return sim

    def nfl(self, season: int) -> NflSeason:
        """The NFL season served for `season`: its leagues', or the plain one."""
        for sim in self.leagues.values():
            if sim.season == season:
                return sim.nfl
        return NflSeason.for_season(season)

    def warm(self) -> None:
        """Pre-render what a sync and espn_api's `League(...)` ask for, for every league, at `now`.

        For the bench: both sides then meet a warm server, so neither pays the simulator's
        one-off cost of playing the season up to `now`.
        """
        now = self.now()
        blocking = ("mMatchup", "mRoster", "mSettings", "mStandings", "mTeam")
        for sim in self.leagues.values():
            period = sim.current_scoring_period(now)
            matchup_period = sim.current_matchup_period(now)
            for views, scoring, wanted in (
                (("mSettings", "mTeam"), None, ()),
                (("mMatchupScore", "mScoreboard"), period, (matchup_period,)),
                (blocking, None, ()),
                (("mDraftDetail",), None, ()),
            ):
                key = ("league", sim.league_id, sim.season, views, scoring, wanted, now, sim.revision)
                self._render(lambda s=sim, v=views, p=scoring, w=wanted: s.league_view(v, now, p, w), key)

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    def reset_counts(self) -> None:
        self.requests.clear()
        self.cookies_seen.clear()
        self.max_in_flight = 0

    # ----------------------------------------------------------------------------- plumbing

    def _take_fault(self, path: str) -> Fault:
        if self.fault is None or (self.fault_match and self.fault_match not in path):
            return None
        fault = self.fault
        if self.fault_count is not None:
            self.fault_count -= 1
            if self.fault_count <= 0:
                self.fault, self.fault_count = None, None
        return fault

    async def _serve(
        self,
        request: web.Request,
        build: Callable[[], Any],
        key: tuple[Any, ...] | None,
        *,
        league: bool = False,
    ) -> web.StreamResponse:
        path = request.path
        self.requests[path] += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
            fault = self._take_fault(path)
            if fault == "down":
                return web.Response(
                    status=503, text="<html><body>Service Unavailable</body></html>", content_type="text/html"
                )
            if fault == "slow":
                await asyncio.sleep(self.slow_delay)
            if fault == "unauthorized" and league:
                return web.json_response(_NOT_AUTHORIZED, status=401)
            body = self._render(build, key)
            if isinstance(body, web.StreamResponse):
                return body
            if fault == "truncated":
                body = body[: len(body) // 2]
            return web.Response(body=body, content_type="application/json")
        finally:
            self.in_flight -= 1

    def _render(self, build: Callable[[], Any], key: tuple[Any, ...] | None) -> bytes | web.StreamResponse:
        if key is not None and self._cache_responses and key in self._rendered:
            return self._rendered[key]
        data = build()
        if isinstance(data, web.StreamResponse):
            return data
        body = json.dumps(data, separators=(",", ":")).encode()
        if key is not None and self._cache_responses:
            if len(self._rendered) > 4096:
                self._rendered.clear()
            self._rendered[key] = body
        return body

    def _auth(self, request: web.Request, sim: SeasonSim) -> web.StreamResponse | None:
        if not sim.private:
            return None
        if request.cookies.get("espn_s2") == sim.espn_s2 and request.cookies.get("SWID") == sim.swid:
            return None
        if self.auth_style == "html":
            return web.Response(text=_LOGIN_PAGE, content_type="text/html")
        status = 403 if self.auth_style == "403" else 401
        return web.json_response(_NOT_AUTHORIZED, status=status)

    # ----------------------------------------------------------------------------- handlers

    async def _league(self, request: web.Request) -> web.StreamResponse:
        league_id = int(request.match_info["league_id"])
        season = int(request.match_info["season"])
        sim = self.leagues.get(league_id)
        views = tuple(sorted(request.query.getall("view", [])))
        period_text = request.query.get("scoringPeriodId")
        period = int(period_text) if period_text else None
        wanted = _filter_periods(request.headers.get("x-fantasy-filter"))
        now = self.now()

        def build() -> Any:
            if sim is None or sim.season != season:
                return web.json_response(_NOT_FOUND, status=404)
            denied = self._auth(request, sim)
            if denied is not None:
                return denied
            return sim.league_view(views, now, period, wanted)

        self.cookies_seen.append(request.headers.get("Cookie"))
        key = None
        if sim is None or not sim.private:
            key = (
                "league",
                league_id,
                season,
                views,
                period,
                tuple(wanted or ()),
                now,
                sim.revision if sim else None,
            )
        return await self._serve(request, build, key, league=True)

    async def _history(self, request: web.Request) -> web.StreamResponse:
        league_id = int(request.match_info["league_id"])
        season_text = request.query.get("seasonId")
        season = int(season_text) if season_text else None
        sim = self.leagues.get(league_id)
        now = self.now()

        def build() -> Any:
            if sim is None:
                return web.json_response(_NOT_FOUND, status=404)
            denied = self._auth(request, sim)
            if denied is not None:
                return denied
            found = sim.history_view(now, season)
            return found if found else web.json_response(_NOT_FOUND, status=404)

        return await self._serve(request, build, None, league=True)

    async def _season(self, request: web.Request) -> web.StreamResponse:
        season = int(request.match_info["season"])
        views = request.query.getall("view", [])

        nfl = self.nfl(season)

        def build() -> Any:
            if "proTeamSchedules_wl" in views:
                return nfl.pro_schedule_view()
            return {"display": True, "settings": {}}

        return await self._serve(request, build, ("season", season, tuple(views), id(nfl), nfl.revision))

    async def _players(self, request: web.Request) -> web.StreamResponse:
        season = int(request.match_info["season"])

        def build() -> Any:
            # ESPN answers with its universe of active NFL players (a few thousand), not with
            # every fictional player of every simulated league: cap it at that size.
            players: list[Any] = []
            for sim in self.leagues.values():
                if sim.season == season and len(players) < PLAYER_UNIVERSE:
                    players.extend(sim.players_view())
            return players[:PLAYER_UNIVERSE]

        return await self._serve(request, build, ("players", season, len(self.leagues)))

    async def _scoreboard(self, request: web.Request) -> web.StreamResponse:
        now = self.now()
        season = int(request.query.get("dates", str(now.year))[:4])
        season_type = request.query.get("seasontype", "2")
        nfl = self.nfl(season)
        week_text = request.query.get("week")
        week = int(week_text) if week_text else _current_week(nfl, now)

        def build() -> Any:
            board = nfl.scoreboard_view(week, now)
            if season_type != "2":
                board["events"] = []
            return with_odds(board, now) if self.odds else board

        key = ("scoreboard", season, season_type, week, now, id(nfl), nfl.revision)
        return await self._serve(request, build, key)


def _filter_periods(raw: str | None) -> list[int] | None:
    if not raw:
        return None
    try:
        return [int(v) for v in json.loads(raw)["schedule"]["filterMatchupPeriodIds"]["value"]]
    except (ValueError, KeyError, TypeError):
        return None


def _current_week(nfl: NflSeason, now: datetime) -> int:
    week = 1
    for candidate in range(2, 19):
        if now >= nfl.rollover(candidate):
            week = candidate
    return week


# ---------------------------------------------------------------------------- standalone mode


async def _serve_forever(args: argparse.Namespace) -> None:
    at = datetime.fromisoformat(args.at.replace("Z", "+00:00"))
    fake = FakeEspn(lambda: at, latency=args.latency)
    for index in range(args.leagues):
        fake.add_league(
            SeasonSim(args.first_id + index, args.season, 10 if index % 2 == 0 else 12, seed=index)
        )
    fake.warm()
    await fake.start()
    print(f"PORT {fake.port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await fake.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--leagues", type=int, default=200)
    parser.add_argument("--first-id", type=int, default=100_001)
    parser.add_argument("--season", type=int, default=2026)
    parser.add_argument("--at", default="2026-10-04T19:00:00+00:00", help="the fake's fixed clock (UTC)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
