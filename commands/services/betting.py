"""Quotes, bets and cancellations, with the words for every refusal.

A bet is two steps. `make_quote` prices a slip: the engine works out what the house would
lose if it won (its liability), the slip is checked against the placement rules as they
stand (storage.bet_rules), and it is stored with the exact odds, line, fair probability and
liability. `confirm_quote` hands the slip to storage.placement, whose conditional writes
decide atomically whether it becomes a bet. A refusal, at either step, names the rule that
failed; this module decides nothing itself, it words the refusal (reading only what the
words need: the market's lock time, the balance) or offers a fresh slip for an expired one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.context import Context
from commands.errors import CommandError, Conflict, InvalidInput, NotAllowed
from commands.format import credits, local_time
from commands.options import StakeRequest
from commands.services import multiway
from commands.services.numbered import find_bet, find_market, find_slip, no_slip
from commands.services.own_matchup import check_own_matchup
from commands.services.pricing import pulled
from storage import keys, numbering
from storage.bet_rules import CANCEL_RULE, NAMED, Refusal, render
from storage.ledger import post_entry
from storage.models import Bet, Market, Matchup, Member, NflGame, Quote, Selection, Team
from storage.placement import Placement, PlaceRefused, PlaceRequest, side_refusal
from storage.statuses import BetStatus, MarketStatus, QuoteStatus
from storage.types import UTCDateTime

PICK_ALIASES = {"h": "home", "a": "away", "o": "over", "u": "under"}


@dataclass(frozen=True, slots=True)
class Placed:
    placement: Placement
    already: bool  # True when the slip had been confirmed before (a repeated click)


@dataclass(frozen=True, slots=True)
class Requoted:
    """The slip had expired; here is a fresh one at the current price."""

    old: Quote
    quote: Quote
    market: Market
    selection: Selection


def limits_for(ctx: Context) -> engine.StakeLimits:
    s = ctx.settings
    return engine.StakeLimits(min_stake=s.min_stake, max_stake=s.max_stake)


Stage = Literal["quote", "confirm", "requote"]


def refused(
    ctx: Context,
    refusal: Refusal,
    market: Market,
    selection: Selection,
    stage: Stage,
    *,
    stake: int = 0,
    balance: int = 0,
) -> CommandError:
    """The words for a rule of the side or the balance (storage.bet_rules) that refused a slip."""
    label = selection.label
    match refusal:
        case "paused":
            return NotAllowed("Betting is paused by the commissioner right now. Try again later.")
        case "market_closed" if market.status == MarketStatus.VOID:
            return Conflict(f"Market #{market.number} was voided: {market.void_reason or 'no reason given'}.")
        case "market_closed" if market.status == MarketStatus.SETTLED:
            return Conflict(f"Market #{market.number} is already settled.")
        case "market_closed" if pulled(market, ctx.now) and market.game_id is not None:
            return Conflict(
                f"Market #{market.number} ({market.label}) is off the board: the sportsbooks have no line "
                "on this game right now, or the league stopped offering NFL games. Bets already on it stand."
            )
        case "market_closed" if pulled(market, ctx.now):
            return Conflict(
                f"Market #{market.number} ({market.label}) is no longer offered: its lineup changed "
                "(the player left the starting lineup) or its result is already certain. "
                "Bets already on it stand."
            )
        case "market_closed":
            when = local_time(market.lock_at, ctx.settings.tz)
            return Conflict(f"Market #{market.number} locked at {when}; no more bets on it.")
        case "not_offered" if stage == "quote":
            return Conflict(
                f"{label} isn't offered: it's too likely to be priced fairly. Try the other side."
            )
        case "not_offered" if stage == "requote":
            return Conflict(f"Your slip expired and {label} is no longer offered.")
        case "not_offered":
            return Conflict(f"{label} is no longer offered.")
        case "liability" if stage == "confirm":
            return Conflict(f"The book has taken all it can on {label} this week. Try another market.")
        case "liability":
            room = max(ctx.settings.max_liability - selection.liability, 0)
            if room == 0:
                return Conflict("This side has taken all the action it can this week; try another market.")
            return Conflict(
                f"This side can only pay out {credits(room)} more in winnings; try a smaller stake."
            )
        case "balance":
            return Conflict(f"You have {credits(balance)}; that bet needs {credits(stake)}.")
        case "team_changed":
            return Conflict(
                "Your team link changed while you confirmed (a commissioner just linked you). Confirm again."
            )
    # The claim's refusals are about the slip, not the side: confirm_quote words them.
    return Conflict("That slip could not be placed; get a fresh one with `bet`.")


async def _check_side(
    session: AsyncSession, ctx: Context, market: Market, selection: Selection, liability: int, stage: Stage
) -> None:
    refusal = await side_refusal(
        session,
        selection_id=selection.id,
        liability=liability,
        max_liability=ctx.settings.max_liability,
        now=ctx.now,
    )
    if refusal is not None:
        raise refused(ctx, refusal, market, selection, stage)


async def _slip_market(session: AsyncSession, selection: Selection) -> Market:
    """The market of a slip's side (a slip of the caller's league, so its market is too)."""
    market = await session.get(Market, selection.market_id)
    assert market is not None  # markets are never deleted
    return market


async def resolve_pick(session: AsyncSession, market: Market, pick: str) -> Selection:
    selections = {
        s.side: s
        for s in (await session.scalars(select(Selection).where(Selection.market_id == market.id))).all()
    }
    if market.kind in multiway.MULTIWAY:  # a team's or a player's name picks the entrant
        return selections[multiway.multiway_side(selections, market.number, pick)]
    side = PICK_ALIASES.get(pick, pick)
    if side not in selections and market.kind in ("moneyline", "spread", "alt_spread"):
        side = await _side_named(session, market, pick) or side
    if side not in selections:
        choices = " or ".join(
            f"`{s}`" for s in (["home", "away"] if "home" in selections else ["over", "under"])
        )
        raise InvalidInput(f"'{pick}' isn't a side of market #{market.number}. Pick {choices}.")
    return selections[side]


async def _side_named(session: AsyncSession, market: Market, pick: str) -> str | None:
    """The side of a matchup's (or NFL game's) moneyline or spread a team's name picks."""
    if market.game_id is not None:
        game = await session.get(NflGame, market.game_id)
        assert game is not None
        names = {"home": (game.home, game.home_name), "away": (game.away, game.away_name)}
    else:
        matchup = await session.get(Matchup, market.matchup_id)
        assert matchup is not None
        names = {}
        for team_id, team_side in ((matchup.home_team_id, "home"), (matchup.away_team_id, "away")):
            team = await session.get(Team, team_id)
            if team is not None:
                names[team_side] = (team.abbrev, team.name)
    return next((s for s, (abbrev, name) in names.items() if pick in (abbrev.lower(), name.lower())), None)


