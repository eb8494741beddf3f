"""A whole ESPN fantasy-football season, in ESPN's exact JSON shapes, played out by a clock.

The console's demo season is served from it (`adapters.espn.demo.season_provider`), and the
tests' fake ESPN server (`tests/fakes/espn_fake.py`) serves the same leagues over HTTP.

Why a simulator rather than recorded files: a season has to live through preseason, every
week's kickoffs and Monday nights, two-week playoff rounds built from the real standings, and a
stat correction after settlement. Recording that is impossible offline; generating it from a
seed keeps every number coherent (a D/ST's points allowed are its NFL opponent's score, team
totals are the sum of the starters, standings follow from the results) and reproducible.

Shapes follow ESPN's own responses: every object is built by `adapters.espn.demo.shapes`,
the same builders the shipped demo week is generated with, from players, stat lines and
scoring of `adapters.espn.demo.names` / `.stats` and the demo's settings. What the clock decides:

- An NFL game is "pre" before kickoff, "in" for 3h30m after (stat lines grow linearly), "post"
  after. The NFL slate is a function of the season only (`NflSeason`), shared by every league.
- ESPN's `scoringPeriodId` / `status.currentMatchupPeriod` roll over on the Tuesday (09:00 UTC)
  before a week's Thursday game. **Preseason** (before week 1's first kickoff): scoring period 1,
  matchup period 1, every game "pre", no actual stat lines, all scores 0 and winners UNDECIDED;
  there is no "week 0". After the final, they stay at 18 / 16.
- Playoff matchups (top 4 by wins, then points for) appear once the regular season's last game is
  over; the final appears once both semifinals (two scoring periods each) are over. Teams out of
  the bracket have no playoff matchup at all (eliminated).
- A player who does not play his game (OUT, a DOUBTFUL who sits, or `rule_out`) gets ESPN's empty
  actual line once it kicks off: `stats` {}, `appliedTotal` 0.0.

What a real week brings, on demand: `NflSeason.postpone` / `cancel` / `halt` (delayed, suspended)
a game, with the statuses ESPN's scoreboard shows; an owner's `move` (bench, restart) and `drop`;
a commissioner's `adjust` (ESPN's `adjustment`, which the winner and records follow); a stat
correction (`correct_stat`).
"""

from __future__ import annotations

import copy
import random
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from adapters.espn.demo import eastern, shapes
from adapters.espn.demo.league import OWNERS, round_robin, settings_view
from adapters.espn.demo.league import TEAM_NAMES as DEMO_TEAM_NAMES
from adapters.espn.demo.names import NFL_TEAMS, Player, PlayerFactory
from adapters.espn.demo.provider import GAME_LENGTH, game_state
from adapters.espn.demo.shapes import Game, Json, epoch_ms
from adapters.espn.demo.stats import applied, applied_total, expected_stats, sampled_stats

NFL_WEEKS = 18
REGULAR_SEASON = 14
#: matchup period -> scoring periods; two-week playoff rounds for a 4-team bracket.
PLAYOFF_PERIODS: dict[int, tuple[int, ...]] = {15: (15, 16), 16: (17, 18)}
PLAYOFF_TEAMS = 4

#: The demo league's owners and teams, and two more for a 12-team league.
OWNER_HANDLES = (*(handle for handle, _, _ in OWNERS), "logan", "morgan")
TEAM_NAMES = (*DEMO_TEAM_NAMES, ("Lambeau Leapers", "LEAP"), ("Muffed Punts", "MUFF"))


# ------------------------------------------------------------------------------ the NFL season


@dataclass(frozen=True, slots=True)
class Disruption:
    """What befell an NFL game, as ESPN's scoreboard then shows it.

    - "postponed": not played at its time (STATUS_POSTPONED); `resume` is the replay's kickoff
      in the same scoring period, None while no new date is set.
    - "cancelled": called off for good (STATUS_CANCELED) at `since`; what was played stands.
    - "delayed" / "suspended": halted at `since` (STATUS_DELAYED / STATUS_SUSPENDED) and
      played on from `resume` (None: not yet).
    """

    kind: str
    since: datetime
    resume: datetime | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """A game at an instant: ESPN's status block, the share played, whether stat lines exist."""

    status: Json
    share: float
    started: bool
    over: bool  # nothing more will be played in this scoring period


