"""A commissioner's switches on the league: where it posts, and whether it takes bets.

Each change is written with its audit entry in one transaction.
"""

from __future__ import annotations

from sqlalchemy import update

from commands.context import Context
from commands.services.journal import audit
from storage.models import League


async def set_channel(ctx: Context, channel_id: str) -> None:
    """Post the league's lines, results and notices in `channel_id`."""
    async with ctx.db.write() as session:
        await session.execute(update(League).where(League.id == ctx.league.id).values(channel_id=channel_id))
        await audit(
            session,
            league_id=ctx.league.id,
            actor=ctx.invocation.user_id,
            action="channel",
            detail={"channel": channel_id},
            now=ctx.now,
        )


async def set_paused(ctx: Context, paused: bool) -> None:
    """Stop taking bets (open ones stay open and settle as usual), or take them again."""
    async with ctx.db.write() as session:
        await session.execute(update(League).where(League.id == ctx.league.id).values(paused=paused))
        await audit(
            session,
            league_id=ctx.league.id,
            actor=ctx.invocation.user_id,
            action="pause" if paused else "resume",
            detail={},
            now=ctx.now,
        )
