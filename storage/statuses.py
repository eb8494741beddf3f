"""The statuses a row moves through, one StrEnum per table.

A StrEnum member is its string (`BetStatus.OPEN == "open"`), so the columns hold the same
plain strings as always and raw SQL keeps its literals; Python code names the member, and
`StatusColumn` (storage/types.py) hands members back when a row is loaded.
"""

from __future__ import annotations

from enum import StrEnum


class WeekStatus(StrEnum):
    """open -> locked (every market locked) -> final (ESPN's games are over) -> settled.

    A settled week stays settled when a stat correction re-grades it.
    """

    OPEN = "open"
    LOCKED = "locked"
    FINAL = "final"
    SETTLED = "settled"


class MarketStatus(StrEnum):
    OPEN = "open"
    LOCKED = "locked"
    SETTLED = "settled"
    VOID = "void"


class BetStatus(StrEnum):
    """Open until graded; the graded values are engine.grading.Outcome's, by the same names.

    storage does not import the engine (DESIGN section 1), so `BetStatus(outcome)` converts;
    tests/storage/test_statuses.py keeps the two in step.
    """

    OPEN = "open"
    WON = "won"
    LOST = "lost"
    PUSH = "push"
    VOID = "void"
    CANCELLED = "cancelled"  # by the member, before the lock; the stake went back


GRADED_BETS = (BetStatus.WON, BetStatus.LOST, BetStatus.PUSH, BetStatus.VOID)
"""What settlement (or a void) leaves a bet in; only these carry a result to report."""


class QuoteStatus(StrEnum):
    PENDING = "pending"
    PLACED = "placed"
    DROPPED = "dropped"


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # for good: out of attempts, or refused by the platform
