"""A member's claim to a fantasy team: noted on the member, and the commissioners told.

A commissioner approves it with `link`, which ties the member to the team for good.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from commands.context import Context
from commands.outbox import enqueue_post
from commands.posts import claim_post
from commands.services.teams import find_team
from storage.models import Member, Team


@dataclass(frozen=True, slots=True)
class Claim:
    team: Team
    already_linked: bool  # the team is the caller's already: nothing was claimed


async def claim_team(ctx: Context, text: str) -> Claim:
    """Note the caller's claim to the team `text` names, and post it for the commissioners."""
    async with ctx.db.write() as session:
        team = await find_team(session, ctx.league.id, text)
        if ctx.member.team_id == team.id:
            return Claim(team, already_linked=True)
        await session.execute(
            update(Member).where(Member.id == ctx.member.id).values(claimed_team_id=team.id)
        )
        await enqueue_post(
            session,
            league_id=ctx.league.id,
            kind="claim",
            dedupe_key=f"claim:{ctx.member.id}:{team.id}",
            reply=claim_post(ctx.member.display_name, team),
            now=ctx.now,
        )
    return Claim(team, already_linked=False)