def _resolve_stake(ctx: Context, request: StakeRequest, balance: int) -> int:
    stake = request.resolve(balance, ctx.settings.max_stake)
    if stake < ctx.settings.min_stake:
        raise InvalidInput(
            f"That comes to {credits(stake)}, below the minimum stake of {credits(ctx.settings.min_stake)}."
        )
    engine.check_stake(stake, balance, limits_for(ctx))
    return stake


async def make_quote(
    ctx: Context, market_number: int, pick: str, stake_request: StakeRequest
) -> tuple[Quote, Market, Selection]:
    now = ctx.now
    key = keys.quote(ctx.invocation.interaction_id)
    async with ctx.db.write() as session:
        repeated = await session.scalar(
            select(Quote).where(Quote.league_id == ctx.league.id, Quote.idempotency_key == key)
        )
        if repeated is not None:  # the platform delivered the same command twice
            selection = await session.get(Selection, repeated.selection_id)
            assert selection is not None
            return repeated, await _slip_market(session, selection), selection
        market = await find_market(session, ctx.league.id, market_number)
        selection = await resolve_pick(session, market, pick)
        # Whether this side takes bets at all (paused, closed, not offered), before the stake.
        await _check_side(session, ctx, market, selection, 0, "quote")
        assert selection.odds is not None  # not_offered would have refused
        # The caller's cached row may be a moment old: the balance that decides, and the team
        # link the own-matchup rule goes by (a commissioner may have just linked them), are
        # read here.
        balance, team_id = (
            await session.execute(select(Member.balance, Member.team_id).where(Member.id == ctx.member.id))
        ).one()
        await check_own_matchup(session, ctx.settings, team_id, market, selection, now)
        stake = _resolve_stake(ctx, stake_request, balance)
        liability = engine.liability(stake, selection.odds)
        await _check_side(session, ctx, market, selection, liability, "quote")
        quote = Quote(
            league_id=ctx.league.id,
            number=await numbering.reserve(session, ctx.league.id, numbering.Counter.BETS),
            member_id=ctx.member.id,
            selection_id=selection.id,
            stake=stake,
            odds=selection.odds,
            line=market.line,
            fair_p=selection.fair_p,
            liability=liability,
            idempotency_key=key,
            status=QuoteStatus.PENDING,
            created_at=now,
            expires_at=now + timedelta(seconds=ctx.settings.quote_ttl_seconds),
        )
        session.add(quote)
        await session.flush()
        return quote, market, selection


