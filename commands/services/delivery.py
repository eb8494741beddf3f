"""Delivering queued channel posts and edits, and recording what was delivered.

A post is marked sent only after the platform accepted it, with the platform's message id
so a later revision (the lines board moving or locking) edits that message in place. A
failure records the error and leaves the post pending for the next pass. Each adapter
supplies `send` (returns the new message's id, or None if it has none) and optionally
`edit`; without `edit` a revision is posted as a new message.

Any process may deliver any post of its platform (posting is a REST call that needs no
gateway connection), so with several replicas each post is claimed by one of them first.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from commands.clock import Clock
from commands.replies import Reply
from commands.serialize import reply_from_dict
from storage.database import Database
from storage.leases import process_owner
from storage.models import League, OutboxMessage, Tenant

log = logging.getLogger(__name__)

Send = Callable[[League, Reply], Awaitable[str | None]]
Edit = Callable[[League, str, Reply], Awaitable[None]]
MAX_ATTEMPTS = 20
# How long a claimed batch stays reserved for the process that claimed it: far longer than
# delivering a batch takes, even through a platform's rate limits (Slack allows about one
# post per second per channel), so a slow replica is never overtaken; a crashed replica's
# posts go out this long after it died.
CLAIM_TTL = timedelta(minutes=10)
# This process's name on the posts it claims (other replicas have their own).
PROCESS_OWNER = process_owner()


async def deliver_pending(
    db: Database,
    clock: Clock,
    send: Send,
    *,
    edit: Edit | None = None,
    platform: str | None = None,
    limit: int = 50,
    owner: str = PROCESS_OWNER,
) -> int:
    """Deliver up to `limit` pending posts in the order they were queued; returns how many went.

    With `platform`, only posts of leagues on that platform: each adapter delivers its own.
    The posts are first claimed for `owner` (see `claim_pending`), so replicas sharing the
    database never send the same post at once.
    """
    rows = await claim_pending(db, clock.now(), owner, platform=platform, limit=limit)
    delivered = 0
    for message, league in rows:
        reply = reply_from_dict(message.payload)
        ref = message.message_ref
        try:
            if ref is not None and edit is not None:
                await edit(league, ref, reply)
            else:
                ref = await send(league, reply) or ref
        except Exception as exc:
            log.warning("outbox post %s failed: %s", message.id, type(exc).__name__)
            async with db.write() as session:
                await session.execute(
                    update(OutboxMessage)
                    .where(OutboxMessage.id == message.id)
                    .values(
                        attempts=OutboxMessage.attempts + 1,
                        last_error=type(exc).__name__,
                        status="failed" if message.attempts + 1 >= MAX_ATTEMPTS else "pending",
                        claimed_by=None,
                        claimed_until=None,
                    )
                )
            continue
        async with db.write() as session:
            # Only the revision we delivered is marked sent; a newer one stays pending.
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id, OutboxMessage.revision == message.revision)
                .values(
                    status="sent", sent_at=clock.now(), message_ref=ref, attempts=OutboxMessage.attempts + 1
                )
            )
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == owner)
                .values(claimed_by=None, claimed_until=None)
            )
        delivered += 1
    return delivered


async def claim_pending(
    db: Database, now: datetime, owner: str, *, platform: str | None = None, limit: int = 50
) -> list[tuple[OutboxMessage, League]]:
    """Claim up to `limit` deliverable posts for `owner` until now + CLAIM_TTL, in queue order.

    One UPDATE ... WHERE id IN (SELECT ...) RETURNING: on PostgreSQL the inner SELECT is
    `FOR UPDATE SKIP LOCKED`, so concurrent replicas take disjoint rows without waiting on
    each other; SQLite has one writer at a time, so the statement's own condition decides.
    A claim left by a crashed process lapses after CLAIM_TTL and the post goes out from
    another (at-least-once: a crash between the platform's accept and our commit repeats it).
    """
    candidates = (
        select(OutboxMessage.id)
        .join(League, League.id == OutboxMessage.league_id)
        # A league without a channel keeps its posts until `channel` names one.
        .where(
            OutboxMessage.status == "pending",
            League.channel_id.is_not(None),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if platform is not None:
        candidates = candidates.join(Tenant, Tenant.id == League.tenant_id).where(Tenant.platform == platform)
    if not db.is_sqlite:
        candidates = candidates.with_for_update(of=OutboxMessage, skip_locked=True)
    async with db.write() as session:
        claimed = (
            await session.scalars(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(candidates.scalar_subquery()))
                .values(claimed_by=owner, claimed_until=now + CLAIM_TTL)
                .returning(OutboxMessage.id)
                .execution_options(synchronize_session=False)
            )
        ).all()
    if not claimed:
        return []
    async with db.read() as session:
        rows = (
            await session.execute(
                select(OutboxMessage, League)
                .join(League, League.id == OutboxMessage.league_id)
                .where(OutboxMessage.id.in_(claimed))
                .order_by(OutboxMessage.id)
            )
        ).all()
    return [(message, league) for message, league in rows]
