"""A safety net run on every quote set: no combination of our prices may be a sure thing.

Each two-way market must keep its own book (sum of 1/decimal >= 1 + margin). Across
the markets of one matchup, any few selections whose winning regions together cover
every plausible final score must do the same, or staking them in proportion to 1/decimal
would profit whatever happens. Plausible scores are each team's mean +/- 5 sd.

Coverage is decided exactly rather than on a sampled grid: every matchup selection
wins on one side of a straight line (engine.regions), so "some outcome where nothing
wins and something loses" is a question about the corners of a small convex polygon.
That is what an infinitely fine grid would find, without missing strips thinner than
its step, and it takes about a millisecond.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from engine.markets import HOME, MATCHUP_KINDS, MarketKind, PricedMarket, PricedSelection
from engine.model import MatchupModel
from engine.odds import format_american, implied_probability
from engine.regions import HalfPlane, winning_region

BOX_SDS = 5.0
"""Scores further than this many standard deviations from the mean are not considered."""

PROBABILITY_TOLERANCE = 1e-9
"""Float noise in implied probabilities, far below anything a bettor could use."""

_POINTS_TOLERANCE = 1e-7

Constraint = tuple[float, float, float]
"""(a, b, c) meaning a * home + b * away <= c."""


@dataclass(frozen=True, slots=True)
class _Offer:
    market: PricedMarket
    selection: PricedSelection
    implied: float
    region: HalfPlane | None

    @property
    def label(self) -> str:
        return f"{_describe(self.market, self.selection.side)} {format_american(self.odds)}"

    @property
    def odds(self) -> int:
        assert self.selection.odds is not None
        return self.selection.odds


@dataclass(frozen=True, slots=True)
class _Box:
    home_low: float
    home_high: float
    away_low: float
    away_high: float

    @classmethod
    def around(cls, model: MatchupModel) -> _Box:
        home, away = model.home, model.away
        return cls(
            home.mean - BOX_SDS * home.sd,
            home.mean + BOX_SDS * home.sd,
            away.mean - BOX_SDS * away.sd,
            away.mean + BOX_SDS * away.sd,
        )

    def constraints(self) -> list[Constraint]:
        return [
            (-1.0, 0.0, -self.home_low),
            (1.0, 0.0, self.home_high),
            (0.0, -1.0, -self.away_low),
            (0.0, 1.0, self.away_high),
        ]

    def corners(self) -> list[tuple[float, float]]:
        return [(h, a) for h in (self.home_low, self.home_high) for a in (self.away_low, self.away_high)]


def find_arbitrage(
    markets: Sequence[PricedMarket], model: MatchupModel, min_margin: float = 0.0
) -> list[str]:
    """Human-readable violations; an empty list means the quote set is safe to publish.

    Only sets whose prices imply less than `required` are tested for coverage. That skips
    most of the geometry and reports exactly what testing every set would: a set is
    reported when it covers, implies too little, and has no covering subset. A skipped set
    is never reported, and every subset of a set that implies too little implies too
    little itself (prices imply more than zero), so it was tested as before; the covering
    subsets a reported set is measured against are therefore the same ones.
    tests/engine/test_engine_arbitrage.py checks this against the exhaustive search.
    """
    required = 1.0 + min_margin
    problems = [problem for market in markets if (problem := _book_problem(market, required)) is not None]
    # Offers as parallel lists rather than _Offer objects: a matchup builds ten of them and
    # almost never reports one, so the object (and its label) is made only for a report.
    offered = [
        (market, selection)
        for market in markets
        for selection in market.selections
        if selection.odds is not None
    ]
    implied_of = [implied_probability(selection.odds) for _, selection in offered]
    market_of = [id(market) for market, _ in offered]
    region_of = [
        _region(market.kind, selection.side, market.line, market.subject)
        if market.kind in MATCHUP_KINDS
        else None
        for market, selection in offered
    ]
    on_matchup = [i for i, region in enumerate(region_of) if region is not None]
    box = _Box.around(model)
    corners = box.corners()
    idle_at, settled_at = _corner_masks(region_of, corners)
    covering: list[frozenset[int]] = []
    ceiling = required - PROBABILITY_TOLERANCE
    for combo, implied in _candidate_sets(on_matchup, implied_of, market_of, ceiling, idle_at, settled_at):
        members = frozenset(combo)
        if any(smaller <= members for smaller in covering):
            continue  # a covering subset already answers for this set
        regions = [region for i in combo if (region := region_of[i]) is not None]
        if _covered_past_the_corners(regions, box, corners):
            covering.append(members)
            labels = " + ".join(_Offer(*offered[i], implied_of[i], region_of[i]).label for i in combo)
            problems.append(
                f"{labels} cover every outcome but imply only {implied:.2%} (need at least {required:.2%})"
            )
    return problems


@lru_cache(maxsize=4096)
def _region(kind: MarketKind, side: str, line: float | None, subject: str | None) -> HalfPlane:
    """winning_region, cached: it validates its input and builds a new HalfPlane each call.

    Lines sit on half points, so the matchups of a week share a few hundred regions at
    most. Keys that compare equal (10 and 10.0, 0.0 and -0.0) give equal regions, as the
    threshold is always made a float without a negative zero; HalfPlane is frozen, so
    sharing one is safe. Invalid input raises every time (lru_cache keeps no exceptions).
    """
    return winning_region(kind, side, line, subject)


def _book_problem(market: PricedMarket, required: float) -> str | None:
    """Both sides of one market offered must imply at least `required` together."""
    first, second = market.selections
    if first.odds is None or second.odds is None:
        return None
    implied = implied_probability(first.odds) + implied_probability(second.odds)
    if implied >= required - PROBABILITY_TOLERANCE:
        return None
    sides = " / ".join(
        f"{_describe(market, s.side)} {format_american(s.odds)}"
        for s in market.selections
        if s.odds is not None
    )
    return f"{sides} imply only {implied:.2%} (need at least {required:.2%})"


def _candidate_sets(
    indices: Sequence[int],
    implied_of: Sequence[float],
    market_of: Sequence[int],
    ceiling: float,
    idle_at: Sequence[int],
    settled_at: Sequence[int],
) -> list[tuple[tuple[int, ...], float]]:
    """Sets of up to three offers from distinct markets implying less than `ceiling` that
    pass the corner test (see _corner_masks).

    Listed with that sum, in the order of itertools.combinations, size by size (so
    subsets come before the sets that contain them), and summed left to right as sum()
    would. Both sides of one market are never combined: that market's own book already
    answers for them. A pair that already reaches the ceiling is not extended: its
    supersets imply more (every price implies more than zero, and rounded float addition
    of positives never decreases). A set fails the corner test at a corner where no member
    wins and some member does not push: a bit set in every member's idle mask and in
    some member's settled mask. Such a set could never be reported, but it is still
    extended, as a larger set may win where it does not. Three is enough: by Helly's
    theorem (in the plane), selections that cover every outcome between them always
    include a covering set of at most three. Written out for sets of one, two and three
    because this loop runs for every matchup priced.
    """
    cheap = [(i, implied_of[i]) for i in indices if implied_of[i] < ceiling]
    singles = [((i,), p) for i, p in cheap if not idle_at[i] & settled_at[i]]
    pairs: list[tuple[tuple[int, ...], float]] = []
    triples: list[tuple[tuple[int, ...], float]] = []
    # The cheapest offer after each position: a pair that reaches the ceiling even with it
    # reaches it with every later offer (rounding is monotonic), so it needs no third.
    cheapest_after = [math.inf] * len(cheap)
    for b in range(len(cheap) - 2, -1, -1):
        cheapest_after[b] = min(cheap[b + 1][1], cheapest_after[b + 1])
    for a, (i, p_i) in enumerate(cheap):
        for b in range(a + 1, len(cheap)):
            j, p_j = cheap[b]
            p_ij = p_i + p_j
            if p_ij >= ceiling or market_of[j] == market_of[i]:
                continue
            idle_ij = idle_at[i] & idle_at[j]
            settled_ij = settled_at[i] | settled_at[j]
            if not idle_ij & settled_ij:
                pairs.append(((i, j), p_ij))
            if p_ij + cheapest_after[b] >= ceiling:
                continue
            for k, p_k in cheap[b + 1 :]:
                p_ijk = p_ij + p_k
                if (
                    p_ijk < ceiling
                    and market_of[k] != market_of[i]
                    and market_of[k] != market_of[j]
                    and not idle_ij & idle_at[k] & (settled_ij | settled_at[k])
                ):
                    triples.append(((i, j, k), p_ijk))
    return singles + pairs + triples


def _corner_masks(
    regions: Sequence[HalfPlane | None], corners: Sequence[tuple[float, float]]
) -> tuple[list[int], list[int]]:
    """Per offer, bit c set when at corners[c] it does not win (first list) or does not push (second).

    These are the per-selection halves of the corner test (a set fails at a corner where no
    member wins and some member does not push), computed with the very same float
    expressions as HalfPlane.excess. They depend only on the offer and the box, not on the set
    it is tried in, so a matchup computes them once for its ten offers instead of once per
    candidate set; _candidate_sets then combines them with & and |. Props (no region)
    are never in a candidate set and get empty masks.
    """
    idle_at = []
    settled_at = []
    for r in regions:
        idle = settled = 0
        if r is not None:
            threshold = r.threshold
            wins_above = threshold + _POINTS_TOLERANCE
            bit = 1
            for home, away in corners:
                value = r.home_coef * home + r.away_coef * away  # as in HalfPlane.excess
                if value <= wins_above:
                    idle |= bit
                if abs(value - threshold) > _POINTS_TOLERANCE:
                    settled |= bit
                bit <<= 1
        idle_at.append(idle)
        settled_at.append(settled)
    return idle_at, settled_at


def _covered_past_the_corners(
    regions: Sequence[HalfPlane], box: _Box, corners: Sequence[tuple[float, float]]
) -> bool:
    """True when, on every score in the box, some selection wins or none of them loses,
    for a set already known not to fail at a corner of the box.

    The scores where no selection wins form a convex polygon (the box cut by each
    losing-or-push side); it is harmless only if it is empty or lies where every
    selection pushes, which a polygon does exactly when all its corners do. At least
    one selection must also be able to win, or the set is merely a refund.
    find_arbitrage learns about the box's corners from its corner masks, so it starts here. That is also why
    the vertices where two edges of the box meet are not solved for: they are the box's
    corners, bit for bit (each coordinate is one bound times 1, minus a bound times 0),
    where the vertex check below asks exactly what the corner test asked; or, for a box
    with an infinite bound, a point with a NaN coordinate, which no check can fail.
    """
    edges = box.constraints()
    constraints = edges + [(r.home_coef, r.away_coef, r.threshold) for r in regions]
    for home, away in _vertices(constraints, first_line=len(edges)):
        if any(abs(r.excess(home, away)) > _POINTS_TOLERANCE for r in regions):
            return False
    return any(r.excess(home, away) > _POINTS_TOLERANCE for r in regions for home, away in corners)


def _vertices(constraints: Sequence[Constraint], first_line: int = 0) -> Iterator[tuple[float, float]]:
    """Corners of the polygon {x : a*home + b*away <= c for every constraint}.

    Only those on at least one constraint from `first_line` on: pairs of earlier ones are
    not solved (see _covered_past_the_corners). In no particular order, and one at a time:
    the caller usually stops at the first.
    """
    for j in range(max(first_line, 1), len(constraints)):
        a2, b2, c2 = constraints[j]
        for a1, b1, c1 in constraints[:j]:  # (first, second) as itertools.combinations pairs them
            det = a1 * b2 - a2 * b1
            if det == 0.0:
                continue
            home = (c1 * b2 - c2 * b1) / det
            away = (a1 * c2 - a2 * c1) / det
            for a, b, c in constraints:
                if a * home + b * away > c + _POINTS_TOLERANCE:
                    break
            else:
                yield home, away


def _describe(market: PricedMarket, side: str) -> str:
    line = market.line
    match market.kind:
        case MarketKind.MONEYLINE:
            return f"moneyline {side}"
        case MarketKind.SPREAD:
            assert line is not None
            handicap = -line if side == HOME else line
            return f"spread {side} {handicap + 0.0:+g}"
        case MarketKind.TOTAL:
            return f"total {side} {line:g}"
        case MarketKind.TEAM_TOTAL:
            return f"{market.subject} team total {side} {line:g}"
        case _:
            return f"player {market.subject} {side} {line:g}"
