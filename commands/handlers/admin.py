"""Handlers for commissioners. Every one of them writes an audit entry with its change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from commands.context import Context
from commands.format import credits
from commands.handlers.registry import handles
from commands.league_settings import LeagueSettings, describe_allowed
from commands.provider import ProviderError
from commands.replies import Reply, Table, Tone
from commands.services import commissioner_money
from commands.services.export import export_league
from commands.services.journal import audit
from commands.services.league_config import change_setting
from commands.services.lifecycle import settle_now
from storage.models import League


@handles("config show")
async def config_show(ctx: Context, args: dict[str, Any]) -> Reply:
    rows = tuple(
        (name, str(getattr(ctx.settings, name)), describe_allowed(name), info.description or "")
        for name, info in LeagueSettings.model_fields.items()
    )
    return Reply(
        tables=(Table(("Setting", "Value", "Allowed", "Meaning"), rows, title="League settings"),),
        text="Change one with `config set <setting> <value>`.",
    )


@handles("config set")
async def config_set(ctx: Context, args: dict[str, Any]) -> Reply:
    name = args["setting"]
    change = await change_setting(
        ctx.db,
        league_id=ctx.league.id,
        name=name,
        raw=args["value"],
        actor=ctx.invocation.user_id,
        now=ctx.now,
    )
    note = ""
    if name == "winner_role" and change.after and ctx.invocation.platform != "discord":
        note = " Roles exist only on Discord: on this platform the setting does nothing."
    return Reply(f"`{name}` is now {change.after} (was {change.before}).{note}", tone=Tone.SUCCESS)


@handles("void market")
async def void_market(ctx: Context, args: dict[str, Any]) -> Reply:
    done = await commissioner_money.void_market(
        ctx.db,
        league_id=ctx.league.id,
        market_id=args["market"],
        reason=args["reason"],
        actor=ctx.invocation.user_id,
        now=ctx.now,
    )
    return Reply(f"Market #{done.market_id} voided: {done.summary()}.", tone=Tone.SUCCESS)


@handles("void bet")
async def void_bet(ctx: Context, args: dict[str, Any]) -> Reply:
    voided, member = await commissioner_money.void_bet(
        ctx.db,
        league_id=ctx.league.id,
        bet_id=args["bet"],
        reason=args["reason"],
        actor=ctx.invocation.user_id,
        now=ctx.now,
    )
    if voided.was == "open":
        return Reply(
            f"Bet #{voided.bet_id} voided and refunded ({credits(voided.stake)}).", tone=Tone.SUCCESS
        )
    if voided.moved > 0:
        moved = f"{credits(voided.moved)} back to {member}"
    elif voided.moved < 0:
        moved = f"{credits(-voided.moved)} taken back from {member}"
    else:
        moved = "no credits moved"
    text = f"Bet #{voided.bet_id} ({voided.was}) voided and reversed: {moved}."
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
        summary = await settle_now(ctx.services, ctx.league.id)
    except ProviderError as error:
        # Settling first re-reads the final scores; without them nothing is graded.
        return Reply.error(f"Nothing was settled: {error.user_message} Try `settle` again later.")
    async with ctx.db.write() as session:
        await audit(
            session,
            league_id=ctx.league.id,
            actor=ctx.invocation.user_id,
            action="settle",
            detail={"week": summary.week_id, "bets": summary.bets},
            now=ctx.now,
        )
    return Reply(f"Settled {summary.bets} bets; paid out {credits(summary.paid)}.", tone=Tone.SUCCESS)


async def _set_paused(ctx: Context, paused: bool) -> None:
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


@handles("pause")
async def pause(ctx: Context, args: dict[str, Any]) -> Reply:
    if ctx.league.paused:
        return Reply("Betting is already paused. `resume` to reopen it.")
    await _set_paused(ctx, True)
    return Reply("Betting is paused. Open bets stay open and will settle as usual.", tone=Tone.WARNING)


@handles("resume")
async def resume(ctx: Context, args: dict[str, Any]) -> Reply:
    if not ctx.league.paused:
        return Reply("Betting isn't paused.")
    await _set_paused(ctx, False)
    return Reply("Betting is open again.", tone=Tone.SUCCESS)


@handles("export")
async def export(ctx: Context, args: dict[str, Any]) -> Reply:
    """Every bet and ledger entry of this league as two CSV files, for the commissioner only."""
    async with ctx.db.write() as session:
        # One snapshot for all of it, so the two files reconcile even while bets come in:
        # SQLite's transaction is one already; PostgreSQL's default isolation is per statement.
        if session.get_bind().dialect.name == "postgresql":
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        done = await export_league(session, ctx.league.id, ctx.league.name, ctx.now)
        await audit(
            session,
            league_id=ctx.league.id,
            actor=ctx.invocation.user_id,
            action="export",
            detail={"bets": done.bets, "ledger_entries": done.entries},
            now=ctx.now,
        )
    return Reply(
        f"Export of {ctx.league.name}: {done.bets:,} bets and {done.entries:,} ledger entries, "
        "as two CSV files.",
        files=done.files,
        ephemeral=True,
    )
