"""The weekly recap: one post after settlement with results, awards, leaderboards and a chart.

It replaces the bare "week settled" post (same outbox key), so the channel gets one
message per week, not a settlement notice followed by a near-duplicate recap. The facts
are read by commands.services.week_recap, the choosing is done by `engine.awards`, whose
tie rules make the post the same on every re-run, and the words are here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from commands.charts import profit_chart
from commands.format import credits, odds, plural, probability, signed_credits
from commands.replies import Card, Field, Image, Reply, Table, Tone
from commands.services.settlement import SettlementSummary
from commands.services.standings import Standing
from commands.services.week_recap import RecapFacts, SeasonScores
from commands.views import SCORE_MEANING, leaderboard
from engine.awards import BetAwards, FantasyAwards, Game, bet_awards, fantasy_awards
from storage.models import League, Matchup, Week


def settled_sentence(period: int, summary: SettlementSummary) -> str:
    """What a settled week came to, in the one sentence every place says it: the channel's
    post, the console's `:advance` and the commissioner's `settle`.

    `summary` is the week as its bets stand (commands.services.week_recap.week_summary), so
    bets voided before the settlement count too, and every place gives the same numbers.
    """
    outcomes = (
        ", ".join(
            f"{n:,} {'pushes' if k == 'push' and n != 1 else k}" for k, n in sorted(summary.outcomes.items())
        )
        or "no bets"
    )
    return (
        f"Week {period} is settled: {plural(summary.bets, 'bet')} ({outcomes}). "
        f"Staked {credits(summary.staked)}, paid out {credits(summary.paid)}."
    )


def chart_lines(rows: Sequence[Standing], scores: Mapping[int, Sequence[int]]) -> dict[str, list[int]]:
    """The chart's lines by legend label, in the order of the leaderboard `rows` beside it."""
    lines: dict[str, list[int]] = {}
    for row in rows:
        if row.member_id in scores:
            # Two members may share a display name; the legend must still tell them apart.
            name = row.name if row.name not in lines else f"{row.name} ({row.member_id})"
            lines[name] = list(scores[row.member_id])
    return lines


async def season_chart(
    rows: Sequence[Standing], scores: SeasonScores, season: int, title: str
) -> Image | None:
    """The season-score chart, drawn off the event loop; None before any week has settled.

    One line per member of the leaderboard `rows`, in their order, ending on their scores.
    """
    weeks, by_member = scores
    lines = chart_lines(rows, by_member)
    if not weeks or not lines:
        return None
    return await asyncio.to_thread(profit_chart, weeks, lines, title, f"sidebet-{season}-profit.png")


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


async def recap_post(league: League, week: Week, summary: SettlementSummary, facts: RecapFacts) -> Reply:
    """The settled week's one post: what happened on the field and at the book."""
    games = facts.games
    fantasy = fantasy_awards([g for _, g in games], facts.efficiencies)
    bets = bet_awards(facts.bets)
    chart = await season_chart(
        facts.season_rows, facts.scores, week.season, f"{league.name} {week.season}: season score"
    )
    cards = tuple(c for c in (bets_card(bets), awards_card(fantasy)) if c is not None)
    if facts.best_parlay:
        cards += (Card("Best parlay of the week", facts.best_parlay),)
    return Reply(
        text=f"{settled_sentence(week.matchup_period, summary)} Here's the recap. {SCORE_MEANING}",
        cards=cards,
        tables=(
            *((results_table(week, games),) if games else ()),
            *leaderboard(f"Week {week.matchup_period} leaderboard", facts.week_rows, week=True).tables,
            *leaderboard(f"{week.season} season leaderboard", facts.season_rows, week=False).tables,
        ),
        images=(chart,) if chart is not None else (),
        ephemeral=False,
        tone=Tone.SUCCESS,
    )
