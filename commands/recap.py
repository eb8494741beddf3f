"""The weekly recap: one post after settlement with results, awards, leaderboards and a chart.

It replaces the bare "week settled" post (same outbox key), so the channel gets one
message per week, not a settlement notice followed by a near-duplicate recap. The facts
are read here and the choosing is done by `engine.awards`, whose tie rules make the
post the same on every re-run.
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.charts import profit_chart
from commands.format import credits, odds, plural, probability, signed_credits
from commands.replies import Card, Field, Image, Reply, Table, Tone
from commands.services.settlement import SettlementSummary
from commands.services.standings import BETTING_KINDS, standings
from commands.views import leaderboard
from engine.awards import (
    BetAwards,
    FantasyAwards,
    Game,
    LineupEfficiency,
    RosterPlayer,
    SettledBet,
    TeamScore,
    bet_awards,
    fantasy_awards,
    lineup_efficiency,
)
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


async def season_chart(session: AsyncSession, league: League, season: int, title: str) -> Image | None:
    """The profit chart, drawn off the event loop; None before any week has settled."""
    weeks, profits = await season_profits(session, league.id, season)
    if not weeks or not profits:
        return None
    return await asyncio.to_thread(profit_chart, weeks, profits, title, f"sidebet-{season}-profit.png")


def results_table(week: Week, games: Sequence[tuple[Matchup, Game]]) -> Table:
    rows = tuple(
        (
            g.home.team,
            f"{g.home.score:.2f}",
            f"{g.away.score:.2f}",
            g.away.team,
            f"{g.winner.team} by {g.margin:.2f}" if g.winner else "Tie",
        )
        for _, g in games
    )
    return Table(
        ("Home", "Pts", "Pts", "Away", "Result"),
        rows,
        title=f"Week {week.matchup_period} results",
        numeric=(1, 2),
    )


def bets_card(awards: BetAwards) -> Card | None:
    fields = []
    if awards.biggest_win is not None:
        b = awards.biggest_win
        fields.append(
            Field(
                "Biggest win", f"{b.member}: {signed_credits(b.profit)} on {b.label} at {odds(b.odds)}", False
            )
        )
    if awards.worst_beat is not None:
        b = awards.worst_beat
        fields.append(
            Field(
                "Worst beat",
                f"{b.member}: {b.label} lost at a {probability(b.fair_p)} chance ({credits(b.stake)})",
                False,
            )
        )
    if awards.longest_shot is not None:
        b = awards.longest_shot
        fields.append(Field("Longest shot that hit", f"{b.member}: {b.label} at {odds(b.odds)}", False))
    return Card("Bets of the week", fields=tuple(fields)) if fields else None


def awards_card(awards: FantasyAwards) -> Card | None:
    fields = []
    if awards.high_score is not None:
        fields.append(Field("High score", f"{awards.high_score.team} ({awards.high_score.score:.2f})"))
    if awards.low_score is not None:
        fields.append(Field("Low score", f"{awards.low_score.team} ({awards.low_score.score:.2f})"))
    for title, game in (("Biggest blowout", awards.biggest_blowout), ("Closest win", awards.closest_win)):
        if game is not None and game.winner is not None and game.loser is not None:
            fields.append(Field(title, f"{game.winner.team} beat {game.loser.team} by {game.margin:.2f}"))
    if awards.best_manager is not None:
        e = awards.best_manager
        fields.append(
            Field("Best manager", f"{e.team}: {e.actual:.2f} of a possible {e.optimal:.2f} ({e.share:.1%})")
        )
    return Card("Fantasy awards", fields=tuple(fields)) if fields else None


async def recap_post(session: AsyncSession, league: League, week: Week, summary: SettlementSummary) -> Reply:
    """The settled week's one post: what happened on the field and at the book."""
    games = await week_games(session, week)
    efficiencies = await lineup_efficiencies(session, league, [m for m, _ in games])
    fantasy = fantasy_awards([g for _, g in games], efficiencies)
    bets = bet_awards(await settled_bets(session, week))
    week_rows = await standings(session, league.id, week.id)
    season_rows = await standings(session, league.id, season=week.season)
    chart = await season_chart(session, league, week.season, f"{league.name} {week.season}: season profit")
    outcomes = ", ".join(f"{n} {k}" for k, n in sorted(summary.outcomes.items())) or "no bets"
    cards = tuple(c for c in (bets_card(bets), awards_card(fantasy)) if c is not None)
    return Reply(
        text=f"Week {week.matchup_period} is settled: {plural(summary.bets, 'bet')} ({outcomes}). "
        f"Staked {credits(summary.staked)}, paid out {credits(summary.paid)}. Here's the recap.",
        cards=cards,
        tables=(
            *((results_table(week, games),) if games else ()),
            *leaderboard(f"Week {week.matchup_period} leaderboard", week_rows, week=True).tables,
            *leaderboard(f"{week.season} season leaderboard", season_rows, week=False).tables,
        ),
        images=(chart,) if chart is not None else (),
        ephemeral=False,
        tone=Tone.SUCCESS,
    )
