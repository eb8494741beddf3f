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
from commands.services.week_recap import RecapFacts
from commands.views import leaderboard
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


async def season_chart(
    weeks: Sequence[int], profits: Mapping[str, Sequence[int]], season: int, title: str
) -> Image | None:
    """The profit chart, drawn off the event loop; None before any week has settled."""
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


async def recap_post(league: League, week: Week, summary: SettlementSummary, facts: RecapFacts) -> Reply:
    """The settled week's one post: what happened on the field and at the book."""
    games = facts.games
    fantasy = fantasy_awards([g for _, g in games], facts.efficiencies)
    bets = bet_awards(facts.bets)
    weeks, profits = facts.profits
    chart = await season_chart(weeks, profits, week.season, f"{league.name} {week.season}: season profit")
    cards = tuple(c for c in (bets_card(bets), awards_card(fantasy)) if c is not None)
    return Reply(
        text=f"{settled_sentence(week.matchup_period, summary)} Here's the recap.",
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