class NflSeason:
    """The NFL regular season of a year: 18 weeks, byes in weeks 5-14, real kickoff windows.

    Week 1's Thursday is the one after Labor Day. Per week: Thu 8:15 pm ET, Sunday 1:00 pm (most
    games), 4:05 pm (2), 4:25 pm (2), 8:20 pm (1), Monday 8:15 pm ET (1). Use `for_season`,
    except to postpone, cancel, delay or suspend games: that takes a season of one's own
    (`NflSeason(season)`, the same games), given to the leagues that should see it
    (`SeasonSim(..., nfl=...)`), so no other test meets the disruption.
    """

    def __init__(self, season: int) -> None:
        self.season = season
        self.shared = False
        self.revision = 0  # bumped by every disruption, so servers can cache rendered views
        self.disruptions: dict[int, Disruption] = {}
        rng = random.Random(f"nfl-{season}")
        teams = sorted(NFL_TEAMS)
        byes_per_week = {5: 2, 6: 2, 7: 4, 8: 4, 9: 4, 10: 4, 11: 4, 12: 4, 13: 2, 14: 2}
        order = teams[:]
        rng.shuffle(order)
        self.bye_week: dict[int, int] = {}
        for week, count in byes_per_week.items():
            for _ in range(count):
                self.bye_week[order.pop()] = week
        september = date(season, 9, 1)
        labor_day = september + timedelta(days=(0 - september.weekday()) % 7)
        self.week1_thursday = labor_day + timedelta(days=3)
        self.games: dict[int, list[Game]] = {}
        for week in range(1, NFL_WEEKS + 1):
            playing = [t for t in teams if self.bye_week.get(t) != week]
            rng.shuffle(playing)
            pairs = [(playing[i], playing[i + 1]) for i in range(0, len(playing), 2)]
            games = []
            for index, (away, home) in enumerate(pairs):
                kickoff = self._slot(week, index, len(pairs))
                home_score = max(0, round(rng.gauss(24, 9)))
                away_score = max(0, round(rng.gauss(21, 9)))
                if home_score == away_score:
                    home_score += 3
                event_id = int(f"40{season % 100:02d}{week:02d}{index:02d}1")
                games.append(Game(event_id, away, home, kickoff, home_score, away_score))
            games.sort(key=lambda g: (g.kickoff, g.event_id))
            self.games[week] = games
        self._index()

    def _index(self) -> None:
        for games in self.games.values():
            games.sort(key=lambda g: (g.kickoff, g.event_id))
        self.by_team: dict[tuple[int, int], Game] = {
            (week, team): game
            for week, games in self.games.items()
            for game in games
            for team in (game.home, game.away)
        }

    @staticmethod
    @lru_cache(maxsize=8)
    def for_season(season: int) -> NflSeason:
        nfl = NflSeason(season)
        nfl.shared = True
        return nfl

    # ------------------------------------------------------------------------ disruptions

    def _find(self, event_id: int) -> tuple[int, Game]:
        if self.shared:
            raise RuntimeError("disrupt a season of your own (NflSeason(season)), not the shared one")
        for week, games in self.games.items():
            for game in games:
                if game.event_id == event_id:
                    return week, game
        raise KeyError(f"no NFL game {event_id} in {self.season}")

    def _disrupt(self, event_id: int, disruption: Disruption) -> None:
        self.disruptions[event_id] = disruption
        self.revision += 1

    def postpone(self, event_id: int, replay: datetime | None = None, *, leave_period: bool = False) -> None:
        """Postpone a game from now on: replayed at `replay` in its scoring period (ESPN's
        schedule then lists it at that date), or not yet rescheduled (None), or moved out of
        the scoring period altogether (`leave_period`: ESPN's schedule no longer lists it in
        this week; the simulator does not play it anywhere else)."""
        week, game = self._find(event_id)
        if leave_period:
            self.games[week].remove(game)
        elif replay is not None:
            self.games[week][self.games[week].index(game)] = replace(game, kickoff=replay)
        self._index()
        self._disrupt(event_id, Disruption("postponed", game.kickoff, replay))

    def cancel(self, event_id: int, at: datetime) -> None:
        """Call a game off for good at `at` (before kickoff or part-way through)."""
        self._find(event_id)
        self._disrupt(event_id, Disruption("cancelled", at))

    def halt(self, event_id: int, kind: str, at: datetime, resume: datetime | None = None) -> None:
        """Delay or suspend (`kind`) a game at `at`, to be played on from `resume`."""
        if kind not in ("delayed", "suspended"):
            raise ValueError(f"a game is halted 'delayed' or 'suspended', not {kind!r}")
        self._find(event_id)
        self._disrupt(event_id, Disruption(kind, at, resume))

    def progress(self, game: Game, now: datetime) -> Progress:
        """The game at `now`, disruptions included."""
        disruption = self.disruptions.get(game.event_id)
        if disruption is None or (disruption.kind == "postponed" and disruption.resume is not None):
            if disruption is not None and now < game.kickoff:  # waiting for its replay
                return Progress(shapes.postponed_status(), 0.0, False, False)
            return _plain_progress(game.kickoff, now)
        if disruption.kind == "postponed":
            return Progress(shapes.postponed_status(), 0.0, False, False)
        if now < disruption.since:
            return _plain_progress(game.kickoff, now)
        played = min(1.0, max(0.0, (disruption.since - game.kickoff) / GAME_LENGTH))
        if disruption.kind == "cancelled":
            return Progress(shapes.cancelled_status(), played, played > 0, True)
        if disruption.resume is None or now < disruption.resume:
            halted = shapes.delayed_status if disruption.kind == "delayed" else shapes.suspended_status
            return Progress(halted(played), played, True, False)
        share = played + (now - disruption.resume) / GAME_LENGTH
        if share >= 1.0:
            return Progress(shapes.final_status(), 1.0, True, True)
        return Progress(shapes.live_status(share), share, True, False)

    def game_end(self, game: Game) -> datetime | None:
        """When the game is over for good (None: not while it waits for a date)."""
        disruption = self.disruptions.get(game.event_id)
        if disruption is None or (disruption.kind == "postponed" and disruption.resume is not None):
            return game.kickoff + GAME_LENGTH
        if disruption.kind == "cancelled":
            return max(disruption.since, game.kickoff)
        if disruption.resume is None:
            return None
        played = min(1.0, max(0.0, (disruption.since - game.kickoff) / GAME_LENGTH))
        return disruption.resume + (1.0 - played) * GAME_LENGTH

    def week_over(self, week: int, now: datetime) -> bool:
        """Whether every game of the scoring period is over (played out or called off)."""
        ends = [self.game_end(g) for g in self.games[week]]
        return all(end is not None and now >= end for end in ends)

    def _slot(self, week: int, index: int, count: int) -> datetime:
        thursday = self.week1_thursday + timedelta(days=7 * (week - 1))
        sunday, monday = thursday + timedelta(days=3), thursday + timedelta(days=4)
        windows = [(thursday, 20, 15), (monday, 20, 15), (sunday, 20, 20)]
        windows += [(sunday, 16, 5)] * 2 + [(sunday, 16, 25)] * 2
        day, hour, minute = windows[index] if index < min(count, len(windows)) else (sunday, 13, 0)
        local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=eastern())
        return local.astimezone(UTC)

    # ------------------------------------------------------------------------------ facts

    def kickoffs(self, week: int) -> list[datetime]:
        """Every kickoff of an NFL week (scoring period), in order."""
        return [g.kickoff for g in self.games[week]]

    def first_kickoff(self, week: int) -> datetime:
        return self.games[week][0].kickoff

    def last_kickoff(self, week: int) -> datetime:
        return self.games[week][-1].kickoff

    def end_of(self, week: int) -> datetime:
        """When the last game of the week goes final (Monday night + 3h30m; a replay later).

        A game waiting for a new date is left out: see `week_over`.
        """
        return max(end for g in self.games[week] if (end := self.game_end(g)) is not None)

    def rollover(self, week: int) -> datetime:
        """When ESPN makes `week` the current scoring period: the Tuesday before, 09:00 UTC."""
        tuesday = self.week1_thursday + timedelta(days=7 * (week - 1) - 2)
        return datetime(tuesday.year, tuesday.month, tuesday.day, 9, 0, tzinfo=UTC)

    def game_of(self, week: int, pro_team: int) -> Game | None:
        return self.by_team.get((week, pro_team))

    # ----------------------------------------------------------------------------- views

    def pro_schedule_view(self) -> Json:
        """The season endpoint with view=proTeamSchedules_wl, every week (as pro_schedule_2024)."""
        teams: list[Json] = []
        for pro_id in sorted(NFL_TEAMS):
            games = {
                str(week): [shapes.pro_game(game, week)]
                for week in range(1, NFL_WEEKS + 1)
                if (game := self.game_of(week, pro_id)) is not None
            }
            teams.append(shapes.pro_team(pro_id, games, self.bye_week.get(pro_id, 0), positions=(16,)))
        return shapes.pro_schedule_view(teams)

    def scoreboard_view(self, week: int, now: datetime) -> Json:
        """ESPN's NFL site scoreboard of a regular-season week at `now` (as nfl_scoreboard_2023_w5)."""
        events = []
        for game in self.games.get(week, []):
            progress = self.progress(game, now)
            events.append(
                shapes.scoreboard_event(
                    game,
                    self.season,
                    week,
                    progress.status,
                    home_score=round(game.home_score * progress.share),
                    away_score=round(game.away_score * progress.share),
                )
            )
        byes = sorted(t for t, w in self.bye_week.items() if w == week)
        return shapes.scoreboard_view(self.season, week, events, byes)


