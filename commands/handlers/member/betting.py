"""Members' betting commands: the board, one matchup's odds, slips, bets and cancelling."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.errors import NotFound
from commands.format import credits, odds, signed_credits
from commands.game_views import game_detail, games_reply
from commands.handlers.member.parlays import open_parlays_table
from commands.handlers.registry import handles
from commands.options import StakeRequest
from commands.replies import Reply, Table, Tone
from commands.services import betting, confirmation
from commands.services.bettor_stats import open_and_recent_bets
from commands.services.board import current_board, matchup_board
from commands.services.game_board import games_board
from commands.views import markets_board, odds_detail, pick_text, receipt, slip
from engine import potential_payout
from storage.statuses import BetStatus


@handles("markets")
async def markets(ctx: Context, args: dict[str, Any]) -> Reply:
    board = await current_board(ctx.db, ctx.league.id, ctx.now, popular=ctx.settings.popular_picks)
    if board is None:
        return Reply("No lines yet: the week's markets appear once the league's data is synced.")
    return markets_board(ctx.league, ctx.settings, board.week, board.lines, ctx.now)


@handles("odds")
async def odds_(ctx: Context, args: dict[str, Any]) -> Reply:
    wanted = args["matchup"]
    board = await matchup_board(ctx.db, ctx.league.id, wanted, ctx.now, popular=ctx.settings.popular_picks)
    if board is None and isinstance(wanted, str):
        games = await games_board(ctx.db, ctx.league.id, ctx.now, team=wanted)
        if games is not None and games.games:
            return game_detail(ctx.settings, games, ctx.now)
        raise NotFound(
            f"No team '{wanted}' plays a matchup or an NFL game this week. "
            "`markets` lists the matchups, `games` the NFL games."
        )
    if board is None:
        raise NotFound(f"There's no matchup #{wanted} this week. `markets` lists them.")
    return odds_detail(ctx.settings, board.matchup, board.lines, ctx.now)


@handles("games")
async def games(ctx: Context, args: dict[str, Any]) -> Reply:
    board = await games_board(ctx.db, ctx.league.id, ctx.now)
    if board is None:
        return Reply("No lines yet: the week's markets appear once the league's data is synced.")
    return games_reply(ctx.settings, board, ctx.now)


@handles("bet")
async def bet(ctx: Context, args: dict[str, Any]) -> Reply:
    request: StakeRequest = args["stake"]
    quote, market, selection = await betting.make_quote(ctx, args["market"], args["pick"], request)
    note = ""
    if request.all_in and quote.stake == ctx.settings.max_stake:
        note = f"`all` stakes your balance up to the most one bet may take: {credits(quote.stake)}."
    return slip(quote, market, selection, ctx.settings, ctx.now, ctx.invocation.user_id, note=note)


@handles("confirm")
async def confirm(ctx: Context, args: dict[str, Any]) -> Reply:
    result = await confirmation.confirm(ctx, args["quote"])
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
            note=f"Slip #{result.old.number} expired before you confirmed, so nothing was placed.{moved} "
            "Here is a fresh slip at the current price.",
        )
    placed = result.placement
    return receipt(
        placed.number, placed.stake, placed.odds, placed.label, placed.balance, already=result.already
    )


@handles("discard")
async def discard(ctx: Context, args: dict[str, Any]) -> Reply:
    quote = await betting.drop_quote(ctx, args["quote"])
    return Reply(f"Slip #{quote.number} discarded; nothing was placed.")


@handles("mybets")
async def mybets(ctx: Context, args: dict[str, Any]) -> Reply:
    rows, open_parlays = await open_and_recent_bets(ctx.db, ctx.member.id)
    if not rows and not open_parlays:
        return Reply("You have no bets yet. `markets` shows what's on offer.")
    table_rows = []
    for bet_row, pick in rows:
        if bet_row.status == BetStatus.OPEN:
            result = f"pays {potential_payout(bet_row.stake, bet_row.odds):,}"
        else:
            result = signed_credits((bet_row.payout or 0) - bet_row.stake)
        table_rows.append(
            (
                str(bet_row.number),
                pick_text(pick),
                odds(bet_row.odds),
                f"{bet_row.stake:,}",
                bet_row.status,
                result,
            )
        )
    tables = []
    if table_rows:
        tables.append(
            Table(
                ("Bet", "Pick", "Odds", "Stake", "Status", "Result"),
                tuple(table_rows),
                title="Your bets",
                numeric=(3,),
            )
        )
    if open_parlays:
        tables.append(open_parlays_table(open_parlays))
    return Reply(tables=tuple(tables))


@handles("cancel")
async def cancel(ctx: Context, args: dict[str, Any]) -> Reply:
    cancelled = await betting.cancel_bet(ctx, args["bet"])
    return Reply(
        f"Bet #{cancelled.number} cancelled; {credits(cancelled.stake)} refunded.", tone=Tone.SUCCESS
    )
