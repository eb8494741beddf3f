"""The process's heap after startup, taken out of the garbage collector's way.

Python's cyclic collector walks every tracked object of the oldest generation on each
full collection. A bot process holds a couple of hundred thousand long-lived objects
by the time it serves (SQLAlchemy's mappers and compiled caches, discord.py, slack-bolt,
pydantic models, the engine's tables), none of which will ever be garbage; every full
collection walked them all again, in the middle of whichever interaction was running.
Measured through the fake Discord at 50 interactions a second on a loaded 2-core
machine: five full collections totalling 3.0 s (the worst 0.96 s) during 300
interactions; with the startup heap frozen, 59 ms (the worst 22 ms). Those pauses were
the tail of every command's latency.

`gc.freeze()` moves everything alive now into a permanent generation the collector never
scans (the standard library's own advice for long-running servers; see the gc module's
documentation). Objects created afterwards are collected as usual, so nothing leaks: a
frozen object that later becomes garbage is only kept until the process ends, and the
startup heap is what lives that long anyway.
"""

from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect what startup left behind, then freeze the rest; returns how many were frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
