"""Popular picks: how the league's bets split across each market's sides.

Shown on the boards when a league turns `popular_picks` on: for each side, its share of the
market's bets by count and by credits staked. Voided bets are left out (they were never
action); everything else counts, open or settled, so the split does not jump at settlement.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Bet
from storage.statuses import BetStatus


async def pick_shares(session: AsyncSession, market_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Selection id -> (bets, credits staked) over the markets' bets, in one grouped read."""
    if not market_ids:
        return {}
    rows = await session.execute(
        select(Bet.selection_id, func.count(Bet.id), func.sum(Bet.stake))
        .where(Bet.market_id.in_(list(market_ids)), Bet.status != BetStatus.VOID)
        .group_by(Bet.selection_id)
    )
    return {selection_id: (int(count), int(staked or 0)) for selection_id, count, staked in rows}


def shares(sides: Sequence[int], picks: dict[int, tuple[int, int]]) -> dict[int, tuple[float, float]] | None:
    """Each side's (share of bets, share of credits) in its market; None with no bets yet."""
    count = sum(picks.get(side, (0, 0))[0] for side in sides)
    staked = sum(picks.get(side, (0, 0))[1] for side in sides)
    if count == 0:
        return None
    return {
        side: (picks.get(side, (0, 0))[0] / count, picks.get(side, (0, 0))[1] / staked if staked else 0.0)
        for side in sides
    }
