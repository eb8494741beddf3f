"""Quotes, bets and cancellations, with the words for every refusal.

A bet is two steps. `make_quote` prices a slip and stores it with the exact odds, line
and fair probability. `confirm_quote` hands the slip to storage.placement, whose
conditional writes decide atomically whether it becomes a bet (slip still pending and
unexpired, market open, league not paused, liability and balance sufficient). Only when
that refuses does this module read what it needs to tell the member why, or to offer a
fresh slip when the old one expired.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cachetools import LRUCache
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.context import Context
from commands.errors import Conflict, InvalidInput, NotAllowed, NotFound
from commands.format import credits, local_time
from commands.options import StakeRequest
from commands.services.own_matchup import check_own_matchup
from commands.services.pricing import pulled
from storage.database import Database
from storage.ledger import post_entry
from storage.models import Bet, League, Market, Matchup, Member, Quote, Selection, Team
from storage.placement import Placement, PlaceRefused, PlaceRequest

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
    return engine.StakeLimits(min_stake=s.min_stake, max_stake=s.max_stake, max_liability=s.max_liability)


async def _ensure_betting_open(session: AsyncSession, ctx: Context) -> None:
    """Read the pause flag itself: the caller's league row may be cached a moment."""
    if await session.scalar(select(League.paused).where(League.id == ctx.league.id)):
        raise NotAllowed("Betting is paused by the commissioner right now. Try again later.")


def _ensure_market_open(ctx: Context, market: Market, now: datetime) -> None:
    if market.status == "void":
        raise Conflict(f"Market #{market.id} was voided: {market.void_reason or 'no reason given'}.")
    if market.status == "settled":
        raise Conflict(f"Market #{market.id} is already settled.")
    if pulled(market, now):
        raise Conflict(
            f"Market #{market.id} ({market.label}) is no longer offered: its lineup changed "
            "(the player left the starting lineup) or its result is already certain. "
            "Bets already on it stand."
        )
    if market.status == "locked" or now >= market.lock_at:
        when = local_time(market.lock_at, ctx.settings.tz)
        raise Conflict(f"Market #{market.id} locked at {when}; no more bets on it.")


async def load_market(session: AsyncSession, ctx: Context, market_id: int) -> Market:
    """A market of the caller's league; any other id reads as not found."""
    market = await session.scalar(
        select(Market).where(Market.id == market_id, Market.league_id == ctx.league.id)
    )
    if market is None:
        raise NotFound(f"There's no market #{market_id} in this league. `odds <matchup>` lists them.")
    return market


async def resolve_pick(session: AsyncSession, market: Market, pick: str) -> Selection:
    selections = {
        s.side: s
        for s in (await session.scalars(select(Selection).where(Selection.market_id == market.id))).all()
    }
    side = PICK_ALIASES.get(pick, pick)
    if side not in selections and market.kind in ("moneyline", "spread"):
        matchup = await session.get(Matchup, market.matchup_id)
        assert matchup is not None
        for team_id, team_side in ((matchup.home_team_id, "home"), (matchup.away_team_id, "away")):
            team = await session.get(Team, team_id)
            if team is not None and pick in (team.abbrev.lower(), team.name.lower()):
                side = team_side
    if side not in selections:
        choices = " or ".join(
            f"`{s}`" for s in (["home", "away"] if "home" in selections else ["over", "under"])
        )
        raise InvalidInput(f"'{pick}' isn't a side of market #{market.id}. Pick {choices}.")
    selection = selections[side]
    if selection.odds is None:
        raise Conflict(
            f"{selection.label} isn't offered: it's too likely to be priced fairly. Try the other side."
        )
    return selection


def _resolve_stake(ctx: Context, request: StakeRequest, balance: int) -> int:
    stake = request.resolve(balance, ctx.settings.max_stake)
    if stake < ctx.settings.min_stake:
        raise InvalidInput(
            f"That comes to {credits(stake)}, below the minimum stake of {credits(ctx.settings.min_stake)}."
        )
    engine.check_stake(stake, balance, limits_for(ctx))
    return stake