def _plain_progress(kickoff: datetime, now: datetime) -> Progress:
    state, share = game_state(kickoff, now)
    if state == "pre":
        return Progress(shapes.scheduled_status(kickoff), 0.0, False, False)
    if state == "in":
        return Progress(shapes.live_status(share), share, True, False)
    return Progress(shapes.final_status(), 1.0, True, True)


# ------------------------------------------------------------------------- the fantasy league

#: Later than any game, to ask how a game ends.
_END_OF_TIME = datetime(9999, 1, 1, tzinfo=UTC)


def _played(stats: Mapping[int, float], share: float) -> dict[int, float]:
    """A stat line `share` of the way through the game (linear), whole at the end."""
    return {k: round(v * share, 2) for k, v in stats.items()} if share < 1 else dict(stats)


@dataclass(frozen=True, slots=True)
class PlayerWeek:
    """One player in one scoring period: news, projection and (final) stat line."""

    injury_status: str
    projection: dict[int, float]  # stat id -> expected value; {} when out or on bye
    actual: dict[int, float] | None  # None: did not play (bye, out)


@dataclass(frozen=True, slots=True)
class SimMatchup:
    matchup_id: int
    matchup_period: int
    home: int
    away: int
    tier: str  # playoffTierType: NONE or WINNERS_BRACKET


