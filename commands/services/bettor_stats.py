"""A member's betting statistics and history, read from their bets and closing prices."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from commands.services.board import prop_owners
from commands.services.closing import closing_prices
from commands.services.parlay_rows import leg_texts, legs_summary, open_parlays, parlay_stat_lines
from commands.services.tenancy import find_member
from engine.bettor_stats import BetLine, BettorStats, summarize
from engine.odds import decimal_to_american
from storage.database import Database
from storage.models import Bet, Market, Matchup, Member, NflGame, Selection, Team, Week
from storage.parlay_models import Parlay
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
    """Record and ROI over settled bets and parlays; CLV over every one whose markets have locked.

    A parlay is one bet of the record (a member who bet five parlays has five results, not
    fifteen); its legs' CLV is summarized apart (commands.services.parlay_rows).
    """
    rows = (
        await session.execute(
            select(Bet, Market.kind, Market.lock_at)
            .join(Market, Market.id == Bet.market_id)
            .where(Bet.member_id == member_id)
        )
    ).all()
    closed = [bet.selection_id for bet, _kind, lock_at in rows if lock_at <= now]
    closing = await closing_prices(session, Selection.id.in_(closed)) if closed else {}
    parlays, legs = await parlay_stat_lines(session, member_id, now)
    singles = (
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
    return summarize([*singles, *parlays], legs)


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
    number: int  # the bet's (or parlay's) number in the league
    week: int
    pick: Pick | None  # None for a parlay, which `legs` says instead
    odds: int
    stake: int
    status: str
    payout: int | None
    legs: str = ""  # a parlay's legs in short form (parlay_rows.legs_summary)
    decimal: Fraction | None = None  # a parlay's exact decimal odds


@dataclass(frozen=True, slots=True)
class HistoryPage:
    rows: tuple[HistoryRow, ...]
    page: int
    pages: int
    total: int


_Finished = tuple[Bet | Parlay, int]
"""A finished single or parlay with its week's matchup period, as `history` merges them."""


def _placed(row: _Finished) -> tuple[datetime, bool, int]:
    """Newest-first merge key: when it was placed (a parlay after a single placed with it)."""
    item = row[0]
    return item.placed_at, isinstance(item, Parlay), item.id


async def history_page(db: Database, member_id: int, page: int) -> HistoryPage:
    """One page of the member's finished bets and parlays, newest first; `page` 1 is the newest.

    Singles and parlays come from two tables, so each gives its newest `page` pages and the
    two are merged by the time they were placed (the league's numbers do not say it: a
    number is taken when the slip is quoted). A member without parlays gets exactly the
    rows and order they always had.
    """
    finished = (Bet.member_id == member_id, Bet.status.in_(FINISHED))
    finished_parlays = (Parlay.member_id == member_id, Parlay.status.in_(FINISHED))
    async with db.read() as session:
        singles = await session.scalar(select(func.count()).select_from(Bet).where(*finished)) or 0
        combined = await session.scalar(select(func.count()).select_from(Parlay).where(*finished_parlays))
        total = singles + (combined or 0)
        pages = max(1, -(-total // HISTORY_PAGE_SIZE))
        if page > pages:
            return HistoryPage((), page, pages, total)
        depth = page * HISTORY_PAGE_SIZE
        bets = (
            await session.execute(
                select(Bet, Week.matchup_period)
                .join(Week, Week.id == Bet.week_id)
                .where(*finished)
                .order_by(Bet.id.desc())
                .limit(depth)
            )
        ).all()
        parlays = (
            await session.execute(
                select(Parlay, Week.matchup_period)
                .join(Week, Week.id == Parlay.week_id)
                .where(*finished_parlays)
                .order_by(Parlay.id.desc())
                .limit(depth)
            )
        ).all()
        singles_rows: list[_Finished] = [(b, period) for b, period in bets]
        parlay_rows: list[_Finished] = [(p, period) for p, period in parlays]
        newest = heapq.merge(singles_rows, parlay_rows, key=_placed, reverse=True)
        shown = list(itertools.islice(newest, depth - HISTORY_PAGE_SIZE, depth))
        said = await picks(session, [item for item, _ in shown if isinstance(item, Bet)])
        legs = await leg_texts(session, [item.id for item, _ in shown if isinstance(item, Parlay)])
    rows = []
    for item, period in shown:
        if isinstance(item, Bet):
            b = item
            rows.append(HistoryRow(b.number, period, said[b.id], b.odds, b.stake, b.status, b.payout))
        else:
            decimal = Fraction(item.odds_num, item.odds_den)
            rows.append(
                HistoryRow(
                    item.number,
                    period,
                    None,
                    decimal_to_american(float(decimal)),
                    item.stake,
                    item.status,
                    item.payout,
                    legs_summary(legs.get(item.id, [])),
                    decimal,
                )
            )
    return HistoryPage(tuple(rows), page, pages, total)


async def open_and_recent_bets(
    db: Database, member_id: int
) -> tuple[list[tuple[Bet, Pick]], list[tuple[Parlay, str]]]:
    """The member's bets for `mybets`: open ones first, then the newest; with what each was on.

    Beside them, the member's open parlays with their legs said (a settled parlay is in
    `history`), read in the same transaction so the two lists agree.
    """
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
        parlays = await open_parlays(session, member_id)
    return [(bet, said[bet.id]) for bet in bets], parlays
