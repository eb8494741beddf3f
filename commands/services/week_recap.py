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

from commands.services.parlay_rows import best_parlay
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

# the settled weeks (matchup periods) in order, and each member's season score after each
# of them, by member id
SeasonScores = tuple[list[int], dict[int, list[int]]]


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


async def season_scores(
    session: AsyncSession, league_id: int, season: int, through_period: int | None = None
) -> SeasonScores:
    """Each member's season score after each settled week (up to `through_period`), by member id.

    The score is the leaderboard's (commands.services.standings.Standing.score): the betting
    result less the credits rebought, summed week by week, so a chart's last point is the
    number in the season table beside it.
    """
    query = select(Week.id, Week.matchup_period).where(
        Week.league_id == league_id, Week.season == season, Week.status == WeekStatus.SETTLED
    )
    if through_period is not None:
        query = query.where(Week.matchup_period <= through_period)
    weeks = (await session.execute(query.order_by(Week.matchup_period))).all()
    members = (await session.scalars(select(Member.id).where(Member.league_id == league_id))).all()
    by_week: dict[tuple[int, int | None], int] = defaultdict(int)
    if weeks:
        rows = await session.execute(
            select(LedgerEntry.member_id, LedgerEntry.week_id, LedgerEntry.kind, func.sum(LedgerEntry.amount))
            .where(
                LedgerEntry.league_id == league_id,
                LedgerEntry.kind.in_((*BETTING_KINDS, "rebuy")),
                LedgerEntry.week_id.in_([w.id for w in weeks]),
            )
            .group_by(LedgerEntry.member_id, LedgerEntry.week_id, LedgerEntry.kind)
        )
        for member_id, week_id, kind, total in rows.all():
            # a rebuy adds credits to the balance and the same amount of penalty to the score
            by_week[(member_id, week_id)] += -int(total) if kind == "rebuy" else int(total)
    scores: dict[int, list[int]] = {}
    for member_id in members:
        running, line = 0, []
        for week_id, _ in weeks:
            running += by_week.get((member_id, week_id), 0)
            line.append(running)
        scores[member_id] = line
    return [period for _, period in weeks], scores


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


@dataclass(frozen=True, slots=True)
class RecapFacts:
    games: list[tuple[Matchup, Game]]
    efficiencies: list[LineupEfficiency]
    bets: list[SettledBet]
    week_rows: list[Standing]
    season_rows: list[Standing]  # the season up to this week
    scores: SeasonScores
    best_parlay: str | None = None  # commands.services.parlay_rows.best_parlay


async def recap_facts(session: AsyncSession, league: League, week: Week) -> RecapFacts:
    """Everything the settled week's recap shows."""
    games = await week_games(session, week)
    efficiencies = await lineup_efficiencies(session, league, [m for m, _ in games])
    bets = await settled_bets(session, week)
    week_rows = await standings(session, league.id, week.id)
    # The season as it stood this week: the table and the chart beside it show the same weeks.
    period = week.matchup_period
    season_rows = await standings(session, league.id, season=week.season, through_period=period)
    scores = await season_scores(session, league.id, week.season, through_period=period)
    return RecapFacts(
        games, efficiencies, bets, week_rows, season_rows, scores, await best_parlay(session, week.id)
    )
