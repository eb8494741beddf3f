"""Parlays as rows of the league's reports (the export's bets file), beside singles.

A parlay is one row of bets.csv under its own number, its market column "parlay (n legs)"
and its pick every leg with its market number; its odds are the American reading of its
exact decimal odds, rounded in the house's favour (the payout column is exact).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from engine.parlay import decimal_to_display
from storage.models import Market, Member
from storage.parlay_models import Parlay, ParlayLeg


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
    legs: dict[int, list[str]] = {}
    for leg, number in (
        await session.execute(
            select(ParlayLeg, Market.number)
            .join(Market, Market.id == ParlayLeg.market_id)
            .where(ParlayLeg.parlay_id.in_([p.id for p in parlays]))
            .order_by(ParlayLeg.parlay_id, ParlayLeg.position)
        )
    ).all():
        outcome = f" [{leg.outcome}]" if leg.outcome else ""
        legs.setdefault(leg.parlay_id, []).append(f"#{number} {leg.label}{outcome}")
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
