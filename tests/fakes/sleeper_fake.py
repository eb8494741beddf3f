"""A fake Sleeper on 127.0.0.1 (aiohttp, port 0) answering in Sleeper's own JSON shapes.

It serves `SeasonSim` leagues (the whole-season simulator the ESPN fake serves) as Sleeper
leagues, so one simulated season can be played through either platform, with the NFL's kickoffs
and finals still coming from the fake ESPN's schedule and scoreboards, as in production:

- `/v1/state/nfl`: season, week and season type by the clock;
- `/v1/league/{id}` (an unknown id answers `null`, as Sleeper does), `/users`, `/rosters`,
  `/matchups/{week}` (starters with `starters_points`, `players_points`, `custom_points` where the
  simulator's commissioner adjusted a score; a team out of the playoff bracket has a null
  `matchup_id`);
- `/v1/players/nfl`: every simulated player (a team defence's id is its team, "KC");
- `/projections/nfl/{season}/{week}?season_type=regular`: each player's projected stats.

The shapes follow the recorded samples in tests/sleeper/samples (see their README). Playoffs are
the simulator's: four teams, two rounds of two weeks each (`playoff_round_type` 2).

Faults: `fault = "down"` (503), `"slow"` (answers after `slow_delay` s), `"truncated"` (half a
body), `"broken"` (a 200 whose JSON is not Sleeper's shape); `fault_count` limits it to the next n
requests, `fault_match` to paths containing it. `requests` counts requests per path; `latency`
delays every answer (a real network's round trip). Run standalone for the bench:
`python -m tests.fakes.sleeper_fake --leagues 1000` prints `PORT <port>` and serves until killed
(the NFL games come from `python -m tests.fakes.espn_fake`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from espn_api.football.constant import PRO_TEAM_MAP

from adapters.espn.demo.names import Player
from adapters.espn.demo.stats import applied, applied_total
from tests.fakes.espn_season import NFL_WEEKS, OWNER_HANDLES, REGULAR_SEASON, TEAM_NAMES, SeasonSim

Json = dict[str, Any]

#: The simulator's lineup, in Sleeper's slot names and order.
ROSTER_POSITIONS = ("QB", "RB", "RB", "WR", "WR", "TE", "FLEX", "DEF", "K", *("BN",) * 6)
_SIM_SLOT = {"DEF": "D/ST"}
#: Sleeper spells a few teams differently from ESPN.
_SLEEPER_ABBREV = {"WSH": "WAS"}
_INJURY = {"QUESTIONABLE": "Questionable", "DOUBTFUL": "Doubtful", "OUT": "Out"}
#: A PPR league's scoring, as Sleeper lists it (the projections carry pts_ppr, so pricing reads that).
SCORING = {
    "pass_yd": 0.04,
    "pass_td": 4.0,
    "pass_int": -2.0,
    "rush_yd": 0.1,
    "rush_td": 6.0,
    "rec": 1.0,
    "rec_yd": 0.1,
    "rec_td": 6.0,
    "fum_lost": -2.0,
    "xpm": 1.0,
    "fgm_30_39": 3.0,
}


def sleeper_team(pro_team_id: int) -> str:
    abbrev = PRO_TEAM_MAP[pro_team_id]
    return _SLEEPER_ABBREV.get(abbrev, abbrev)


def player_id(player: Player) -> str:
    """Sleeper's id of a simulated player: his number, or his team's for a defence."""
    return sleeper_team(player.pro_team) if player.position == "D/ST" else str(player.player_id)


def sleeper_league_id(sim: SeasonSim) -> str:
    """A 19-digit id, as Sleeper's are (longer than a JavaScript-safe integer)."""
    return str(10**18 + sim.league_id)


