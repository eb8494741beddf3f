"""Leases: which of several bot processes on one database runs a named piece of work.

A lease is one row (`job_leases`) won by a single atomic upsert: insert it, or take it
over only if it has expired or is already ours. PostgreSQL and SQLite both evaluate the
`ON CONFLICT ... DO UPDATE ... WHERE` against the committed row under the row's lock (the
SQLite writer lock), so two processes can never both win the same lease. Expiry uses the
injected clock, so a crashed holder's lease lapses and tests move time instead of sleeping.
"""

from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.dialects import postgresql, sqlite

from storage.database import Database
from storage.models import JobLease

# Longer than any league's jobs take (an ESPN sync retries for well under a minute); if the
# holder crashes, another process takes the league over after this long.
LEAGUE_LEASE_TTL = timedelta(minutes=10)


def league_lease(league_id: int) -> str:
    """The lease under which one process at a time works on a league's week."""
    return f"jobs:league:{league_id}"


def process_owner() -> str:
    """An id for this process that no other replica shares, readable in the database."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(3)}"


async def claim(db: Database, name: str, owner: str, now: datetime, ttl: timedelta) -> bool:
    """Take (or renew) the lease `name` until now + ttl; False if another owner holds it."""
    insert = postgresql.insert if not db.is_sqlite else sqlite.insert
    statement = insert(JobLease).values(name=name, owner=owner, expires_at=now + ttl)
    upsert = statement.on_conflict_do_update(
        index_elements=[JobLease.name],
        set_={"owner": statement.excluded.owner, "expires_at": statement.excluded.expires_at},
        where=or_(JobLease.expires_at <= now, JobLease.owner == owner),
    ).returning(JobLease.owner)
    async with db.write() as session:
        won = (await session.execute(upsert)).scalar_one_or_none()
    return won == owner


async def release(db: Database, name: str, owner: str, now: datetime) -> None:
    """Give the lease up early (only if still ours), so the next tick anywhere may take it.

    The row is deleted rather than expired, so work that found nothing to do (a refused
    `settle`) leaves the database exactly as it was. `now` is kept for callers' symmetry
    with `claim`.
    """
    async with db.write() as session:
        await session.execute(delete(JobLease).where(JobLease.name == name, JobLease.owner == owner))