async def confirm_quote(ctx: Context, slip: int) -> Placed | Requoted:
    """Place the slip's bet, or explain exactly why not (and re-quote an expired slip).

    The fast path is one conditional write sequence in storage; only when it refuses do
    we read what the words need, so the common case costs no extra round trips. A team
    owner's confirmation first re-reads the slip for the own-matchup rule, and a bet on
    their own matchup carries its lineup snapshot into the same transaction as the bet.
    The placement itself checks that the member's team is still the one the rule was
    applied for; if a commissioner linked them to another a moment ago, the rule is
    applied again for the team they own now.
    """
    team_id = ctx.member.team_id
    for attempt in (1, 2):
        try:
            return Placed(await _place(ctx, slip, team_id), already=False)
        except PlaceRefused as refused_by:
            refusal = refused_by.reason
        if refusal != "team_changed" or attempt == 2:
            break
        async with ctx.db.read() as session:
            team_id = await session.scalar(select(Member.team_id).where(Member.id == ctx.member.id))
    return await _explain_refusal(ctx, slip, refusal)


async def _place(ctx: Context, slip: int, team_id: int | None) -> Placement:
    snapshot = await _own_matchup_snapshot(ctx, slip, team_id) if team_id is not None else None
    request = PlaceRequest(
        league_id=ctx.league.id,
        member_id=ctx.member.id,
        slip=slip,
        now=ctx.now,
        max_liability=ctx.settings.max_liability,
        lineup_snapshot=snapshot,
        team_id=team_id,
    )
    return await ctx.db.placer.place(request)


async def _own_matchup_snapshot(ctx: Context, slip: int, team_id: int) -> dict[str, Any] | None:
    """Re-apply the own-matchup policy at confirmation, so a slip can't carry a pick past it.

    Only team owners pay for this read; the slip itself was checked when it was quoted. A
    slip that isn't this member's pending one is left for the placement to refuse. The
    matchup comes in the same query (check_own_matchup then finds it in the session), so a
    bet on someone else's matchup costs this one statement.
    """
    async with ctx.db.read() as session:
        row = (
            await session.execute(
                select(Quote, Selection, Market, Matchup)
                .join(Selection, Selection.id == Quote.selection_id)
                .join(Market, Market.id == Selection.market_id)
                .join(Matchup, Matchup.id == Market.matchup_id)
                .where(
                    Quote.number == slip,
                    Quote.league_id == ctx.league.id,
                    Quote.member_id == ctx.member.id,
                    Quote.status == QuoteStatus.PENDING,
                )
            )
        ).first()
        if row is None:
            return None
        _, selection, market, _matchup = row
        return await check_own_matchup(session, ctx.settings, team_id, market, selection, ctx.now)


async def _explain_refusal(ctx: Context, slip: int, refusal: Refusal) -> Placed | Requoted:
    if refusal == "no_slip":
        raise no_slip(slip)
    if refusal == "not_yours":
        raise NotAllowed("That bet slip belongs to someone else; get your own with `bet`.")
    async with ctx.db.read() as session:
        quote = await find_slip(session, ctx.league.id, slip)  # slips are never deleted
        selection = await session.get(Selection, quote.selection_id)
        assert selection is not None
        market = await _slip_market(session, selection)
        if refusal == "not_pending":
            return await _already(session, ctx, quote, market, selection)
        if refusal != "expired":
            balance = await session.scalar(select(Member.balance).where(Member.id == ctx.member.id))
            raise refused(ctx, refusal, market, selection, "confirm", stake=quote.stake, balance=balance or 0)
    async with ctx.db.write() as session:
        return await _requote(session, ctx, quote, market)


async def _already(
    session: AsyncSession, ctx: Context, quote: Quote, market: Market, selection: Selection
) -> Placed:
    """A slip that is no longer pending: a repeated confirmation of its bet, or a discarded one."""
    if quote.status == QuoteStatus.DROPPED:
        raise Conflict(f"Bet slip #{quote.number} was discarded. Use `bet` for a new one.")
    bet = await session.scalar(
        select(Bet).where(Bet.league_id == ctx.league.id, Bet.idempotency_key == quote.idempotency_key)
    )
    if bet is None:  # a placement that was undone as a whole: the slip stands as it was
        raise Conflict("That slip could not be placed; get a fresh one with `bet`.")
    if bet.status != BetStatus.OPEN:
        # Confirming again never re-places a bet; it says what became of the one it placed.
        became = {
            BetStatus.CANCELLED: f"which you cancelled ({credits(bet.stake)} refunded)",
            BetStatus.VOID: f"which was voided ({credits(bet.stake)} refunded)",
        }.get(bet.status, f"which has settled: {bet.status}")
        raise Conflict(
            f"Slip #{quote.number} was already placed as bet #{bet.number}, {became}. Nothing was placed "
            "again; use `bet` for a new slip."
        )
    balance = await session.scalar(select(Member.balance).where(Member.id == ctx.member.id))
    return Placed(
        Placement(
            bet.id, bet.number, bet.stake, bet.odds, selection.label, balance or 0, market.id, market.kind
        ),
        already=True,
    )


