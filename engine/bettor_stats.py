"""A bettor's record, return on stake, average price and closing-line value.

Closing-line value (CLV) asks whether a bettor beat the market rather than whether the
dice were kind: a bet's CLV is its expected return at the closing fair probability,

    CLV = p_close * decimal_taken - 1,

where p_close is the fair probability of the selection when its market locked. A bet at
+150 (decimal 2.5) on a side that closed at 44% fair is worth 0.44 * 2.5 - 1 = +10% per
credit staked, win or lose. Averages over several bets are weighted by stake, so the
figure is the expected credits gained per credit staked.

Pushes on a line landing exactly on a whole number are ignored by p_close (the fair
probabilities of the two sides of a market sum to 1), which is the usual convention.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from engine.grading import Outcome
from engine.odds import american_to_decimal, decimal_to_american

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

    @property
    def clv(self) -> float | None:
        if self.closing_p is None or self.status not in (*SETTLED, "open"):
            return None
        return self.closing_p * float(american_to_decimal(self.odds)) - 1.0


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

    @property
    def settled(self) -> int:
        return self.won + self.lost + self.pushed

    @property
    def roi(self) -> float | None:
        return self.net / self.staked if self.staked else None


def summarize(bets: Iterable[BetLine]) -> BettorStats:
    """Record, ROI and average odds over settled bets; CLV over every bet whose market closed.

    CLV is known at lock, before the result, so a locked bet still awaiting its result
    counts towards it; a void or cancelled bet counts nowhere.
    """
    bets = list(bets)
    settled = [b for b in bets if b.status in SETTLED]
    counts = {status: sum(1 for b in settled if b.status == status) for status in SETTLED}
    staked = sum(b.stake for b in settled)
    net = sum((b.payout or 0) - b.stake for b in settled)
    average = (
        decimal_to_american(math.fsum(float(american_to_decimal(b.odds)) for b in settled) / len(settled))
        if settled
        else None
    )
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
    )


def _clv(bets: list[BetLine]) -> Clv:
    staked = sum(b.stake for b in bets)
    weighted = math.fsum(b.stake * (b.clv or 0.0) for b in bets)
    return Clv(len(bets), staked, weighted / staked)
