"""A short-lived cache of who is calling: the caller's league and membership.

Resolving the caller is one query per command, and on SQLite through SQLAlchemy's async
bridge a query costs more CPU than everything else a bet confirmation does. The rows it
returns barely change: ids never do, and a league's settings or pause flag change rarely.
So they are kept for a couple of seconds. Money is never decided from this cache: a
balance is re-read inside the transaction that uses it, and placing a bet re-checks the
pause flag, lock time and limits in SQL. Changes made in this process (config, pause)
drop the league's entries at once; other processes see them within the TTL.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from cachetools import TTLCache

from storage.models import League, Member

Key = tuple[str, str, str]  # platform, workspace id, user id


class CallerCache:
    def __init__(
        self,
        ttl_seconds: float = 2.0,
        max_entries: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._enabled = ttl_seconds > 0
        self._entries: TTLCache[Key, tuple[League, Member]] = TTLCache(
            max_entries, max(ttl_seconds, 1e-9), timer=monotonic
        )

    def get(self, key: Key) -> tuple[League, Member] | None:
        return self._entries.get(key)

    def put(self, key: Key, league: League, member: Member) -> None:
        if self._enabled:
            self._entries[key] = (league, member)

    def forget_league(self, league_id: int) -> None:
        for key in [k for k, (league, _) in list(self._entries.items()) if league.id == league_id]:
            self._entries.pop(key, None)
