"""Grading and paying parlays, as soon as each one's outcome is certain, and re-grading them.

A leg's outcome is known once its market is settled or void, or (early) once its NFL game
is final. engine.parlay.grade_parlay decides the parlay: one lost leg loses it at once;
pushed and void legs drop out and the odds are recomputed from the rest. Exactly-once
like singles: a parlay leaves `open` by a conditional UPDATE, and its payout's ledger entry
has a dedupe key per parlay (storage.keys.parlay_settle), so a rerun or a second process
pays nothing twice. A stat correction re-grades settled parlays of the week, each change a
correction entry keyed by the parlay's n-th correction (a clawback never overdraws: the
shortfall is recorded, as for singles).

Lock order: this runs after singles' settlement in the same transaction (markets, bets,
selections, members), and takes parlays (FOR UPDATE on PostgreSQL) then selections then
members, the order placement uses for selections and members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.services.settlement import Correction, _result_of, _week_points
from engine import parlay as pricing
from storage import keys
from storage.database import Database
from storage.ledger import post_clawback, post_entry
from storage.models import LedgerEntry, Market, Matchup, NflGame
from storage.parlay_models import Parlay, ParlayLeg
from storage.statuses import BetStatus, MarketStatus

_RELEASE = text(
    "UPDATE selections SET liability = CASE WHEN liability > :amount THEN liability - :amount ELSE 0 END"
    " WHERE id = :selection_id"
)


@dataclass(slots=True)
class ParlaySettled:
    parlays: int = 0
    staked: int = 0
    paid: int = 0


def priced_legs(legs: Sequence[ParlayLeg]) -> list[pricing.PricedLeg]:
    """The legs as engine.parlay re-prices them: their stored loadings and thresholds."""
    return [
        pricing.PricedLeg(
            pricing.LegRequest(
                leg.event,
                leg.market_id,
                engine.MarketKind(leg.kind),
                leg.subject or None,
                leg.line,
                leg.side,
                leg.fair_p,
                leg.odds,
                leg.label,
            ),
            tuple(leg.loading),
            leg.z,
        )
        for leg in legs
    ]


async def _outcomes(
    session: AsyncSession, week_id: int, legs: Sequence[ParlayLeg], *, early: bool
) -> dict[int, engine.Outcome | None]:
    """Each leg's outcome by leg id, None where not known yet."""
    markets = {
        m.id: m
        for m in (
            await session.scalars(select(Market).where(Market.id.in_({leg.market_id for leg in legs})))
        ).all()
    }
    matchup_ids = {m.matchup_id for m in markets.values() if m.matchup_id is not None}
    matchups = {
        m.id: m for m in (await session.scalars(select(Matchup).where(Matchup.id.in_(matchup_ids)))).all()
    }
    games = {
        g.id: g for g in (await session.scalars(select(NflGame).where(NflGame.week_id == week_id))).all()
    }
    points = (
        await _week_points(session, list(matchup_ids))
        if any(leg.kind == engine.MarketKind.PROP for leg in legs)
        else {}
    )
    out: dict[int, engine.Outcome | None] = {}
    for leg in legs:
        market = markets[leg.market_id]
        if market.status == MarketStatus.VOID:
            out[leg.id] = engine.Outcome.VOID
            continue
        known = market.status == MarketStatus.SETTLED
        if not known and early and market.game_id is not None:
            game = games.get(market.game_id)
            known = game is not None and game.completed and game.state == "post"
        if not known:
            out[leg.id] = None
            continue
        result = _result_of(market, matchups, games, points)
        out[leg.id] = engine.grade(
            engine.MarketKind(leg.kind), leg.side, leg.line, leg.subject or None, result
        )
    return out


