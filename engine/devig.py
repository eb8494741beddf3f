"""Fair probabilities from a sportsbook's two-way prices: removing the source's margin.

A book's prices imply probabilities pi_i = 1 / d_i (d_i decimal odds) that sum to more
than one; the excess S - 1 (S = sum pi_i, the "booksum" or overround) is its margin.
De-vigging spreads that excess back out. How it is spread is a model of where the book
put its margin, and three are offered, as a league setting:

- multiplicative (normalised):  p_i = pi_i / S.
  Every side gives up the same share of its implied probability. Simple and the usual
  baseline, but real books load long shots more than favourites (the favourite-longshot
  bias), so it leaves long shots a little too likely.

- Shin (1993):  p_i = (sqrt(z^2 + 4 (1 - z) pi_i^2 / S) - z) / (2 (1 - z)),
  with z in [0, 1) (the share of insider money the book guards against) solved so that
  sum p_i = 1. For two outcomes this is exactly the additive method,
  p_i = pi_i - (S - 1) / 2: each side gives up the same number of percentage points,
  which takes relatively more from the long shot. It is also the inverse of the house's
  own margin (engine/margin.py adds m/2 to each side), so a price the book made itself
  de-vigs back to its fair probability.

- power:  p_i = pi_i ** k,  with k >= 1 solved so that sum p_i = 1.
  A long shot's small pi_i shrinks proportionally more under the power, so it too
  corrects the favourite-longshot bias, more gently than Shin for heavy favourites.

The roots (z, k) are found with scipy's brentq on a bracket where the sum is monotonic.
A price set already under 100% (S <= 1: an exchange, or a stale side) is only normalised:
there is no margin to remove, and p_i = pi_i / S keeps the probabilities summing to one.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from enum import StrEnum

from engine.odds import american_to_decimal


class DevigMethod(StrEnum):
    MULTIPLICATIVE = "multiplicative"
    SHIN = "shin"
    POWER = "power"


DEFAULT_DEVIG = DevigMethod.SHIN
"""Shin: corrects the favourite-longshot bias and is the inverse of the house's own margin."""

_ROOT_TOLERANCE = 1e-14


def implied_from_american(first: int, second: int) -> tuple[float, float]:
    """The implied probabilities 1 / decimal of two American prices, exactly converted."""
    return float(1 / american_to_decimal(first)), float(1 / american_to_decimal(second))


def implied_from_decimal(first: float, second: float) -> tuple[float, float]:
    """The implied probabilities of two decimal prices (stake included, so each above 1)."""
    for price in (first, second):
        if not (math.isfinite(price) and price > 1.0):
            raise ValueError(f"decimal odds must be finite and above 1, got {price}")
    return 1.0 / first, 1.0 / second


def devig(implied: tuple[float, float], method: DevigMethod) -> tuple[float, float]:
    """Fair probabilities (summing to one) from two implied probabilities, by `method`."""
    first, second = implied
    for p in implied:
        if not (math.isfinite(p) and 0.0 < p < 1.0):
            raise ValueError(f"an implied probability must be strictly between 0 and 1, got {p}")
    booksum = first + second
    if first == second:
        return 0.5, 0.5  # every method agrees; said exactly rather than through a root
    if booksum <= 1.0 or method is DevigMethod.MULTIPLICATIVE:
        return first / booksum, second / booksum
    if method is DevigMethod.SHIN:
        z = _root(lambda z: sum(_shin(p, z, booksum) for p in implied) - 1.0, 0.0, 1.0 - 1e-12)
        fair_first = _shin(first, z, booksum)
    else:
        k = _root(lambda k: first**k + second**k - 1.0, 1.0, _power_ceiling(implied))
        fair_first = first**k
    return fair_first, 1.0 - fair_first


def fair_from_american(first: int, second: int, method: DevigMethod) -> tuple[float, float]:
    """De-vigged probabilities of a two-way market quoted in American odds."""
    return devig(implied_from_american(first, second), method)


def fair_from_decimal(first: float, second: float, method: DevigMethod) -> tuple[float, float]:
    """De-vigged probabilities of a two-way market quoted in decimal odds."""
    return devig(implied_from_decimal(first, second), method)


def _shin(implied: float, z: float, booksum: float) -> float:
    return (math.sqrt(z * z + 4.0 * (1.0 - z) * implied * implied / booksum) - z) / (2.0 * (1.0 - z))


def _power_ceiling(implied: tuple[float, float]) -> float:
    """A k at which the powered sum is surely below one: the larger p ** k reaches 1/2."""
    return max(1.0, math.log(0.5) / math.log(max(implied))) + 1.0


def _root(f: Callable[[float], float], low: float, high: float) -> float:
    """The root of a monotonic f on [low, high] (f changes sign there for a booksum above 1).

    scipy.optimize is imported here, not at the top: it adds about 0.2 s to the bot's
    start-up and only pricing a game with a margin to remove needs it.
    """
    from scipy.optimize import brentq

    return float(brentq(f, low, high, xtol=_ROOT_TOLERANCE, rtol=1e-15))
