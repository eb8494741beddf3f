"""What the league looks like: the bettors' leaderboard, the fantasy scoreboard and standings."""

from __future__ import annotations

from typing import Any

from commands.context import Context
from commands.format import probability
from commands.handlers.registry import handles
from commands.replies import Reply, Table
from commands.services.scoreboard import LiveMatchup, live_scoreboard
from commands.services.standings import leaderboard as bettor_leaderboard
from commands.services.teams import league_standings
from commands.views import SCORE_MEANING, fantasy_standings_table
from commands.views import leaderboard as leaderboard_view


@handles("leaderboard")
async def leaderboard(ctx: Context, args: dict[str, Any]) -> Reply:
    """The week's or season's table; in a league split into pools, the caller's pool's."""
    period = args.get("period") or "season"
    board = await bettor_leaderboard(
        ctx.db, ctx.league.id, ctx.member.id, by_week=period == "week", season=ctx.league.season
    )
    pool = board.pool
    suffix = f" - pool {pool.pool} of {pool.pools}" if pool is not None else ""
    note = (
        f"You're in pool {pool.pool} of {pool.pools}, drawn for week {pool.matchup_period}; "
        "pools are drawn afresh when each week's lines open. "
        if pool is not None
        else ""
    ) + SCORE_MEANING
    if period == "week":
        if board.week is None:
            return Reply("No week has started yet.")
        return leaderboard_view(
            f"Week {board.week.matchup_period} leaderboard{suffix}", board.rows, week=True, note=note
        )
    return leaderboard_view(
        f"{ctx.league.name} - season leaderboard{suffix}", board.rows, week=False, note=note
    )


@handles("scoreboard")
async def scoreboard(ctx: Context, args: dict[str, Any]) -> Reply:
    live = await live_scoreboard(ctx.db, ctx.league.id, ctx.now)
    if live is None:
        return Reply("No week has been synced yet.")
    rows = tuple(
        (
            f"{m.home.abbrev} vs {m.away.abbrev}",
            f"{m.home_score:.1f} - {m.away_score:.1f}",
            f"{m.home_projected:.1f} - {m.away_projected:.1f}",
            _chance(m),
        )
        for m in live.matchups
    )
    return Reply(
        tables=(
            Table(
                ("Matchup", "Score", "Projected", "Win chance"),
                rows,
                title=f"Week {live.week.matchup_period} scoreboard",
            ),
        ),
        ephemeral=False,
    )


def _chance(m: LiveMatchup) -> str:
    """The live win chance; once every game is over, the result instead (never ">99%")."""
    if m.final:
        if m.home_score == m.away_score:
            return "Final: tie"
        return f"Final: {(m.home if m.home_score > m.away_score else m.away).abbrev} won"
    return f"{m.home.abbrev} {probability(m.home_win)} / {m.away.abbrev} {probability(1 - m.home_win)}"


@handles("standings")
async def standings(ctx: Context, args: dict[str, Any]) -> Reply:
    teams = await league_standings(ctx.db, ctx.league.id)
    table = fantasy_standings_table(teams, f"{ctx.league.name} standings")
    if table is None:
        return Reply("No teams yet: the league hasn't been synced from ESPN.")
    return Reply(tables=(table,), ephemeral=False)
