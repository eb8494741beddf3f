"""Several bot processes on one database: each job runs once, each bet is paid once, each post goes once.

Every "process" here has its own engine, services and scheduler (and its own write lock on
SQLite), exactly as separate replicas would; they share only the database. The PostgreSQL
variants run when SIDEBET_TEST_DATABASE_URL is set (CI), each test in its own schema.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, select, text

from bot.app import provider_factory
from bot.demo import ensure_demo_league
from bot.scheduler import BookScheduler, league_lease
from commands.clock import ManualClock
from commands.context import Services
from commands.outbox import CLAIM_TTL, OutboxLoop
from commands.outbox.claims import claim
from storage import leases
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import Bet, JobLease, LedgerEntry, OutboxMessage
from tests.bot.test_scheduler_restarts import et, place_bets
from tests.outbox_callbacks import Callbacks
from tests.replicas import DatabaseFactory, shared

__all__ = ["shared"]  # the fixture


class Replica:
    def __init__(self, db: Database, clock: ManualClock, name: str) -> None:
        self.db = db
        self.name = name
        self.services = Services(db, clock, provider_factory(clock))
        self.scheduler = BookScheduler(self.services, ["console"], owner=name)


async def three_replicas(shared: DatabaseFactory, clock: ManualClock) -> list[Replica]:
    replicas = [Replica(shared(), clock, f"replica-{i}") for i in range(3)]
    await upgrade_to_head(replicas[0].db)
    league = await ensure_demo_league(replicas[0].db, "demo", clock.now())
    async with replicas[0].db.write() as session:
        await session.execute(
            text("UPDATE leagues SET channel_id = 'general' WHERE id = :id"), {"id": league.id}
        )
    return replicas


async def test_three_schedulers_settle_the_same_week_once(shared):
    clock = ManualClock(et(24, 12))
    replicas = await three_replicas(shared, clock)
    first = replicas[0]
    for instant in (et(24, 12), et(25, 10)):  # the week is known, then its lines open
        clock.set(instant)
        await first.scheduler.tick()
    clock.set(et(25, 11))
    await place_bets(first.services)
    clock.set(et(1, 1))  # every game final (the process slept through the kickoffs)
    await first.scheduler.tick()

    clock.set(et(1, 9))  # settle time: all three replicas tick at once
    reports = await asyncio.gather(*(r.scheduler.tick() for r in replicas))

    settled = [summary for report in reports for due in report.values() for summary in due.settled]
    assert len(settled) == 1 and settled[0].bets == 3
    async with first.db.read() as session:
        bets = (await session.scalars(select(Bet))).all()
        paid = Counter(
            (
                await session.scalars(
                    select(LedgerEntry.bet_id).where(LedgerEntry.kind.in_(("payout", "refund")))
                )
            ).all()
        )
        posts = Counter((await session.scalars(select(OutboxMessage.kind))).all())
        held = (await session.scalars(select(JobLease).where(JobLease.expires_at > clock.now()))).all()
    assert all(bet.status in ("won", "lost", "push") for bet in bets)
    winners = {bet.id for bet in bets if bet.status in ("won", "push")}
    assert set(paid) == winners and all(count == 1 for count in paid.values())
    assert posts["settled"] == 1
    assert held == []  # every replica gave its lease back when its pass ended

    # Three deliverers drain the outbox at once: every post goes out, none twice.
    sent: list[tuple[str, int]] = []

    def sender(replica: Replica) -> Callable:
        async def send(league, reply):
            await asyncio.sleep(0)  # let the other replicas run mid-delivery
            sent.append((replica.name, len(sent)))
            return f"msg-{len(sent)}"

        return send

    async def drain(replica: Replica) -> int:
        total = 0
        outbox = OutboxLoop(replica.db, clock, Callbacks(sender(replica)), owner=replica.name, batch=2)
        while delivered := await outbox.deliver_posts():
            total += delivered
        return total

    delivered = await asyncio.gather(*(drain(r) for r in replicas))
    async with first.db.read() as session:
        statuses = Counter((await session.scalars(select(OutboxMessage.status))).all())
        claims = await session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.claimed_by.is_not(None))
        )
    assert sum(delivered) == len(sent) == statuses["sent"] == sum(posts.values())
    assert claims == 0


async def test_a_crashed_holders_lease_and_claims_lapse(shared):
    clock = ManualClock(et(25, 10))
    replicas = await three_replicas(shared, clock)
    a, b = replicas[0], replicas[1]
    name, ttl = league_lease(1), timedelta(minutes=10)

    assert await leases.claim(a.db, name, a.name, clock.now(), ttl)
    assert await leases.claim(a.db, name, a.name, clock.now(), ttl)  # the holder may renew
    assert not await leases.claim(b.db, name, b.name, clock.now(), ttl)
    # While A holds the league (mid-pass, or crashed), B's tick leaves it alone.
    assert await b.scheduler.tick() == {}

    clock.advance(ttl)  # A never came back: its lease has run out
    assert await leases.claim(b.db, name, b.name, clock.now(), ttl)
    await leases.release(a.db, name, a.name, clock.now())  # a late release from A changes nothing
    assert not await leases.claim(a.db, name, a.name, clock.now(), ttl)
    await leases.release(b.db, name, b.name, clock.now())
    report = await a.scheduler.tick()
    assert report[1].sync is not None and report[1].sync.created  # the lines opened, once

    # A claims the "lines are up" post and dies before sending it.
    claimed = await claim(a.db, clock.now(), a.name)
    assert [message.kind for message, _ in claimed] == ["lines_up"]
    sent: list[str] = []

    async def send(league, reply):
        sent.append(reply.text)
        return "m-1"

    b_outbox = OutboxLoop(b.db, clock, Callbacks(send), owner=b.name)
    assert await b_outbox.deliver_posts() == 0  # still A's
    clock.advance(CLAIM_TTL)
    assert await b_outbox.deliver_posts() == 1
    assert len(sent) == 1
