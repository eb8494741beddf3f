"""A process-wide cap on calls per window, on an injected clock.

Sleeper asks every client to stay under 1,000 calls a minute, counted for the whole client, not
per league: one bot process syncing hundreds of leagues must hold that between all of them. A
sliding window (the time of each of the last `calls` requests) is exact where a token bucket
would allow a burst at the window's edge, and the clock and the sleep are injected so a test can
push thousands of calls through it without waiting.

Why not aiolimiter: it reads the event loop's own clock and waits with loop timers, so a test
could only check it by really waiting; this one runs on the same injected clock as the rest of
the client.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable

__all__ = ["RateLimit"]


class RateLimit:
    """At most `calls` acquisitions in any `period` seconds of the `monotonic` clock.

    `acquire()` returns once the caller may send; callers queue in arrival order (one lock), so
    a burst of leagues is served first come, first served and never overshoots the window.
    """

    def __init__(
        self,
        calls: int,
        period: float,
        *,
        monotonic: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if calls < 1 or period <= 0:
            raise ValueError("a rate limit needs calls >= 1 and period > 0")
        self.calls = calls
        self.period = period
        self._monotonic = monotonic
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._lock = asyncio.Lock()
        #: Seconds spent waiting for the window, over the limiter's life (for benchmarks).
        self.waited = 0.0

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._monotonic()
                while self._sent and now - self._sent[0] >= self.period:
                    self._sent.popleft()
                if len(self._sent) < self.calls:
                    self._sent.append(now)
                    return
                pause = self.period - (now - self._sent[0])
                self.waited += pause
                await self._sleep(pause)
