"""Confirming a bet slip: the bet placed (commands.services.betting), counted, and shown
to the league as a public ticket when the league wants them (`public_tickets`)."""

from __future__ import annotations

from commands.context import Context
from commands.metrics import BETS_PLACED
from commands.outbox import enqueue_post
from commands.posts import ticket_post
from commands.services import betting
from storage import keys


async def confirm(ctx: Context, slip: int) -> betting.Placed | betting.Requoted:
    """Place the slip's bet (or re-quote an expired slip); a repeated click places nothing new."""
    result = await betting.confirm_quote(ctx, slip)
    if isinstance(result, betting.Requoted) or result.already:
        return result
    placed = result.placement
    BETS_PLACED.labels(ctx.invocation.platform, placed.kind).inc()
    if ctx.settings.public_tickets:
        async with ctx.db.write() as session:
            await enqueue_post(
                session,
                league_id=ctx.league.id,
                kind="ticket",
                dedupe_key=keys.ticket_post(placed.bet_id),
                reply=ticket_post(ctx.member.display_name, placed),
                now=ctx.now,
            )
    return result
