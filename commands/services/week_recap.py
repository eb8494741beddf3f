"""What a settled week's recap is made of, read from the database.

The games and lineups on the field, the graded bets, the bettors' tables and each member's
season profit so far; commands.recap (and the season's last post, commands.posts) word
them, with `engine.awards` choosing the week's awards.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.services.settlement import SettlementSummary
from commands.services.standings import BETTING_KINDS, Standing, standings
from engine.awards import Game, LineupEfficiency, RosterPlayer, SettledBet, TeamScore, lineup_efficiency
from storage.models import (
    BenchPlayer,
    Bet,
    League,
    LedgerEntry,
    Market,
    Matchup,
    Member,
    Selection,
    Starter,
    Team,
    Week,
)
from storage.statuses import GRADED_BETS, WeekStatus

GRADED = GRADED_BETS


async def week_games(session: AsyncSession, week: Week) -> list[tuple[Matchup, Game]]:
    """The week's finished matchups, as (row, game) with team names for display."""
    teams = {t.id: t for t in (await session.scalars(select(Team).where(Team.league_id == week.league_id)))}
    matchups = (
        await session.scalars(select(Matchup).where(Matchup.week_id == week.id).order_by(Matchup.id))
    ).all()
    return [
        (
            m,
            Game(
                TeamScore(teams[m.home_team_id].name, m.home_score or 0.0),
                TeamScore(teams[m.away_team_id].name, m.away_score or 0.0),
            ),
        )
        for m in matchups
        if m.home_score is not None and m.away_score is not None
    ]


async def lineup_efficiencies(
    session: AsyncSession, league: League, matchups: Sequence[Matchup]
) -> list[LineupEfficiency]:
    """Each team's points against the best lineup its roster allowed that week.

    The slot counts are ESPN's lineup settings; a league synced before they were stored
    uses the slots each team actually filled, which is the same unless a slot sat empty.
    """
    ids = [m.id for m in matchups]
    if not ids:
        return []
    teams = {t.id: t.name for t in (await session.scalars(select(Team).where(Team.league_id == league.id)))}
    # Read afresh: the caller's League may predate the sync that stored the slot counts.
    slots = await session.scalar(select(League.lineup_slots).where(League.id == league.id))
    roster: dict[int, list[RosterPlayer]] = defaultdict(list)
    filled: dict[int, Counter[str]] = defaultdict(Counter)
    for s in (await session.scalars(select(Starter).where(Starter.matchup_id.in_(ids)))).all():
        roster[s.team_id].append(
            RosterPlayer(s.name, s.points or 0.0, tuple(s.eligible_slots or (s.slot,)), True)
        )
        filled[s.team_id][s.slot] += 1
    for b in (await session.scalars(select(BenchPlayer).where(BenchPlayer.matchup_id.in_(ids)))).all():
        roster[b.team_id].append(RosterPlayer(b.name, b.points or 0.0, tuple(b.eligible_slots or ()), False))
    return [
        lineup_efficiency(teams[team_id], players, slots or filled[team_id])
        for team_id, players in sorted(roster.items())
    ]


async def settled_bets(session: AsyncSession, week: Week) -> list[SettledBet]:
    rows = await session.execute(
        select(Bet, Member.display_name, Selection.label, Market.label)
        .join(Member, Member.id == Bet.member_id)
        .join(Selection, Selection.id == Bet.selection_id)
        .join(Market, Market.id == Bet.market_id)
        .where(Bet.week_id == week.id, Bet.status.in_(GRADED))
        .order_by(Bet.id)
    )
    return [
        SettledBet(
            bet.id, name, f"{pick} ({market})", bet.stake, bet.odds, bet.fair_p, bet.status, bet.payout or 0
        )
        for bet, name, pick, market in rows.all()
    ]


async def season_profits(
    session: AsyncSession, league_id: int, season: int
) -> tuple[list[int], dict[str, list[int]]]:
    """Each member's cumulative betting profit after each settled week of the season."""
    weeks = (
        await session.execute(
            select(Week.id, Week.matchup_period)
            .where(Week.league_id == league_id, Week.season == season, Week.status == WeekStatus.SETTLED)
            .order_by(Week.matchup_period)
        )
    ).all()
    members = (
        await session.scalars(select(Member).where(Member.league_id == league_id).order_by(Member.id))
    ).all()
    by_week: dict[tuple[int, int | None], int] = {}
    if weeks:
        rows = await session.execute(
            select(LedgerEntry.member_id, LedgerEntry.week_id, func.sum(LedgerEntry.amount))
            .where(
                LedgerEntry.league_id == league_id,
                LedgerEntry.kind.in_(BETTING_KINDS),
                LedgerEntry.week_id.in_([w.id for w in weeks]),
            )
            .group_by(LedgerEntry.member_id, LedgerEntry.week_id)
        )
        by_week = {(member_id, week_id): int(total) for member_id, week_id, total in rows.all()}
    profits: dict[str, list[int]] = {}
    for member in members:
        running, line = 0, []
        for week_id, _ in weeks:
            running += by_week.get((member.id, week_id), 0)
            line.append(running)
        # Two members may share a display name; the chart's legend must still tell them apart.
        name = (
            member.display_name
            if member.display_name not in profits
            else f"{member.display_name} ({member.id})"
        )
        profits[name] = line
    return [period for _, period in weeks], profits


async def week_summary(session: AsyncSession, week: Week) -> SettlementSummary:
    """What settling `week` came to, read back from its bets (cancelled ones never count)."""
    summary = SettlementSummary(week.id, matchup_period=week.matchup_period)
    rows = await session.execute(
        select(
            Bet.status,
            func.count(),
            func.coalesce(func.sum(Bet.stake), 0),
            func.coalesce(func.sum(Bet.payout), 0),
        )
        .where(Bet.week_id == week.id, Bet.status.in_(GRADED_BETS))
        .group_by(Bet.status)
    )
    for status, count, staked, paid in rows.all():
        summary.bets += count
        summary.outcomes[status] += count
        summary.staked += staked
        summary.paid += paid or 0  # coalesced in SQL; the type still says int | None
    return summary


# weeks (matchup periods) in order, and each member's cumulative profit after each of them
SeasonProfits = tuple[list[int], dict[str, list[int]]]


@dataclass(frozen=True, slots=True)
class RecapFacts:
    games: list[tuple[Matchup, Game]]
    efficiencies: list[LineupEfficiency]
    bets: list[SettledBet]
    week_rows: list[Standing]
    season_rows: list[Standing]
    profits: SeasonProfits


async def recap_facts(session: AsyncSession, league: League, week: Week) -> RecapFacts:
    """Everything the settled week's recap shows."""
    games = await week_games(session, week)
    efficiencies = await lineup_efficiencies(session, league, [m for m, _ in games])
    bets = await settled_bets(session, week)
    week_rows = await standings(session, league.id, week.id)
    season_rows = await standings(session, league.id, season=week.season)
    profits = await season_profits(session, league.id, week.season)
    return RecapFacts(games, efficiencies, bets, week_rows, season_rows, profits)
