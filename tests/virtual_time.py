"""A monotonic clock for rate limiters and backoffs that moves only when something sleeps on it.

Tests never wait for time to pass: a client throttled by Sleeper's 900 calls a minute, or
backing off between retries, sleeps on this instead, which returns at once and moves the
clock by the pause.
"""

from __future__ import annotations

import asyncio


class Ticker:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds
        await asyncio.sleep(0)
