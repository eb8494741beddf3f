"""The weekly winner role on Discord: the week's top bettor(s) get it, last week's lose it.

Only Discord has roles, so on Slack and the console the `winner_role` setting does
nothing. The hand-over is one outbox item per settled week (dedupe key per week), queued
in the settling transaction; it records who was given the role, so the next week's item
knows whom to take it from without asking Discord. Discord's add/remove role calls are
idempotent, so delivering an item again (after a crash mid-way) changes nothing more.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.outbox import ROLE_KIND, enqueue, role_payload
from commands.services.standings import standings
from storage.models import League, Member, OutboxMessage, Tenant, Week


async def week_winners(session: AsyncSession, league_id: int, week_id: int) -> list[str]:
    """Chat user ids of the week's best net result among members with settled bets, if it is a profit."""
    rows = [s for s in await standings(session, league_id, week_id) if s.won + s.lost + s.pushed]
    if not rows or rows[0].net <= 0:
        return []
    best = {s.member_id for s in rows if s.net == rows[0].net}
    users = await session.execute(select(Member.id, Member.user_id).where(Member.id.in_(best)))
    return sorted(user for _, user in users.all())


async def queue_winner_role(
    session: AsyncSession, league: League, week: Week, role_id: str, now: datetime
) -> bool:
    """Queue this week's role hand-over on Discord leagues; with the setting empty, only removals."""
    tenant = (
        await session.execute(
            select(Tenant.platform, Tenant.workspace_id).where(Tenant.id == league.tenant_id)
        )
    ).one()
    if tenant.platform != "discord":
        return False
    key = f"winner_role:week:{week.id}"
    done = await session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.league_id == league.id, OutboxMessage.dedupe_key == key)
    )
    if done is not None:
        return False
    previous = await session.scalar(
        select(OutboxMessage.payload)
        .where(OutboxMessage.league_id == league.id, OutboxMessage.kind == ROLE_KIND)
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )
    held = (
        [(str(previous["role"]), str(user)) for user in previous.get("grant", ())]
        if previous and previous.get("role")
        else []
    )
    winners = await week_winners(session, league.id, week.id) if role_id else []
    revoke = [(role, user) for role, user in held if not (role == role_id and user in winners)]
    if not role_id and not revoke:
        return False
    return await enqueue(
        session,
        league_id=league.id,
        kind=ROLE_KIND,
        dedupe_key=key,
        payload=role_payload(tenant.workspace_id, role_id, winners, revoke),
        now=now,
    )
