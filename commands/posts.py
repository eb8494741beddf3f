"""The words of the bot's own posts to a league's channel.

Lines are up, locking soon, a week's results, stat corrections, trouble reading ESPN,
the season's end, a member's claim to a team and a public ticket. Wording only, like
commands.views: the jobs (commands.services.lifecycle and .season, .weeks) and the
services that queue a post read what it needs and pass it in; the lines-up post is worded
when the outbox delivers it (commands.services.board_post). The weekly recap's own
words are in commands.recap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from commands.format import credits, local_time, odds, plural
from commands.league_settings import LeagueSettings
from commands.provider import ProviderError
from commands.recap import season_chart, settled_sentence
from commands.replies import Reply, Table, Tone
from commands.services.board import WeekMarkets
from commands.services.settlement import Correction, SettlementSummary
from commands.services.standings import Standing
from commands.services.week_recap import SeasonScores
from commands.views import SCORE_MEANING, fantasy_standings_table, leaderboard, markets_board
from storage.models import League, Market, Matchup, Team, Week
from storage.placement import Placement


def lines_up_post(
    league: League, settings: LeagueSettings, week: Week, lines: WeekMarkets, now: datetime
) -> Reply:
    board = markets_board(league, settings, week, lines, now)
    return Reply(
        text=f"Lines are up for week {week.matchup_period}! Everyone has "
        f"{credits(settings.allowance)} to play with. `markets` to browse, `bet` to play.",
        tables=board.tables,
        buttons=board.buttons,
        ephemeral=False,
        tone=Tone.SUCCESS,
    )


def reminder_post(
    markets: Sequence[Market],
    teams: Mapping[int, Team],
    matchups: Mapping[int, Matchup],
    settings: LeagueSettings,
    now: datetime,
) -> Reply:
    """The "locking soon" post of markets that lock together (at the first one's lock time)."""
    games = sorted(
        {
            f"{teams[matchups[m.matchup_id].home_team_id].abbrev} vs "
            f"{teams[matchups[m.matchup_id].away_team_id].abbrev}"
            for m in markets
            if m.kind != "prop" and m.matchup_id is not None
        }
    )
    props = sum(1 for m in markets if m.kind == "prop")
    what = ", ".join(
        [
            *((f"bets on {', '.join(games)}",) if games else ()),
            *((plural(props, "player prop"),) if props else ()),
        ]
    )
    lock_at = markets[0].lock_at
    return Reply(
        f"Locking soon: {what} lock at {local_time(lock_at, settings.tz)} "
        f"(in {max(1, round((lock_at - now).total_seconds() / 60))} min). "
        "Last call: `markets` to browse, `bet` to play.",
        ephemeral=False,
        tone=Tone.WARNING,
    )


def settlement_post(week: Week, summary: SettlementSummary, rows: list[Standing]) -> Reply:
    """A settled week's results when the league has the full recap turned off."""
    board = leaderboard(f"Week {week.matchup_period} results", rows, week=True)
    return Reply(
        text=settled_sentence(week.matchup_period, summary),
        tables=board.tables,
        ephemeral=False,
        tone=Tone.SUCCESS,
    )


def correction_post(week: Week, changed: Sequence[Correction], names: Mapping[int, str]) -> Reply:
    """ESPN corrected a settled week's stats: the bets whose result changed, and the credits."""
    rows = tuple(
        (
            names.get(c.member_id, "?"),
            c.label,
            f"{c.was} -> {c.now}",
            f"{c.amount:+,}" + (f" ({c.shortfall:,} not recoverable)" if c.shortfall else ""),
        )
        for c in changed
    )
    return Reply(
        f"ESPN corrected week {week.matchup_period} stats: {plural(len(changed), 'bet')} re-graded.",
        tables=(Table(("Member", "Bet", "Result", "Credits"), rows),),
        ephemeral=False,
        tone=Tone.WARNING,
    )


def sync_error_post(error: ProviderError) -> Reply:
    return Reply(
        f"Sidebet can't read this league from ESPN: {error.user_message} "
        "Nothing is priced or settled until it can.",
        ephemeral=False,
        tone=Tone.WARNING,
    )


async def season_over_post(
    league: League,
    season: int,
    teams: Sequence[Team],
    bettors: list[Standing],
    scores: SeasonScores,
) -> Reply:
    """The season's last post: the fantasy standings, the bettors' table and the score chart."""
    table = fantasy_standings_table(teams, f"{season} final standings")
    chart = await season_chart(bettors, scores, season, f"{league.name} {season}: final score")
    return Reply(
        f"That's the {season} season. Thanks for playing! Final standings and the book's season "
        f"leaderboard. {SCORE_MEANING}",
        tables=(
            *((table,) if table is not None else ()),
            *leaderboard(f"{season} bettors", bettors, week=False).tables,
        ),
        images=(chart,) if chart is not None else (),
        ephemeral=False,
        tone=Tone.SUCCESS,
    )


def claim_post(member_name: str, team: Team) -> Reply:
    return Reply(
        f"{member_name} says {team.name} ({team.abbrev}) is theirs. A commissioner "
        f"can approve with `link {member_name} {team.abbrev}`.",
        ephemeral=False,
    )


def ticket_post(member_name: str, placed: Placement) -> Reply:
    """A public ticket: the league sees each bet as it is placed (`public_tickets`)."""
    return Reply(
        f"{member_name} put {credits(placed.stake)} on {placed.label} at {odds(placed.odds)}.",
        ephemeral=False,
    )
