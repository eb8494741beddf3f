"""American odds: exact conversions and rounding in the house's favour."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import (
    american_to_decimal,
    format_american,
    implied_probability,
    probability_to_american,
)
from engine.odds import ODDS_STEP


@pytest.mark.parametrize(
    ("american", "decimal"),
    [
        (150, Fraction(5, 2)),
        (-110, Fraction(21, 11)),
        (100, Fraction(2)),
        (-100, Fraction(2)),
        (-9900, Fraction(100, 99)),
        (9900, Fraction(100)),
        (-185, Fraction(57, 37)),
    ],
)
def test_american_to_decimal_is_exact(american: int, decimal: Fraction) -> None:
    result = american_to_decimal(american)
    assert isinstance(result, Fraction)
    assert result == decimal


@pytest.mark.parametrize("american", [0, 99, -99, 50, -1])
def test_odds_between_minus_and_plus_100_do_not_exist(american: int) -> None:
    with pytest.raises(ValueError):
        american_to_decimal(american)


@pytest.mark.parametrize("american", [110.0, True, "110"])
def test_odds_must_be_integers(american: object) -> None:
    with pytest.raises(TypeError):
        american_to_decimal(american)  # type: ignore[arg-type]


def test_implied_probability() -> None:
    assert implied_probability(-110) == pytest.approx(110 / 210, abs=1e-15)
    assert implied_probability(100) == 0.5
    assert implied_probability(-100) == 0.5
    assert implied_probability(300) == 0.25


@pytest.mark.parametrize(
    ("q", "american"),
    [
        (0.5, -100),
        (0.5238, -110),  # -109.996 floors to -110
        (110 / 210, -110),  # float noise must not cost a step (-110.00000000000001)
        (0.6207, -165),  # -163.7 floors to -165: the favourite costs more
        (100 / 257.3, 155),  # +157.3 floors to +155: the underdog pays less
        (0.4999999, 100),  # +100.00004: +100 already implies >= q
        (0.5000001, -105),  # just over a coin flip: -100 would be generous
        (0.99, -9900),
        (0.01, 9900),
        (0.4031, 145),
        (0.6445, -185),
    ],
)
def test_probability_to_american(q: float, american: int) -> None:
    assert probability_to_american(q) == american


def test_exact_prices_round_trip() -> None:
    """A probability that is exactly a quotable price gets that price, on both signs."""
    for step in range(105, 10_001, 5):
        assert probability_to_american(implied_probability(step)) == step
        assert probability_to_american(implied_probability(-step)) == -step
    assert probability_to_american(implied_probability(100)) == -100  # even money reads -100


def test_a_real_shortfall_hidden_by_the_noise_guard_still_moves_a_step() -> None:
    # exact price 154.9999996: six decimals say 155, but +155 would imply less than q
    q = 100 / (100 + 154.9999996)
    assert implied_probability(155) < q
    assert probability_to_american(q) == 150


@pytest.mark.parametrize("q", [0.0, 1.0, -0.1, 1.5, math.nan])
def test_probability_to_american_rejects_certainties(q: float) -> None:
    with pytest.raises(ValueError):
        probability_to_american(q)


def _next_better_price(american: int) -> int:
    """The price one step more generous to the bettor."""
    return 105 if american == -100 else american + 5


@settings(max_examples=300)
@given(st.floats(min_value=0.001, max_value=0.999))
def test_price_is_the_most_generous_step_that_still_covers_q(q: float) -> None:
    american = probability_to_american(q)
    assert american % 5 == 0
    assert abs(american) >= 100
    assert implied_probability(american) >= q - 1e-12
    assert implied_probability(_next_better_price(american)) < q + 1e-9


@pytest.mark.parametrize(("american", "text"), [(145, "+145"), (-185, "-185"), (100, "+100"), (-100, "-100")])
def test_format_american(american: int, text: str) -> None:
    assert format_american(american) == text


def test_format_american_rejects_impossible_odds() -> None:
    with pytest.raises(ValueError):
        format_american(50)


def _price_rounding_every_time(q: float) -> int:
    """probability_to_american as it was before its fast path: round() on every price."""
    exact = -100.0 * q / (1.0 - q) if q >= 0.5 else 100.0 * (1.0 - q) / q
    american = ODDS_STEP * math.floor(round(exact, 6) / ODDS_STEP)
    if implied_probability(american) < q - 1e-12:
        american -= ODDS_STEP
    return american


def test_skipping_the_rounding_away_from_a_step_changes_no_price() -> None:
    rng = random.Random(2026)
    qs = [rng.random() for _ in range(300_000)]
    qs += [rng.uniform(0.0, 1e-6) for _ in range(1_000)] + [
        1.0 - rng.uniform(0.0, 1e-6) for _ in range(1_000)
    ]
    # Probabilities whose exact price lies within a few millionths of a step, either side.
    for step in range(100, 10_001, 5):
        for american in (step, -step):
            for offset in (0.0, 1e-9, 1e-7, 4.9e-7, 5e-7, 5.1e-7, 9e-7, 1e-6, 5e-6, 5.1e-6, 1e-5, 1e-3):
                for exact in (american + offset, american - offset):
                    qs.append(100.0 / (100.0 + exact) if exact > 0 else -exact / (100.0 - exact))
    for q in qs:
        if 0.0 < q < 1.0:
            assert probability_to_american(q) == _price_rounding_every_time(q), q
