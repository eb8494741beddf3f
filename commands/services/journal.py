"""The audit log: each admin action recorded in the same transaction as what it did.

The outbox, its twin for what the bot says, is commands/outbox/.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditLog


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
