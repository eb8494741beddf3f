"""Parlays as rows of the league's reports (the export's bets file, and a member's
`mybets`, `history` and `stats`), beside singles.

A parlay is one row of bets.csv under its own number, its market column "parlay (n legs)"
and its pick every leg with its market number; its odds are the American reading of its
exact decimal odds, rounded in the house's favour (the payout column is exact).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.services.closing import closing_prices
from commands.services.parlay_settlement import priced_legs
from engine.bettor_stats import PARLAY, BetLine
from engine.odds import decimal_to_american
from engine.parlay import closing_fair_p, decimal_to_display
from storage.models import Market, Member, Selection
from storage.parlay_models import Parlay, ParlayLeg
from storage.statuses import BetStatus


async def leg_texts(session: AsyncSession, parlay_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each parlay's legs in short form, "#12 Under 225.5 [push]", in leg order, by parlay id.

    One query whatever the number of parlays; the export, `mybets` and `history` all say
    a leg this way, so a member can match a line of one to the others. The grade appears
    once known.
    """
    legs: dict[int, list[str]] = {}
    if not parlay_ids:
        return legs
    for leg, number in (
        await session.execute(
            select(ParlayLeg, Market.number)
            .join(Market, Market.id == ParlayLeg.market_id)
            .where(ParlayLeg.parlay_id.in_(parlay_ids))
            .order_by(ParlayLeg.parlay_id, ParlayLeg.position)
        )
    ).all():
        outcome = f" [{leg.outcome}]" if leg.outcome else ""
        legs.setdefault(leg.parlay_id, []).append(f"#{number} {leg.label}{outcome}")
    return legs


def legs_summary(legs: Sequence[str]) -> str:
    """A parlay as one pick of a bet list: "Parlay (2 legs): #12 GG + #15 Over 225.5"."""
    return f"Parlay ({len(legs)} legs): {' + '.join(legs)}"


async def open_parlays(session: AsyncSession, member_id: int) -> list[tuple[Parlay, str]]:
    """The member's open parlays for `mybets`, newest first, each with its legs said."""
    parlays = (
        await session.scalars(
            select(Parlay)
            .where(Parlay.member_id == member_id, Parlay.status == BetStatus.OPEN)
            .order_by(Parlay.id.desc())
        )
    ).all()
    said = await leg_texts(session, [p.id for p in parlays])
    return [(p, legs_summary(said.get(p.id, []))) for p in parlays]


async def parlay_stat_lines(
    session: AsyncSession, member_id: int, now: datetime
) -> tuple[list[BetLine], list[BetLine]]:
    """The member's parlays as engine.bettor_stats lines: one per parlay, and one per leg.

    A parlay's closing probability is known once every leg's market has locked; it is
    engine.parlay.closing_fair_p, which prices legs of one matchup jointly as the quote did.
    A leg's line carries its parlay's stake and status (the leg was bet with that money and
    stands or falls with it); void legs, and legs of void or cancelled parlays, have no
    line, as a void single has no CLV.
    """
    parlays = (await session.scalars(select(Parlay).where(Parlay.member_id == member_id))).all()
    if not parlays:
        return [], []
    rows = (
        await session.execute(
            select(ParlayLeg, Market.lock_at)
            .join(Market, Market.id == ParlayLeg.market_id)
            .where(ParlayLeg.parlay_id.in_([p.id for p in parlays]))
            .order_by(ParlayLeg.parlay_id, ParlayLeg.position)
        )
    ).all()
    legs: dict[int, list[ParlayLeg]] = {}
    for leg, _lock in rows:
        legs.setdefault(leg.parlay_id, []).append(leg)
    closed = [leg.selection_id for leg, lock_at in rows if lock_at <= now]
    closing = await closing_prices(session, Selection.id.in_(closed)) if closed else {}
    lines: list[BetLine] = []
    leg_lines: list[BetLine] = []
    for p in parlays:
        own = legs.get(p.id, [])
        ps = [closing[leg.selection_id].fair_p for leg in own if leg.selection_id in closing]
        decimal = Fraction(p.odds_num, p.odds_den)
        lines.append(
            BetLine(
                kind=PARLAY,
                status=p.status,
                stake=p.stake,
                payout=p.payout,
                odds=decimal_to_american(float(decimal)),
                closing_p=closing_fair_p(priced_legs(own), ps) if own and len(ps) == len(own) else None,
                exact=decimal,
            )
        )
        if p.status in (BetStatus.VOID, BetStatus.CANCELLED):
            continue
        leg_lines.extend(
            BetLine(
                kind=leg.kind,
                status=p.status,
                stake=p.stake,
                payout=None,
                odds=leg.odds,
                closing_p=closing[leg.selection_id].fair_p if leg.selection_id in closing else None,
            )
            for leg in own
            if leg.outcome != BetStatus.VOID
        )
    return lines, leg_lines


async def parlay_export_rows(
    session: AsyncSession,
    league_id: int,
    members: Mapping[int, Member],
    weeks: Mapping[int, tuple[object, object]],
    text: Callable[[str | None], str],
    time: Callable[[datetime | None], str],
) -> list[tuple[object, ...]]:
    """bets.csv rows (export.BET_COLUMNS) for every parlay of the league, in number order."""
    parlays = (
        await session.scalars(select(Parlay).where(Parlay.league_id == league_id).order_by(Parlay.id))
    ).all()
    if not parlays:
        return []
    legs = await leg_texts(session, [p.id for p in parlays])
    rows: list[tuple[object, ...]] = []
    for p in parlays:
        member = members[p.member_id]
        picks = legs.get(p.id, [])
        rows.append(
            (
                p.number,
                time(p.placed_at),
                *weeks.get(p.week_id, ("", "")),
                text(member.display_name),
                text(member.user_id),
                "",
                f"parlay ({len(picks)} legs)",
                text(" + ".join(picks)),
                "",
                decimal_to_display(Fraction(p.odds_num, p.odds_den)),
                round(p.fair_p, 6),
                p.stake,
                p.status,
                "" if p.payout is None else p.payout,
                p.shortfall,
                time(p.settled_at),
                text(p.void_reason),
            )
        )
    return rows


async def best_parlay(session: AsyncSession, week_id: int) -> str | None:
    """The week's biggest winning parlay, for the recap: who, how many legs, what it paid."""
    row = (
        await session.execute(
            select(Parlay, Member.display_name)
            .join(Member, Member.id == Parlay.member_id)
            .where(Parlay.week_id == week_id, Parlay.status == "won")
            .order_by((Parlay.payout - Parlay.stake).desc(), Parlay.id)
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    parlay, name = row
    legs = await session.scalar(select(func.count(ParlayLeg.id)).where(ParlayLeg.parlay_id == parlay.id))
    odds = decimal_to_display(Fraction(parlay.odds_num, parlay.odds_den))
    return (
        f"{name}'s {legs}-leg parlay #{parlay.number} at {odds} turned {parlay.stake:,} credits "
        f"into {parlay.payout or 0:,}."
    )