async def _parlays_with_legs(
    session: AsyncSession, week_id: int, statuses: Sequence[BetStatus]
) -> list[tuple[Parlay, list[ParlayLeg]]]:
    parlays = (
        await session.scalars(
            select(Parlay)
            .where(Parlay.week_id == week_id, Parlay.status.in_(statuses))
            .order_by(Parlay.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    if not parlays:
        return []
    legs: dict[int, list[ParlayLeg]] = {}
    for leg in (
        await session.scalars(
            select(ParlayLeg)
            .where(ParlayLeg.parlay_id.in_([p.id for p in parlays]))
            .order_by(ParlayLeg.parlay_id, ParlayLeg.position)
        )
    ).all():
        legs.setdefault(leg.parlay_id, []).append(leg)
    return [(p, legs.get(p.id, [])) for p in parlays]


async def settle_parlays(
    session: AsyncSession, week_id: int, now: datetime, *, early: bool = True
) -> ParlaySettled:
    """Settle every open parlay of the week whose outcome is now certain, in the caller's txn."""
    summary = ParlaySettled()
    rows = await _parlays_with_legs(session, week_id, (BetStatus.OPEN,))
    if not rows:
        return summary
    outcomes = await _outcomes(session, week_id, [leg for _, legs in rows for leg in legs], early=early)
    for parlay, legs in rows:
        leg_outcomes = [outcomes[leg.id] for leg in legs]
        for leg, outcome in zip(legs, leg_outcomes, strict=True):
            leg.outcome = None if outcome is None else outcome.value
        graded = pricing.grade_parlay(
            parlay.stake, Fraction(parlay.odds_num, parlay.odds_den), priced_legs(legs), leg_outcomes
        )
        if graded.outcome is None:
            continue
        moved = await session.execute(
            update(Parlay)
            .where(Parlay.id == parlay.id, Parlay.status == BetStatus.OPEN)
            .values(status=BetStatus(graded.outcome.value), payout=graded.payout, settled_at=now)
            .execution_options(synchronize_session=False)
        )
        if moved.rowcount == 0:  # type: ignore[attr-defined]
            continue  # settled by someone else a moment ago
        for selection_id in sorted({leg.selection_id for leg in legs}):
            await session.execute(_RELEASE, {"amount": parlay.liability, "selection_id": selection_id})
        if graded.payout:
            await post_entry(
                session,
                league_id=parlay.league_id,
                member_id=parlay.member_id,
                kind="payout" if graded.outcome is engine.Outcome.WON else "refund",
                amount=graded.payout,
                dedupe_key=keys.parlay_settle(parlay.id),
                now=now,
                week_id=week_id,
                memo=f"parlay #{parlay.number} {graded.outcome.value}",
            )
        summary.parlays += 1
        summary.staked += parlay.stake
        summary.paid += graded.payout
    await session.flush()
    return summary


_ANY_OPEN_PARLAY = "SELECT 1 FROM parlays WHERE league_id = :league_id AND status = :status LIMIT 1"


async def settle_parlays_early(db: Database, league_id: int, now: datetime) -> int:
    """Settle open parlays decided before their week ends (a lost leg on a finished NFL game)."""
    # Most syncs find none: one read on the row reader (no session, no write transaction).
    params = {"league_id": league_id, "status": BetStatus.OPEN.value}
    if await db.row_reader.fetchone(_ANY_OPEN_PARLAY, params) is None:
        return 0
    open_weeks = (
        select(Parlay.week_id)
        .where(Parlay.league_id == league_id, Parlay.status == BetStatus.OPEN)
        .distinct()
    )
    async with db.write() as session:
        weeks = (await session.scalars(open_weeks)).all()
        settled = 0
        for week_id in sorted(weeks):
            settled += (await settle_parlays(session, week_id, now)).parlays
        return settled


async def regrade_parlays(session: AsyncSession, week_id: int, now: datetime) -> list[Correction]:
    """Re-grade the week's settled parlays from current scores; each change a correction."""
    rows = await _parlays_with_legs(
        session, week_id, (BetStatus.WON, BetStatus.LOST, BetStatus.PUSH, BetStatus.VOID)
    )
    if not rows:
        return []
    outcomes = await _outcomes(session, week_id, [leg for _, legs in rows for leg in legs], early=True)
    changes: list[Correction] = []
    for parlay, legs in rows:
        if parlay.void_reason is not None:
            continue
        leg_outcomes = [outcomes[leg.id] for leg in legs]
        graded = pricing.grade_parlay(
            parlay.stake, Fraction(parlay.odds_num, parlay.odds_den), priced_legs(legs), leg_outcomes
        )
        # Each leg's grade follows the scores even when the parlay's result stands (a
        # corrected leg of a lost parlay): `history` and the export show the legs' grades.
        if graded.outcome is None:
            continue
        for leg, outcome in zip(legs, leg_outcomes, strict=True):
            leg.outcome = None if outcome is None else outcome.value
        if graded.outcome.value == parlay.status and graded.payout == parlay.payout:
            continue
        held = int(
            await session.scalar(
                select(func.coalesce(func.sum(LedgerEntry.amount), 0)).where(
                    LedgerEntry.member_id == parlay.member_id,
                    LedgerEntry.dedupe_key.in_(
                        [keys.parlay_stake(parlay.id), keys.parlay_settle(parlay.id)]
                        + [keys.parlay_regrade(parlay.id, n) for n in range(1, parlay.corrections + 1)]
                    ),
                )
            )
            or 0
        )
        owed = graded.payout - parlay.stake
        number = parlay.corrections + 1
        back = await post_clawback(
            session,
            league_id=parlay.league_id,
            member_id=parlay.member_id,
            amount=owed - held,
            dedupe_key=keys.parlay_regrade(parlay.id, number),
            bet_id=None,
            week_id=week_id,
            memo=f"stat correction: parlay #{parlay.number} {parlay.status} -> {graded.outcome.value}",
            now=now,
        )
        was = parlay.status
        parlay.status, parlay.payout, parlay.settled_at = BetStatus(graded.outcome.value), graded.payout, now
        parlay.corrections = number
        parlay.shortfall = held + back.moved - owed
        changes.append(
            Correction(
                -parlay.id,
                parlay.number,
                parlay.member_id,
                f"Parlay #{parlay.number} ({len(legs)} legs)",
                was,
                graded.outcome.value,
                back.moved,
                back.shortfall,
                number,
            )
        )
    await session.flush()
    return changes
