"""A wall-clock limit for code that could hang, so a regression fails instead of stalling CI.

SIGALRM interrupts pure-Python loops between bytecodes, which is where a renderer or parser
that never returns spends its time. Only the main thread receives signals; pytest (and each
xdist worker) runs tests there.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class TimeLimitExceeded(AssertionError):
    """The guarded block was still running when its time was up."""


@contextmanager
def time_limit(seconds: float, what: str) -> Iterator[None]:
    def expired(_signum: int, _frame: FrameType | None) -> None:
        raise TimeLimitExceeded(f"{what} did not return within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
