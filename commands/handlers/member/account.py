"""A member's own account: balance, rebuy, direct-message notifications, claiming a team."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.format import credits, signed_credits
from commands.handlers.registry import handles
from commands.replies import Reply, Tone
from commands.services import economy, notifications
from commands.services.claims import claim_team
from commands.services.standings import member_balance


@handles("balance")
async def balance(ctx: Context, args: dict[str, Any]) -> Reply:
    mine = await member_balance(ctx.db, ctx.league.id, ctx.member.id)
    week = f"This week's score: {signed_credits(mine.week_score)}"
    if mine.week_rebuys:
        # The same number as the week's leaderboard, and why it differs from the bets' result.
        week += (
            f" ({signed_credits(mine.week_net)} from bets, less your {credits(mine.week_rebuys)} "
            "rebuy, which counts as a penalty)"
        )
    return Reply(
        f"{mine.name}: {credits(mine.balance)} available, {credits(mine.at_stake)} riding on "
        f"open bets. {week}."
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
    """DMs are opt-in: nobody is messaged privately unless they asked to be."""
    choice = args.get("dms")
    if choice is None:
        on = await notifications.dms_on(ctx)
        state = "on: you get a direct message" if on else "off: you get no direct messages"
        return Reply(
            f"Notifications are {state} when your bets settle. `notify on` or `notify off` changes it."
        )
    on = choice == "on"
    await notifications.set_dms(ctx, on)
    if on:
        return Reply(
            "Notifications on: when a week settles (or a stat correction changes one of your bets) "
            "you get one direct message with your results and balance. `notify off` stops them.",
            tone=Tone.SUCCESS,
        )
    return Reply("Notifications off: no more direct messages from Sidebet.", tone=Tone.SUCCESS)


@handles("claim")
async def claim(ctx: Context, args: dict[str, Any]) -> Reply:
    claimed = await claim_team(ctx, args["team"])
    if claimed.already_linked:
        return Reply(f"{claimed.team.name} is already linked to you.")
    return Reply(f"Claim sent: a commissioner will confirm {claimed.team.name} is yours.", tone=Tone.SUCCESS)
