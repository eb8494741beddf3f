"""A member's betting statistics and history, read from their bets and closing prices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.services.closing import closing_prices
from engine.bettor_stats import BetLine, BettorStats, summarize
from storage.models import Bet, Market, Selection, Week
from storage.statuses import GRADED_BETS, BetStatus

HISTORY_PAGE_SIZE = 10
"""Rows per `history` page: well inside a Discord embed and a Slack section block."""

FINISHED = (*GRADED_BETS, BetStatus.CANCELLED)


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


async def history_page(session: AsyncSession, member_id: int, page: int) -> HistoryPage:
    """One page of the member's finished bets, newest first; `page` 1 is the newest."""
    finished = (Bet.member_id == member_id, Bet.status.in_(FINISHED))
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
