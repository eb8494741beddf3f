"""A member's betting statistics and history, read from their bets and closing prices."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from commands.services.board import prop_owners
from commands.services.closing import closing_prices
from commands.services.tenancy import find_member
from engine.bettor_stats import BetLine, BettorStats, summarize
from storage.database import Database
from storage.models import Bet, Market, Matchup, Member, NflGame, Selection, Team, Week
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
class Pick:
    """What a bet was on, with what a bet list needs to say it: the market and its matchup."""

    label: str  # the side, as the slip said it: "Under 225.5", "Hail Mary Heroes"
    kind: str
    market: str  # the market's label: "HMH vs GG total points"
    home: str  # the matchup's teams' abbreviations
    away: str
    owner: str | None  # a prop's player's fantasy team (abbreviation)


async def picks(session: AsyncSession, bets: Sequence[Bet]) -> dict[int, Pick]:
    """Each bet's Pick, by bet id, in three queries whatever the number of bets."""
    if not bets:
        return {}
    home, away = aliased(Team), aliased(Team)
    rows = (
        await session.execute(
            select(
                Bet.id,
                Selection.label,
                Market,
                func.coalesce(home.abbrev, NflGame.home),
                func.coalesce(away.abbrev, NflGame.away),
            )
            .join(Selection, Selection.id == Bet.selection_id)
            .join(Market, Market.id == Bet.market_id)
            # a fantasy matchup's teams, or an NFL game's (the games board)
            .outerjoin(Matchup, Matchup.id == Market.matchup_id)
            .outerjoin(home, home.id == Matchup.home_team_id)
            .outerjoin(away, away.id == Matchup.away_team_id)
            .outerjoin(NflGame, NflGame.id == Market.game_id)
            .where(Bet.id.in_([b.id for b in bets]))
        )
    ).all()
    owners = await prop_owners(session, [market for _, _, market, _, _ in rows])
    abbrevs = dict(
        (await session.execute(select(Team.id, Team.abbrev).where(Team.id.in_(owners.values())))).all()
    )
    return {
        bet_id: Pick(label, market.kind, market.label, h, a, abbrevs.get(owners.get(market.id, 0)))
        for bet_id, label, market, h, a in rows
    }


@dataclass(frozen=True, slots=True)
class HistoryRow:
    number: int  # the bet's number in the league
    week: int
    pick: Pick
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
                select(Bet, Week.matchup_period)
                .join(Week, Week.id == Bet.week_id)
                .where(*finished)
                .order_by(Bet.id.desc())
                .limit(HISTORY_PAGE_SIZE)
                .offset((page - 1) * HISTORY_PAGE_SIZE)
            )
        ).all()
        said = await picks(session, [b for b, _ in rows])
    return HistoryPage(
        tuple(
            HistoryRow(b.number, period, said[b.id], b.odds, b.stake, b.status, b.payout)
            for b, period in rows
        ),
        page,
        pages,
        total,
    )


async def open_and_recent_bets(db: Database, member_id: int) -> list[tuple[Bet, Pick]]:
    """The member's bets for `mybets`: open ones first, then the newest; with what each was on."""
    async with db.read() as session:
        bets = (
            await session.scalars(
                select(Bet)
                .where(Bet.member_id == member_id)
                .order_by(Bet.status != BetStatus.OPEN, Bet.id.desc())
                .limit(25)
            )
        ).all()
        said = await picks(session, bets)
    return [(bet, said[bet.id]) for bet in bets]