async def make_quote(
    ctx: Context, market_id: int, pick: str, stake_request: StakeRequest
) -> tuple[Quote, Market, Selection]:
    now = ctx.now
    key = f"quote:{ctx.invocation.interaction_id}"
    async with ctx.db.write() as session:
        await _ensure_betting_open(session, ctx)
        repeated = await session.scalar(
            select(Quote).where(Quote.league_id == ctx.league.id, Quote.idempotency_key == key)
        )
        if repeated is not None:  # the platform delivered the same command twice
            selection = await session.get(Selection, repeated.selection_id)
            assert selection is not None
            return repeated, await load_market(session, ctx, selection.market_id), selection
        market = await load_market(session, ctx, market_id)
        _ensure_market_open(ctx, market, now)
        remember_market_kind(market)
        selection = await resolve_pick(session, market, pick)
        # The caller's cached row may be a moment old: the balance that decides, and the team
        # link the own-matchup rule goes by (a commissioner may have just linked them), are
        # read here.
        balance, team_id = (
            await session.execute(select(Member.balance, Member.team_id).where(Member.id == ctx.member.id))
        ).one()
        await check_own_matchup(session, ctx.settings, team_id, market, selection, now)
        stake = _resolve_stake(ctx, stake_request, balance)
        assert selection.odds is not None
        engine.check_liability(selection.liability, engine.liability(stake, selection.odds), limits_for(ctx))
        quote = Quote(
            league_id=ctx.league.id,
            member_id=ctx.member.id,
            selection_id=selection.id,
            stake=stake,
            odds=selection.odds,
            line=market.line,
            fair_p=selection.fair_p,
            idempotency_key=key,
            status="pending",
            created_at=now,
            expires_at=now + timedelta(seconds=ctx.settings.quote_ttl_seconds),
        )
        session.add(quote)
        await session.flush()
        return quote, market, selection


async def _load_own_quote(session: AsyncSession, ctx: Context, quote_id: int) -> Quote:
    quote = await session.scalar(select(Quote).where(Quote.id == quote_id, Quote.league_id == ctx.league.id))
    if quote is None:
        raise NotFound(f"There's no bet slip #{quote_id}. Use `bet` to get a new one.")
    if quote.member_id != ctx.member.id:
        raise NotAllowed("That bet slip belongs to someone else; get your own with `bet`.")
    return quote


async def confirm_quote(ctx: Context, quote_id: int) -> Placed | Requoted:
    """Place the slip's bet, or explain exactly why not (and re-quote an expired slip).

    The fast path is one conditional write sequence in storage; only when it refuses do
    we read enough to say why, so the common case costs no extra round trips. A team
    owner's confirmation first re-reads the slip for the own-matchup rule, and a bet on
    their own matchup carries its lineup snapshot into the same transaction as the bet.
    """
    snapshot = await _own_matchup_snapshot(ctx, quote_id) if ctx.member.team_id is not None else None
    request = PlaceRequest(
        league_id=ctx.league.id,
        member_id=ctx.member.id,
        quote_id=quote_id,
        now=ctx.now,
        max_liability=ctx.settings.max_liability,
        lineup_snapshot=snapshot,
    )
    try:
        placement = await ctx.db.placer.place(request)
    except PlaceRefused as refused:
        return await _explain_refusal(ctx, quote_id, refused)
    except IntegrityError:
        # PostgreSQL: a concurrent confirmation of the same slip inserted the bet first.
        return await _explain_refusal(ctx, quote_id, PlaceRefused("quote"))
    return Placed(placement, already=False)


async def _own_matchup_snapshot(ctx: Context, quote_id: int) -> dict[str, Any] | None:
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
                    Quote.id == quote_id,
                    Quote.league_id == ctx.league.id,
                    Quote.member_id == ctx.member.id,
                    Quote.status == "pending",
                )
            )
        ).first()
        if row is None:
            return None
        _, selection, market, _matchup = row
        return await check_own_matchup(session, ctx.settings, ctx.member.team_id, market, selection, ctx.now)


async def _explain_refusal(ctx: Context, quote_id: int, refused: PlaceRefused) -> Placed | Requoted:
    now = ctx.now
    async with ctx.db.read() as session:
        quote = await _load_own_quote(session, ctx, quote_id)
        selection = await session.get(Selection, quote.selection_id)
        assert selection is not None
        market = await load_market(session, ctx, selection.market_id)
        if quote.status == "placed":
            bet = await session.scalar(
                select(Bet).where(
                    Bet.league_id == ctx.league.id, Bet.idempotency_key == quote.idempotency_key
                )
            )
            assert bet is not None
            balance = await session.scalar(select(Member.balance).where(Member.id == ctx.member.id))
            return Placed(
                Placement(bet.id, bet.stake, bet.odds, selection.label, balance or 0, market.id),
                already=True,
            )
        if quote.status == "dropped":
            raise Conflict(f"Bet slip #{quote.id} was discarded. Use `bet` for a new one.")
        await _ensure_betting_open(session, ctx)
        _ensure_market_open(ctx, market, now)
        if refused.reason == "balance":
            balance = await session.scalar(select(Member.balance).where(Member.id == ctx.member.id)) or 0
            raise Conflict(f"You have {credits(balance)}; that bet needs {credits(quote.stake)}.")
        if refused.reason == "market":
            if selection.odds is None:
                raise Conflict(f"{selection.label} is no longer offered.")
            raise Conflict(
                f"The book has taken all it can on {selection.label} this week. Try another market."
            )
    if now >= quote.expires_at:
        async with ctx.db.write() as session:
            return await _requote(session, ctx, quote, market, selection, now)
    raise Conflict("That slip could not be placed; get a fresh one with `bet`.")


