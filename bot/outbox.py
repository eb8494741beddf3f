"""Delivering queued channel posts, at least once each, and marking them sent.

A post is marked sent only after the platform accepted it; a failure records the error
and leaves it pending for the next pass. Issue-specific adapters supply the `send`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import select, update

from commands.clock import Clock
from commands.replies import Reply
from commands.serialize import reply_from_dict
from storage.database import Database
from storage.models import League, OutboxMessage, Tenant

log = logging.getLogger(__name__)

Send = Callable[[League, Reply], Awaitable[None]]
MAX_ATTEMPTS = 20


async def deliver_pending(
    db: Database, clock: Clock, send: Send, *, platform: str | None = None, limit: int = 50
) -> int:
    """Send up to `limit` pending posts in the order they were queued; returns how many went.

    With `platform`, only posts of leagues on that platform: each adapter delivers its own.
    """
    query = (
        select(OutboxMessage, League)
        .join(League, League.id == OutboxMessage.league_id)
        .where(OutboxMessage.status == "pending")
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if platform is not None:
        query = query.join(Tenant, Tenant.id == League.tenant_id).where(Tenant.platform == platform)
    async with db.read() as session:
        rows = (await session.execute(query)).all()
    sent = 0
    for message, league in rows:
        try:
            await send(league, reply_from_dict(message.payload))
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
                    )
                )
            continue
        async with db.write() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id, OutboxMessage.status == "pending")
                .values(status="sent", sent_at=clock.now(), attempts=OutboxMessage.attempts + 1)
            )
        sent += 1
    return sent
