"""Whether a member gets direct messages when their bets settle: opt-in, off by default."""

from __future__ import annotations

from sqlalchemy import select, update

from commands.context import Context
from storage.models import Member


async def dms_on(ctx: Context) -> bool:
    """Read from the database, not the cached caller, which may predate a toggle."""
    async with ctx.db.read() as session:
        return bool(await session.scalar(select(Member.dm_opt_in).where(Member.id == ctx.member.id)))


async def set_dms(ctx: Context, on: bool) -> None:
    async with ctx.db.write() as session:
        await session.execute(update(Member).where(Member.id == ctx.member.id).values(dm_opt_in=on))
