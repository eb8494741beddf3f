"""The week's awards: fantasy results and the bets worth talking about.

Every award picks one winner, and a tie is broken by a stated rule rather than by the
order rows happened to come out of a database, so the recap reads the same on every
replica and every re-run. Each `None` means "nobody qualifies" (no bets won, no close
game), which the recap leaves out instead of inventing a winner.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from engine.grading import Outcome
from engine.odds import american_to_decimal


@dataclass(frozen=True, slots=True)
class TeamScore:
    """One side of a finished fantasy matchup."""

    team: str
    score: float


@dataclass(frozen=True, slots=True)
class Game:
    home: TeamScore
    away: TeamScore

    @property
    def margin(self) -> float:
        return round(abs(self.home.score - self.away.score), 2)

    @property
    def winner(self) -> TeamScore | None:
        if self.home.score == self.away.score:
            return None
        return self.home if self.home.score > self.away.score else self.away

    @property
    def loser(self) -> TeamScore | None:
        winner = self.winner
        if winner is None:
            return None
        return self.away if winner is self.home else self.home


@dataclass(frozen=True, slots=True)
class RosterPlayer:
    """A rostered player of one team-week, starter or reserve, with the slots he may fill."""

    name: str
    points: float
    eligible_slots: tuple[str, ...]
    started: bool


@dataclass(frozen=True, slots=True)
class LineupEfficiency:
    team: str
    actual: float
    optimal: float

    @property
    def share(self) -> float:
        return self.actual / self.optimal if self.optimal > 0 else 0.0


@dataclass(frozen=True, slots=True)
class SettledBet:
    bet_id: int
    member: str
    label: str
    stake: int
    odds: int
    fair_p: float
    status: str  # won | lost | push | void
    payout: int

    @property
    def profit(self) -> int:
        return self.payout - self.stake


@dataclass(frozen=True, slots=True)
class FantasyAwards:
    high_score: TeamScore | None
    low_score: TeamScore | None
    biggest_blowout: Game | None
    closest_win: Game | None
    best_manager: LineupEfficiency | None


@dataclass(frozen=True, slots=True)
class BetAwards:
    biggest_win: SettledBet | None
    worst_beat: SettledBet | None
    longest_shot: SettledBet | None


def _scores(games: Iterable[Game]) -> list[TeamScore]:
    return [side for g in games for side in (g.home, g.away)]


def high_score(games: Sequence[Game]) -> TeamScore | None:
    """Most points; a tie goes to the team whose name sorts first."""
    return min(_scores(games), key=lambda s: (-s.score, s.team), default=None)


def low_score(games: Sequence[Game]) -> TeamScore | None:
    """Fewest points; a tie goes to the team whose name sorts first."""
    return min(_scores(games), key=lambda s: (s.score, s.team), default=None)


def biggest_blowout(games: Sequence[Game]) -> Game | None:
    """The widest winning margin; a tie goes to the winner whose name sorts first."""
    decided = [g for g in games if g.winner is not None]
    return min(decided, key=lambda g: (-g.margin, g.winner.team), default=None)  # type: ignore[union-attr]


def closest_win(games: Sequence[Game]) -> Game | None:
    """The narrowest margin that still had a winner (a tied game is not a win)."""
    decided = [g for g in games if g.winner is not None]
    return min(decided, key=lambda g: (g.margin, g.winner.team), default=None)  # type: ignore[union-attr]


def optimal_points(players: Sequence[RosterPlayer], slots: Mapping[str, int]) -> float:
    """The most points any legal lineup from these players could have scored.

    An assignment problem: slot instances against players, a player worth his points in a
    slot he is eligible for. An empty slot scores 0, so a negative score is never forced
    in, which keeps the optimum at or above any lineup actually started.
    """
    seats = [slot for slot, count in sorted(slots.items()) for _ in range(count)]
    if not seats or not players:
        return 0.0
    # Lazy: scipy.optimize is only needed once a week, never on the bot's start-up path.
    from scipy.optimize import linear_sum_assignment

    value = [[max(p.points, 0.0) if seat in p.eligible_slots else 0.0 for p in players] for seat in seats]
    rows, cols = linear_sum_assignment(value, maximize=True)
    return round(sum(value[r][c] for r, c in zip(rows, cols, strict=True)), 2)


def lineup_efficiency(
    team: str, players: Sequence[RosterPlayer], slots: Mapping[str, int]
) -> LineupEfficiency:
    actual = round(sum(p.points for p in players if p.started), 2)
    return LineupEfficiency(team, actual, max(optimal_points(players, slots), actual))


def best_manager(efficiencies: Iterable[LineupEfficiency]) -> LineupEfficiency | None:
    """Highest share of the optimal lineup; ties go to more points, then the name."""
    scored = [e for e in efficiencies if e.optimal > 0]
    return min(scored, key=lambda e: (-e.share, -e.actual, e.team), default=None)


def fantasy_awards(games: Sequence[Game], efficiencies: Iterable[LineupEfficiency]) -> FantasyAwards:
    return FantasyAwards(
        high_score=high_score(games),
        low_score=low_score(games),
        biggest_blowout=biggest_blowout(games),
        closest_win=closest_win(games),
        best_manager=best_manager(efficiencies),
    )


def biggest_win(bets: Iterable[SettledBet]) -> SettledBet | None:
    """The largest profit; ties go to the earlier bet."""
    won = [b for b in bets if b.status == Outcome.WON]
    return min(won, key=lambda b: (-b.profit, b.bet_id), default=None)


def worst_beat(bets: Iterable[SettledBet]) -> SettledBet | None:
    """The losing bet that was likeliest to win (fair probability); ties: bigger stake, earlier."""
    lost = [b for b in bets if b.status == Outcome.LOST]
    return min(lost, key=lambda b: (-b.fair_p, -b.stake, b.bet_id), default=None)


def longest_shot(bets: Iterable[SettledBet]) -> SettledBet | None:
    """The winning bet at the longest odds; ties: bigger stake, earlier."""
    won = [b for b in bets if b.status == Outcome.WON]
    return min(won, key=lambda b: (-american_to_decimal(b.odds), -b.stake, b.bet_id), default=None)


def bet_awards(bets: Sequence[SettledBet]) -> BetAwards:
    return BetAwards(biggest_win(bets), worst_beat(bets), longest_shot(bets))
