"""A member's own account: balance, rebuy, direct-message notifications, claiming a team."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from commands.context import Context
from commands.format import credits, signed_credits
from commands.handlers.registry import handles
from commands.outbox import enqueue_post
from commands.replies import Reply, Tone
from commands.services import economy
from commands.services.standings import standings
from commands.services.teams import find_team
from commands.services.tenancy import current_week
from storage.models import Member


@handles("balance")
async def balance(ctx: Context, args: dict[str, Any]) -> Reply:
    async with ctx.db.read() as session:
        member = await session.get(Member, ctx.member.id)
        assert member is not None
        week = await current_week(session, ctx.league.id)
        mine = [
            s
            for s in await standings(session, ctx.league.id, week.id if week else None)
            if s.member_id == member.id
        ]
    at_stake = mine[0].open_stake if mine else 0
    week_net = mine[0].net if mine else 0
    return Reply(
        f"{member.display_name}: {credits(member.balance)} available, {credits(at_stake)} riding on "
        f"open bets. This week: {signed_credits(week_net)}."
    )


@handles("rebuy")
async def rebuy(ctx: Context, args: dict[str, Any]) -> Reply:
    done = await economy.rebuy(ctx)
    return Reply(
        f"Rebuy done: {credits(done.amount)} added, you have {credits(done.balance)}. "
        f"It counts as a {credits(done.amount)} penalty in the season standings.",
        tone=Tone.SUCCESS,
    )


@handles("notify")
async def notify(ctx: Context, args: dict[str, Any]) -> Reply:
    """DMs are opt-in: nobody is messaged privately unless they asked to be.

    The state is read from the database, not the cached caller, which may predate a toggle.
    """
    choice = args.get("dms")
    if choice is None:
        async with ctx.db.read() as session:
            on = bool(await session.scalar(select(Member.dm_opt_in).where(Member.id == ctx.member.id)))
        state = "on: you get a direct message" if on else "off: you get no direct messages"
        return Reply(
            f"Notifications are {state} when your bets settle. `notify on` or `notify off` changes it."
        )
    on = choice == "on"
    async with ctx.db.write() as session:
        await session.execute(update(Member).where(Member.id == ctx.member.id).values(dm_opt_in=on))
    if on:
        return Reply(
            "Notifications on: when a week settles (or a stat correction changes one of your bets) "
            "you get one direct message with your results and balance. `notify off` stops them.",
            tone=Tone.SUCCESS,
        )
    return Reply("Notifications off: no more direct messages from Sidebet.", tone=Tone.SUCCESS)


@handles("claim")
async def claim(ctx: Context, args: dict[str, Any]) -> Reply:
    async with ctx.db.write() as session:
        team = await find_team(session, ctx.league.id, args["team"])
        if ctx.member.team_id == team.id:
            return Reply(f"{team.name} is already linked to you.")
        await session.execute(
            update(Member).where(Member.id == ctx.member.id).values(claimed_team_id=team.id)
        )
        await enqueue_post(
            session,
            league_id=ctx.league.id,
            kind="claim",
            dedupe_key=f"claim:{ctx.member.id}:{team.id}",
            reply=Reply(
                f"{ctx.member.display_name} says {team.name} ({team.abbrev}) is theirs. A commissioner "
                f"can approve with `link {ctx.member.display_name} {team.abbrev}`.",
                ephemeral=False,
            ),
            now=ctx.now,
        )
    return Reply(f"Claim sent: a commissioner will confirm {team.name} is yours.", tone=Tone.SUCCESS)
