"""Claiming outbox items, so processes sharing one database never deliver the same one at once.

Every pass of the delivery loop claims a batch first (`claim`), then marks each item sent
(`mark_sent`) or counts a failed try (`record_failure`); both release the claim. Channel
posts and direct items are claimed in separate batches, so a slow DM never holds up posts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from commands.outbox.items import DIRECT_KINDS
from storage.database import Database
from storage.leases import process_owner
from storage.models import League, OutboxMessage, Tenant
from storage.statuses import OutboxStatus

# This process's name on the outbox rows it claims (other replicas have their own).
PROCESS_OWNER = process_owner()

# How long a claimed batch stays reserved for the process that claimed it: far longer than
# delivering a batch takes, even through a platform's rate limits (Slack allows about one
# post per second per channel), so a slow replica is never overtaken; a crashed replica's
# items go out this long after it died.
CLAIM_TTL = timedelta(minutes=10)


async def claim(
    db: Database,
    now: datetime,
    owner: str,
    *,
    platform: str | None = None,
    limit: int = 50,
    kinds: tuple[str, ...] | None = None,
) -> list[tuple[OutboxMessage, League]]:
    """Claim up to `limit` deliverable items for `owner` until now + CLAIM_TTL, in queue order.

    One UPDATE ... WHERE id IN (SELECT ...) RETURNING: on PostgreSQL the inner SELECT is
    `FOR UPDATE SKIP LOCKED`, so concurrent replicas take disjoint rows without waiting on
    each other; SQLite has one writer at a time, so the statement's own condition decides.
    A claim left by a crashed process lapses after CLAIM_TTL and the item goes out from
    another (at-least-once: a crash between the platform's accept and our commit repeats it).

    Without `kinds` these are channel posts, which wait for the league to have a channel;
    with `kinds` (DMs, role changes) only those kinds, which need no channel. With
    `platform`, only items of leagues on that platform.
    """
    candidates = (
        select(OutboxMessage.id)
        .join(League, League.id == OutboxMessage.league_id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until <= now),
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if kinds is None:
        # A league without a channel keeps its posts until `channel` names one.
        candidates = candidates.where(League.channel_id.is_not(None), OutboxMessage.kind.not_in(DIRECT_KINDS))
    else:
        candidates = candidates.where(OutboxMessage.kind.in_(kinds))
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


async def mark_sent(
    db: Database, message: OutboxMessage, owner: str, now: datetime, *, message_ref: str | None = None
) -> None:
    """Record a delivery and release the claim.

    Only the revision that was delivered is marked sent: a post revised meanwhile (the
    lines board moving) stays pending and goes out again, as an edit.
    """
    async with db.write() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.revision == message.revision)
            .values(
                status=OutboxStatus.SENT,
                sent_at=now,
                message_ref=message_ref,
                attempts=OutboxMessage.attempts + 1,
            )
        )
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == owner)
            .values(claimed_by=None, claimed_until=None)
        )


async def record_failure(
    db: Database, message_id: int, error: str, *, final: bool, message_ref: str | None = None
) -> None:
    """Count a failed try and release the claim, so the next pass of any process may retry
    it (unless `final`). `message_ref`, when given, records a split post's progress."""
    progress = {} if message_ref is None else {"message_ref": message_ref}
    async with db.write() as session:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(
                attempts=OutboxMessage.attempts + 1,
                last_error=error[:500],
                status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
                claimed_by=None,
                claimed_until=None,
                **progress,
            )
        )
