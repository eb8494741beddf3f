"""The markets of a matchup and of a player, priced from one model.

Lines sit on half points. A spread line is stored as the home team's expected margin
(home covers when home - away > line), so "home -10" reads as line 10.0; a line of
10.5 cannot push, 10.0 can.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from scipy.special import gammainc, gammaincc, gammaincinv

from engine.margin import DEFAULT_MARGIN, check_margin, quote_two_way
from engine.model import DEFAULT_CV, POSITION_CV, MatchupModel, Starter, position_cv

HOME = "home"
AWAY = "away"
OVER = "over"
UNDER = "under"


class MarketKind(StrEnum):
    MONEYLINE = "moneyline"
    SPREAD = "spread"
    TOTAL = "total"
    TEAM_TOTAL = "team_total"
    PROP = "prop"
    ALT_SPREAD = "alt_spread"
    ALT_TOTAL = "alt_total"
    HIGH_SCORE = "high_score"
    MVP = "mvp"


SIDES: Mapping[MarketKind, tuple[str, str]] = MappingProxyType(
    {
        MarketKind.MONEYLINE: (HOME, AWAY),
        MarketKind.SPREAD: (HOME, AWAY),
        MarketKind.TOTAL: (OVER, UNDER),
        MarketKind.TEAM_TOTAL: (OVER, UNDER),
        MarketKind.PROP: (OVER, UNDER),
        MarketKind.ALT_SPREAD: (HOME, AWAY),
        MarketKind.ALT_TOTAL: (OVER, UNDER),
    }
)
"""The two sides of each kind of market, in the order selections are listed."""

MATCHUP_KINDS = frozenset(
    {
        MarketKind.MONEYLINE,
        MarketKind.SPREAD,
        MarketKind.TOTAL,
        MarketKind.TEAM_TOTAL,
        MarketKind.ALT_SPREAD,
        MarketKind.ALT_TOTAL,
    }
)
"""Markets settled by the two team scores alone (props need the player's points)."""

ALTERNATE_OF: Mapping[MarketKind, MarketKind] = MappingProxyType(
    {MarketKind.ALT_SPREAD: MarketKind.SPREAD, MarketKind.ALT_TOTAL: MarketKind.TOTAL}
)
"""An alternate line is its main market at another line; its subject only tells the ladder's
rungs apart (engine/alternates.py), so it grades exactly as the main market does."""

MULTIWAY_KINDS = frozenset({MarketKind.HIGH_SCORE, MarketKind.MVP})
"""Markets with one side per entrant (engine/multiway.py), graded with the dead-heat rule."""


@dataclass(frozen=True, slots=True)
class PricedSelection:
    """One side of a market: its fair probability and the price offered (None: not offered)."""

    side: str
    fair_p: float
    odds: int | None


@dataclass(frozen=True, slots=True)
class PricedMarket:
    """A two-way market.

    subject is None for moneyline, spread and total; "home"/"away" for a team total;
    the player id for a prop. line is None for a moneyline.
    """

    kind: MarketKind
    subject: str | None
    line: float | None
    selections: tuple[PricedSelection, PricedSelection]

    def selection(self, side: str) -> PricedSelection:
        for selection in self.selections:
            if selection.side == side:
                return selection
        raise KeyError(f"{self.kind} has no side {side!r}")


def round_half(x: float) -> float:
    """The nearest half point, ties away from zero so home and away lines mirror exactly."""
    if not math.isfinite(x):
        raise ValueError(f"cannot put a line at {x}")
    halves = math.floor(abs(x) * 2.0 + 0.5)
    return math.copysign(halves / 2.0, x) + 0.0


def price_matchup(model: MatchupModel, margin: float = DEFAULT_MARGIN) -> list[PricedMarket]:
    """Moneyline, spread, total and both team totals, all from the same two distributions.

    A market whose outcome is already certain or undefined is left out (see `_decided`):
    two empty or all-zero lineups would otherwise offer a 0-0 moneyline, a sure push, at
    fair 0 and 1.
    """
    check_margin(margin)
    diff = model.margin
    spread_line = round_half(diff.mean)
    lines: list[tuple[MarketKind, str | None, float | None, tuple[float, float]]] = [
        (MarketKind.MONEYLINE, None, None, diff.tails(0.0)),
        (MarketKind.SPREAD, None, spread_line, diff.tails(spread_line)),
    ]
    for kind, subject, score in (
        (MarketKind.TOTAL, None, model.total),
        (MarketKind.TEAM_TOTAL, HOME, model.home),
        (MarketKind.TEAM_TOTAL, AWAY, model.away),
    ):
        line = round_half(score.mean)
        lines.append((kind, subject, line, score.tails(line)))
    return [
        two_way_market(kind, subject, line, first, second, margin)
        for kind, subject, line, (first, second) in lines
        if not _decided(first, second)
    ]


def _decided(p_first: float, p_second: float) -> bool:
    """Whether a two-way market has nothing to bet on: its result is certain (a side at
    probability 0 or 1, e.g. a score that cannot vary) or undefined (NaN)."""
    return not (0.0 < p_first < 1.0 and 0.0 < p_second < 1.0)


def gamma_median(mean: float, cv: float) -> float:
    """Median of a gamma with this mean and coefficient of variation.

    Fantasy points are right-skewed (a long touchdown doubles a week), so the median
    sits below the projection: about 0.88 of it at CV 0.6. A prop line at the median
    makes over and under close to even money.
    """
    shape, scale = _gamma_parameters(mean, cv)
    return float(gammaincinv(shape, 0.5)) * scale


def price_prop(
    starter: Starter, margin: float = DEFAULT_MARGIN, cv: Mapping[str, float] = POSITION_CV
) -> PricedMarket | None:
    """A player's over/under at the median of a gamma fitted to his projection.

    None when there is nothing to bet on: the player is out, on bye, or projected for
    (almost) nothing.
    """
    check_margin(margin)
    if starter.mean <= 0.0:
        return None
    quote = _prop_quote(starter.mean, position_cv(starter.position, cv), margin)
    if quote is None:
        return None
    line, over, under = quote
    return PricedMarket(MarketKind.PROP, starter.player_id, line, (over, under))


PropQuote = tuple[float, PricedSelection, PricedSelection]
"""A prop's line with its over and under, as price_prop would put them in its market."""


def prop_quotes(
    starters: Sequence[Starter], margin: float = DEFAULT_MARGIN, cv: Mapping[str, float] = POSITION_CV
) -> list[PropQuote | None]:
    """What price_prop gives for each starter, in order, as (line, over, under) or None.

    For pricing a whole lineup at once: a week prices about a million props, and this
    checks the margin once and builds no market object only to have it taken apart
    again by the caller, who turns each quote into a record of its own. The market's
    subject would be the player id, as in price_prop.
    """
    check_margin(margin)
    quotes: list[PropQuote | None] = []
    for starter in starters:
        mean = starter.mean
        if mean <= 0.0:
            quotes.append(None)
        else:  # position_cv, inlined
            quotes.append(_prop_quote(mean, cv.get(starter.position, DEFAULT_CV), margin))
    return quotes


@lru_cache(maxsize=8192)
def _prop_quote(mean: float, cv: float, margin: float) -> PropQuote | None:
    """Line and both priced sides of a prop, which depend on nothing but these three numbers.

    Cached because they repeat: every league that starts a player sees the same ESPN
    projection, so a week across thousands of leagues prices a few hundred distinct props
    many times over, and each costs three incomplete-gamma evaluations. The selections are
    frozen, so sharing them between markets is safe. Bounded so that a long-running bot
    keeps at most a couple of megabytes of old quotes (the synthetic 1,000-league bench
    week has about 1,300 distinct projections).
    """
    shape, scale = _gamma_parameters(mean, cv)
    line = round_half(gamma_median(mean, cv))
    if line <= 0.0:
        return None
    p_over = float(gammaincc(shape, line / scale))
    p_under = float(gammainc(shape, line / scale))
    over, under = two_way_market(MarketKind.PROP, None, line, p_over, p_under, margin).selections
    return line, over, under


def _gamma_parameters(mean: float, cv: float) -> tuple[float, float]:
    if not mean > 0.0 or not cv > 0.0:
        raise ValueError(f"a gamma needs a positive mean and CV, got {mean} and {cv}")
    return 1.0 / (cv * cv), mean * cv * cv


def two_way_market(
    kind: MarketKind,
    subject: str | None,
    line: float | None,
    p_first: float,
    p_second: float,
    margin: float,
) -> PricedMarket:
    """A two-way market at these fair probabilities, quoted with the league's margin.

    The one place a fair pair becomes quoted prices, for fantasy matchups, props and NFL
    games alike (engine/game_lines.py), so every board rounds and caps the same way.
    """
    first, second = SIDES[kind]
    odds_first, odds_second = quote_two_way(p_first, p_second, margin)
    selections = (PricedSelection(first, p_first, odds_first), PricedSelection(second, p_second, odds_second))
    return PricedMarket(kind, subject, line, selections)