async def _requote(
    session: AsyncSession,
    ctx: Context,
    old: Quote,
    market: Market,
    selection: Selection,
    now: datetime,
) -> Requoted:
    if selection.odds is None:
        raise Conflict(f"Your slip expired and {selection.label} is no longer offered.")
    member = await session.get(Member, ctx.member.id)
    assert member is not None
    engine.check_stake(old.stake, member.balance, limits_for(ctx))
    await session.execute(update(Quote).where(Quote.id == old.id).values(status="dropped"))
    fresh = Quote(
        league_id=ctx.league.id,
        member_id=ctx.member.id,
        selection_id=selection.id,
        stake=old.stake,
        odds=selection.odds,
        line=market.line,
        fair_p=selection.fair_p,
        idempotency_key=f"requote:{old.id}",
        status="pending",
        created_at=now,
        expires_at=now + timedelta(seconds=ctx.settings.quote_ttl_seconds),
    )
    existing = await session.scalar(
        select(Quote).where(Quote.league_id == ctx.league.id, Quote.idempotency_key == fresh.idempotency_key)
    )
    if existing is not None:
        return Requoted(old, existing, market, selection)
    session.add(fresh)
    await session.flush()
    return Requoted(old, fresh, market, selection)


async def drop_quote(ctx: Context, quote_id: int) -> Quote:
    async with ctx.db.write() as session:
        quote = await _load_own_quote(session, ctx, quote_id)
        if quote.status == "placed":
            raise Conflict(f"Slip #{quote.id} is already placed; `mybets` shows it and `cancel` undoes it.")
        quote.status = "dropped"
        return quote


async def cancel_bet(ctx: Context, bet_id: int) -> Bet:
    now = ctx.now
    if not ctx.settings.allow_cancel:
        raise NotAllowed("This league doesn't allow cancelling bets.")
    async with ctx.db.write() as session:
        bet = await session.scalar(
            select(Bet).where(
                Bet.id == bet_id, Bet.league_id == ctx.league.id, Bet.member_id == ctx.member.id
            )
        )
        if bet is None:
            raise NotFound(f"You have no bet #{bet_id}. `mybets` lists yours.")
        if bet.status != "open":
            raise Conflict(f"Bet #{bet.id} is {bet.status}; only open bets can be cancelled.")
        market = await session.get(Market, bet.market_id)
        assert market is not None
        if market.status != "open" or now >= market.lock_at:
            raise Conflict(f"Bet #{bet.id}'s market has locked; it can't be cancelled now.")
        done = await session.execute(
            update(Bet)
            .where(Bet.id == bet.id, Bet.status == "open")
            .values(status="cancelled", settled_at=now, payout=bet.stake)
        )
        if done.rowcount != 1:
            raise Conflict(f"Bet #{bet.id} is no longer open.")
        await session.execute(
            update(Selection)
            .where(Selection.id == bet.selection_id)
            .values(liability=Selection.liability - engine.liability(bet.stake, bet.odds))
        )
        await post_entry(
            session,
            league_id=ctx.league.id,
            member_id=ctx.member.id,
            kind="refund",
            amount=bet.stake,
            dedupe_key=f"refund:bet:{bet.id}",
            bet_id=bet.id,
            week_id=bet.week_id,
            memo="cancelled by bettor",
            now=now,
        )
        await session.refresh(bet)
        return bet


# A market's kind never changes, so the bets-placed metric looks each one up once. Quoting
# a slip has the market row in hand already, so it leaves the kind here for the confirm.
_MARKET_KINDS: LRUCache[int, str] = LRUCache(maxsize=4096)


def remember_market_kind(market: Market) -> None:
    """Keep a loaded market's kind, so confirming a slip on it reads nothing for the metric.

    Without this, the first bet on each market (every market, each week, after each
    restart) paid a read transaction of its own only to label a counter.
    """
    _MARKET_KINDS[market.id] = market.kind


async def market_kind(db: Database, market_id: int) -> str:
    """The kind (moneyline, spread, ...) of a market, for labelling metrics."""
    kind = _MARKET_KINDS.get(market_id)
    if kind is None:
        async with db.read() as session:
            kind = await session.scalar(select(Market.kind).where(Market.id == market_id)) or "unknown"
        _MARKET_KINDS[market_id] = kind
    return kind
