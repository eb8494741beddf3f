"""A commissioner's switches on the league: where it posts, and whether it takes bets.

Each change is written with its audit entry in one transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from commands.context import Context
from commands.services.journal import audit
from storage.models import League


async def _change_league(ctx: Context, action: str, detail: dict[str, Any], **values: Any) -> None:
    async with ctx.db.write() as session:
        await session.execute(update(League).where(League.id == ctx.league.id).values(**values))
        await audit(
            session,
            league_id=ctx.league.id,
            actor=ctx.invocation.user_id,
            action=action,
            detail=detail,
            now=ctx.now,
        )


async def set_channel(ctx: Context, channel_id: str) -> None:
    """Post the league's lines, results and notices in `channel_id`."""
    await _change_league(ctx, "channel", {"channel": channel_id}, channel_id=channel_id)


async def set_paused(ctx: Context, paused: bool) -> None:
    """Stop taking bets (open ones stay open and settle as usual), or take them again."""
    await _change_league(ctx, "pause" if paused else "resume", {}, paused=paused)
