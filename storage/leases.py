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
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from storage import row_sets
from storage.database import Database

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
    return name in await claim_all(db, [name], owner, now, ttl)


async def release(db: Database, name: str, owner: str, now: datetime) -> None:
    """Give the lease up early (only if still ours), so the next tick anywhere may take it.

    The row is deleted rather than expired, so work that found nothing to do (a refused
    `settle`) leaves the database exactly as it was. `now` is kept for callers' symmetry
    with `claim`.
    """
    await release_all(db, [name], owner)


# One statement each way for any number of leases: a scheduler tick claims a batch of
# leagues' leases at once (bot/scheduler.py), where claiming and releasing a lease per league
# was two write transactions a league, more than a game-day league's whole sync wrote.
_CLAIM_ALL = """
INSERT INTO job_leases (name, owner, expires_at)
SELECT r.name, :owner, :expires_at FROM {rows} WHERE true
ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at
WHERE job_leases.expires_at <= :now OR job_leases.owner = excluded.owner
RETURNING name, owner
"""
_RELEASE_ALL = "DELETE FROM job_leases WHERE owner = :owner AND name IN (SELECT r.name FROM {rows})"
_NAMES: row_sets.Columns = (("name", "text"),)


async def claim_all(
    db: Database, names: Sequence[str], owner: str, now: datetime, ttl: timedelta
) -> set[str]:
    """Take (or renew) each lease of `names` that is free, expired or already ours, in one
    statement; returns the names won."""
    if not names:
        return set()
    async with db.write() as session:
        execute = await row_sets.driver_executor(session)
        dialect = session.get_bind().dialect.name
        rows = await execute(
            row_sets.with_rows(_CLAIM_ALL, dialect, _NAMES),
            {
                "rows": row_sets.rows_param([name] for name in names),
                "owner": owner,
                "expires_at": now + ttl,
                "now": now,
            },
        )
    return {name for name, holder in rows if holder == owner}


async def release_all(db: Database, names: Iterable[str], owner: str) -> None:
    """Give up each lease of `names` still ours, in one statement."""
    names = list(names)
    if not names:
        return
    async with db.write() as session:
        execute = await row_sets.driver_executor(session)
        dialect = session.get_bind().dialect.name
        await execute(
            row_sets.with_rows(_RELEASE_ALL, dialect, _NAMES),
            {"rows": row_sets.rows_param([name] for name in names), "owner": owner},
        )
