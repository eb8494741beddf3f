"""Parlay slips: building one, pricing it, and placing it, with the words for every refusal.

A member adds selections to a slip (`parlay add <market> <side>`), sees it priced
(`parlay show`), asks for a quote with a stake (`parlay bet <stake>`: every leg, the
combined odds, the payout and the quote's expiry), and confirms it (`parlay confirm
<slip>`), which storage.parlay_placement places atomically. Pricing is engine.parlay's;
this module gathers the legs and the models of events with several legs, and words
what the engine or the database refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.context import Context
from commands.errors import Conflict, InvalidInput, NotAllowed, NotFound
from commands.format import credits
from commands.options import StakeRequest
from commands.services.betting import limits_for, resolve_pick
from commands.services.numbered import find_market
from commands.services.pricing import to_engine_starter
from engine import parlay as pricing
from storage import keys, numbering
from storage.models import League, Market, Matchup, Member, Selection, Starter
from storage.parlay_models import Parlay, ParlayPick, ParlaySlip
from storage.parlay_placement import ParlayPlaced, ParlayRefused, place_parlay
from storage.placement import side_refusal
from storage.statuses import QuoteStatus


@dataclass(frozen=True, slots=True)
class SlipLeg:
    market: Market
    selection: Selection


@dataclass(frozen=True, slots=True)
class SlipView:
    """A slip as shown: its legs and, with two or more, their price."""

    legs: tuple[SlipLeg, ...]
    price: pricing.ParlayPrice | None
    problem: str | None  # why the legs cannot be priced together, if they cannot


def event_of(market: Market) -> str:
    """The event a market is about: its fantasy matchup ("m<id>") or NFL game ("g<id>")."""
    return f"m{market.matchup_id}" if market.matchup_id is not None else f"g{market.game_id}"


def leg_request(market: Market, selection: Selection) -> pricing.LegRequest:
    return pricing.LegRequest(
        event=event_of(market),
        market=market.id,
        kind=engine.MarketKind(market.kind),
        subject=market.subject or None,
        line=market.line,
        side=selection.side,
        fair_p=selection.fair_p,
        odds=selection.odds,
        label=selection.label,
    )


# --- building the slip ---------------------------------------------------------------


async def _slip_legs(session: AsyncSession, member_id: int) -> list[SlipLeg]:
    rows = await session.execute(
        select(Market, Selection)
        .join(Selection, Selection.market_id == Market.id)
        .join(ParlayPick, ParlayPick.selection_id == Selection.id)
        .where(ParlayPick.member_id == member_id)
        .order_by(ParlayPick.id)
    )
    return [SlipLeg(market, selection) for market, selection in rows.all()]


async def add_leg(ctx: Context, market_number: int, pick: str) -> SlipView:
    """Put a selection on the member's slip; refuse what could never go in a parlay."""
    async with ctx.db.write() as session:
        market = await find_market(session, ctx.league.id, market_number)
        if (refusal := pricing.kind_refusal(market.kind)) is not None:
            raise Conflict(refusal)
        selection = await resolve_pick(session, market, pick)
        refusal = await side_refusal(
            session,
            selection_id=selection.id,
            liability=0,
            max_liability=ctx.settings.max_liability,
            now=ctx.now,
        )
        if refusal is not None:
            raise Conflict(f"{selection.label} (market #{market.number}) isn't taking bets right now.")
        legs = await _slip_legs(session, ctx.member.id)
        if any(leg.selection.id == selection.id for leg in legs):
            raise Conflict(f"{selection.label} is already on your parlay slip.")
        if len(legs) >= ctx.settings.parlay_max_legs:
            raise Conflict(
                f"Your slip already has {len(legs)} legs, the most this league allows in a parlay."
            )
        await _check_own_matchup(session, ctx, market)
        insert = (postgresql if session.get_bind().dialect.name == "postgresql" else sqlite).insert(
            ParlayPick
        )
        await session.execute(
            insert.values(
                member_id=ctx.member.id, selection_id=selection.id, added_at=ctx.now
            ).on_conflict_do_nothing()
        )
        return await _view(session, ctx, await _slip_legs(session, ctx.member.id))


async def remove_leg(ctx: Context, position: int) -> SlipView:
    async with ctx.db.write() as session:
        legs = await _slip_legs(session, ctx.member.id)
        if not 1 <= position <= len(legs):
            if not legs:
                raise NotFound("Your parlay slip is empty. `parlay add <market> <side>` starts one.")
            raise NotFound(f"Your slip has legs 1 to {len(legs)}; there's no leg {position}.")
        gone = legs[position - 1].selection.id
        await session.execute(
            delete(ParlayPick).where(ParlayPick.member_id == ctx.member.id, ParlayPick.selection_id == gone)
        )
        return await _view(session, ctx, [leg for leg in legs if leg.selection.id != gone])


