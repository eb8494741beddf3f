"""The week's board as the book offers it: matchups, teams, markets still on offer, their sides.

Read here once for every place that shows lines: `markets`, `odds` and the "lines are up"
post (commands.views and commands.posts word them from what this returns).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.services.pricing import pulled
from commands.services.tenancy import current_week
from storage.database import Database
from storage.models import Market, Matchup, Selection, Team, Week


@dataclass(frozen=True, slots=True)
class WeekMarkets:
    matchups: list[Matchup] = field(default_factory=list)
    teams: dict[int, Team] = field(default_factory=dict)
    # matchup id -> (kind, subject) -> market, for the markets still offered
    markets: dict[int, dict[tuple[str, str], Market]] = field(default_factory=dict)
    # market id -> side -> selection
    selections: dict[int, dict[str, Selection]] = field(default_factory=dict)


async def week_markets(session: AsyncSession, week: Week, now: datetime) -> WeekMarkets:
    matchups = list(
        (await session.scalars(select(Matchup).where(Matchup.week_id == week.id).order_by(Matchup.id))).all()
    )
    teams = {
        t.id: t for t in (await session.scalars(select(Team).where(Team.league_id == week.league_id))).all()
    }
    markets: dict[int, dict[tuple[str, str], Market]] = defaultdict(dict)
    # Re-read, not taken from the session's identity map: the tick writes markets and
    # selections set-based (market_store), behind any ORM object loaded before.
    fresh = {"populate_existing": True}
    query = select(Market).where(Market.week_id == week.id).execution_options(**fresh)
    for market in (await session.scalars(query)).all():
        if not pulled(market, now):  # no longer offered: off the board until its lock time
            markets[market.matchup_id][(market.kind, market.subject)] = market
    market_ids = [m.id for by_kind in markets.values() for m in by_kind.values()]
    selections: dict[int, dict[str, Selection]] = defaultdict(dict)
    if market_ids:
        sides = select(Selection).where(Selection.market_id.in_(market_ids)).execution_options(**fresh)
        for s in (await session.scalars(sides)).all():
            selections[s.market_id][s.side] = s
    return WeekMarkets(matchups, teams, markets, selections)


@dataclass(frozen=True, slots=True)
class Board:
    week: Week
    lines: WeekMarkets  # empty while the week's lines are not open yet


async def current_board(db: Database, league_id: int, now: datetime) -> Board | None:
    """The newest week and, once its lines are open, its markets; None before the first sync."""
    async with db.read() as session:
        week = await current_week(session, league_id)
        if week is None:
            return None
        return Board(week, await week_markets(session, week, now) if week.markets_open else WeekMarkets())


@dataclass(frozen=True, slots=True)
class MatchupBoard:
    matchup: Matchup
    lines: WeekMarkets


async def matchup_board(
    db: Database, league_id: int, matchup: int | str, now: datetime
) -> MatchupBoard | None:
    """One matchup of the league with its week's markets; None if the league has no such matchup.

    `matchup` is its number, or a team's abbreviation (or name): that team's matchup in the
    league's current week.
    """
    async with db.read() as session:
        query = (
            select(Matchup, Week).join(Week, Week.id == Matchup.week_id).where(Week.league_id == league_id)
        )
        if isinstance(matchup, int):
            query = query.where(Matchup.id == matchup)
        else:
            week = await current_week(session, league_id)
            team = await session.scalar(
                select(Team.id).where(
                    Team.league_id == league_id,
                    or_(func.lower(Team.abbrev) == matchup.lower(), func.lower(Team.name) == matchup.lower()),
                )
            )
            if week is None or team is None:
                return None
            query = query.where(
                Matchup.week_id == week.id, or_(Matchup.home_team_id == team, Matchup.away_team_id == team)
            )
        row = (await session.execute(query.limit(1))).first()
        if row is None:
            return None
        matchup, week = row
        return MatchupBoard(matchup, await week_markets(session, week, now))
