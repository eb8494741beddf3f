"""Stake limits: keep one bet, or one side of a market, from breaking a league's economy.

The messages are shown to members as they are, so they say what the limit is and
what to do, in credits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from engine.grading import potential_payout

DEFAULT_QUOTE_TTL_SECONDS = 60
"""A price shown longer ago than this may no longer be the price."""


@dataclass(frozen=True, slots=True)
class StakeLimits:
    min_stake: int
    max_stake: int
    max_liability: int
    """What the book may lose on one side of one market, across all members' bets."""


class LimitError(ValueError):
    """A bet the book will not take; `message` is written for the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _credits(amount: int) -> str:
    return f"{amount:,} credit" if amount == 1 else f"{amount:,} credits"


def default_limits(allowance: int, max_stake_pct: int = 25, liability_multiple: int = 3) -> StakeLimits:
    """Limits scaled to the weekly allowance, so they stay sensible in any league."""
    if allowance <= 0:
        raise ValueError(f"the weekly allowance must be positive, got {allowance}")
    if not 0 < max_stake_pct <= 100:
        raise ValueError(f"max_stake_pct must be in 1..100, got {max_stake_pct}")
    if liability_multiple <= 0:
        raise ValueError(f"liability_multiple must be positive, got {liability_multiple}")
    return StakeLimits(
        min_stake=1,
        max_stake=max(1, allowance * max_stake_pct // 100),
        max_liability=allowance * liability_multiple,
    )


def check_stake(stake: int, balance: int, limits: StakeLimits) -> None:
    """Raise LimitError when a stake is too small, too big, or more than the member has."""
    if stake < limits.min_stake:
        raise LimitError(f"The smallest stake is {_credits(limits.min_stake)}.")
    if stake > limits.max_stake:
        raise LimitError(f"The most you can stake on one bet is {_credits(limits.max_stake)}.")
    if stake > balance:
        raise LimitError(f"You have {_credits(max(balance, 0))}; that bet needs {stake:,}.")


def liability(stake: int, american: int) -> int:
    """What the house loses if this bet wins: the winnings, not the returned stake."""
    return potential_payout(stake, american) - stake


def check_liability(current: int, added: int, limits: StakeLimits) -> None:
    """Raise LimitError when a bet would take one side's possible losses past the cap."""
    if current + added <= limits.max_liability:
        return
    room = max(limits.max_liability - current, 0)
    if room == 0:
        raise LimitError("This side has taken all the action it can this week; try another market.")
    raise LimitError(f"This side can only pay out {_credits(room)} more in winnings; try a smaller stake.")


def quote_expired(quoted_at: datetime, now: datetime, ttl_seconds: int) -> bool:
    """A quote is honoured for ttl_seconds; from then on the member must take a fresh price."""
    if ttl_seconds < 0:
        raise ValueError(f"ttl_seconds cannot be negative, got {ttl_seconds}")
    return (now - quoted_at).total_seconds() >= ttl_seconds
