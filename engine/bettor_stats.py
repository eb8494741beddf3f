"""A bettor's record, return on stake, average price and closing-line value.

Closing-line value (CLV) asks whether a bettor beat the market rather than whether the
dice were kind: a bet's CLV is its expected return at the closing fair probability,

    CLV = p_close * decimal_taken - 1,

where p_close is the fair probability of the selection when its market locked. A bet at
+150 (decimal 2.5) on a side that closed at 44% fair is worth 0.44 * 2.5 - 1 = +10% per
credit staked, win or lose. Averages over several bets are weighted by stake, so the
figure is the expected credits gained per credit staked.

A parlay is one bet here (kind "parlay"): its record and ROI count like a single's, and
its CLV is the same formula with its exact decimal odds and the closing fair probability
that every leg wins (engine.parlay.closing_fair_p). Its legs also get a CLV each, at the
single's price each leg was taken at, kept apart (`leg_clv`) so that the per-market table
still counts bets, not legs.

Pushes on a line landing exactly on a whole number are ignored by p_close (the fair
probabilities of the two sides of a market sum to 1), which is the usual convention.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction

from engine.grading import Outcome
from engine.odds import american_to_decimal, decimal_to_american

PARLAY = "parlay"
"""The kind of a parlay's BetLine (beside the market kinds of singles)."""

SETTLED = (Outcome.WON, Outcome.LOST, Outcome.PUSH)
"""The statuses that count in a record. Void and cancelled bets never had a result."""


@dataclass(frozen=True, slots=True)
class BetLine:
    """What the statistics need to know about one bet."""

    kind: str
    status: str
    stake: int
    payout: int | None
    odds: int
    closing_p: float | None = None
    """Fair probability of the selection at its market's lock; None while still open."""
    exact: Fraction | None = None
    """A parlay's exact decimal odds (its `odds` is only their rounded American reading)."""

    @property
    def decimal(self) -> float:
        """The decimal odds taken: a parlay's exact ones, else the American price's."""
        return float(self.exact if self.exact is not None else american_to_decimal(self.odds))

    @property
    def clv(self) -> float | None:
        if self.closing_p is None or self.status not in (*SETTLED, "open"):
            return None
        return self.closing_p * self.decimal - 1.0


@dataclass(frozen=True, slots=True)
class Clv:
    bets: int
    staked: int
    value: float
    """Stake-weighted mean CLV: expected credits won per credit staked at the closing price."""


@dataclass(frozen=True, slots=True)
class BettorStats:
    won: int
    lost: int
    pushed: int
    staked: int
    """Credits staked on settled (won, lost, pushed) bets."""
    net: int
    """Payouts minus stakes on those bets."""
    average_odds: int | None
    """Mean of the decimal odds of settled bets, shown as American."""
    clv_by_kind: dict[str, Clv]
    clv_overall: Clv | None
    parlays: int = 0
    """How many of the settled bets were parlays (the reply says so)."""
    leg_clv: Clv | None = None
    """CLV of parlay legs, each at its single's price and its parlay's stake."""

    @property
    def settled(self) -> int:
        return self.won + self.lost + self.pushed

    @property
    def roi(self) -> float | None:
        return self.net / self.staked if self.staked else None


def summarize(bets: Iterable[BetLine], legs: Iterable[BetLine] = ()) -> BettorStats:
    """Record, ROI and average odds over settled bets; CLV over every bet whose market closed.

    CLV is known at lock, before the result, so a locked bet still awaiting its result
    counts towards it; a void or cancelled bet counts nowhere. `legs` are parlay legs (each
    with its parlay's stake and status, and a void leg left out by the caller): they count
    only towards `leg_clv`, never the record, which counts each parlay once.
    """
    bets = list(bets)
    valued_legs = [b for b in legs if b.clv is not None]
    settled = [b for b in bets if b.status in SETTLED]
    counts = {status: sum(1 for b in settled if b.status == status) for status in SETTLED}
    staked = sum(b.stake for b in settled)
    net = sum((b.payout or 0) - b.stake for b in settled)
    average = decimal_to_american(math.fsum(b.decimal for b in settled) / len(settled)) if settled else None
    valued = [b for b in bets if b.clv is not None]
    by_kind: dict[str, list[BetLine]] = {}
    for b in valued:
        by_kind.setdefault(b.kind, []).append(b)
    return BettorStats(
        won=counts[Outcome.WON],
        lost=counts[Outcome.LOST],
        pushed=counts[Outcome.PUSH],
        staked=staked,
        net=net,
        average_odds=average,
        clv_by_kind={kind: _clv(group) for kind, group in by_kind.items()},
        clv_overall=_clv(valued) if valued else None,
        parlays=sum(1 for b in settled if b.kind == PARLAY),
        leg_clv=_clv(valued_legs) if valued_legs else None,
    )


def _clv(bets: list[BetLine]) -> Clv:
    staked = sum(b.stake for b in bets)
    weighted = math.fsum(b.stake * (b.clv or 0.0) for b in bets)
    return Clv(len(bets), staked, weighted / staked)
