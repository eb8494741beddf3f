"""Alternate lines: a ladder of spreads and totals around a matchup's main lines.

Every rung is priced from the very distribution its main line is (the matchup's margin or
total, engine/model.py), so the ladder is monotone by construction: the further a spread
moves in a side's favour, the likelier that side covers and the shorter its price. Each
rung is its own two-way market with the league's margin, so quoted probabilities are never
below fair ones; since every fair probability comes from one distribution, any set of
selections that covers every outcome has fair probabilities summing to at least one, and
quoted ones to more: no combination of rungs and main lines is a sure thing. find_arbitrage
(engine/arbitrage.py) checks that exactly on every quote set, alternates included.

A rung's subject is its line as text ("-3.5", "227"): it keeps rungs apart in the
(matchup, kind, subject) key of stored markets, and never changes while the market lives.
"""

from __future__ import annotations

from engine.margin import DEFAULT_MARGIN, check_margin
from engine.markets import MarketKind, PricedMarket, round_half, two_way_market
from engine.model import MatchupModel, Normal

SPREAD_STEPS = (3.0, 7.0, 10.0)
"""Points either side of the main spread: a field goal, a touchdown, both."""

TOTAL_STEPS = (10.0, 20.0)
"""Points either side of the main total."""


def line_subject(line: float) -> str:
    """A rung's subject: its line, as short as it reads ("-3.5", "10", "227.5")."""
    return f"{line:g}"


def alternate_lines(
    model: MatchupModel,
    margin: float = DEFAULT_MARGIN,
    spread_steps: tuple[float, ...] = SPREAD_STEPS,
    total_steps: tuple[float, ...] = TOTAL_STEPS,
) -> list[PricedMarket]:
    """The ladder around the main spread and total (the main lines themselves excluded).

    A rung whose result is already certain (or a side past the probability cap) is handled
    as the main markets are: left out when certain, a side above the cap not offered.
    """
    check_margin(margin)
    rungs: list[PricedMarket] = []
    for kind, score, steps in (
        (MarketKind.ALT_SPREAD, model.margin, spread_steps),
        (MarketKind.ALT_TOTAL, model.total, total_steps),
    ):
        rungs += _ladder(kind, score, steps, margin)
    return rungs


def _ladder(kind: MarketKind, score: Normal, steps: tuple[float, ...], margin: float) -> list[PricedMarket]:
    main = round_half(score.mean)
    lines = sorted({main - step for step in steps} | {main + step for step in steps})
    if kind is MarketKind.ALT_TOTAL:
        lines = [line for line in lines if line > 0.0]
    rungs = []
    for line in lines:
        first, second = score.tails(line)
        if 0.0 < first < 1.0 and 0.0 < second < 1.0:
            rungs.append(two_way_market(kind, line_subject(line), line, first, second, margin))
    return rungs
