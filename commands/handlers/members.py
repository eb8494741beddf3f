"""Handlers for what every member can do."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from commands.catalogue import BY_NAME, CATALOGUE, Audience
from commands.context import Context, Invocation, Services
from commands.errors import NotFound
from commands.format import credits, odds, signed_credits
from commands.handlers.registry import handles, handles_leagueless
from commands.metrics import BETS_PLACED
from commands.outbox import enqueue_post
from commands.replies import Reply, Table, Tone
from commands.services import betting, economy
from commands.services.pools import latest_pool
from commands.services.standings import standings
from commands.services.tenancy import current_week
from commands.views import leaderboard as leaderboard_view
from commands.views import markets_board, odds_detail, receipt, slip
from engine import potential_payout
from storage import keys
from storage.models import Bet, Market, Matchup, Member, Selection, Week


@handles("markets")
async def markets(ctx: Context, args: dict[str, Any]) -> Reply:
    async with ctx.db.read() as session:
        week = await current_week(session, ctx.league.id)
        if week is None:
            return Reply("No lines yet: the week's markets appear once the league's data is synced.")
        return await markets_board(session, ctx.league, ctx.settings, week, ctx.now)


@handles("odds")
async def odds_(ctx: Context, args: dict[str, Any]) -> Reply:
    matchup_id = args["matchup"]
    async with ctx.db.read() as session:
        row = (
            await session.execute(
                select(Matchup, Week)
                .join(Week, Week.id == Matchup.week_id)
                .where(Matchup.id == matchup_id, Week.league_id == ctx.league.id)
            )
        ).first()
        if row is None:
            raise NotFound(f"There's no matchup #{matchup_id} this week. `markets` lists them.")
        matchup, week = row
        return await odds_detail(session, ctx.settings, week, matchup, ctx.now)


@handles("bet")
async def bet(ctx: Context, args: dict[str, Any]) -> Reply:
    quote, market, selection = await betting.make_quote(ctx, args["market"], args["pick"], args["stake"])
    return slip(quote, market, selection, ctx.settings, ctx.now, ctx.invocation.user_id)


@handles("confirm")
async def confirm(ctx: Context, args: dict[str, Any]) -> Reply:
    result = await betting.confirm_quote(ctx, args["quote"])
    if isinstance(result, betting.Requoted):
        moved = (
            ""
            if result.quote.odds == result.old.odds
            else (f" The price moved from {odds(result.old.odds)} to {odds(result.quote.odds)}.")
        )
        return slip(
            result.quote,
            result.market,
            result.selection,
            ctx.settings,
            ctx.now,
            ctx.invocation.user_id,
            note=f"Slip #{result.old.id} expired before you confirmed, so nothing was placed.{moved} "
            "Here is a fresh slip at the current price.",
        )
    placed = result.placement
    if not result.already:
        BETS_PLACED.labels(ctx.invocation.platform, placed.kind).inc()
    if ctx.settings.public_tickets and not result.already:
        async with ctx.db.write() as session:
            await enqueue_post(
                session,
                league_id=ctx.league.id,
                kind="ticket",
                dedupe_key=keys.ticket_post(placed.bet_id),
                reply=Reply(
                    f"{ctx.member.display_name} put {credits(placed.stake)} on {placed.label} at "
                    f"{odds(placed.odds)}.",
                    ephemeral=False,
                ),
                now=ctx.now,
            )
    return receipt(
        placed.bet_id, placed.stake, placed.odds, placed.label, placed.balance, already=result.already
    )


@handles("discard")
async def discard(ctx: Context, args: dict[str, Any]) -> Reply:
    quote = await betting.drop_quote(ctx, args["quote"])
    return Reply(f"Slip #{quote.id} discarded; nothing was placed.")


@handles("mybets")
async def mybets(ctx: Context, args: dict[str, Any]) -> Reply:
    async with ctx.db.read() as session:
        rows = (
            await session.execute(
                select(Bet, Selection.label, Market.lock_at)
                .join(Selection, Selection.id == Bet.selection_id)
                .join(Market, Market.id == Bet.market_id)
                .where(Bet.member_id == ctx.member.id)
                .order_by(Bet.status != "open", Bet.id.desc())
                .limit(25)
            )
        ).all()
    if not rows:
        return Reply("You have no bets yet. `markets` shows what's on offer.")
    table_rows = []
    for bet_row, label, _lock in rows:
        if bet_row.status == "open":
            result = f"pays {potential_payout(bet_row.stake, bet_row.odds):,}"
        else:
            result = signed_credits((bet_row.payout or 0) - bet_row.stake)
        table_rows.append(
            (
                str(bet_row.id),
                label,
                odds(bet_row.odds),
                f"{bet_row.stake:,}",
                bet_row.status,
                result,
            )
        )
    return Reply(
        tables=(
            Table(
                ("Bet", "Pick", "Odds", "Stake", "Status", "Result"),
                tuple(table_rows),
                title="Your bets",
                numeric=(3,),
            ),
        )
    )


@handles("cancel")
async def cancel(ctx: Context, args: dict[str, Any]) -> Reply:
    cancelled = await betting.cancel_bet(ctx, args["bet"])
    return Reply(f"Bet #{cancelled.id} cancelled; {credits(cancelled.stake)} refunded.", tone=Tone.SUCCESS)


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


@handles("leaderboard")
async def leaderboard(ctx: Context, args: dict[str, Any]) -> Reply:
    """The week's or season's table; in a league split into pools, the caller's pool's."""
    period = args.get("period") or "season"
    async with ctx.db.read() as session:
        week = await current_week(session, ctx.league.id)
        pool = await latest_pool(session, ctx.league.id, ctx.member.id)
        members = pool.member_ids if pool is not None else None
        suffix = f" - pool {pool.pool} of {pool.pools}" if pool is not None else ""
        note = (
            f"You're in pool {pool.pool} of {pool.pools}, drawn for week {pool.matchup_period}; "
            "pools are drawn afresh when each week's lines open."
            if pool is not None
            else ""
        )
        if period == "week":
            if week is None:
                return Reply("No week has started yet.")
            rows = await standings(session, ctx.league.id, week.id, member_ids=members)
            return leaderboard_view(
                f"Week {week.matchup_period} leaderboard{suffix}", rows, week=True, note=note
            )
        rows = await standings(session, ctx.league.id, member_ids=members, season=ctx.league.season)
    return leaderboard_view(f"{ctx.league.name} - season leaderboard{suffix}", rows, week=False, note=note)


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


@handles_leagueless("help")
async def help_(services: Services, invocation: Invocation, args: dict[str, Any]) -> Reply:
    """Works before the workspace has a league too: it only reads the catalogue."""
    return help_reply(invocation.is_admin, args.get("command"))


def help_reply(is_admin: bool, topic: str | None) -> Reply:
    if topic:
        command = BY_NAME.get(topic.strip().lower())
        if command is None:
            return Reply.error(f"There's no command called `{topic}`. `help` lists them all.")
        lines = [f"`{command.usage}`: {command.summary}"]
        lines += [
            f"  {o.name}: {o.description}" + ("" if o.required else " (optional)") for o in command.options
        ]
        return Reply("\n".join(lines))
    rows = tuple(
        (c.usage, c.summary)
        for c in CATALOGUE
        if not c.action and (is_admin or c.audience is Audience.MEMBER)
    )
    title = "Commands" + (" (commissioner commands included)" if is_admin else "")
    return Reply(
        text="Sidebet is a play-money sportsbook on this league's matchups: credits only, never money.",
        tables=(Table(("Command", "What it does"), rows, title=title),),
    )
