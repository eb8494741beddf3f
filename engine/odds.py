"""American odds: the only price format members see, converted exactly.

Decimal odds are kept as `Fraction`s so that payouts can be floored with integer
arithmetic; a float would turn 100 credits at -110 into 190.90909090909088 and risk
an off-by-one credit against the ledger.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache

ODDS_STEP = 5
"""Quoted odds are multiples of this: prices read like a real book's."""

_NOISE_DIGITS = 6
"""Decimals kept before flooring, so float noise (-110.00000000000001) does not cost a step."""

_NOISE_PROBABILITY = 1e-12
"""The largest shortfall of implied probability that still counts as float noise."""

_CLEAR_OF_A_STEP = 1e-6
"""Distance from a step, in steps, beyond which rounding to _NOISE_DIGITS cannot matter.

round(exact, 6) is most of the cost of a price, and it moves `exact` by at most 5e-7
plus half an ulp (under 6e-8 below 1e9), a tenth of a millionth of a step after dividing
by ODDS_STEP, and each division adds under 1.5e-8 more: a value further than 1e-6 steps
from a multiple of ODDS_STEP floors to the same step with or without it. Values nearer
(-110.00000000000001, the noise the rounding is there for) still take the rounding.
tests/engine/test_engine_odds.py compares both ways on 400,000 probabilities, many of
them within a millionth of a step.
"""


def _check_american(american: int) -> None:
    """Odds strictly between -100 and +100 do not exist in the American format."""
    if isinstance(american, bool) or not isinstance(american, int):
        raise TypeError(f"American odds are integers, got {american!r}")
    if -100 < american < 100:
        raise ValueError(f"American odds must be <= -100 or >= +100, got {american}")


@lru_cache(maxsize=4096, typed=True)
def american_to_decimal(american: int) -> Fraction:
    """Decimal odds (returned per credit staked, stake included), exactly.

    Cached: settlement prices every bet, quotes are multiples of ODDS_STEP so a few hundred
    prices recur, and building a Fraction costs more than the rest of a payout. typed=True
    keeps True and 110.0 from sharing a valid int's entry (they must still be refused);
    Fractions are immutable, so sharing one is safe.
    """
    _check_american(american)
    if american > 0:
        return 1 + Fraction(american, 100)
    return 1 + Fraction(100, -american)


@lru_cache(maxsize=4096, typed=True)
def implied_probability(american: int) -> float:
    """The break-even probability of a price: what a bettor must beat to profit.

    Cached: quotes are multiples of ODDS_STEP, so a few hundred prices recur across every
    market priced, and the exact Fraction arithmetic behind each is slow. typed=True keeps
    110.0 and True from sharing an entry with a valid int (they must still be refused).
    """
    return float(1 / american_to_decimal(american))


def probability_to_american(q: float) -> int:
    """The price of a quoted probability, rounded to a step of 5 in the house's favour.

    Flooring moves both signs the house's way: -163.2 becomes -165 (the bettor risks
    more) and +157.3 becomes +155 (the bettor wins less), so the implied probability
    never drops below q. The exact value is rounded to six decimals first so that
    float noise in q = 110/210 gives -110, not -115; should that rounding ever hide a
    real shortfall, the price moves one more step.
    """
    if not 0.0 < q < 1.0:
        raise ValueError(f"a quoted probability must be strictly between 0 and 1, got {q}")
    exact = -100.0 * q / (1.0 - q) if q >= 0.5 else 100.0 * (1.0 - q) / q
    steps = exact / ODDS_STEP
    whole = math.floor(steps)
    if abs(exact) < 1e9 and _CLEAR_OF_A_STEP < steps - whole < 1.0 - _CLEAR_OF_A_STEP:
        american = ODDS_STEP * whole  # what the line below gives, without round()'s cost
    else:
        american = ODDS_STEP * math.floor(round(exact, _NOISE_DIGITS) / ODDS_STEP)
    if implied_probability(american) < q - _NOISE_PROBABILITY:
        american -= ODDS_STEP
    return american


def format_american(american: int) -> str:
    """Odds as members read them: always signed, "+145" or "-185"."""
    _check_american(american)
    return f"{american:+d}"


def decimal_to_american(decimal: float) -> int:
    """The American odds of a decimal price, to the nearest whole number (not a quoting step).

    Used to show averages of prices, which are not quotes and need no house rounding.
    """
    if not decimal > 1.0:
        raise ValueError(f"decimal odds must exceed 1, got {decimal}")
    if decimal >= 2.0:
        return round(100.0 * (decimal - 1.0))
    return min(round(-100.0 / (decimal - 1.0)), -100)
