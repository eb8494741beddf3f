"""What the league looks like: the bettors' leaderboard, the fantasy scoreboard and standings."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

import engine
from commands.context import Context
from commands.format import probability
from commands.handlers.registry import handles
from commands.replies import Reply, Table
from commands.services import standings as bettor_standings
from commands.services.pools import latest_pool
from commands.services.pricing import to_engine_starter
from commands.services.teams import league_standings
from commands.services.tenancy import current_week
from commands.views import fantasy_standings_table
from commands.views import leaderboard as leaderboard_view
from storage.models import League, Matchup, Starter, Team


@handles("leaderboard")
async def leaderboard(ctx: Context, args: dict[str, Any]) -> Reply:
    """The week's or season's table; in a league split into pools, the caller's pool's."""
    period = args.get("period") or "season"
    async with ctx.db.read() as session:
        week = await current_week(session, ctx.league.id)
        pool = await latest_pool(session, ctx.league.id, ctx.member.id)
        members = pool.member_ids if pool is not None else None
        suffix = f" - pool {pool.pool} of {pool.pools}" if pool is not None else ""
        note = (
            f"You're in pool {pool.pool} of {pool.pools}, drawn for week {pool.matchup_period}; "
            "pools are drawn afresh when each week's lines open."
            if pool is not None
            else ""
        )
        if period == "week":
            if week is None:
                return Reply("No week has started yet.")
            rows = await bettor_standings.standings(session, ctx.league.id, week.id, member_ids=members)
            return leaderboard_view(
                f"Week {week.matchup_period} leaderboard{suffix}", rows, week=True, note=note
            )
        rows = await bettor_standings.standings(
            session, ctx.league.id, member_ids=members, season=ctx.league.season
        )
    return leaderboard_view(f"{ctx.league.name} - season leaderboard{suffix}", rows, week=False, note=note)


GAME_LENGTH = timedelta(hours=3)


def _share_left(starter: Starter, now: Any) -> float:
    if starter.game_state == "post" or (starter.game_state is None and starter.points is not None):
        return 0.0
    if starter.game_state == "in" and starter.kickoff is not None:
        return max(0.0, 1.0 - (now - starter.kickoff) / GAME_LENGTH)
    return 1.0


@handles("scoreboard")
async def scoreboard(ctx: Context, args: dict[str, Any]) -> Reply:
    async with ctx.db.read() as session:
        week = await current_week(session, ctx.league.id)
        if week is None:
            return Reply("No week has been synced yet.")
        teams = {
            t.id: t for t in (await session.scalars(select(Team).where(Team.league_id == ctx.league.id)))
        }
        matchups = await session.scalars(
            select(Matchup).where(Matchup.week_id == week.id).order_by(Matchup.id)
        )
        # the same calibration factor as the lines, read fresh (ctx.league may predate a refit)
        k = await session.scalar(select(League.calibration_k).where(League.id == ctx.league.id)) or 1.0
        rows = []
        for matchup in matchups.all():
            starters = (await session.scalars(select(Starter).where(Starter.matchup_id == matchup.id))).all()
            sides = {
                team_id: [
                    engine.LiveStarter(to_engine_starter(s), s.points or 0.0, _share_left(s, ctx.now))
                    for s in starters
                    if s.team_id == team_id
                ]
                for team_id in (matchup.home_team_id, matchup.away_team_id)
            }
            model = engine.live_matchup_model(
                sides[matchup.home_team_id], sides[matchup.away_team_id], k=k
            ).shifted(matchup.home_adjustment, matchup.away_adjustment)
            home, away = teams[matchup.home_team_id], teams[matchup.away_team_id]
            p_home = engine.win_probability(model)
            rows.append(
                (
                    f"{home.abbrev} vs {away.abbrev}",
                    f"{matchup.home_score or 0:.1f} - {matchup.away_score or 0:.1f}",
                    f"{model.home.mean:.1f} - {model.away.mean:.1f}",
                    f"{home.abbrev} {probability(p_home)} / {away.abbrev} {probability(1 - p_home)}",
                )
            )
    return Reply(
        tables=(
            Table(
                ("Matchup", "Score", "Projected", "Win chance"),
                tuple(rows),
                title=f"Week {week.matchup_period} scoreboard",
            ),
        ),
        ephemeral=False,
    )


@handles("standings")
async def standings(ctx: Context, args: dict[str, Any]) -> Reply:
    teams = await league_standings(ctx.db, ctx.league.id)
    table = fantasy_standings_table(teams, f"{ctx.league.name} standings")
    if table is None:
        return Reply("No teams yet: the league hasn't been synced from ESPN.")
    return Reply(tables=(table,), ephemeral=False)