async def clear_slip(ctx: Context) -> int:
    async with ctx.db.write() as session:
        legs = await _slip_legs(session, ctx.member.id)
        await session.execute(delete(ParlayPick).where(ParlayPick.member_id == ctx.member.id))
        return len(legs)


async def show_slip(ctx: Context) -> SlipView:
    async with ctx.db.read() as session:
        return await _view(session, ctx, await _slip_legs(session, ctx.member.id))


async def _view(session: AsyncSession, ctx: Context, legs: list[SlipLeg]) -> SlipView:
    if len(legs) < pricing.MIN_LEGS:
        return SlipView(tuple(legs), None, None)
    try:
        price = await _price(session, ctx, legs)
    except pricing.ParlayError as error:
        return SlipView(tuple(legs), None, error.message)
    return SlipView(tuple(legs), price, None)


async def _check_own_matchup(session: AsyncSession, ctx: Context, market: Market) -> None:
    """Owners' bets on their own matchup carry a lineup snapshot, which only singles keep."""
    team_id = await session.scalar(select(Member.team_id).where(Member.id == ctx.member.id))
    if team_id is None or market.matchup_id is None:
        return
    matchup = await session.get(Matchup, market.matchup_id)
    if matchup is not None and team_id in (matchup.home_team_id, matchup.away_team_id):
        raise NotAllowed("Bets on your own matchup can't go in a parlay; bet them as singles with `bet`.")


# --- pricing ---------------------------------------------------------------------------


async def _price(session: AsyncSession, ctx: Context, legs: list[SlipLeg]) -> pricing.ParlayPrice:
    weeks = {leg.market.week_id for leg in legs}
    if len(weeks) > 1:
        raise pricing.ParlayError("Every leg of a parlay must be from the same week's board.")
    requests = [leg_request(leg.market, leg.selection) for leg in legs]
    pricing.check_legs(requests, ctx.settings.parlay_max_legs)
    counts: dict[str, list[SlipLeg]] = {}
    for leg in legs:
        counts.setdefault(event_of(leg.market), []).append(leg)
    latents: dict[str, pricing.EventLatents] = {}
    for event, members in counts.items():
        if len(members) < 2:
            continue
        market = members[0].market
        if market.matchup_id is None:
            latents[event] = pricing.NFL_GAME_LATENTS
            continue
        players = [leg.market.subject for leg in members if leg.market.kind == engine.MarketKind.PROP]
        latents[event] = await matchup_latents(session, ctx.league.id, market.matchup_id, players)
    return pricing.price_parlay(requests, latents, ctx.settings.parlay_max_legs)


async def matchup_latents(
    session: AsyncSession, league_id: int, matchup_id: int, players: list[str]
) -> pricing.EventLatents:
    """The matchup's joint model as its markets were priced: its starters and the league's k."""
    matchup = await session.get_one(Matchup, matchup_id)
    starters = (
        await session.scalars(select(Starter).where(Starter.matchup_id == matchup_id).order_by(Starter.id))
    ).all()
    home = [to_engine_starter(s) for s in starters if s.team_id == matchup.home_team_id]
    away = [to_engine_starter(s) for s in starters if s.team_id == matchup.away_team_id]
    k = await session.scalar(select(League.calibration_k).where(League.id == league_id)) or 1.0
    model = engine.build_matchup_model(home, away, k=k)
    return pricing.matchup_latents(model, home, away, players, k=k)


# --- quoting and confirming ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParlayQuote:
    slip: ParlaySlip
    price: pricing.ParlayPrice | None  # None for a repeated delivery of the same command

    @property
    def decimal(self) -> Fraction:
        return Fraction(self.slip.odds_num, self.slip.odds_den)

    @property
    def payout(self) -> int:
        return pricing.potential_payout(self.slip.stake, self.decimal)


