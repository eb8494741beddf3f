"""The one way to run a league's week jobs: under its lease, on a freshly read league row.

The scheduler's tick, the commissioner's `sync` and `settle`, and the console's
`:advance` all run the same jobs (sync, lock, settle, recap, regrade). Two of them at
once on one league would each decide from what it read before the other wrote: a week
settled twice over, a correction notice for credits that never moved. So each takes the
league's lease (storage/leases.py) first, and reads the league only once it holds it:
the row a job decides from is never older than the lease.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from commands.context import Services
from commands.errors import Conflict, NotFound
from commands.services.tenancy import load_league
from storage import leases
from storage.models import League

log = logging.getLogger(__name__)


class LeagueBusy(Conflict):
    """Another process (or another command) is working on this league's week right now."""


def busy_message(command: str) -> str:
    return f"Sidebet is busy with this league's week right now. Try `{command}` again in a minute."


@asynccontextmanager
async def league_jobs(
    services: Services,
    league_id: int,
    *,
    command: str = "sync",
    owner: str | None = None,
    ttl: timedelta = leases.LEAGUE_LEASE_TTL,
    leased: bool = False,
) -> AsyncIterator[League]:
    """Hold the league's job lease and yield the league read under it.

    Raises LeagueBusy (its message names `command`) if another holder has the lease, and
    NotFound if the league is gone. The lease is released on the way out, whatever
    happened; if even that fails, it lapses after `ttl`.

    `leased`: the caller has claimed the lease already and releases it itself (the
    scheduler claims a batch of leagues' leases in one statement, leases.claim_all).
    """
    db = services.db
    name, owner = leases.league_lease(league_id), owner or leases.process_owner()
    if not leased and not await leases.claim(db, name, owner, services.clock.now(), ttl):
        raise LeagueBusy(busy_message(command))
    try:
        league = await load_league(db, league_id)
        if league is None:
            raise NotFound("There's no Sidebet league here any more.")
        yield league
    finally:
        if not leased:
            try:
                await leases.release(db, name, owner, services.clock.now())
            except Exception:
                log.exception("could not release the jobs of league %s; the lease will expire", league_id)
