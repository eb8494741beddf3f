"""Board tables for multi-way markets and popular picks, beside commands/views.py's.

A multi-way market has a row per entrant rather than two sides in a row, so it gets its own
table: the week's high score on the markets board, each matchup's MVP under its odds. Popular
picks, when the league shows them, add a table of each side's share of the bets.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from commands.format import lock_phrase, odds, probability
from commands.league_settings import LeagueSettings
from commands.replies import Table
from commands.services.board import WeekMarkets
from commands.services.multiway import MULTIWAY
from commands.services.popular_picks import shares
from storage.models import Market

MAX_POPULAR_ROWS = 12
"""The most-backed sides shown on a board; the rest are one `odds` away."""


def is_multiway(market: Market) -> bool:
    return market.kind in MULTIWAY


def multiway_table(market: Market, lines: WeekMarkets, settings: LeagueSettings, now: datetime) -> Table:
    """One row per entrant, favourite first: its price and fair chance of topping the field."""
    sides = sorted(lines.selections.get(market.id, {}).values(), key=lambda s: (-s.fair_p, s.label))
    rows = tuple((s.label, odds(s.odds), probability(s.fair_p)) for s in sides)
    title = f"#{market.number} {market.label} - {lock_phrase(market.lock_at, now, settings.tz)}"
    return Table(("Pick", "Odds", "Fair"), rows, title=title)


def popular_table(markets: Iterable[Market], lines: WeekMarkets) -> Table | None:
    """The most-backed sides of these markets: share of the market's bets and credits."""
    rows: list[tuple[int, tuple[str, str, str, str]]] = []
    for market in markets:
        by_side = lines.selections.get(market.id, {})
        split = shares([s.id for s in by_side.values()], lines.picks)
        if split is None:
            continue
        for selection in by_side.values():
            count_share, credit_share = split[selection.id]
            staked = lines.picks.get(selection.id, (0, 0))[1]
            if count_share > 0:
                rows.append(
                    (
                        staked,
                        (f"#{market.number}", selection.label, f"{count_share:.0%}", f"{credit_share:.0%}"),
                    )
                )
    if not rows:
        return None
    rows.sort(key=lambda row: -row[0])
    return Table(
        ("Market", "Pick", "Bets", "Credits"),
        tuple(row for _, row in rows[:MAX_POPULAR_ROWS]),
        title="Popular picks (share of each market's bets)",
    )
