"""Leaderboards and a member's own numbers, computed from the ledger and bets.

The score a leaderboard ranks by is the same in both bankroll modes: the member's betting
result (stakes, payouts, refunds and corrections, with stakes still riding counted back in)
minus every credit they rebought. In carry-over mode that is the season's net betting
result; in weekly-reset mode, where each week starts at the allowance, it is the sum of
the weekly profits, because every betting entry belongs to exactly one week. Allowances,
resets and commissioner adjustments are not betting, so they never move a score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.services.pools import PoolView, latest_pool
from commands.services.tenancy import current_week
from storage.database import Database
from storage.models import Bet, LedgerEntry, Member, Week
from storage.statuses import BetStatus

BETTING_KINDS = ("stake", "payout", "refund", "correction")


@dataclass(frozen=True, slots=True)
class Standing:
    member_id: int
    name: str
    balance: int
    net: int  # betting result; open stakes are not a loss yet
    won: int
    lost: int
    pushed: int
    open_stake: int
    rebuys: int = 0  # credits rebought in the period: the penalty

    @property
    def score(self) -> int:
        """What the leaderboard ranks by: the betting result less the rebuy penalty."""
        return self.net - self.rebuys


async def standings(
    session: AsyncSession,
    league_id: int,
    week_id: int | None = None,
    *,
    member_ids: Collection[int] | None = None,
    season: int | None = None,
    through_period: int | None = None,
) -> list[Standing]:
    """Members ranked by score, best first: one week's when `week_id` is given, else one
    `season`'s (up to and including matchup period `through_period`, if given: a week's
    recap shows the season as it stood that week), else the league's whole history.

    `member_ids` restricts the table to those members (a pool's leaderboard); their scores
    are the same as on the whole league's table. Ties rank by balance, then by name.
    """
    # A pool's table, or one member's line (balance): only their rows are read and summed,
    # not the whole league's to throw most of it away.
    members_query = select(Member).where(Member.league_id == league_id)
    if member_ids is not None:
        members_query = members_query.where(Member.id.in_(list(member_ids)))
    members = (await session.scalars(members_query)).all()
    net_query = (
        select(LedgerEntry.member_id, func.coalesce(func.sum(LedgerEntry.amount), 0))
        .where(LedgerEntry.league_id == league_id, LedgerEntry.kind.in_(BETTING_KINDS))
        .group_by(LedgerEntry.member_id)
    )
    bet_query = (
        select(Bet.member_id, Bet.status, func.count(), func.coalesce(func.sum(Bet.stake), 0))
        .where(Bet.league_id == league_id)
        .group_by(Bet.member_id, Bet.status)
    )
    if member_ids is not None:
        net_query = net_query.where(LedgerEntry.member_id.in_(list(member_ids)))
        bet_query = bet_query.where(Bet.member_id.in_(list(member_ids)))
    if week_id is not None:
        net_query = net_query.where(LedgerEntry.week_id == week_id)
        bet_query = bet_query.where(Bet.week_id == week_id)
    elif season is not None:
        weeks = season_weeks(league_id, season, through_period)
        net_query = net_query.where(LedgerEntry.week_id.in_(weeks))
        bet_query = bet_query.where(Bet.week_id.in_(weeks))
    net = {member_id: total for member_id, total in (await session.execute(net_query)).all()}
    rebought = await rebuy_totals(
        session, league_id, week_id, season=season, through_period=through_period, member_ids=member_ids
    )
    counts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for member_id, status, count, staked in (await session.execute(bet_query)).all():
        counts[member_id][status] = (count, staked)
    rows = []
    for m in members:
        c = counts[m.id]
        open_stake = c.get(BetStatus.OPEN, (0, 0))[1]
        rows.append(
            Standing(
                member_id=m.id,
                name=m.display_name,
                balance=m.balance,
                # open stakes are not a loss yet: count them back in
                net=net.get(m.id, 0) + open_stake,
                won=c.get(BetStatus.WON, (0, 0))[0],
                lost=c.get(BetStatus.LOST, (0, 0))[0],
                pushed=c.get(BetStatus.PUSH, (0, 0))[0],
                open_stake=open_stake,
                rebuys=rebought.get(m.id, 0),
            )
        )
    rows.sort(key=lambda s: (-s.score, -s.balance, s.name.lower()))
    return rows


def season_weeks(league_id: int, season: int, through_period: int | None = None) -> Select[int]:
    """The ids of one season's weeks (up to `through_period`), as a subquery: last season's
    bets never count in this one's."""
    query = select(Week.id).where(Week.league_id == league_id, Week.season == season)
    if through_period is not None:
        query = query.where(Week.matchup_period <= through_period)
    return query


async def rebuy_totals(
    session: AsyncSession,
    league_id: int,
    week_id: int | None = None,
    *,
    season: int | None = None,
    through_period: int | None = None,
    member_ids: Collection[int] | None = None,
) -> dict[int, int]:
    """Credits each member (of `member_ids`, if given) has rebought, in one week, one season
    or the league's whole history."""
    query = (
        select(LedgerEntry.member_id, func.sum(LedgerEntry.amount))
        .where(LedgerEntry.league_id == league_id, LedgerEntry.kind == "rebuy")
        .group_by(LedgerEntry.member_id)
    )
    if member_ids is not None:
        query = query.where(LedgerEntry.member_id.in_(list(member_ids)))
    if week_id is not None:
        query = query.where(LedgerEntry.week_id == week_id)
    elif season is not None:
        query = query.where(LedgerEntry.week_id.in_(season_weeks(league_id, season, through_period)))
    return {member_id: int(total) for member_id, total in (await session.execute(query)).all()}


@dataclass(frozen=True, slots=True)
class Leaderboard:
    """The table a member sees: their pool's, when the league is split into pools."""

    pool: PoolView | None
    week: Week | None  # the week shown; None for the season's table, or when no week has started
    rows: list[Standing]


async def leaderboard(
    db: Database, league_id: int, member_id: int, *, by_week: bool, season: int | None
) -> Leaderboard:
    """The current week's standings (`by_week`) or the season's, of the member's pool if any."""
    async with db.read() as session:
        pool = await latest_pool(session, league_id, member_id)
        members = pool.member_ids if pool is not None else None
        if not by_week:
            return Leaderboard(
                pool, None, await standings(session, league_id, member_ids=members, season=season)
            )
        week = await current_week(session, league_id)
        if week is None:
            return Leaderboard(pool, None, [])
        return Leaderboard(pool, week, await standings(session, league_id, week.id, member_ids=members))


@dataclass(frozen=True, slots=True)
class Balance:
    name: str
    balance: int
    at_stake: int  # riding on open bets
    week_net: int  # this week's betting result so far
    week_rebuys: int = 0  # credits rebought this week: the week's score is week_net less these

    @property
    def week_score(self) -> int:
        """The number the week's leaderboard shows for this member."""
        return self.week_net - self.week_rebuys


async def member_balance(db: Database, league_id: int, member_id: int) -> Balance:
    """A member's credits, what is riding on open bets and the current week's result."""
    async with db.read() as session:
        member = await session.get(Member, member_id)
        assert member is not None
        week = await current_week(session, league_id)
        mine = await standings(session, league_id, week.id if week else None, member_ids=[member.id])
    return Balance(
        member.display_name,
        member.balance,
        mine[0].open_stake if mine else 0,
        mine[0].net if mine else 0,
        mine[0].rebuys if mine else 0,
    )