class FakeSleeper:
    """Start with `async with FakeSleeper(now=clock.now) as fake:`; `base` is SleeperClient's."""

    def __init__(
        self,
        now: Callable[[], datetime] | None = None,
        *,
        slow_delay: float = 0.5,
        latency: float = 0.0,
    ) -> None:
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        self.slow_delay = slow_delay
        self.latency = latency
        #: Rendered answers by (path, clock, the leagues' revisions): a sim only changes when
        #: the clock moves or a test edits it, so an answer is rendered once per state.
        self.cache_responses = True
        self._rendered: dict[tuple[Any, ...], bytes] = {}
        self.leagues: dict[str, SeasonSim] = {}
        self.other_leagues: dict[str, Json] = {}  # raw league objects (another sport, pre-draft, ...)
        self.fault: str | None = None
        self.fault_count: int | None = None
        self.fault_match: str | None = None
        self.requests: Counter[str] = Counter()
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def start(self) -> FakeSleeper:
        app = web.Application()
        app.router.add_get("/v1/state/nfl", self._state)
        app.router.add_get("/v1/players/nfl", self._players)
        app.router.add_get("/v1/league/{league_id}", self._league)
        app.router.add_get("/v1/league/{league_id}/users", self._users)
        app.router.add_get("/v1/league/{league_id}/rosters", self._rosters)
        app.router.add_get("/v1/league/{league_id}/matchups/{week}", self._matchups)
        app.router.add_get("/projections/nfl/{season}/{week}", self._projections)
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

    async def __aenter__(self) -> FakeSleeper:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add_league(self, sim: SeasonSim) -> str:
        """Serve `sim` as a Sleeper league (its clock becomes the server's); returns its id."""
        sim.now = self.now
        league_id = sleeper_league_id(sim)
        self.leagues[league_id] = sim
        return league_id

    # ----------------------------------------------------------------------------- plumbing

    def _take_fault(self, path: str) -> str | None:
        if self.fault is None or (self.fault_match and self.fault_match not in path):
            return None
        fault = self.fault
        if self.fault_count is not None:
            self.fault_count -= 1
            if self.fault_count <= 0:
                self.fault, self.fault_count = None, None
        return fault

    async def _serve(self, request: web.Request, build: Callable[[], Any]) -> web.StreamResponse:
        self.requests[request.path] += 1
        if self.latency:
            await asyncio.sleep(self.latency)
        fault = self._take_fault(request.path)
        if fault == "down":
            return web.Response(status=503, text="<html>503 Service Temporarily Unavailable</html>")
        if fault == "slow":
            await asyncio.sleep(self.slow_delay)
        key = (request.path_qs, self.now(), sum(sim.revision for sim in self.leagues.values()))
        body = self._rendered.get(key) if self.cache_responses else None
        if body is None:
            body = json.dumps(build(), separators=(",", ":")).encode()
            if self.cache_responses:
                if len(self._rendered) > 8192:
                    self._rendered.clear()
                self._rendered[key] = body
        if fault == "truncated":
            body = body[: len(body) // 2]
        if fault == "broken":
            body = b'{"error": "maintenance"}' if body.startswith(b"[") else b"[]"
        return web.Response(body=body, content_type="application/json")

    def _sim(self, request: web.Request) -> SeasonSim | None:
        return self.leagues.get(request.match_info["league_id"])

    # ------------------------------------------------------------------------------- routes

    async def _state(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self.state)

    async def _players(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, self.players)

    async def _league(self, request: web.Request) -> web.StreamResponse:
        league_id = request.match_info["league_id"]
        sim = self.leagues.get(league_id)
        if sim is None:
            return await self._serve(request, lambda: self.other_leagues.get(league_id))
        return await self._serve(request, lambda: self.league(league_id, sim))

    async def _users(self, request: web.Request) -> web.StreamResponse:
        sim = self._sim(request)
        return await self._serve(request, lambda: self.users(sim) if sim else None)

    async def _rosters(self, request: web.Request) -> web.StreamResponse:
        sim = self._sim(request)
        return await self._serve(request, lambda: self.rosters(sim) if sim else None)

    async def _matchups(self, request: web.Request) -> web.StreamResponse:
        sim = self._sim(request)
        week = int(request.match_info["week"])
        return await self._serve(request, lambda: self.matchups(sim, week) if sim else [])

    async def _projections(self, request: web.Request) -> web.StreamResponse:
        season, week = int(request.match_info["season"]), int(request.match_info["week"])
        return await self._serve(request, lambda: self.projections(season, week))

    # ------------------------------------------------------------------------------ shapes

    def _any(self) -> SeasonSim | None:
        return next(iter(self.leagues.values()), None)

    def state(self) -> Json:
        sim, now = self._any(), self.now()
        if sim is None:
            return {"week": 1, "season_type": "pre", "season": str(now.year), "leg": 1, "display_week": 1}
        week = sim.current_scoring_period(now)
        kind = "pre" if now < sim.first_kickoff - timedelta(days=3) else "regular"
        if now >= sim.nfl.end_of(NFL_WEEKS):
            kind = "post"
        return {
            "week": week,
            "leg": week,
            "display_week": week,
            "season_type": kind,
            "season": str(sim.season),
            "previous_season": str(sim.season - 1),
            "league_season": str(sim.season),
            "league_create_season": str(sim.season),
            "season_start_date": sim.first_kickoff.date().isoformat(),
        }

    def league(self, league_id: str, sim: SeasonSim) -> Json:
        now = self.now()
        week = sim.current_scoring_period(now)
        return {
            "total_rosters": sim.size,
            "status": "complete" if now >= sim.season_end else "in_season",
            "sport": "nfl",
            "shard": 332,
            "settings": {
                "num_teams": sim.size,
                "playoff_week_start": REGULAR_SEASON + 1,
                "playoff_teams": 4,
                "playoff_round_type": 2,
                "playoff_seed_type": 0,
                "league_average_match": 0,
                "start_week": 1,
                "leg": week,
                "last_scored_leg": max(0, week - 1),
                "type": 0,
                "best_ball": 0,
                "reserve_slots": 0,
                "taxi_slots": 0,
            },
            "season_type": "regular",
            "season": str(sim.season),
            "scoring_settings": SCORING,
            "roster_positions": list(ROSTER_POSITIONS),
            "previous_league_id": None,
            "name": sim.name,
            "metadata": None,
            "loser_bracket_id": None,
            "league_id": league_id,
            "draft_id": str(int(league_id) + 1),
            "company_id": None,
            "bracket_id": None,
            "avatar": None,
        }

    @staticmethod
    def _user_id(sim: SeasonSim, team_id: int) -> str:
        return str(4 * 10**17 + sim.league_id * 100 + team_id)

    def users(self, sim: SeasonSim) -> list[Json]:
        return [
            {
                "user_id": self._user_id(sim, t),
                "settings": None,
                "metadata": {"team_name": TEAM_NAMES[t - 1][0], "mention_pn": "on", "allow_pn": "on"},
                "league_id": sleeper_league_id(sim),
                "is_owner": t == 1,
                "is_bot": False,
                "display_name": OWNER_HANDLES[t - 1],
                "avatar": None,
            }
            for t in sim.team_ids
        ]

    def _starters(self, sim: SeasonSim, team_id: int, week: int) -> tuple[list[Player | None], list[Player]]:
        """The starters in roster_positions order (None for an empty slot) and the whole roster."""
        lineup = sim.lineup(team_id, week)
        taken: set[int] = set()
        starters: list[Player | None] = []
        for slot in ROSTER_POSITIONS:
            if slot == "BN":
                continue
            wanted = _SIM_SLOT.get(slot, slot)
            found = next((p for p, s in lineup if s == wanted and p.player_id not in taken), None)
            if found is not None:
                taken.add(found.player_id)
            starters.append(found)
        return starters, [p for p, _ in lineup]

    def rosters(self, sim: SeasonSim) -> list[Json]:
        now = self.now()
        week = sim.current_scoring_period(now)
        records = sim._records(now)
        out = []
        for t in sim.team_ids:
            starters, roster = self._starters(sim, t, week)
            overall = records[t]["overall"]
            pf, pa = round(overall["pointsFor"], 2), round(overall["pointsAgainst"], 2)
            out.append(
                {
                    "taxi": None,
                    "starters": [player_id(p) if p else "0" for p in starters],
                    "settings": {
                        "wins": overall["wins"],
                        "losses": overall["losses"],
                        "ties": overall["ties"],
                        "fpts": int(pf),
                        "fpts_decimal": round((pf - int(pf)) * 100),
                        "fpts_against": int(pa),
                        "fpts_against_decimal": round((pa - int(pa)) * 100),
                        "waiver_position": t,
                        "waiver_budget_used": 0,
                        "total_moves": 0,
                    },
                    "roster_id": t,
                    "reserve": None,
                    "players": [player_id(p) for p in roster],
                    "player_map": None,
                    "owner_id": self._user_id(sim, t),
                    "metadata": {"record": ""},
                    "league_id": sleeper_league_id(sim),
                    "keepers": None,
                    "co_owners": None,
                }
            )
        return out

    def matchups(self, sim: SeasonSim, week: int) -> list[Json]:
        now = self.now()
        if not 1 <= week <= NFL_WEEKS:
            return []
        period = next(mp for mp, weeks in sim.matchup_periods.items() if week in weeks)
        games = [m for m in sim.matchups(now) if m.matchup_period == period]
        matchup_of = {t: index + 1 for index, m in enumerate(games) for t in (m.home, m.away)}
        out = []
        for t in sim.team_ids:
            starters, roster = self._starters(sim, t, week)
            scored = {player_id(p): sim._revealed(week, p, now)[1] for p in roster}
            points = sim.team_points(t, week, now)
            adjustment = sim.adjustment(period, t) if period <= REGULAR_SEASON else 0.0
            out.append(
                {
                    "starters": [player_id(p) if p else "0" for p in starters],
                    "starters_points": [scored[player_id(p)] if p else 0.0 for p in starters],
                    "roster_id": t,
                    "points": points,
                    "players": [player_id(p) for p in roster],
                    "players_points": scored,
                    "matchup_id": matchup_of.get(t),
                    "custom_points": round(points + adjustment, 2) if adjustment else None,
                }
            )
        return out

    def _players_of(self, season: int) -> list[Player]:
        return [
            p
            for sim in self.leagues.values()
            if sim.season == season
            for roster in sim.rosters.values()
            for p in roster
        ]

    def players(self) -> Json:
        out: Json = {}
        for sim in self.leagues.values():
            for roster in sim.rosters.values():
                for p in roster:
                    pid = player_id(p)
                    team = sleeper_team(p.pro_team)
                    dst = p.position == "D/ST"
                    out[pid] = {
                        "player_id": pid,
                        "first_name": team if dst else p.first,
                        "last_name": team if dst else p.last,
                        "full_name": None if dst else p.full_name,
                        "position": "DEF" if dst else p.position,
                        "fantasy_positions": ["DEF" if dst else p.position],
                        "team": team,
                        "injury_status": None,
                        "status": "Active",
                        "sport": "nfl",
                        "active": True,
                    }
        return out

    def projections(self, season: int, week: int) -> list[Json]:
        out = []
        for sim in self.leagues.values():
            if sim.season != season:
                continue
            for roster in sim.rosters.values():
                for p in roster:
                    projected = sim.player_week(p, week)
                    points = applied_total(applied(projected.projection))
                    out.append(
                        {
                            "player_id": player_id(p),
                            "week": week,
                            "season": str(season),
                            "season_type": "regular",
                            "sport": "nfl",
                            "team": sleeper_team(p.pro_team),
                            "player": {"injury_status": _INJURY.get(projected.injury_status)},
                            "stats": {"pts_ppr": points, "pts_half_ppr": points, "pts_std": points},
                        }
                    )
        return out


async def _serve_forever(args: argparse.Namespace) -> None:
    """Serve `--leagues` Sleeper leagues until killed (their NFL games: `tests.fakes.espn_fake`)."""
    at = datetime.fromisoformat(args.at.replace("Z", "+00:00"))
    sleeper = FakeSleeper(lambda: at, latency=args.latency)
    for index in range(args.leagues):
        sim = SeasonSim(args.first_id + index, args.season, 10 if index % 2 == 0 else 12, seed=index)
        sleeper.add_league(sim)
        sleeper.rosters(sim)  # play the season up to `at` before timing starts
        sleeper.matchups(sim, sim.current_scoring_period(at))
    await sleeper.start()
    print(f"PORT {sleeper.port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await sleeper.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A fake Sleeper on loopback")
    parser.add_argument("--leagues", type=int, default=200)
    parser.add_argument("--first-id", type=int, default=100_001)
    parser.add_argument("--season", type=int, default=2026)
    parser.add_argument("--at", default="2026-10-04T19:00:00+00:00", help="the fakes' fixed clock (UTC)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every response")
    args = parser.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
