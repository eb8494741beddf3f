"""Members' parlay commands: build a slip, quote it, place it, and see past parlays.

The words live here and in commands/services/parlays.py (refusals); pricing is
engine.parlay's.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from commands.context import Context
from commands.format import credits, odds, probability, signed_credits
from commands.handlers.registry import handles
from commands.replies import Button, ButtonStyle, Card, Field, Reply, Table, Tone
from commands.services import parlays
from engine.parlay import decimal_to_display, potential_payout
from storage.parlay_models import Parlay


def open_parlays_table(rows: list[tuple[Parlay, str]]) -> Table:
    """`mybets`' second table: each open parlay, its legs in short form and what it pays."""
    table = []
    for p, legs in rows:
        d = Fraction(p.odds_num, p.odds_den)
        pays = f"pays {potential_payout(p.stake, d):,}"
        table.append((str(p.number), legs, decimal_to_display(d), f"{p.stake:,}", pays))
    return Table(
        ("Parlay", "Legs", "Odds", "Stake", "Result"), tuple(table), title="Your open parlays", numeric=(3,)
    )


def _legs_table(view: parlays.SlipView) -> Table:
    rows = tuple(
        (str(i), f"#{leg.market.number}", leg.selection.label, odds(leg.selection.odds))
        for i, leg in enumerate(view.legs, start=1)
    )
    return Table(("Leg", "Market", "Pick", "Odds"), rows, title="Your parlay slip")


def _slip_reply(view: parlays.SlipView, head: str = "") -> Reply:
    if not view.legs:
        return Reply(f"{head}Your parlay slip is empty. `parlay add <market> <side>` starts one.".strip())
    lines = [head.strip()] if head else []
    if view.price is not None:
        d = view.price.decimal
        lines.append(
            f"{len(view.legs)} legs at {decimal_to_display(d)} (decimal {float(d):.2f}): "
            f"100 credits return {potential_payout(100, d):,}. `parlay bet <stake>` quotes it."
        )
    elif view.problem:
        lines.append(f"These legs can't go in one parlay: {view.problem}")
    else:
        lines.append("Add at least one more leg to make a parlay.")
    return Reply(" ".join(lines), tables=(_legs_table(view),))


@handles("parlay add")
async def parlay_add(ctx: Context, args: dict[str, Any]) -> Reply:
    view = await parlays.add_leg(ctx, args["market"], args["pick"])
    return _slip_reply(view, f"Added {view.legs[-1].selection.label}.")


@handles("parlay remove")
async def parlay_remove(ctx: Context, args: dict[str, Any]) -> Reply:
    view = await parlays.remove_leg(ctx, args["leg"])
    return _slip_reply(view, f"Leg {args['leg']} removed.")


@handles("parlay show")
async def parlay_show(ctx: Context, args: dict[str, Any]) -> Reply:
    return _slip_reply(await parlays.show_slip(ctx))


@handles("parlay clear")
async def parlay_clear(ctx: Context, args: dict[str, Any]) -> Reply:
    count = await parlays.clear_slip(ctx)
    return Reply(
        f"Parlay slip cleared ({count} legs removed)." if count else "Your parlay slip was already empty."
    )


@handles("parlay bet")
async def parlay_bet(ctx: Context, args: dict[str, Any]) -> Reply:
    quote = await parlays.quote_parlay(ctx, args["stake"])
    slip = quote.slip
    seconds = max(0, int((slip.expires_at - ctx.now).total_seconds()))
    legs = "\n".join(f"{i}. {leg['label']} {odds(leg['odds'])}" for i, leg in enumerate(slip.legs, start=1))
    card = Card(
        title=f"Parlay slip #{slip.number}",
        description=legs,
        fields=(
            Field("Odds", f"{decimal_to_display(quote.decimal)} (decimal {float(quote.decimal):.2f})"),
            Field("Stake", credits(slip.stake)),
            Field("Pays", f"{credits(quote.payout)} (profit {quote.payout - slip.stake:,})"),
            Field("Fair chance", probability(slip.fair_p)),
            Field("Quote holds", f"{seconds}s"),
        ),
        footer="Every leg must win; a pushed or void leg drops out and the odds are recomputed.",
    )
    owner = ctx.invocation.user_id
    return Reply(
        cards=(card,),
        buttons=(Button("Confirm", "parlay confirm", {"quote": slip.number}, ButtonStyle.PRIMARY, owner),),
        notes=(f"Type `parlay confirm {slip.number}` to place it.",),
    )


@handles("parlay confirm")
async def parlay_confirm(ctx: Context, args: dict[str, Any]) -> Reply:
    placed = await parlays.confirm_parlay(ctx, args["quote"])
    parlay = placed.parlay
    d = Fraction(parlay.odds_num, parlay.odds_den)
    head = "Already placed" if placed.already else "Parlay placed"
    return Reply(
        f"{head}: parlay #{parlay.number}, {credits(parlay.stake)} at {decimal_to_display(d)}. "
        f"Pays {credits(potential_payout(parlay.stake, d))} if every leg wins.",
        tone=Tone.INFO if placed.already else Tone.SUCCESS,
    )


@handles("parlay mine")
async def parlay_mine(ctx: Context, args: dict[str, Any]) -> Reply:
    rows = await parlays.member_parlays(ctx)
    if not rows:
        return Reply("You have no parlays yet. `parlay add <market> <side>` starts a slip.")
    table = []
    for p in rows:
        d = Fraction(p.odds_num, p.odds_den)
        result = (
            f"pays {potential_payout(p.stake, d):,}"
            if p.status == "open"
            else signed_credits((p.payout or 0) - p.stake)
        )
        table.append((str(p.number), decimal_to_display(d), f"{p.stake:,}", p.status, result))
    return Reply(
        tables=(
            Table(
                ("Parlay", "Odds", "Stake", "Status", "Result"),
                tuple(table),
                title="Your parlays",
                numeric=(2,),
            ),
        )
    )
