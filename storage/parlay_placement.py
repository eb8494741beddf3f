"""Placing a parlay: one transaction of conditional writes, so the database decides.

The slip is claimed by a conditional UPDATE (it must be the member's, pending and not
expired); each leg's side takes the parlay's liability by a conditional UPDATE whose WHERE
is the singles' own side rules (storage.bet_rules: not paused, the market open and before
its lock, the side offered, the side's liability plus this one within the cap); the stake
is debited through storage.ledger, whose UPDATE requires the balance to cover it. Any
refusal raises ParlayRefused and the caller's transaction rolls back, leaving nothing
half-written. Nothing here is decided from a value read earlier.

A parlay counts against the liability of every side it has a leg on (its full potential
winnings on each), the conservative reading of "liability per market counting parlay
exposure": whichever leg is the last to win, the house pays the whole amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import TextClause, bindparam, delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage import keys, row_sets
from storage.bet_rules import NAMED, SIDE_RULES, Refusal, all_of
from storage.ledger import InsufficientBalance, post_entry
from storage.parlay_models import Parlay, ParlayLeg, ParlayPick, ParlaySlip
from storage.placement import side_refusal
from storage.statuses import BetStatus, QuoteStatus
from storage.types import UTCDateTime


class ParlayRefused(Exception):
    def __init__(self, reason: Refusal, selection_id: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.selection_id = selection_id


@dataclass(frozen=True, slots=True)
class ParlayPlaced:
    parlay: Parlay
    already: bool  # the slip had been placed before (a repeated click)


_CLAIM = text(
    """
UPDATE parlay_slips SET status = 'placed'
WHERE league_id = :league_id AND number = :slip AND member_id = :member_id
  AND status = 'pending' AND expires_at > :now
RETURNING id
"""
).bindparams(bindparam("now", type_=UTCDateTime()))


def _take_side(dialect: str) -> TextClause:
    values = dict(NAMED) | {"share": " FOR KEY SHARE" if dialect == "postgresql" else ""}
    return text(
        "UPDATE selections SET liability = liability + :liability "
        f"WHERE selections.id = :selection_id AND {all_of(SIDE_RULES, values)}"
    ).bindparams(bindparam("now", type_=UTCDateTime()))


async def place_parlay(
    session: AsyncSession,
    *,
    league_id: int,
    member_id: int,
    slip: int,
    now: datetime,
    max_liability: int,
) -> ParlayPlaced:
    """Turn the member's slip #`slip` into a parlay, or raise ParlayRefused (roll back then)."""
    claimed = await session.scalar(
        _CLAIM, {"league_id": league_id, "slip": slip, "member_id": member_id, "now": now}
    )
    if claimed is None:
        return await _not_claimed(session, league_id, member_id, slip, now)
    slip_row = await session.get_one(ParlaySlip, int(claimed), populate_existing=True)
    take = _take_side(session.get_bind().dialect.name)
    # Sides in id order: two parlays sharing legs queue on PostgreSQL rather than deadlock.
    for leg in sorted(slip_row.legs, key=lambda leg: int(leg["selection_id"])):
        params: dict[str, Any] = {
            "selection_id": leg["selection_id"],
            "liability": slip_row.liability,
            "max_liability": max_liability,
            "now": now,
        }
        if row_sets.rows_changed(await session.execute(take, params)) == 0:
            reason = await side_refusal(
                session,
                selection_id=int(leg["selection_id"]),
                liability=slip_row.liability,
                max_liability=max_liability,
                now=now,
            )
            raise ParlayRefused(reason or "liability", int(leg["selection_id"]))
    parlay = Parlay(
        league_id=league_id,
        number=slip_row.number,
        slip_id=slip_row.id,
        member_id=member_id,
        week_id=slip_row.week_id,
        stake=slip_row.stake,
        odds_num=slip_row.odds_num,
        odds_den=slip_row.odds_den,
        fair_p=slip_row.fair_p,
        liability=slip_row.liability,
        status=BetStatus.OPEN,
        placed_at=now,
    )
    session.add(parlay)
    await session.flush()
    session.add_all(
        ParlayLeg(
            parlay_id=parlay.id,
            position=position,
            market_id=leg["market_id"],
            selection_id=leg["selection_id"],
            event=leg["event"],
            kind=leg["kind"],
            subject=leg["subject"] or "",
            side=leg["side"],
            line=leg["line"],
            odds=leg["odds"],
            fair_p=leg["fair_p"],
            loading=leg["loading"],
            z=leg["z"],
            label=leg["label"],
        )
        for position, leg in enumerate(slip_row.legs, start=1)
    )
    try:
        await post_entry(
            session,
            league_id=league_id,
            member_id=member_id,
            kind="stake",
            amount=-slip_row.stake,
            dedupe_key=keys.parlay_stake(parlay.id),
            now=now,
            week_id=slip_row.week_id,
            memo=f"parlay #{parlay.number}",
        )
    except InsufficientBalance as short:
        raise ParlayRefused("balance") from short
    await session.execute(delete(ParlayPick).where(ParlayPick.member_id == member_id))  # the slip is spent
    await session.flush()
    return ParlayPlaced(parlay, already=False)


async def _not_claimed(
    session: AsyncSession, league_id: int, member_id: int, slip: int, now: datetime
) -> ParlayPlaced:
    row = await session.scalar(
        select(ParlaySlip).where(ParlaySlip.league_id == league_id, ParlaySlip.number == slip)
    )
    if row is None or row.member_id != member_id:
        raise ParlayRefused("no_slip")
    if row.status == QuoteStatus.PLACED:
        parlay = await session.scalar(select(Parlay).where(Parlay.slip_id == row.id))
        if parlay is not None:
            return ParlayPlaced(parlay, already=True)
    if row.status != QuoteStatus.PENDING:
        raise ParlayRefused("not_pending")
    raise ParlayRefused("expired")
