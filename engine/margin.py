"""The house margin: how a fair probability becomes a quoted price."""

from __future__ import annotations

import math

from engine.odds import probability_to_american

PROBABILITY_CAP = 0.99
"""No side is quoted above this: a near-certainty priced at the cap would be a gift."""

PROBABILITY_FLOOR = 1.0 - PROBABILITY_CAP
"""Long shots are quoted at least this likely, so no price reads as 0% (or +infinity)."""

DEFAULT_MARGIN = 0.0476
"""-110/-110 on a coin flip, the price members know from real books."""

MIN_MARGIN = 0.0
MAX_MARGIN = 0.10


def check_margin(margin: float) -> None:
    """Reject margins outside what a league may configure, before they reach a price."""
    if not MIN_MARGIN <= margin <= MAX_MARGIN:
        raise ValueError(f"margin must be between {MIN_MARGIN} and {MAX_MARGIN}, got {margin}")


def quote_probability(fair_p: float, margin: float) -> float | None:
    """The probability a side is quoted at, or None when it cannot be offered.

    The margin is additive (q = p + m/2; for two outcomes this equals Shin's method),
    so both sides pay the same share. Raising a long shot to the floor only takes value
    from the bettor, so it is safe; lowering a favourite to the cap would hand value to
    the bettor, so such a side is not offered at all.
    """
    if math.isnan(fair_p) or not 0.0 <= fair_p <= 1.0:
        raise ValueError(f"a fair probability must be between 0 and 1, got {fair_p}")
    q = max(fair_p + margin / 2, PROBABILITY_FLOOR)
    return None if q > PROBABILITY_CAP else q


def quote_two_way(p_a: float, p_b: float, margin: float) -> tuple[int | None, int | None]:
    """American odds for both sides of a two-way market (None: side not offered)."""
    check_margin(margin)
    return _price(quote_probability(p_a, margin)), _price(quote_probability(p_b, margin))


def _price(q: float | None) -> int | None:
    return None if q is None else probability_to_american(q)
