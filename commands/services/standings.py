"""Leaderboards and a member's own numbers, computed from the ledger and bets."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Bet, LedgerEntry, Member

BETTING_KINDS = ("stake", "payout", "refund", "correction")


@dataclass(frozen=True, slots=True)
class Standing:
    member_id: int
    name: str
    balance: int
    net: int
    won: int
    lost: int
    pushed: int
    open_stake: int


async def standings(session: AsyncSession, league_id: int, week_id: int | None = None) -> list[Standing]:
    """Members ranked by betting result (season, or one week when `week_id` is given)."""
    members = (await session.scalars(select(Member).where(Member.league_id == league_id))).all()
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
    if week_id is not None:
        net_query = net_query.where(LedgerEntry.week_id == week_id)
        bet_query = bet_query.where(Bet.week_id == week_id)
    net = {member_id: total for member_id, total in (await session.execute(net_query)).all()}
    counts: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for member_id, status, count, staked in (await session.execute(bet_query)).all():
        counts[member_id][status] = (count, staked)
    rows = []
    for m in members:
        c = counts[m.id]
        open_stake = c.get("open", (0, 0))[1]
        rows.append(
            Standing(
                member_id=m.id,
                name=m.display_name,
                balance=m.balance,
                # open stakes are not a loss yet: count them back in
                net=net.get(m.id, 0) + open_stake,
                won=c.get("won", (0, 0))[0],
                lost=c.get("lost", (0, 0))[0],
                pushed=c.get("push", (0, 0))[0],
                open_stake=open_stake,
            )
        )
    rows.sort(key=lambda s: (-s.net, -s.balance, s.name.lower()))
    return rows
