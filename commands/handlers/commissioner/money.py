"""Commissioners moving credits: voids, adjustments and settling the week now."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.format import credits
from commands.handlers.registry import handles
from commands.provider import ProviderError
from commands.recap import settled_sentence
from commands.replies import Reply, Tone
from commands.services import commissioner_money
from commands.services.lifecycle import settle_now
from storage.statuses import BetStatus


@handles("void market")
async def void_market(ctx: Context, args: dict[str, Any]) -> Reply:
    done = await commissioner_money.void_market(
        ctx.db,
        league_id=ctx.league.id,
        number=args["market"],
        reason=args["reason"],
        actor=ctx.invocation.user_id,
        now=ctx.now,
    )
    return Reply(f"Market #{done.number} voided: {done.summary()}.", tone=Tone.SUCCESS)


@handles("void bet")
async def void_bet(ctx: Context, args: dict[str, Any]) -> Reply:
    voided, member = await commissioner_money.void_bet(
        ctx.db,
        league_id=ctx.league.id,
        number=args["bet"],
        reason=args["reason"],
        actor=ctx.invocation.user_id,
        now=ctx.now,
    )
    if voided.was == BetStatus.OPEN:
        return Reply(
            f"Bet #{voided.bet_number} voided and refunded ({credits(voided.stake)}).", tone=Tone.SUCCESS
        )
    if voided.moved > 0:
        moved = f"{credits(voided.moved)} back to {member}"
    elif voided.moved < 0:
        moved = f"{credits(-voided.moved)} taken back from {member}"
    else:
        moved = "no credits moved"
    text = f"Bet #{voided.bet_number} ({voided.was}) voided and reversed: {moved}."
    if voided.shortfall:
        text += f" {credits(voided.shortfall)} could not be taken back: {member}'s balance ran out."
    return Reply(text, tone=Tone.SUCCESS)


@handles("adjust")
async def adjust(ctx: Context, args: dict[str, Any]) -> Reply:
    done = await commissioner_money.adjust(
        ctx.db,
        league_id=ctx.league.id,
        who=args["member"],
        amount=args["amount"],
        reason=args["reason"],
        actor=ctx.invocation.user_id,
        interaction_id=ctx.invocation.interaction_id,
        now=ctx.now,
    )
    verb, to = ("Gave", "to") if done.amount > 0 else ("Took", "from")
    return Reply(
        f"{verb} {credits(abs(done.amount))} {to} {done.member} ({args['reason']}). "
        f"Their balance: {credits(done.balance)}.",
        tone=Tone.SUCCESS,
    )


@handles("settle")
async def settle(ctx: Context, args: dict[str, Any]) -> Reply:
    try:
        summary = await settle_now(ctx.services, ctx.league.id, actor=ctx.invocation.user_id)
    except ProviderError as error:
        # Settling first re-reads the final scores; without them nothing is graded.
        return Reply.error(f"Nothing was settled: {error.user_message} Try `settle` again later.")
    return Reply(settled_sentence(summary.matchup_period, summary), tone=Tone.SUCCESS)
