"""Settling a bet: who won, and how many credits go back to the member."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from engine.markets import OVER, UNDER, MarketKind
from engine.odds import american_to_decimal
from engine.regions import exact_points, winning_region


class Outcome(StrEnum):
    WON = "won"
    LOST = "lost"
    PUSH = "push"
    VOID = "void"


@dataclass(frozen=True, slots=True)
class MatchupResult:
    """The final scores. `completed` is False for an NFL game that was not played to the
    end (cancelled, or moved out of the week): its markets are void, never graded from a
    score that was not final. A fantasy matchup is always complete once its week is."""

    home_score: float
    away_score: float
    completed: bool = True


@dataclass(frozen=True, slots=True)
class PlayerResult:
    """points is None (or played False) when the player never took the field."""

    points: float | None
    played: bool


_BY_SIGN = {1: Outcome.WON, 0: Outcome.PUSH, -1: Outcome.LOST}


def grade(
    kind: MarketKind,
    side: str,
    line: float | None,
    subject: str | None,
    result: MatchupResult | PlayerResult,
) -> Outcome:
    """The outcome of one selection.

    Landing exactly on the line is a push, and so is a tied moneyline: the stake is
    refunded rather than the house keeping a bet nobody lost. A prop on a player who
    did not play is void: the bet was about a game he never had.
    """
    kind = MarketKind(kind)
    if kind == MarketKind.PROP:
        if not isinstance(result, PlayerResult):
            raise TypeError("a prop is graded from a PlayerResult")
        return _grade_prop(side, line, result)
    if not isinstance(result, MatchupResult):
        raise TypeError(f"a {kind} market is graded from a MatchupResult")
    if not result.completed:
        return Outcome.VOID
    region = winning_region(kind, side, line, subject)
    return _BY_SIGN[region.sign_at(result.home_score, result.away_score)]


def _grade_prop(side: str, line: float | None, result: PlayerResult) -> Outcome:
    if side not in (OVER, UNDER):
        raise ValueError(f"a prop has sides 'over' and 'under', not {side!r}")
    if line is None:
        raise ValueError("a prop needs a line")
    if not result.played or result.points is None:
        return Outcome.VOID
    value = exact_points(result.points) - exact_points(line)
    if side == UNDER:
        value = -value
    return _BY_SIGN[(value > 0) - (value < 0)]


def payout(stake: int, american: int, outcome: Outcome) -> int:
    """Credits returned to the member (stake included), never more than the odds say.

    Winnings are floored with exact arithmetic: a fraction of a credit stays with the
    house rather than being created out of nothing.
    """
    if isinstance(stake, bool) or not isinstance(stake, int):
        raise TypeError(f"a stake is a whole number of credits, got {stake!r}")
    if stake < 0:
        raise ValueError(f"a stake cannot be negative, got {stake}")
    decimal = american_to_decimal(american)
    match Outcome(outcome):
        case Outcome.WON:
            return stake * decimal.numerator // decimal.denominator
        case Outcome.PUSH | Outcome.VOID:
            return stake
        case Outcome.LOST:
            return 0
    raise AssertionError(outcome)  # pragma: no cover - the match is exhaustive


def potential_payout(stake: int, american: int) -> int:
    """What a bet slip shows before kickoff: the return if the bet wins."""
    return payout(stake, american, Outcome.WON)
