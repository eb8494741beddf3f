"""Pools: a league with more members than `pool_size` bets in several smaller leaderboards.

The members are shuffled into balanced pools in the transaction that opens a week, with the
seed kept on the week (Week.pool_seed) so the draw can be re-run and checked with
engine.pools.draw_pools. A member who joins after the draw goes into the smallest pool.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from engine.pools import draw_pools, pool_for_newcomer
from storage.models import PoolAssignment, Week


async def draw_week_pools(
    session: AsyncSession, week: Week, member_ids: list[int], pool_size: int
) -> dict[int, int]:
    """Shuffle the members into pools for this week when there are more than `pool_size`.

    Returns the assignment (empty when one pool holds everyone). The seed is stored on the
    week, and a week that already has one keeps it.
    """
    if week.pool_seed is not None or len(member_ids) <= pool_size:
        return {}
    seed = secrets.randbits(62)
    assignment = draw_pools(member_ids, pool_size, seed)
    week.pool_seed = seed
    session.add_all(PoolAssignment(week_id=week.id, member_id=m, pool=p) for m, p in assignment.items())
    await session.flush()
    return assignment


async def week_pools(session: AsyncSession, week_id: int) -> dict[int, int]:
    """Member id -> pool for a week (empty when the week has no pools)."""
    rows = await session.execute(
        select(PoolAssignment.member_id, PoolAssignment.pool).where(PoolAssignment.week_id == week_id)
    )
    return {member_id: pool for member_id, pool in rows.all()}


async def place_newcomer(session: AsyncSession, week: Week, member_id: int) -> int | None:
    """Put a member who joined after the draw into the week's smallest pool (None: no pools)."""
    if week.pool_seed is None:
        return None
    assignments = await week_pools(session, week.id)
    if member_id in assignments:
        return assignments[member_id]
    pool = pool_for_newcomer(assignments)
    session.add(PoolAssignment(week_id=week.id, member_id=member_id, pool=pool))
    await session.flush()
    return pool


@dataclass(frozen=True, slots=True)
class PoolView:
    """A member's pool: its number, how many pools there are, who is in it, for which week."""

    pool: int
    pools: int
    member_ids: frozenset[int]
    matchup_period: int


async def latest_pool(session: AsyncSession, league_id: int, member_id: int) -> PoolView | None:
    """The member's pool in the newest week that drew pools (None if they have never had one).

    The newest such week, not simply the newest week: between a week settling and the next
    one opening, the leaderboard still shows the pool the member just played in.
    """
    row = (
        await session.execute(
            select(Week.id, Week.matchup_period)
            .join(PoolAssignment, PoolAssignment.week_id == Week.id)
            .where(Week.league_id == league_id, PoolAssignment.member_id == member_id)
            .order_by(Week.season.desc(), Week.matchup_period.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    week_id, period = row
    assignments = await week_pools(session, week_id)
    pool = assignments[member_id]
    return PoolView(
        pool=pool,
        pools=len(set(assignments.values())),
        member_ids=frozenset(m for m, p in assignments.items() if p == pool),
        matchup_period=period,
    )