async def quote_parlay(ctx: Context, stake_request: StakeRequest) -> ParlayQuote:
    """Price the member's slip at a stake: a numbered slip that holds for the quote's life."""
    key = keys.parlay_quote(ctx.invocation.interaction_id)
    async with ctx.db.write() as session:
        repeated = await session.scalar(
            select(ParlaySlip).where(ParlaySlip.league_id == ctx.league.id, ParlaySlip.idempotency_key == key)
        )
        if repeated is not None:  # the platform delivered the same command twice: the same slip
            return ParlayQuote(repeated, None)
        legs = await _slip_legs(session, ctx.member.id)
        if len(legs) < pricing.MIN_LEGS:
            raise InvalidInput(
                f"A parlay needs at least {pricing.MIN_LEGS} legs; your slip has {len(legs)}. "
                "`parlay add <market> <side>` adds one."
            )
        try:
            price = await _price(session, ctx, legs)
        except pricing.ParlayError as error:
            raise Conflict(error.message) from error
        balance = await session.scalar(select(Member.balance).where(Member.id == ctx.member.id)) or 0
        stake = stake_request.resolve(balance, ctx.settings.max_stake)
        try:
            engine.check_stake(stake, balance, limits_for(ctx))
        except engine.LimitError as error:
            raise Conflict(error.message) from error
        payout = pricing.potential_payout(stake, price.decimal)
        cap = ctx.settings.parlay_max_payout
        if payout > cap:
            most = cap * price.decimal.denominator // price.decimal.numerator
            raise Conflict(
                f"That parlay would return {credits(payout)}; the most one parlay may return here is "
                f"{credits(cap)}. Stake {credits(most)} or less."
            )
        liability = payout - stake
        for leg in legs:
            refusal = await side_refusal(
                session,
                selection_id=leg.selection.id,
                liability=liability,
                max_liability=ctx.settings.max_liability,
                now=ctx.now,
            )
            if refusal is not None:
                raise Conflict(_side_words(refusal, leg.selection.label))
        slip = ParlaySlip(
            league_id=ctx.league.id,
            number=await numbering.reserve(session, ctx.league.id, numbering.Counter.BETS),
            member_id=ctx.member.id,
            week_id=legs[0].market.week_id,
            stake=stake,
            odds_num=price.decimal.numerator,
            odds_den=price.decimal.denominator,
            fair_p=price.fair_p,
            liability=liability,
            legs=[_leg_json(leg, priced) for leg, priced in zip(legs, price.legs, strict=True)],
            idempotency_key=key,
            status=QuoteStatus.PENDING,
            created_at=ctx.now,
            expires_at=ctx.now + timedelta(seconds=ctx.settings.quote_ttl_seconds),
        )
        session.add(slip)
        await session.flush()
        return ParlayQuote(slip, price)


def _leg_json(leg: SlipLeg, priced: pricing.PricedLeg) -> dict[str, Any]:
    return {
        "market_id": leg.market.id,
        "market_number": leg.market.number,
        "selection_id": leg.selection.id,
        "event": priced.event,
        "kind": leg.market.kind,
        "subject": leg.market.subject or None,
        "side": leg.selection.side,
        "line": leg.market.line,
        "odds": leg.selection.odds,
        "fair_p": leg.selection.fair_p,
        "loading": list(priced.loading),
        "z": priced.z,
        "label": leg.selection.label,
    }


def _side_words(refusal: str, label: str) -> str:
    match refusal:
        case "paused":
            return "Betting is paused by the commissioner right now. Try again later."
        case "market_closed":
            return f"{label} has locked or closed; remove it with `parlay remove`."
        case "not_offered":
            return f"{label} is no longer offered; remove it with `parlay remove`."
        case "liability":
            return f"The book has taken all it can on {label} this week; try a smaller stake or another leg."
    return f"{label} can't take this parlay right now."


async def confirm_parlay(ctx: Context, slip: int) -> ParlayPlaced:
    """Place slip #`slip`; a repeated confirmation finds the parlay it already placed."""
    try:
        async with ctx.db.write() as session:
            return await place_parlay(
                session,
                league_id=ctx.league.id,
                member_id=ctx.member.id,
                slip=slip,
                now=ctx.now,
                max_liability=ctx.settings.max_liability,
            )
    except ParlayRefused as refused:
        raise await _explain(ctx, refused) from refused


async def _explain(ctx: Context, refused: ParlayRefused) -> Conflict | NotFound | NotAllowed:
    match refused.reason:
        case "no_slip":
            return NotFound("You have no parlay slip with that number. `parlay bet <stake>` makes one.")
        case "not_pending":
            return Conflict(
                "That parlay slip was already used or dropped. `parlay bet <stake>` makes a new one."
            )
        case "expired":
            return Conflict("That parlay slip expired; prices move. `parlay bet <stake>` quotes it again.")
        case "balance":
            async with ctx.db.read() as session:
                balance = await session.scalar(select(Member.balance).where(Member.id == ctx.member.id)) or 0
            return Conflict(f"You have {credits(balance)}; that parlay needs more.")
        case "paused":
            return NotAllowed("Betting is paused by the commissioner right now. Try again later.")
    label = "One of the legs"
    if refused.selection_id is not None:
        async with ctx.db.read() as session:
            label = (
                await session.scalar(select(Selection.label).where(Selection.id == refused.selection_id))
                or label
            )
    return Conflict(_side_words(refused.reason, label))


async def member_parlays(ctx: Context, *, limit: int = 20) -> list[Parlay]:
    async with ctx.db.read() as session:
        return list(
            (
                await session.scalars(
                    select(Parlay)
                    .where(Parlay.league_id == ctx.league.id, Parlay.member_id == ctx.member.id)
                    .order_by(Parlay.id.desc())
                    .limit(limit)
                )
            ).all()
        )


async def count_open(session: AsyncSession, league_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count(Parlay.id)).where(Parlay.league_id == league_id, Parlay.status == "open")
        )
        or 0
    )
