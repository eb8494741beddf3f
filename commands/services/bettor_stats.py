"""A member's betting statistics and history, read from their bets and closing prices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.services.closing import closing_prices
from commands.services.tenancy import find_member
from engine.bettor_stats import BetLine, BettorStats, summarize
from storage.database import Database
from storage.models import Bet, Market, Member, Selection, Week
from storage.statuses import GRADED_BETS, BetStatus

HISTORY_PAGE_SIZE = 10
"""Rows per `history` page: well inside a Discord embed and a Slack section block."""

FINISHED = (*GRADED_BETS, BetStatus.CANCELLED)


async def stats_of(
    db: Database, league_id: int, caller: Member, who: str | None, now: datetime
) -> tuple[Member, BettorStats] | None:
    """The stats of `who` (a name or chat id), or of the caller; None if the league has no such member."""
    async with db.read() as session:
        member = caller if who is None else await find_member(session, league_id, who)
        if member is None:
            return None
        return member, await member_stats(session, member.id, now)


async def member_stats(session: AsyncSession, member_id: int, now: datetime) -> BettorStats:
    """Record and ROI over settled bets; CLV over every bet whose market has locked."""
    rows = (
        await session.execute(
            select(Bet, Market.kind, Market.lock_at)
            .join(Market, Market.id == Bet.market_id)
            .where(Bet.member_id == member_id)
        )
    ).all()
    closed = [bet.selection_id for bet, _kind, lock_at in rows if lock_at <= now]
    closing = await closing_prices(session, Selection.id.in_(closed)) if closed else {}
    return summarize(
        BetLine(
            kind=kind,
            status=bet.status,
            stake=bet.stake,
            payout=bet.payout,
            odds=bet.odds,
            closing_p=closing[bet.selection_id].fair_p if bet.selection_id in closing else None,
        )
        for bet, kind, _lock in rows
    )


@dataclass(frozen=True, slots=True)
class HistoryRow:
    bet_id: int
    week: int
    label: str
    odds: int
    stake: int
    status: str
    payout: int | None


@dataclass(frozen=True, slots=True)
class HistoryPage:
    rows: tuple[HistoryRow, ...]
    page: int
    pages: int
    total: int


async def history_page(db: Database, member_id: int, page: int) -> HistoryPage:
    """One page of the member's finished bets, newest first; `page` 1 is the newest."""
    finished = (Bet.member_id == member_id, Bet.status.in_(FINISHED))
    async with db.read() as session:
        total = await session.scalar(select(func.count()).select_from(Bet).where(*finished)) or 0
        pages = max(1, -(-total // HISTORY_PAGE_SIZE))
        rows = (
            await session.execute(
                select(Bet, Selection.label, Week.matchup_period)
                .join(Selection, Selection.id == Bet.selection_id)
                .join(Week, Week.id == Bet.week_id)
                .where(*finished)
                .order_by(Bet.id.desc())
                .limit(HISTORY_PAGE_SIZE)
                .offset((page - 1) * HISTORY_PAGE_SIZE)
            )
        ).all()
    return HistoryPage(
        tuple(
            HistoryRow(b.id, period, label, b.odds, b.stake, b.status, b.payout) for b, label, period in rows
        ),
        page,
        pages,
        total,
    )


async def open_and_recent_bets(db: Database, member_id: int) -> list[tuple[Bet, str]]:
    """The member's bets for `mybets`: open ones first, then the newest; with each pick's label."""
    async with db.read() as session:
        rows = (
            await session.execute(
                select(Bet, Selection.label)
                .join(Selection, Selection.id == Bet.selection_id)
                .join(Market, Market.id == Bet.market_id)
                .where(Bet.member_id == member_id)
                .order_by(Bet.status != BetStatus.OPEN, Bet.id.desc())
                .limit(25)
            )
        ).all()
    return [(bet, label) for bet, label in rows]