class SeasonSim:
    """One ESPN league's season (`teams` = 10 or 12), played out by the clock `now`.

    `now` may be replaced at any time (`sim.now = clock.now`); `FakeEspn.add_league` sets it to
    the server's clock. With `private=True` ESPN's cookies `sim.espn_s2` / `sim.swid` are needed.
    """

    def __init__(
        self,
        league_id: int,
        season: int,
        teams: int = 10,
        seed: int = 0,
        *,
        private: bool = False,
        now: Callable[[], datetime] | None = None,
        name: str | None = None,
        nfl: NflSeason | None = None,
    ) -> None:
        if teams not in (10, 12):
            raise ValueError("the simulator plays 10- or 12-team leagues")
        self.league_id = league_id
        self.season = season
        self.size = teams
        self.seed = seed
        self.private = private
        self.name = name or f"Sim League {league_id}"
        self.now: Callable[[], datetime] = now or (lambda: datetime.now(UTC))
        self.nfl = nfl or NflSeason.for_season(season)
        if self.nfl.season != season:
            raise ValueError(f"an NFL season {self.nfl.season} cannot play league season {season}")
        rng = random.Random(f"{seed}-{league_id}-{season}")
        self._seed_text = f"{seed}-{league_id}-{season}"
        self.espn_s2 = "AEB" + "".join(rng.choice("0123456789abcdefABCDEF%") for _ in range(120))
        self.member_ids = [
            "{" + str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper() + "}" for _ in range(teams)
        ]
        self.swid = self.member_ids[0]
        self.team_ids = tuple(range(1, teams + 1))
        self.rosters = self._build_rosters(rng)
        self.regular = [
            SimMatchup(self._matchup_id(week, index), week, home, away, "NONE")
            for week in range(1, REGULAR_SEASON + 1)
            for index, (_, home, away) in enumerate(
                m for m in round_robin(list(self.team_ids), REGULAR_SEASON) if m[0] == week
            )
        ]
        self.matchup_periods: dict[int, tuple[int, ...]] = {w: (w,) for w in range(1, REGULAR_SEASON + 1)}
        self.matchup_periods.update(PLAYOFF_PERIODS)
        self._edits = 0  # corrections, lineup moves, drops and adjustments so far
        self._weeks: dict[tuple[int, int], PlayerWeek] = {}
        self._corrections: dict[tuple[int, int], float] = {}
        self._dropped: dict[tuple[int, int], int] = {}  # (team, player) -> first period without him
        self._adjustments: dict[tuple[int, int], tuple[float, str]] = {}  # (matchup period, team)
        self._lineups: dict[tuple[int, int], list[tuple[Player, str]]] = {}
        self._settings: Json | None = None
        self._finals: dict[tuple[int, int, int], float] = {}

    @property
    def revision(self) -> int:
        """Grows with every change to what ESPN serves (the league's or its NFL season's), so
        servers can cache rendered views."""
        return self._edits + self.nfl.revision

    # --------------------------------------------------------------------------- building

    def _matchup_id(self, period: int, index: int) -> int:
        return (period - 1) * (self.size // 2) + index + 1

    def _build_rosters(self, rng: random.Random) -> dict[int, list[Player]]:
        factory = PlayerFactory(rng)
        pro = sorted(NFL_TEAMS)
        qb, dst, k = rng.sample(pro, 2 * self.size), rng.sample(pro, self.size), rng.sample(pro, self.size)
        rosters: dict[int, list[Player]] = {}
        for index, team_id in enumerate(self.team_ids):
            flex = ("RB", "WR", "RB", "WR", "TE")[index % 5]
            plan = [
                ("QB", "QB", qb[index]),
                ("RB", "RB", None),
                ("RB", "RB", None),
                ("WR", "WR", None),
                ("WR", "WR", None),
                ("TE", "TE", None),
                (flex, "FLEX", None),
                ("D/ST", "D/ST", dst[index]),
                ("K", "K", k[index]),
                ("QB", "BE", qb[self.size + index]),
                ("RB", "BE", None),
                ("RB", "BE", None),
                ("WR", "BE", None),
                ("WR", "BE", None),
                ("TE", "BE", None),
            ]
            roster = []
            for position, slot, pro_team in plan:
                quality = rng.uniform(0.8, 1.25) if slot != "BE" else rng.uniform(0.5, 0.85)
                player = factory.make(position, pro_team or rng.choice(pro), quality)
                player.slot = slot
                roster.append(player)
            rosters[team_id] = roster
        return rosters

    def player_week(self, player: Player, period: int) -> PlayerWeek:
        """The player's news, projection and final stat line for a scoring period (memoized)."""
        key = (player.player_id, period)
        found = self._weeks.get(key)
        if found is not None:
            return found
        rng = random.Random(f"{self._seed_text}-{player.player_id}-{period}")
        game = self.nfl.game_of(period, player.pro_team)
        roll = rng.random()
        injury = "ACTIVE"
        if player.position != "D/ST":
            injury = (
                "OUT"
                if roll < 0.03
                else "DOUBTFUL"
                if roll < 0.05
                else "QUESTIONABLE"
                if roll < 0.12
                else injury
            )
        if game is None or injury == "OUT":
            week = PlayerWeek(injury, {}, None)
        else:
            form = player.quality * rng.uniform(0.88, 1.12)
            projection = {k: round(v, 4) for k, v in expected_stats(player.position, form).items()}
            allowed = game.away_score if player.pro_team == game.home else game.home_score
            actual: dict[int, float] | None = sampled_stats(rng, player.position, player.quality, allowed)
            if injury == "DOUBTFUL" and rng.random() < 0.6:
                actual = None
            week = PlayerWeek(injury, projection, actual)
        self._weeks[key] = week
        return week

    def lineup(self, team_id: int, period: int) -> list[tuple[Player, str]]:
        """(player, lineup slot) of the whole roster in a scoring period.

        A starter on bye swaps places with a bench player of the same position (any RB/WR/TE for
        FLEX) who is playing, as a manager would; so lineups change from week to week.
        """
        key = (team_id, period)
        if key in self._lineups:
            return self._lineups[key]
        roster = [
            p for p in self.rosters[team_id] if self._dropped.get((team_id, p.player_id), period + 1) > period
        ]
        slots = {p.player_id: p.slot for p in roster}
        for player in roster:
            if player.slot == "BE" or self.nfl.game_of(period, player.pro_team) is not None:
                continue
            allowed = {"RB", "WR", "TE"} if player.slot == "FLEX" else {player.position}
            for sub in roster:
                if (
                    slots[sub.player_id] == "BE"
                    and sub.position in allowed
                    and self.nfl.game_of(period, sub.pro_team) is not None
                ):
                    slots[sub.player_id], slots[player.player_id] = player.slot, "BE"
                    break
        lineup = [(p, slots[p.player_id]) for p in roster]
        self._lineups[key] = lineup
        return lineup

    def starters(self, team_id: int, period: int) -> list[Player]:
        return [p for p, slot in self.lineup(team_id, period) if slot not in ("BE", "IR")]

    # ------------------------------------------------------------ what owners and ESPN change

    def move(self, team_id: int, period: int, player_id: int | str, slot: str) -> None:
        """The owner moves a player to `slot` for the scoring period, from now on ("BE" benches
        him; his old slot stays empty, as ESPN allows)."""
        player_id = int(player_id)  # as the book keeps it (text), or the simulator's number
        lineup = self.lineup(team_id, period)
        index = next(i for i, (p, _) in enumerate(lineup) if p.player_id == player_id)
        lineup[index] = (lineup[index][0], slot)
        self._edits += 1

    def drop(self, team_id: int, period: int, player_id: int | str) -> None:
        """The owner drops a player to free agency before the scoring period's games: from
        this period on he is on no roster of the league."""
        player_id = int(player_id)  # as the book keeps it (text), or the simulator's number
        self.lineup(team_id, period)  # as it stood, so the drop only removes him
        for (team, later), lineup in self._lineups.items():
            if team == team_id and later >= period:
                lineup[:] = [(p, slot) for p, slot in lineup if p.player_id != player_id]
        self._dropped[(team_id, player_id)] = period
        self._edits += 1

    def rule_out(self, period: int, player_id: int | str) -> None:
        """The player is inactive for his game of the scoring period, as decided at game time:
        he keeps his projection, plays no snap, and ESPN's actual line for him has no stats."""
        player_id = int(player_id)  # as the book keeps it (text), or the simulator's number
        player = next(p for roster in self.rosters.values() for p in roster if p.player_id == player_id)
        self._weeks[(player_id, period)] = replace(self.player_week(player, period), actual=None)
        self._edits += 1

    def adjust(self, matchup_period: int, team_id: int, points: float, reason: str) -> None:
        """A commissioner's points adjustment to a team's matchup (ESPN's `adjustment`): the
        official score is `totalPoints` plus it, and the winner and records follow."""
        self._adjustments[(matchup_period, team_id)] = (round(float(points), 2), reason)
        self._edits += 1

    # ------------------------------------------------------------------- points by the clock

    def final_points(self, period: int, player: Player) -> float | None:
        """A player's complete fantasy points for a period (after corrections); None if no line."""
        correction = self._corrections.get((period, player.player_id))
        if correction is not None:
            return correction
        week = self.player_week(player, period)
        game = self.nfl.game_of(period, player.pro_team)
        if game is None or week.actual is None:
            return None
        progress = self.nfl.progress(game, _END_OF_TIME)
        return applied_total(applied(_played(week.actual, progress.share))) if progress.started else None

    def _revealed(self, period: int, player: Player, now: datetime) -> tuple[Json | None, float]:
        """ESPN's actual stat entry for the player at `now` (None before kickoff) and its points."""
        week = self.player_week(player, period)
        game = self.nfl.game_of(period, player.pro_team)
        if game is None:
            return None, 0.0
        progress = self.nfl.progress(game, now)
        if not progress.started:
            return None, 0.0
        if week.actual is None:
            # He did not play: ESPN's actual line for the period has no stats at all.
            return shapes.stat_entry(player, game, period, self.season, 0, {}, total=0.0), 0.0
        stats = _played(week.actual, progress.share)
        applied_stats = applied(stats)
        total = applied_total(applied_stats)
        final = self.final_points(period, player)
        if progress.over and final is not None and abs(final - total) > 1e-9:
            # a stat correction: ESPN re-scores the line; keep the parts adding up to the total
            scale = final / total if total else 0.0
            applied_stats = {k: round(v * scale, 4) for k, v in applied_stats.items()}
            if not total:
                applied_stats["53"] = final
            total = round(final, 2)
        entry = shapes.stat_entry(
            player, game, period, self.season, 0, stats, applied_stats=applied_stats, total=total
        )
        return entry, total

    def team_points(self, team_id: int, period: int, now: datetime | None = None) -> float:
        """A team's starters' points in a scoring period at `now` (None: final, corrections in)."""
        if now is not None and now < self.nfl.first_kickoff(period):
            return 0.0
        if now is None or self.nfl.week_over(period, now):
            key = (team_id, period, self.revision)
            if key not in self._finals:
                total = sum(self.final_points(period, p) or 0.0 for p in self.starters(team_id, period))
                self._finals[key] = round(total, 2)
            return self._finals[key]
        return round(sum(self._revealed(period, p, now)[1] for p in self.starters(team_id, period)), 2)

    def matchup_points(self, team_id: int, matchup_period: int, now: datetime | None = None) -> float:
        """Cumulative over the matchup period's scoring periods, as ESPN's `totalPoints`."""
        return round(sum(self.team_points(team_id, p, now) for p in self.matchup_periods[matchup_period]), 2)

    def correct_stat(self, scoring_period: int, player_id: int | str, new_points: float) -> None:
        """A stat correction: the player's final points for the period become `new_points`.

        Changes the stat line ESPN serves (once the game is over), the team totals, winners and
        records, like ESPN's Tuesday/Thursday corrections do.
        """
        player_id = int(player_id)  # as the book keeps it (text), or the simulator's number
        if not any(p.player_id == player_id for r in self.rosters.values() for p in r):
            raise KeyError(f"no player {player_id} in league {self.league_id}")
        self._corrections[(scoring_period, player_id)] = round(float(new_points), 2)
        self._edits += 1

    def adjustment(self, matchup_period: int, team_id: int) -> float:
        return self._adjustments.get((matchup_period, team_id), (0.0, ""))[0]

    def official_points(self, team_id: int, matchup_period: int) -> float:
        """The final score ESPN's winner and records go by: the starters' points plus any
        commissioner adjustment."""
        total = self.matchup_points(team_id, matchup_period) + self.adjustment(matchup_period, team_id)
        return round(total, 2)

    # ------------------------------------------------------------------------ clock facts

    @property
    def first_kickoff(self) -> datetime:
        """Week 1's Thursday night game: the end of preseason."""
        return self.nfl.first_kickoff(1)

    @property
    def preseason(self) -> datetime:
        """An instant in preseason (a week before the first kickoff)."""
        return self.first_kickoff - timedelta(days=7)

    @property
    def season_end(self) -> datetime:
        """When the final (matchup period 16, scoring periods 17-18) is over."""
        return self.end_of_matchup(max(self.matchup_periods))

    def scoring_periods(self, matchup_period: int) -> tuple[int, ...]:
        return self.matchup_periods[matchup_period]

    def first_kickoff_of(self, matchup_period: int) -> datetime:
        return self.nfl.first_kickoff(self.matchup_periods[matchup_period][0])

    def end_of_matchup(self, matchup_period: int) -> datetime:
        """When every NFL game of every scoring period of the matchup period is over."""
        return self.nfl.end_of(self.matchup_periods[matchup_period][-1])

    def is_matchup_final(self, matchup_period: int, now: datetime) -> bool:
        return all(self.nfl.week_over(p, now) for p in self.matchup_periods[matchup_period])

    def current_scoring_period(self, now: datetime) -> int:
        period = 1
        for week in range(2, NFL_WEEKS + 1):
            if now >= self.nfl.rollover(week):
                period = week
        return period

    def current_matchup_period(self, now: datetime) -> int:
        period = self.current_scoring_period(now)
        return next(mp for mp, sps in self.matchup_periods.items() if period in sps)

    def standings(self) -> list[int]:
        """Team ids by regular-season wins, then points for (final results, corrections in)."""
        wins = dict.fromkeys(self.team_ids, 0.0)
        points = dict.fromkeys(self.team_ids, 0.0)
        for m in self.regular:
            home, away = (
                self.official_points(m.home, m.matchup_period),
                self.official_points(m.away, m.matchup_period),
            )
            points[m.home] += home
            points[m.away] += away
            wins[m.home] += 1.0 if home > away else 0.5 if home == away else 0.0
            wins[m.away] += 1.0 if away > home else 0.5 if home == away else 0.0
        return sorted(self.team_ids, key=lambda t: (-wins[t], -points[t], t))

    def playoff_teams(self) -> list[int]:
        """The four playoff seeds in order (what ESPN shows once the regular season is over)."""
        return self.standings()[:PLAYOFF_TEAMS]

    def eliminated(self, now: datetime) -> set[int]:
        """Teams without a matchup in the playoff round under way at `now`."""
        playing = {
            t
            for m in self.playoff_matchups(now)
            if m.matchup_period == self.current_matchup_period(now)
            for t in (m.home, m.away)
        }
        if self.current_matchup_period(now) <= REGULAR_SEASON:
            return set()
        return set(self.team_ids) - playing

    def _winner(self, m: SimMatchup) -> int:
        home, away = (
            self.official_points(m.home, m.matchup_period),
            self.official_points(m.away, m.matchup_period),
        )
        if home == away:
            seeds = self.standings()
            return min(m.home, m.away, key=seeds.index)
        return m.home if home > away else m.away

    def playoff_matchups(self, now: datetime) -> list[SimMatchup]:
        """The bracket as far as ESPN has drawn it at `now`."""
        out: list[SimMatchup] = []
        if now < self.end_of_matchup(REGULAR_SEASON):
            return out
        s = self.playoff_teams()
        base = self._matchup_id(REGULAR_SEASON + 1, 0)
        semis = [
            SimMatchup(base, 15, s[0], s[3], "WINNERS_BRACKET"),
            SimMatchup(base + 1, 15, s[1], s[2], "WINNERS_BRACKET"),
        ]
        out.extend(semis)
        if now >= self.end_of_matchup(15):
            a, b = (self._winner(m) for m in semis)
            home, away = sorted((a, b), key=s.index)
            out.append(SimMatchup(base + 2, 16, home, away, "WINNERS_BRACKET"))
        return out

    def matchups(self, now: datetime) -> list[SimMatchup]:
        return [*self.regular, *self.playoff_matchups(now)]

    # ------------------------------------------------------------------------------ views

    def _envelope(self, period: int) -> Json:
        return shapes.envelope(self.league_id, self.season, period)

    def status_block(self, now: datetime) -> Json:
        period = self.current_scoring_period(now)
        return shapes.status_block(
            current_matchup_period=self.current_matchup_period(now),
            scoring_period=period,
            final_scoring_period=NFL_WEEKS,
            activated=self.preseason - timedelta(days=50),
            standings_updated=self.nfl.rollover(period),
            waivers_run=self.nfl.rollover(period),
            teams_joined=self.size,
            previous_seasons=(self.season - 2, self.season - 1),
        )

    def settings_block(self) -> Json:
        """mSettings' `settings`: the demo league's, resized and with this season's schedule."""
        if self._settings is None:
            settings = copy.deepcopy(settings_view()["settings"])
            schedule = settings["scheduleSettings"]
            schedule["divisions"] = [{"id": 0, "name": "Division 1", "size": self.size}]
            schedule["matchupPeriods"] = {str(k): list(v) for k, v in self.matchup_periods.items()}
            schedule["matchupPeriodCount"] = REGULAR_SEASON
            schedule["playoffTeamCount"] = PLAYOFF_TEAMS
            schedule["playoffMatchupPeriodLength"] = 2
            settings["name"] = self.name
            settings["size"] = self.size
            settings["isPublic"] = not self.private
            settings["draftSettings"]["pickOrder"] = list(self.team_ids)
            settings["draftSettings"]["date"] = epoch_ms(self.preseason - timedelta(days=3))
            settings["tradeSettings"]["deadlineDate"] = epoch_ms(self.nfl.rollover(12))
            self._settings = settings
        return copy.deepcopy(self._settings)

    def _records(self, now: datetime) -> dict[int, Json]:
        return shapes.espn_records(
            self.team_ids,
            (
                (
                    m.home,
                    m.away,
                    self.official_points(m.home, m.matchup_period),
                    self.official_points(m.away, m.matchup_period),
                )
                for m in self.regular
                if self.is_matchup_final(m.matchup_period, now)
            ),
        )

    def members(self) -> list[Json]:
        return [
            shapes.member_entry(OWNER_HANDLES[i], OWNER_HANDLES[i].title(), "Sim", member, manager=i == 0)
            for i, member in enumerate(self.member_ids)
        ]

    def teams_block(self, now: datetime, *, roster_period: int | None = None) -> list[Json]:
        """mTeam's teams (records and seeds by the clock); with mRoster, each team's roster."""
        recs = self._records(now)
        order = sorted(
            self.team_ids, key=lambda t: (-recs[t]["overall"]["wins"], -recs[t]["overall"]["pointsFor"], t)
        )
        teams = []
        for team_id in self.team_ids:
            name, abbrev = TEAM_NAMES[team_id - 1]
            seed = order.index(team_id) + 1
            team = shapes.team_entry(
                team_id=team_id,
                name=name,
                abbrev=abbrev,
                owner=self.member_ids[team_id - 1],
                seed=seed,
                draft_rank=team_id,
                record=recs[team_id],
                transactions=shapes.transaction_counter(
                    budget_spent=0, acquisitions=0, drops=0, to_active=0, to_ir=0, trades=0
                ),
                waiver_rank=self.size + 1 - seed,
                extra={
                    "location": name.split()[0],
                    "logo": "",
                    "logoType": "VECTOR",
                    "nickname": " ".join(name.split()[1:]),
                    "tradeBlock": {},
                    "watchList": [],
                },
            )
            if roster_period is not None:
                team["roster"] = {
                    "appliedStatTotal": 0.0,
                    "entries": [
                        self._roster_entry(p, slot, team_id, roster_period, now)
                        for p, slot in self.lineup(team_id, roster_period)
                    ],
                }
            teams.append(team)
        return teams

    def _summary(self, team_id: int, m: SimMatchup, now: datetime) -> Json:
        by_period = {
            p: self.team_points(team_id, p, now)
            for p in self.matchup_periods[m.matchup_period]
            if now >= self.nfl.first_kickoff(p)
        }
        adjustment, reason = self._adjustments.get((m.matchup_period, team_id), (0.0, None))
        return shapes.side_summary(
            team_id,
            by_period,
            round(sum(by_period.values()), 2),
            adjustment=adjustment,
            adjustment_reason=reason,
        )

    def _schedule_entry(self, m: SimMatchup, now: datetime) -> Json:
        home, away = self._summary(m.home, m, now), self._summary(m.away, m, now)
        winner = "UNDECIDED"
        if self.is_matchup_final(m.matchup_period, now):
            w = self._winner(m) if m.tier != "NONE" else None
            h, a = home["totalPoints"] + home["adjustment"], away["totalPoints"] + away["adjustment"]
            winner = (
                ("HOME" if w == m.home else "AWAY") if w else "HOME" if h > a else "AWAY" if a > h else "TIE"
            )
        return {
            "away": away,
            "home": home,
            "id": m.matchup_id,
            "matchupPeriodId": m.matchup_period,
            "playoffTierType": m.tier,
            "winner": winner,
        }

    def _roster_entry(self, player: Player, slot: str, team_id: int, period: int, now: datetime) -> Json:
        week = self.player_week(player, period)
        game = self.nfl.game_of(period, player.pro_team)
        stats: list[Json] = []
        if game is not None:
            actual = self._revealed(period, player, now)[0]
            if actual is not None:
                stats.append(actual)
            stats.append(shapes.stat_entry(player, game, period, self.season, 1, week.projection))
        return shapes.roster_entry(
            player,
            slot,
            team_id,
            stats,
            injury_status=week.injury_status,
            owned=(90.0, 70.0),
            locked=game is not None and now >= game.kickoff,
        )

    def _box_side(self, team_id: int, m: SimMatchup, period: int, now: datetime) -> Json:
        side = self._summary(team_id, m, now)
        entries = [
            self._roster_entry(p, slot, team_id, period, now) for p, slot in self.lineup(team_id, period)
        ]
        projected = side["totalPoints"]
        for player in self.starters(team_id, period):
            game = self.nfl.game_of(period, player.pro_team)
            if game is not None:
                share = self.nfl.progress(game, now).share
                projected += applied_total(applied(self.player_week(player, period).projection)) * (1 - share)
        return shapes.box_side(side, entries, round(projected, 2))

    def league_view(
        self,
        views: Iterable[str],
        now: datetime,
        scoring_period: int | None = None,
        matchup_periods: Iterable[int] | None = None,
    ) -> Json:
        """The league endpoint for any combination of views, merged as ESPN merges them."""
        views = set(views)
        current = self.current_scoring_period(now)
        period = scoring_period or current
        out: Json = self._envelope(period)
        status = self.status_block(now)
        if not views:  # no view: ESPN's base object
            out.update(
                members=self.members(),
                settings={"name": self.name},
                status={
                    "currentMatchupPeriod": status["currentMatchupPeriod"],
                    "isActive": True,
                    "latestScoringPeriod": status["latestScoringPeriod"],
                },
                teams=[
                    {
                        "abbrev": TEAM_NAMES[t - 1][1],
                        "id": t,
                        "name": TEAM_NAMES[t - 1][0],
                        "owners": [self.member_ids[t - 1]],
                    }
                    for t in self.team_ids
                ],
            )
            return out
        out["status"] = status
        out["draftDetail"] = {"drafted": True, "inProgress": False}  # ESPN adds it to every view
        if views & {"mSettings"}:
            out["settings"] = self.settings_block()
        if views & {"mTeam", "mRoster", "mStandings"}:
            out["teams"] = self.teams_block(now, roster_period=period if "mRoster" in views else None)
        if "mTeam" in views:
            out["members"] = self.members()
        if "mDraftDetail" in views:
            out["draftDetail"] = self._draft_detail()
        boxes = views & {"mScoreboard", "mBoxscore"}
        if boxes:
            wanted = set(matchup_periods or ()) or {self._matchup_period_of(period)}
            out["schedule"] = [
                {
                    **self._schedule_entry(m, now),
                    "home": self._box_side(m.home, m, period, now),
                    "away": self._box_side(m.away, m, period, now),
                }
                for m in self.matchups(now)
                if m.matchup_period in wanted
            ]
        elif views & {"mMatchup", "mMatchupScore"}:
            wanted = set(matchup_periods or ())
            out["schedule"] = [
                self._schedule_entry(m, now)
                for m in self.matchups(now)
                if not wanted or m.matchup_period in wanted
            ]
        return out

    def _matchup_period_of(self, scoring_period: int) -> int:
        return next(mp for mp, sps in self.matchup_periods.items() if scoring_period in sps)

    def _draft_detail(self) -> Json:
        picks = []
        number = 0
        for round_id in range(1, 16):
            order = self.team_ids if round_id % 2 else tuple(reversed(self.team_ids))
            for round_pick, team_id in enumerate(order, start=1):
                number += 1
                player = self.rosters[team_id][round_id - 1]
                picks.append(
                    {
                        "autoDraftTypeId": 0,
                        "bidAmount": 0,
                        "id": number,
                        "keeper": False,
                        "nominatingTeamId": 0,
                        "overallPickNumber": number,
                        "playerId": player.player_id,
                        "reservedForKeeper": False,
                        "roundId": round_id,
                        "roundPickNumber": round_pick,
                        "teamId": team_id,
                        "tradeLocked": False,
                    }
                )
        return {
            "completeDate": epoch_ms(self.preseason - timedelta(days=3)),
            "drafted": True,
            "inProgress": False,
            "picks": picks,
        }

    def players_view(self) -> list[Json]:
        """The season endpoint's /players (view=players_wl), for espn_api's name map."""
        return [
            {
                "defaultPositionId": shapes.DEFAULT_POSITION_ID[p.position],
                "droppable": True,
                "eligibleSlots": shapes.ELIGIBLE_SLOTS[p.position],
                "firstName": p.first,
                "fullName": p.full_name,
                "id": p.player_id,
                "lastName": p.last,
                "proTeamId": p.pro_team,
                "universeId": 1,
            }
            for roster in self.rosters.values()
            for p in roster
        ]

    def history_view(self, now: datetime, season: int | None) -> list[Json]:
        """leagueHistory: this league as a past season (one element when `seasonId` is given)."""
        if season is not None and season != self.season:
            return []
        return [self.league_view(("mSettings", "mTeam"), now)]
