"""A fake Yahoo on 127.0.0.1 (aiohttp, port 0): its OAuth 2 token endpoint and Fantasy API.

It serves `SeasonSim` leagues (the whole-season simulator the ESPN and Sleeper fakes serve) as
Yahoo NFL leagues that end after `end_week` (no playoffs: a short league keeps the test lean),
with the NFL's kickoffs and finals still coming from the fake ESPN, as in production.

Shapes: every answer is `?format=json`, in the layout of Yahoo's real responses as recorded in
public code: spilchen/yahoo_fantasy_api's test samples (`yahoo_fantasy_api/tests/
sample.scoreboard.week12.json`, `sample.team_roster.json`, `sample.league_settings.*.json`,
`sample.standings.json`, `sample.game_details.json`): a resource is `[metadata list,
{sub-resource}]`, a collection `{"0": {...}, "count": n}`, numbers often strings. Football's own
blocks (`team_points`, `team_projected_points`, `player_points`, `selected_position` with
`coverage_type: week`) follow the same layout; the values are the simulator's, and the
game key ("473" for 2026) is made up.

OAuth: `issue_code()` gives a code Yahoo would show the commissioner (good once);
`/oauth2/get_token` takes `authorization_code` and `refresh_token` grants with the app's Basic
credentials, and answers a refused grant as Yahoo does (HTTP 400, `{"error": "invalid_grant"}`).
Access tokens last `token_ttl` seconds of the fake's clock; an expired or unknown one gets 401.
`revoke()` revokes every grant (the commissioner removed the app in his Yahoo account).
`throttle = n`: the next n Fantasy API requests get Yahoo's HTTP 999 "Request denied".
"""

from __future__ import annotations

import base64
import json
import secrets
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web
from espn_api.football.constant import PRO_TEAM_MAP

from adapters.espn.demo.names import Player
from adapters.espn.demo.stats import applied, applied_total
from tests.fakes.espn_season import OWNER_HANDLES, TEAM_NAMES, SeasonSim
from tests.secret_guard import register_secret

Json = dict[str, Any]

CLIENT_ID = "dj0yJmk9ZmFrZS1zaWRlYmV0LWFwcCZkPVlXazlabUZyWlE9PQ--"
CLIENT_SECRET = "yahoo-client-secret-fake-0123456789abcdef"
register_secret(CLIENT_SECRET)

GAME_KEY = "473"
#: The simulator's slots as Yahoo names them.
_SLOT = {"D/ST": "DEF", "FLEX": "W/R/T", "BE": "BN"}
ROSTER_POSITIONS = (("QB", 1), ("WR", 2), ("RB", 2), ("TE", 1), ("W/R/T", 1), ("K", 1), ("DEF", 1), ("BN", 6))
_STATUS = {"QUESTIONABLE": ("Q", "Questionable"), "DOUBTFUL": ("D", "Doubtful"), "OUT": ("O", "Out")}
_UPPER = {"LAR", "LAC", "NYG", "NYJ"}


def yahoo_team_abbr(pro_team_id: int) -> str:
    """Yahoo writes "KC", "Was", "Jax", "LAR": two-letter and New York/LA ones in capitals."""
    espn = PRO_TEAM_MAP[pro_team_id]
    espn = {"WSH": "WAS"}.get(espn, espn)
    return espn if len(espn) == 2 or espn in _UPPER else espn.title()


def yahoo_player_id(player: Player) -> str:
    """A defence is Yahoo player 100000 + its team's id; anyone else his own number."""
    return str(100_000 + player.pro_team) if player.position == "D/ST" else str(player.player_id)


def yahoo_league_id(sim: SeasonSim) -> str:
    return str(sim.league_id)


