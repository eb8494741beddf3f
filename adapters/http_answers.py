"""What the league-data clients (ESPN's, Sleeper's) share: a byte-bounded answer cache, JSON
decoding that keeps big bodies off the event loop, and the backoff between retries.

Written once so both clients keep the same memory bound and the same retry rhythm; each client
keeps its own words for what went wrong, since the two APIs fail differently (ESPN answers an
unknown league with 404, Sleeper with `null`).
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable, Hashable
from typing import Any, Final, NamedTuple

from cachetools import TLRUCache

__all__ = [
    "MAX_BACKOFF",
    "CachedAnswer",
    "answer_cache",
    "backoff_delay",
    "decode_json",
]

#: Longest pause between two attempts, whatever the backoff says.
MAX_BACKOFF: Final = 30.0
#: Above this size, JSON is decoded in a worker thread so the event loop keeps serving others.
_THREAD_DECODE_BYTES: Final = 256 * 1024


class CachedAnswer(NamedTuple):
    """A cached answer, with what it weighs (its body's bytes) and how long it stays fresh."""

    data: Any
    size: int
    ttl: float


def _cached_until(_key: Hashable, entry: CachedAnswer, now: float) -> float:
    return now + entry.ttl


def _cached_size(entry: CachedAnswer) -> int:
    return entry.size


def answer_cache(max_bytes: int, monotonic: Callable[[], float]) -> TLRUCache[Hashable, CachedAnswer]:
    """A cache bounded by the bytes of the response bodies it holds, least recently used out
    first, each answer expiring after its own ttl on the `monotonic` clock."""
    return TLRUCache(maxsize=max_bytes, ttu=_cached_until, timer=monotonic, getsizeof=_cached_size)


def backoff_delay(backoff: float, attempt: int, rng: random.Random) -> float:
    """Pause before retry number `attempt + 1`: exponential, with "equal jitter".

    Half the exponential step is kept and half is random, so many leagues failing at once
    do not all come back at the same instant, yet no retry comes back immediately.
    """
    step = min(MAX_BACKOFF, backoff * (2**attempt))
    return step / 2 + rng.uniform(0, step / 2)


async def decode_json(body: bytes) -> Any:
    """JSON from a response body; big bodies are decoded off the event loop."""
    if len(body) > _THREAD_DECODE_BYTES:
        return await asyncio.to_thread(json.loads, body)
    return json.loads(body)
