"""Handlers for commissioners. Every one of them writes an audit entry with its change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from commands.context import Context
from commands.errors import Conflict, NotFound
from commands.format import credits
from commands.league_settings import LeagueSettings, describe_allowed, update_setting
from commands.outbox import enqueue_post
from commands.provider import ProviderError
from commands.replies import Reply, Table, Tone
from commands.services.export import export_league
from commands.services.journal import audit
from commands.services.lifecycle import settle_now
from commands.services.settlement import void_bets
from commands.services.tenancy import find_member
from storage.ledger import InsufficientBalance, post_entry
from storage.models import Bet, League, Market


async def config_show(ctx: Context, args: dict[str, Any]) -> Reply:
    rows = tuple(
        (name, str(getattr(ctx.settings, name)), describe_allowed(name), info.description or "")
        for name, info in LeagueSettings.model_fields.items()
    )
    return Reply(
        tables=(Table(("Setting", "Value", "Allowed", "Meaning"), rows, title="League settings"),),
        text="Change one with `config set <setting> <value>`.",
    )


async def config_set(ctx: Context, args: dict[str, Any]) -> Reply:
    name, raw = args["setting"], args["value"]
    updated = update_setting(ctx.settings, name, raw)
    before = getattr(ctx.settings, name)
    async with ctx.db.write() as session:
        await session.execute(
            update(League).where(League.id == ctx.league.id).values(settings=updated.model_dump())
        )
        await audit(
            session,
            league_id=ctx.league.id,
            actor=ctx.invocation.user_id,
            action="config.set",
            detail={"setting": name, "from": before, "to": getattr(updated, name)},
            now=ctx.now,
        )
    ctx.league_changed()
    note = ""
    if name == "winner_role" and updated.winner_role and ctx.invocation.platform != "discord":
        note = " Roles exist only on Discord: on this platform the setting does nothing."
    return Reply(f"`{name}` is now {getattr(updated, name)} (was {before}).{note}", tone=Tone.SUCCESS)


async def void_market(ctx: Context, args: dict[str, Any]) -> Reply:
    market_id, reason = args["market"], args["reason"]
    async with ctx.db.write() as session:
        market = await session.scalar(
            select(Market).where(Market.id == market_id, Market.league_id == ctx.league.id)
        )
        if market is None:
            raise NotFound(f"There's no market #{market_id} in this league.")
        if market.status == "void":
            raise Conflict(f"Market #{market.id} is already void.")
        bets = list(
            (
                await session.scalars(
                    select(Bet).where(
                        Bet.market_id == market.id, Bet.status.in_(("open", "won", "lost", "push"))
                    )
                )
            ).all()
        )
        summary = await void_bets(session, bets, reason, ctx.now)
        market.status, market.void_reason = "void", reason
        await audit(
            session,
            league_id=ctx.league.id,
            actor=ctx.invocation.user_id,
            action="void.market",
            detail={"market": market.id, "reason": reason, "bets": summary.bets},
            now=ctx.now,
        )
        await enqueue_post(
            session,
            league_id=ctx.league.id,
            kind="void",
            dedupe_key=f"void:market:{market.id}",
            reply=Reply(
                f"Market #{market.id} ({market.label}) was voided by the commissioner: {reason}. "
                f"{summary.bets} bets refunded.",
                ephemeral=False,
                tone=Tone.WARNING,
            ),
            now=ctx.now,
        )
    return Reply(f"Market #{market.id} voided; {summary.bets} bets refunded.", tone=Tone.SUCCESS)


async def void_bet(ctx: Context, args: dict[str, Any]) -> Reply:
    bet_id, reason = args["bet"], args["reason"]
    async with ctx.db.write() as session:
        bet = await session.scalar(select(Bet).where(Bet.id == bet_id, Bet.league_id == ctx.league.id))
        if bet is None:
            raise NotFound(f"There's no bet #{bet_id} in this league.")
        if bet.status in ("void", "cancelled"):
            raise Conflict(f"Bet #{bet.id} is already {bet.status}.")
        await void_bets(session, [bet], reason, ctx.now)
        await audit(
            session,
            league_id=ctx.league.id,
            actor=ctx.invocation.user_id,
            action="void.bet",
            detail={"bet": bet.id, "reason": reason},
            now=ctx.now,
        )
    return Reply(f"Bet #{bet_id} voided and refunded ({credits(bet.stake)}).", tone=Tone.SUCCESS)


async def adjust(ctx: Context, args: dict[str, Any]) -> Reply:
    who, amount, reason = args["member"], args["amount"], args["reason"]
    async with ctx.db.write() as session:
        member = await find_member(session, ctx.league.id, who)
        if member is None:
            raise NotFound(f"There's no member '{who}' in this league.")
        try:
            applied = await post_entry(
                session,
                league_id=ctx.league.id,
                member_id=member.id,
                kind="adjustment",
                amount=amount,
                dedupe_key=f"adjust:{ctx.invocation.interaction_id}",
                memo=reason,
                now=ctx.now,
            )
        except InsufficientBalance as exc:
            raise Conflict(
                f"{member.display_name} has only {credits(exc.balance)}; you can take at most that."
            ) from None
        if applied:
            await audit(
                session,
                league_id=ctx.league.id,
                actor=ctx.invocation.user_id,
                action="adjust",
                detail={"member": member.user_id, "amount": amount, "reason": reason},
                now=ctx.now,
            )
        await session.refresh(member)
    verb = "Gave" if amount > 0 else "Took"
    return Reply(
        f"{verb} {credits(abs(amount))} {'to' if amount > 0 else 'from'} {member.display_name} "
        f"({reason}). Their balance: {credits(member.balance)}.",
        tone=Tone.SUCCESS,
    )


async def settle(ctx: Context, args: dict[str, Any]) -> Reply:
    try:
        summary = await settle_now(ctx.services, ctx.league)
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
    ctx.league_changed()


async def pause(ctx: Context, args: dict[str, Any]) -> Reply:
    if ctx.league.paused:
        return Reply("Betting is already paused. `resume` to reopen it.")
    await _set_paused(ctx, True)
    return Reply("Betting is paused. Open bets stay open and will settle as usual.", tone=Tone.WARNING)


async def resume(ctx: Context, args: dict[str, Any]) -> Reply:
    if not ctx.league.paused:
        return Reply("Betting isn't paused.")
    await _set_paused(ctx, False)
    return Reply("Betting is open again.", tone=Tone.SUCCESS)


async def export(ctx: Context, args: dict[str, Any]) -> Reply:
    """Every bet and ledger entry of this league as two CSV files, for the commissioner only."""
    async with ctx.db.write() as session:
        # One snapshot for all of it, so the two files reconcile even while bets come in:
        # SQLite's transaction is one already; PostgreSQL's default isolation is per statement.
        if session.bind.dialect.name == "postgresql":
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