class FakeYahoo:
    """Start with `async with FakeYahoo(now=clock.now) as fake:`; see `api_base` and `auth_base`."""

    def __init__(
        self, now: Callable[[], datetime] | None = None, *, end_week: int = 3, token_ttl: int = 3600
    ):
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        self.end_week = end_week
        self.token_ttl = token_ttl
        self.leagues: dict[str, SeasonSim] = {}
        self.codes: set[str] = set()
        self.access: dict[str, datetime] = {}  # access token -> expiry
        self.refresh_tokens: set[str] = set()
        self.throttle = 0
        self.requests: Counter[str] = Counter()
        self.refreshes = 0
        self._runner: web.AppRunner | None = None
        self.port = 0

    async def __aenter__(self) -> FakeYahoo:
        app = web.Application()
        app.router.add_post("/oauth2/get_token", self._token)
        app.router.add_get("/fantasy/v2/{path:.*}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None and server.sockets  # type: ignore[union-attr]
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/fantasy/v2"

    @property
    def auth_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/oauth2"

    def add_league(self, sim: SeasonSim) -> str:
        sim.now = self.now
        self.leagues[yahoo_league_id(sim)] = sim
        return yahoo_league_id(sim)

    def issue_code(self) -> str:
        """The code Yahoo shows a commissioner who approved the app (good once)."""
        code = "yc" + secrets.token_hex(6)
        register_secret(code)
        self.codes.add(code)
        return code

    def revoke(self) -> None:
        self.access.clear()
        self.refresh_tokens.clear()

    # ------------------------------------------------------------------------------ OAuth

    def _new_tokens(self) -> Json:
        access, refresh = "yA." + secrets.token_urlsafe(24), "yR." + secrets.token_urlsafe(18)
        register_secret(access)
        register_secret(refresh)
        self.access[access] = self.now() + timedelta(seconds=self.token_ttl)
        self.refresh_tokens.add(refresh)
        return {
            "access_token": access,
            "refresh_token": refresh,
            "expires_in": self.token_ttl,
            "token_type": "bearer",
            "xoauth_yahoo_guid": "FAKEGUIDCOMMISSIONER",
        }

    async def _token(self, request: web.Request) -> web.Response:
        self.requests["token"] += 1
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return web.json_response({"error": "invalid_client"}, status=401)
        form = await request.post()
        grant = form.get("grant_type")
        if grant == "authorization_code" and form.get("code") in self.codes:
            self.codes.discard(str(form["code"]))
            return web.json_response(self._new_tokens())
        if grant == "refresh_token" and form.get("refresh_token") in self.refresh_tokens:
            self.refreshes += 1
            answer = self._new_tokens()
            answer["refresh_token"] = str(form["refresh_token"])  # Yahoo keeps the refresh token
            self.refresh_tokens.discard(answer["refresh_token"])
            self.refresh_tokens.add(answer["refresh_token"])
            return web.json_response(answer)
        return web.json_response(
            {"error": "invalid_grant", "error_description": "The grant has been revoked or has expired"},
            status=400,
        )

    # ------------------------------------------------------------------------- the API

    async def _api(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        self.requests[path.split("/")[0]] += 1
        if self.throttle > 0:
            self.throttle -= 1
            return web.Response(status=999, text="Request denied")
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        expiry = self.access.get(token)
        if expiry is None or expiry <= self.now():
            return web.json_response(
                {
                    "error": {
                        "xml:lang": "en-us",
                        "yahoo:uri": "http://fantasysports.yahooapis.com/fantasy/v2/" + path,
                        "description": "Please provide valid credentials. "
                        'OAuth oauth_problem="token_expired", realm="yahooapis.com"',
                        "detail": "",
                    }
                },
                status=401,
                headers={"WWW-Authenticate": 'OAuth oauth_problem="token_expired", realm="yahooapis.com"'},
            )
        if request.query.get("format") != "json":
            return web.Response(status=400, text="<?xml version='1.0'?><error>xml only in this fake</error>")
        body = self._route(path)
        if body is None:
            return web.json_response(
                {"error": {"xml:lang": "en-us", "description": "Invalid league key", "detail": ""}},
                status=400,
            )
        return web.Response(body=json.dumps(body, separators=(",", ":")), content_type="application/json")

    def _route(self, path: str) -> Json | None:
        parts = path.split("/")
        if parts == ["game", "nfl"]:
            return self._content("game/nfl", {"game": [self.game()]})
        if len(parts) >= 3 and parts[0] == "league":
            sim = self._sim(parts[1])
            if sim is None:
                return None
            what, _, params = parts[2].partition(";")
            meta = self.league_meta(sim)
            if what == "settings":
                return self._content(path, {"league": [meta, {"settings": [self.settings()]}]})
            if what == "standings":
                return self._content(
                    path, {"league": [meta, {"standings": [{"teams": self.standings(sim)}]}]}
                )
            if what == "scoreboard":
                week = int(params.removeprefix("week="))
                return self._content(path, {"league": [meta, {"scoreboard": self.scoreboard(sim, week)}]})
        if len(parts) >= 3 and parts[0] == "team" and parts[2].startswith("roster;week="):
            league_key, _, team_id = parts[1].rpartition(".t.")
            sim = self._sim(league_key)
            if sim is None:
                return None
            week = int(parts[2].removeprefix("roster;week="))
            return self._content(path, {"team": self.roster(sim, int(team_id), week)})
        return None

    def _sim(self, league_key: str) -> SeasonSim | None:
        game, _, league_id = league_key.partition(".l.")
        return self.leagues.get(league_id) if game == GAME_KEY else None

    def _content(self, path: str, body: Json) -> Json:
        return {
            "fantasy_content": {
                "xml:lang": "en-US",
                "yahoo:uri": f"/fantasy/v2/{path}",
                **body,
                "time": "31.9ms",
                "copyright": "Data provided by Yahoo! and STATS, LLC",
                "refresh_rate": "60",
            }
        }

    # ------------------------------------------------------------------------------ shapes

    def game(self) -> Json:
        sim = next(iter(self.leagues.values()))
        return {
            "game_key": GAME_KEY,
            "game_id": GAME_KEY,
            "name": "Football",
            "code": "nfl",
            "type": "full",
            "url": "https://football.fantasysports.yahoo.com/f1",
            "season": str(sim.season),
            "is_registration_over": 0,
            "is_game_over": 0,
            "is_offseason": 0,
        }

    def _week(self, sim: SeasonSim) -> int:
        return min(sim.current_scoring_period(self.now()), self.end_week)

    def league_meta(self, sim: SeasonSim) -> Json:
        league_id = yahoo_league_id(sim)
        return {
            "league_key": f"{GAME_KEY}.l.{league_id}",
            "league_id": league_id,
            "name": sim.name,
            "url": f"https://football.fantasysports.yahoo.com/f1/{league_id}",
            "logo_url": False,
            "draft_status": "postdraft",
            "num_teams": sim.size,
            "edit_key": str(self._week(sim)),
            "weekly_deadline": "intraday",
            "league_update_timestamp": str(int(self.now().timestamp())),
            "scoring_type": "head",
            "league_type": "private",
            "renew": "",
            "renewed": "",
            "felo_tier": "gold",
            "iris_group_chat_id": "",
            "allow_add_to_dl_extra_pos": 1,
            "is_pro_league": "0",
            "is_cash_league": "0",
            "current_week": self._week(sim),
            "start_week": "1",
            "start_date": sim.first_kickoff.date().isoformat(),
            "end_week": str(self.end_week),
            "end_date": sim.nfl.end_of(self.end_week).date().isoformat(),
            "is_finished": 1 if self.now() >= sim.nfl.end_of(self.end_week) else 0,
            "game_code": "nfl",
            "season": str(sim.season),
        }

    def settings(self) -> Json:
        return {
            "draft_type": "live",
            "is_auction_draft": "0",
            "scoring_type": "head",
            "uses_playoff": "0",
            "has_playoff_consolation_games": False,
            "uses_playoff_reseeding": 0,
            "uses_lock_eliminated_teams": 0,
            "num_playoff_teams": "0",
            "has_multiweek_championship": 0,
            "waiver_type": "R",
            "waiver_rule": "gametime",
            "uses_faab": "0",
            "trade_end_date": "2026-11-21",
            "trade_ratify_type": "commish",
            "roster_positions": [
                {
                    "roster_position": {
                        "position": position,
                        "position_type": "DT"
                        if position == "DEF"
                        else ("" if position in ("BN", "W/R/T") else "O"),
                        "count": count,
                        "is_starting_position": 0 if position == "BN" else 1,
                    }
                }
                for position, count in ROSTER_POSITIONS
            ],
            "stat_categories": {
                "stats": [
                    {
                        "stat": {
                            "stat_id": 4,
                            "enabled": "1",
                            "name": "Passing Yards",
                            "display_name": "Pass Yds",
                        }
                    },
                    {"stat": {"stat_id": 11, "enabled": "1", "name": "Receptions", "display_name": "Rec"}},
                ]
            },
            "stat_modifiers": {
                "stats": [{"stat": {"stat_id": 4, "value": "0.04"}}, {"stat": {"stat_id": 11, "value": "1"}}]
            },
            "pickem_enabled": "1",
            "uses_fractional_points": "1",
            "uses_negative_points": "1",
        }

    def _team_meta(self, sim: SeasonSim, team_id: int) -> list[Any]:
        league_id = yahoo_league_id(sim)
        return [
            {"team_key": f"{GAME_KEY}.l.{league_id}.t.{team_id}"},
            {"team_id": str(team_id)},
            {"name": TEAM_NAMES[team_id - 1][0]},
            [],
            {"url": f"https://football.fantasysports.yahoo.com/f1/{league_id}/{team_id}"},
            {
                "team_logos": [
                    {
                        "team_logo": {
                            "size": "large",
                            "url": "https://s.yimg.com/cv/apiv2/default/nfl/nfl_1.png",
                        }
                    }
                ]
            },
            [],
            {"waiver_priority": team_id},
            [],
            {"number_of_moves": "0"},
            {"number_of_trades": 0},
            {"roster_adds": {"coverage_type": "week", "coverage_value": self._week(sim), "value": "0"}},
            [],
            {"league_scoring_type": "head"},
            [],
            [],
            {"has_draft_grade": 0},
            [],
            {
                "managers": [
                    {
                        "manager": {
                            "manager_id": str(team_id),
                            "nickname": OWNER_HANDLES[team_id - 1],
                            "guid": f"FAKEGUID{team_id:04d}{sim.league_id}",
                            **({"is_commissioner": "1"} if team_id == 1 else {}),
                            "image_url": "https://s.yimg.com/ag/images/default_user_profile_pic_64sq.jpg",
                            "felo_score": "650",
                            "felo_tier": "silver",
                        }
                    }
                ]
            },
        ]

    def standings(self, sim: SeasonSim) -> Json:
        records = sim._records(self.now())
        out: Json = {}
        for index, team_id in enumerate(sim.team_ids):
            overall = records[team_id]["overall"]
            played = overall["wins"] + overall["losses"] + overall["ties"]
            out[str(index)] = {
                "team": [
                    self._team_meta(sim, team_id),
                    {
                        "team_points": {
                            "coverage_type": "season",
                            "season": str(sim.season),
                            "total": f"{overall['pointsFor']:.2f}",
                        }
                    },
                    {
                        "team_standings": {
                            "rank": index + 1,
                            "outcome_totals": {
                                "wins": str(overall["wins"]),
                                "losses": str(overall["losses"]),
                                "ties": overall["ties"],
                                "percentage": f"{overall['wins'] / played:.3f}" if played else "",
                            },
                            "points_for": f"{overall['pointsFor']:.2f}",
                            "points_against": round(overall["pointsAgainst"], 2),
                        }
                    },
                ]
            }
        out["count"] = sim.size
        return out

    def _projected(self, sim: SeasonSim, team_id: int, week: int) -> float:
        return round(
            sum(
                applied_total(applied(sim.player_week(p, week).projection))
                for p in sim.starters(team_id, week)
            ),
            2,
        )

    def scoreboard(self, sim: SeasonSim, week: int) -> Json:
        now = self.now()
        games = [m for m in sim.regular if m.matchup_period == week] if week <= self.end_week else []
        if now < sim.nfl.first_kickoff(week):
            status = "preevent"
        else:
            status = "postevent" if sim.nfl.week_over(week, now) else "midevent"
        matchups: Json = {}
        for index, game in enumerate(games):
            points = {t: sim.team_points(t, week, now) for t in (game.home, game.away)}
            teams: Json = {}
            for side, team_id in enumerate((game.away, game.home)):  # Yahoo's order is its own
                teams[str(side)] = {
                    "team": [
                        self._team_meta(sim, team_id),
                        {
                            "team_points": {
                                "coverage_type": "week",
                                "week": str(week),
                                "total": f"{points[team_id]:.2f}",
                            },
                            "team_projected_points": {
                                "coverage_type": "week",
                                "week": str(week),
                                "total": f"{self._projected(sim, team_id, week):.2f}",
                            },
                        },
                    ]
                }
            teams["count"] = 2
            matchup: Json = {
                "week": str(week),
                "week_start": sim.nfl.first_kickoff(week).date().isoformat(),
                "week_end": sim.nfl.end_of(week).date().isoformat(),
                "status": status,
                "is_playoffs": "0",
                "is_consolation": "0",
                "is_matchup_recap_available": 0,
                "0": {"teams": teams},
            }
            if status == "postevent":
                home, away = points[game.home], points[game.away]
                matchup["is_tied"] = int(home == away)
                if home != away:
                    winner = game.home if home > away else game.away
                    matchup["winner_team_key"] = f"{GAME_KEY}.l.{yahoo_league_id(sim)}.t.{winner}"
            matchups[str(index)] = {"matchup": matchup}
        matchups["count"] = len(games)
        return {"0": {"matchups": matchups}, "week": str(week)}

    def _player(self, sim: SeasonSim, player: Player, slot: str, week: int) -> list[Any]:
        pid = yahoo_player_id(player)
        dst = player.position == "D/ST"
        abbr = yahoo_team_abbr(player.pro_team)
        position = "DEF" if dst else player.position
        status = _STATUS.get(sim.player_week(player, week).injury_status)
        _, points = sim._revealed(week, player, self.now())
        meta: list[Any] = [
            {"player_key": f"{GAME_KEY}.p.{pid}"},
            {"player_id": pid},
            {
                "name": {
                    "full": abbr if dst else player.full_name,
                    "first": abbr if dst else player.first,
                    "last": "" if dst else player.last,
                    "ascii_first": abbr if dst else player.first,
                    "ascii_last": "" if dst else player.last,
                }
            },
            *([{"status": status[0]}, {"status_full": status[1]}] if status else []),
            {"editorial_player_key": f"nfl.p.{pid}"},
            {"editorial_team_key": f"nfl.t.{player.pro_team}"},
            {"editorial_team_full_name": f"{abbr} Team {PRO_TEAM_MAP[player.pro_team]}"},
            {"editorial_team_abbr": abbr},
            {"bye_weeks": {"week": "0"}},
            {"uniform_number": "" if dst else player.jersey},
            {"display_position": position},
            {
                "headshot": {"url": "https://s.yimg.com/iu/api/res/1.2/fake.png", "size": "small"},
                "image_url": "",
            },
            {"is_undroppable": "0"},
            {"position_type": "DT" if dst else "O"},
            {"primary_position": position},
            {
                "eligible_positions": [{"position": position}]
                + ([{"position": "W/R/T"}] if position in ("RB", "WR", "TE") else [])
            },
            [],
            [],
        ]
        return [
            meta,
            {
                "selected_position": [
                    {"coverage_type": "week", "week": str(week)},
                    {"position": _SLOT.get(slot, slot)},
                    {"is_flex": int(slot == "FLEX")},
                ]
            },
            {
                "player_stats": {
                    "coverage_type": "week",
                    "week": str(week),
                    "stats": [{"stat": {"stat_id": "0", "value": "1"}}],
                },
                "player_points": {"coverage_type": "week", "week": str(week), "total": f"{points:.2f}"},
            },
        ]

    def roster(self, sim: SeasonSim, team_id: int, week: int) -> list[Any]:
        lineup = sim.lineup(team_id, week)
        players: Json = {
            str(i): {"player": self._player(sim, p, slot, week)} for i, (p, slot) in enumerate(lineup)
        }
        players["count"] = len(lineup)
        return [
            self._team_meta(sim, team_id),
            {
                "roster": {
                    "coverage_type": "week",
                    "week": str(week),
                    "is_editable": 0,
                    "0": {"players": players},
                }
            },
        ]
