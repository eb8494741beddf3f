"""Who is calling, remembered as ids: which league and membership a chat user resolves to.

Resolving a caller from (platform, workspace, user) joins tenants, leagues and members;
the answer, two ids, never changes once a member exists (a workspace keeps its league
row through every `setup`, and member rows are never deleted). So only the ids are kept,
and every command reads its league and member rows fresh by primary key
(commands/services/tenancy.py). Nothing a command decides from can be older than the
command: a `link`, a `config set` or a pause on any replica is seen by the very next
command anywhere, with nothing to invalidate.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

from cachetools import TTLCache

Key = tuple[str, str, str]  # platform, workspace id, user id


class CallerIds(NamedTuple):
    league_id: int
    member_id: int


class CallerCache:
    def __init__(
        self,
        ttl_seconds: float = 3600.0,
        max_entries: int = 100_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        # The TTL only bounds how long an idle user's two ints stay in memory.
        self._enabled = ttl_seconds > 0
        self._entries: TTLCache[Key, CallerIds] = TTLCache(
            max_entries, max(ttl_seconds, 1e-9), timer=monotonic
        )

    def get(self, key: Key) -> CallerIds | None:
        return self._entries.get(key)

    def put(self, key: Key, ids: CallerIds) -> None:
        if self._enabled:
            self._entries[key] = ids
