"""Outbox delivery by 1 vs 3 replicas on one database, and what a job lease costs per pass.

`python -m bench.replica_outbox [--posts 600] [--send-ms 5] [--database-url URL]`

Why: with several bot processes, channel posts are claimed row by row so none is sent
twice (commands/outbox/), and each league's jobs run under a lease
(storage/leases.py). This measures whether claiming lets replicas share the delivery work
(throughput with 3 replicas against 1 replica, same run, same database kind) and checks
that no post went out twice; and the time one lease claim + release adds to a league's
pass, beside a bare one-row UPDATE in the same run. Each "send" sleeps `--send-ms`, standing
in for the chat platform's REST round trip. SQLite by default (a temporary file); pass a
PostgreSQL URL to measure that (the bench uses a fresh schema and drops it).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, text, update
from sqlalchemy.ext.asyncio import create_async_engine

from commands.clock import ManualClock
from commands.outbox import Delivery, OutboxLoop
from commands.replies import Reply
from commands.serialize import reply_to_dict
from storage import leases
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import League, OutboxMessage, Tenant

NOW = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


async def fill(db: Database, posts: int) -> None:
    async with db.write() as session:
        await session.execute(text("DELETE FROM outbox"))
        league_id = (await session.execute(text("SELECT id FROM leagues"))).scalar_one()
        payload = reply_to_dict(Reply("Lines are up.", ephemeral=False))
        await session.execute(
            insert(OutboxMessage),
            [
                {
                    "league_id": league_id,
                    "kind": "bench",
                    "dedupe_key": f"bench:{i}",
                    "payload": payload,
                    "status": "pending",
                    "attempts": 0,
                    "revision": 0,
                    "created_at": NOW,
                }
                for i in range(posts)
            ],
        )


class TimedSends:
    """The bench's outbox adapter: each post "sends" by sleeping `send_ms`, counted per replica."""

    platform = "console"

    def __init__(self, index: int, send_ms: float, sent: Counter[int]) -> None:
        self._index, self._send_ms, self._sent = index, send_ms, sent

    async def send_post(self, _league: League, _reply: Reply) -> None:
        await asyncio.sleep(self._send_ms / 1000)
        self._sent[self._index] += 1

    async def update_post(self, _league: League, _ref: str, _reply: Reply) -> None:
        raise AssertionError("the bench revises no post")

    async def send_dm(self, _league: League, _user_id: str, _reply: Reply) -> None:
        raise AssertionError("the bench queues no DM")

    def undeliverable(self, _error: Exception, _delivery: Delivery) -> str | None:
        return None


async def drain(dbs: list[Database], send_ms: float) -> tuple[float, Counter[int]]:
    clock = ManualClock(NOW)
    sent: Counter[int] = Counter()

    async def replica(index: int, db: Database) -> None:
        outbox = OutboxLoop(db, clock, TimedSends(index, send_ms, sent), owner=f"replica-{index}", batch=20)
        while await outbox.deliver_posts():
            pass

    started = time.perf_counter()
    await asyncio.gather(*(replica(i, db) for i, db in enumerate(dbs)))
    return time.perf_counter() - started, sent


async def lease_cost(db: Database, rounds: int) -> tuple[float, float]:
    """Median ms of claim + release of a league lease, and of a bare one-row UPDATE."""
    lease, bare = [], []
    for i in range(rounds):
        now = NOW + timedelta(seconds=i)
        t0 = time.perf_counter()
        assert await leases.claim(db, "jobs:league:1", "bench", now, timedelta(minutes=10))
        await leases.release(db, "jobs:league:1", "bench", now)
        t1 = time.perf_counter()
        async with db.write() as session:
            await session.execute(update(League).where(League.id == 1).values(sync_failures=0))
        t2 = time.perf_counter()
        lease.append(t1 - t0)
        bare.append(t2 - t1)
    return statistics.median(lease) * 1000, statistics.median(bare) * 1000


async def main(posts: int, send_ms: float, url: str | None) -> None:
    schema = None
    if url:
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        admin = create_async_engine(url)
        async with admin.begin() as conn:
            await conn.execute(text(f"CREATE SCHEMA {schema}"))

        def open_db() -> Database:
            return Database(url, connect_args={"server_settings": {"search_path": schema}})
    else:
        folder = Path(tempfile.mkdtemp(prefix="sidebet-bench-"))

        def open_db() -> Database:
            return Database(f"sqlite+aiosqlite:///{folder / 'bench.db'}")

    dbs = [open_db() for _ in range(3)]
    try:
        await upgrade_to_head(dbs[0])
        async with dbs[0].write() as session:
            tenant = Tenant(platform="console", workspace_id="bench", created_at=NOW)
            session.add(tenant)
            await session.flush()
            session.add(League(tenant_id=tenant.id, name="Bench", channel_id="general", created_at=NOW))
        kind = "PostgreSQL" if url else "SQLite"
        print(f"{kind}, {posts} posts, {send_ms:g} ms per send")
        results = {}
        for replicas in (1, 3):
            await fill(dbs[0], posts)
            seconds, sent = await drain(dbs[:replicas], send_ms)
            assert sum(sent.values()) == posts, f"{sum(sent.values())} sends for {posts} posts"
            results[replicas] = posts / seconds
            shares = ", ".join(str(sent[i]) for i in range(replicas))
            rate = posts / seconds
            print(f"  {replicas} replica(s): {rate:,.0f} posts/s (sent by each: {shares}; none twice)")
        print(f"  speed-up with 3 replicas: {results[3] / results[1]:.2f}x (baseline: 1 replica, same run)")
        lease_ms, bare_ms = await lease_cost(dbs[0], 200)
        print(
            f"  lease claim + release per league pass: {lease_ms:.2f} ms "
            f"(a bare one-row UPDATE: {bare_ms:.2f} ms)"
        )
    finally:
        for db in dbs:
            await db.dispose()
        if schema is not None:
            async with admin.begin() as conn:
                await conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            await admin.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=600)
    parser.add_argument("--send-ms", type=float, default=5.0)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.posts, args.send_ms, args.database_url))
