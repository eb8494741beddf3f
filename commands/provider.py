"""What the book needs to know about a fantasy league, independent of where it comes from.

The command layer and the scheduler only ever see these snapshots; the ESPN adapter (or the
shipped demo league, which is ESPN-shaped JSON run through the same parser) produces them.
Keeping the boundary this small is what lets another data source plug in later.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, Final, Literal, Protocol, TypeVar, runtime_checkable

from engine.game_lines import ProviderLines

GameState = Literal["pre", "in", "post"]
OddsPhase = Literal["open", "current", "close"]

#: `League.source` of the real data sources (the demo leagues have sources of their own).
ESPN: Final = "espn"
SLEEPER: Final = "sleeper"
YAHOO: Final = "yahoo"
DATA_SOURCES: Final = frozenset({ESPN, SLEEPER, YAHOO})

_Snapshot = TypeVar("_Snapshot")


def _state_in_c(cls: type[_Snapshot]) -> type[_Snapshot]:
    """Give a slotted snapshot class a pickled state gathered by one C call.

    Every sync digests the snapshots it fetched by pickling them (weeks.snapshot_digest),
    a few hundred objects a league on every game-day tick. A slotted dataclass's own
    `__getstate__` calls `dataclasses.fields()` on every object: more than half of the
    digest's cost. The same values, gathered by one `attrgetter`, load again through the
    dataclass's own `__setstate__`.
    """
    gather = operator.attrgetter(*(f.name for f in fields(cls)))  # type: ignore[arg-type]

    def __getstate__(self: Any) -> tuple[Any, ...]:
        return gather(self)

    cls.__getstate__ = __getstate__  # type: ignore[method-assign]
    return cls


@_state_in_c
@dataclass(frozen=True, slots=True)
class ProGame:
    """One NFL game of a scoring period; kickoff drives locks, state drives finality.

    `state` is "post" only once nothing more will be played in the period: the game was
    played to the end, or `cancelled`. A postponed game is "pre" (not played yet) and a
    delayed or suspended one "in"; both keep the week open. A game the schedule moved to
    another scoring period is not one of this period's games at all.
    """

    game_id: str
    home: str  # pro team abbreviation, e.g. "KC"
    away: str
    kickoff: datetime  # timezone-aware, UTC
    state: GameState
    cancelled: bool = False  # called off for good: it left the period, its players' props are void


@_state_in_c
@dataclass(frozen=True, slots=True)
class PlayerLine:
    """A player in a fantasy lineup: a starter (priced) or, in a bench list, a reserve."""

    player_id: str  # ESPN's numeric id as text; Sleeper's own id (a defence's is its team, "KC")
    name: str
    position: str  # QB, RB, WR, TE, K, D/ST
    slot: str  # lineup slot, e.g. "RB", "FLEX"; "BE"/"IR" only in a bench list
    pro_team: str  # abbreviation, "None"/"FA" for a free agent
    injury_status: str | None  # ESPN's injuryStatus ("ACTIVE", "QUESTIONABLE", "OUT", ...)
    projection: float
    # Actual fantasy points so far; None before the player's game starts, and for good when
    # he did not play (no stat line, or ESPN's empty one) or his game was cancelled.
    points: float | None
    # Starting slots he may fill (e.g. ("RB", "FLEX")), for the best-possible-lineup award.
    eligible_slots: tuple[str, ...] = ()


@_state_in_c
@dataclass(frozen=True, slots=True)
class TeamInfo:
    team_id: int  # ESPN team id
    name: str
    abbrev: str
    owner_name: str | None
    owner_id: str | None  # ESPN member id (SWID GUID)
    wins: int = 0
    losses: int = 0
    ties: int = 0
    points_for: float = 0.0
    points_against: float = 0.0


@_state_in_c
@dataclass(frozen=True, slots=True)
class MatchupData:
    home_team_id: int
    away_team_id: int | None  # None for a bye
    home_lineup: tuple[PlayerLine, ...]
    away_lineup: tuple[PlayerLine, ...]
    # ESPN's official score, live or final: the starters' points plus the commissioner's
    # adjustment; None before any game starts.
    home_score: float | None
    away_score: float | None
    is_playoff: bool = False
    # Bench and IR players: never priced, only used to find each side's optimal lineup.
    home_bench: tuple[PlayerLine, ...] = ()
    away_bench: tuple[PlayerLine, ...] = ()
    # ESPN's commissioner point adjustments, already in the scores; known before kickoff
    # when the commissioner set them early, so pricing counts them too.
    home_adjustment: float = 0.0
    away_adjustment: float = 0.0


@_state_in_c
@dataclass(frozen=True, slots=True)
class WeekData:
    season: int
    matchup_period: int
    scoring_periods: tuple[int, ...]
    matchups: tuple[MatchupData, ...]
    pro_games: tuple[ProGame, ...]

    @property
    def is_final(self) -> bool:
        """A week is final once every NFL game of its scoring periods is over for good:
        played to the end or cancelled (see ProGame)."""
        return bool(self.pro_games) and all(g.state == "post" for g in self.pro_games)


@_state_in_c
@dataclass(frozen=True, slots=True)
class LeagueData:
    league_id: int
    season: int
    name: str
    teams: tuple[TeamInfo, ...]
    current_matchup_period: int
    regular_season_matchup_periods: int
    final_matchup_period: int
    # The league's starting lineup: (slot, count) pairs such as ("RB", 2), ("FLEX", 1).
    lineup_slots: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True, slots=True)
class OddsPrices:
    """One sportsbook's prices for a game at one phase: the opening line, the current one,
    or the close. Lines follow engine/markets.py (a spread is the home team's expected
    margin)."""

    phase: OddsPhase
    lines: ProviderLines


@dataclass(frozen=True, slots=True)
class ProviderOdds:
    """What one sportsbook (ESPN's `provider`) quotes for a game, phase by phase.

    `priority` is ESPN's ordering of its providers (1 first). `details` is ESPN's own
    summary ("KC -3", "EVEN"), kept for display and for the record.
    """

    provider_id: str
    provider_name: str
    priority: int
    details: str | None
    prices: tuple[OddsPrices, ...]

    def phase(self, phase: OddsPhase) -> ProviderLines | None:
        return next((p.lines for p in self.prices if p.phase == phase), None)

    @property
    def latest(self) -> ProviderLines | None:
        """The prices to book from: the close (ESPN's latest), filled in from the current
        line where the close says nothing; the opening line only when neither has anything."""
        close, current = self.phase("close"), self.phase("current")
        if close is None or current is None:
            latest = close or current
        else:
            latest = ProviderLines(
                **{
                    name: getattr(close, name) if getattr(close, name) is not None else getattr(current, name)
                    for name in ProviderLines.__dataclass_fields__
                }
            )
        if latest is None or latest == ProviderLines():
            return self.phase("open") or latest
        return latest


@dataclass(frozen=True, slots=True)
class GameLines:
    """An NFL game from ESPN's scoreboard with every sportsbook's odds, for the games board.

    `state` is the book's reading (adapters/espn/parse.py, NflGame.book_state): "post" only once nothing more
    will be played; `completed` is whether it was played to the end, the only case a game's
    bets are graded from its score.
    """

    event_id: str
    home: str  # abbreviation, e.g. "KC"
    away: str
    home_name: str
    away_name: str
    kickoff: datetime  # timezone-aware, UTC
    state: GameState
    completed: bool
    status_name: str
    home_score: int
    away_score: int
    odds: tuple[ProviderOdds, ...] = ()
    postponed: bool = False  # moved to a later date: not offered until ESPN schedules it again


class ProviderError(Exception):
    """A data source could not answer. `user_message` tells a commissioner what to do.

    `kind` is a short stable word ("private", "cookies_expired", "not_found",
    "unavailable", "bad_data") used to decide whether to retry and when to tell the league.
    The message never contains credentials. `notify_once`: the league is told once, when the
    failure starts, rather than once a day (a revoked grant waits for setup, however long).
    """

    notify_once: bool = False

    def __init__(self, kind: str, user_message: str, *, retryable: bool) -> None:
        super().__init__(user_message)
        self.kind = kind
        self.user_message = user_message
        self.retryable = retryable


class LeagueDataProvider(Protocol):
    """A source of league snapshots (ESPN, the demo league, a test fake)."""

    async def fetch_league(self) -> LeagueData: ...

    async def fetch_week(self, matchup_period: int) -> WeekData: ...


@runtime_checkable
class GameLinesProvider(Protocol):
    """A source that can also read the NFL scoreboard's games with their odds (the games
    board); a provider without it simply has no games board."""

    async def fetch_game_lines(self, scoring_periods: tuple[int, ...]) -> tuple[GameLines, ...]: ...
