"""A batch of leases claimed and released in one statement, exactly as one lease is.

The scheduler claims the leases of a batch of leagues at once (bot/scheduler.py). Each
lease in the batch must follow `claim`'s rule on its own: taken when free, expired or
already ours, refused while another owner holds it; and the release gives up only ours.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from storage import leases
from storage.database import Database
from storage.models import JobLease

NOW = datetime(2026, 10, 11, 17, 0, tzinfo=UTC)
TTL = timedelta(minutes=10)


async def _holders(db: Database) -> dict[str, str]:
    async with db.read() as session:
        return {name: owner for name, owner in await session.execute(select(JobLease.name, JobLease.owner))}


async def test_a_batch_takes_each_lease_no_one_else_holds(any_db: Database) -> None:
    assert await leases.claim(any_db, "held", "other", NOW, TTL)
    assert await leases.claim(any_db, "lapsed", "other", NOW - 2 * TTL, TTL)
    assert await leases.claim(any_db, "ours", "me", NOW - TTL / 2, TTL)

    won = await leases.claim_all(any_db, ["free", "held", "lapsed", "ours"], "me", NOW, TTL)

    assert won == {"free", "lapsed", "ours"}
    assert await _holders(any_db) == {"free": "me", "held": "other", "lapsed": "me", "ours": "me"}
    # The held lease is still the other owner's: a single claim agrees.
    assert not await leases.claim(any_db, "held", "me", NOW, TTL)


async def test_a_batch_release_gives_up_only_its_own_leases(any_db: Database) -> None:
    won = await leases.claim_all(any_db, ["a", "b"], "me", NOW, TTL)
    assert await leases.claim(any_db, "c", "other", NOW, TTL)

    await leases.release_all(any_db, [*won, "c"], "me")

    assert await _holders(any_db) == {"c": "other"}
    assert await leases.claim_all(any_db, ["a", "b"], "another", NOW, TTL) == {"a", "b"}


async def test_an_empty_batch_writes_nothing(any_db: Database) -> None:
    assert await leases.claim_all(any_db, [], "me", NOW, TTL) == set()
    await leases.release_all(any_db, [], "me")
    assert await _holders(any_db) == {}
