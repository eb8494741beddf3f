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
from collections import OrderedDict
from collections.abc import Callable

from storage.models import League, Member

Key = tuple[str, str, str]  # platform, workspace id, user id


class CallerCache:
    def __init__(
        self,
        ttl_seconds: float = 2.0,
        max_entries: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ttl = ttl_seconds
        self._max = max_entries
        self._monotonic = monotonic
        self._entries: OrderedDict[Key, tuple[float, League, Member]] = OrderedDict()

    def get(self, key: Key) -> tuple[League, Member] | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, league, member = entry
        if self._monotonic() >= expires:
            del self._entries[key]
            return None
        return league, member

    def put(self, key: Key, league: League, member: Member) -> None:
        if self._ttl <= 0:
            return
        self._entries[key] = (self._monotonic() + self._ttl, league, member)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def forget_league(self, league_id: int) -> None:
        for key in [k for k, (_, league, _) in self._entries.items() if league.id == league_id]:
            del self._entries[key]
