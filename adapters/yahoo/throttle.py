"""Backing off from Yahoo's throttling, once for the whole process.

Yahoo does not publish a rate limit; when a client asks too much it answers HTTP 999 ("Request
denied", sometimes as 429) for every request for a while. Retrying each request on its own
would keep hammering it from every league at once, so the first throttled answer closes a gate
that every request of the process waits at: closed for `base` seconds, doubling with each
throttled answer in a row up to `ceiling`, reset by the first answer that is not throttled.
The clock and the sleep are injected, so tests run through it without waiting.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

__all__ = ["Throttle"]


class Throttle:
    """A process-wide gate: `wait()` before each request, `throttled()` / `passed()` after."""

    def __init__(
        self,
        *,
        monotonic: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        base: float = 30.0,
        ceiling: float = 900.0,
    ) -> None:
        if base <= 0 or ceiling < base:
            raise ValueError("a throttle needs 0 < base <= ceiling")
        self._monotonic = monotonic
        self._sleep = sleep
        self.base = base
        self.ceiling = ceiling
        self.strikes = 0
        self.closed_until = 0.0
        #: Seconds spent waiting at the gate, and throttled answers seen (for logs and tests).
        self.waited = 0.0
        self.throttles = 0

    async def wait(self) -> None:
        while (pause := self.closed_until - self._monotonic()) > 0:
            self.waited += pause
            await self._sleep(pause)

    def throttled(self) -> float:
        """Close the gate (longer each time in a row); returns for how long."""
        pause = min(self.ceiling, self.base * 2**self.strikes)
        self.strikes += 1
        self.throttles += 1
        self.closed_until = max(self.closed_until, self._monotonic() + pause)
        return pause

    def passed(self) -> None:
        self.strikes = 0
