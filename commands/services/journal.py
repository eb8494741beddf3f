"""The audit log and the outbox: written in the same transaction as what they describe."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from commands.replies import Reply
from commands.serialize import reply_to_dict
from storage.models import AuditLog, OutboxMessage


async def audit(
    session: AsyncSession,
    *,
    league_id: int,
    actor: str,
    action: str,
    detail: dict[str, Any],
    now: datetime,
) -> None:
    session.add(
        AuditLog(league_id=league_id, actor_user_id=actor, action=action, detail=detail, created_at=now)
    )


async def enqueue_post(
    session: AsyncSession,
    *,
    league_id: int,
    kind: str,
    dedupe_key: str,
    reply: Reply,
    now: datetime,
) -> bool:
    """Queue a channel post once; the same dedupe key never queues a second copy."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    result = await session.execute(
        insert(OutboxMessage)
        .values(
            league_id=league_id,
            kind=kind,
            dedupe_key=dedupe_key,
            payload=reply_to_dict(reply),
            status="pending",
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["league_id", "dedupe_key"])
    )
    return result.rowcount == 1


async def revise_post(session: AsyncSession, *, league_id: int, dedupe_key: str, reply: Reply) -> bool:
    """Replace a queued or already posted message's content; the deliverer edits it in place."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.league_id == league_id, OutboxMessage.dedupe_key == dedupe_key)
        .values(payload=reply_to_dict(reply), revision=OutboxMessage.revision + 1, status="pending")
    )
    return bool(result.rowcount)
