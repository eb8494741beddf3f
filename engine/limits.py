"""Stake limits and what a bet puts at risk: keep one bet from breaking a league's economy.

The messages are shown to members as they are, so they say what the limit is and
what to do, in credits. The cap on a side's liability is a rule of the bet writer
(storage.bet_rules), decided by the database against the side's current liability; the
liability a bet adds is worked out here, once, when its slip is quoted.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine.grading import potential_payout


@dataclass(frozen=True, slots=True)
class StakeLimits:
    min_stake: int
    max_stake: int


class LimitError(ValueError):
    """A bet the book will not take; `message` is written for the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _credits(amount: int) -> str:
    return f"{amount:,} credit" if amount == 1 else f"{amount:,} credits"


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