async def _requote(session: AsyncSession, ctx: Context, old: Quote, market: Market) -> Requoted:
    """A fresh slip at the side's current price for an expired one, if the side still takes bets."""
    now = ctx.now
    selection = await session.get(Selection, old.selection_id)
    assert selection is not None
    await _check_side(session, ctx, market, selection, 0, "requote")
    assert selection.odds is not None  # not_offered would have refused
    member = await session.get(Member, ctx.member.id)
    assert member is not None
    engine.check_stake(old.stake, member.balance, limits_for(ctx))
    await session.execute(update(Quote).where(Quote.id == old.id).values(status=QuoteStatus.DROPPED))
    existing = await session.scalar(
        select(Quote).where(Quote.league_id == ctx.league.id, Quote.idempotency_key == keys.requote(old.id))
    )
    if existing is not None:
        return Requoted(old, existing, market, selection)
    fresh = Quote(
        league_id=ctx.league.id,
        number=await numbering.reserve(session, ctx.league.id, numbering.Counter.BETS),
        member_id=ctx.member.id,
        selection_id=selection.id,
        stake=old.stake,
        odds=selection.odds,
        line=market.line,
        fair_p=selection.fair_p,
        liability=engine.liability(old.stake, selection.odds),
        idempotency_key=keys.requote(old.id),
        status=QuoteStatus.PENDING,
        created_at=now,
        expires_at=now + timedelta(seconds=ctx.settings.quote_ttl_seconds),
    )
    session.add(fresh)
    await session.flush()
    return Requoted(old, fresh, market, selection)


async def drop_quote(ctx: Context, slip: int) -> Quote:
    async with ctx.db.write() as session:
        quote = await _load_own_quote(session, ctx, slip)
        if quote.status == QuoteStatus.PLACED:
            raise Conflict(
                f"Slip #{quote.number} is already placed; `mybets` shows it and `cancel` undoes it."
            )
        quote.status = QuoteStatus.DROPPED
        return quote


async def _load_own_quote(session: AsyncSession, ctx: Context, slip: int) -> Quote:
    quote = await find_slip(session, ctx.league.id, slip)
    if quote.member_id != ctx.member.id:
        raise NotAllowed("That bet slip belongs to someone else; get your own with `bet`.")
    return quote


# The bet moves from open to cancelled only while its market takes bets (the same rule as
# placing it), decided by the UPDATE itself.
_CANCELLABLE = text(render(CANCEL_RULE.condition, NAMED)).bindparams(bindparam("now", type_=UTCDateTime()))


async def cancel_bet(ctx: Context, number: int) -> Bet:
    """Cancel an open bet before its market locks: refund the stake, free its liability.

    Everything follows from the conditional UPDATE that moves the bet out of `open`: a bet
    that a void, a settlement or another cancel moved first is left alone, and then nothing
    else changes either (the liability is lowered once, by the one write that moved it).
    """
    now = ctx.now
    if not ctx.settings.allow_cancel:
        raise NotAllowed("This league doesn't allow cancelling bets.")
    async with ctx.db.write() as session:
        bet = await find_bet(session, ctx.league.id, number, member_id=ctx.member.id)
        if bet.status != BetStatus.OPEN:
            raise Conflict(f"Bet #{bet.number} is {bet.status}; only open bets can be cancelled.")
        moved = (
            await session.execute(
                update(Bet)
                .where(Bet.id == bet.id, Bet.status == BetStatus.OPEN, _CANCELLABLE.bindparams(now=now))
                .values(status=BetStatus.CANCELLED, settled_at=now, payout=Bet.stake)
                .returning(Bet.liability)
                .execution_options(synchronize_session=False)
            )
        ).first()
        if moved is None:
            status = await session.scalar(select(Bet.status).where(Bet.id == bet.id))
            if status != BetStatus.OPEN:
                raise Conflict(f"Bet #{bet.number} is no longer open.")
            raise Conflict(f"Bet #{bet.number}'s market has locked; it can't be cancelled now.")
        await session.execute(
            update(Selection)
            .where(Selection.id == bet.selection_id)
            .values(liability=Selection.liability - moved.liability)
        )
        await post_entry(
            session,
            league_id=ctx.league.id,
            member_id=ctx.member.id,
            kind="refund",
            amount=bet.stake,
            dedupe_key=keys.cancel_refund(bet.id),
            bet_id=bet.id,
            week_id=bet.week_id,
            memo="cancelled by bettor",
            now=now,
        )
        await session.refresh(bet)
        return bet
