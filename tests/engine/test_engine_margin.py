"""The house margin: additive, capped at 99%, never a 0% long shot."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import (
    DEFAULT_MARGIN,
    MAX_MARGIN,
    PROBABILITY_CAP,
    PROBABILITY_FLOOR,
    implied_probability,
    quote_two_way,
)


def test_a_coin_flip_at_the_default_margin_is_minus_110_each_way() -> None:
    assert quote_two_way(0.5, 0.5, DEFAULT_MARGIN) == (-110, -110)


def test_a_coin_flip_without_margin_is_even_money() -> None:
    assert quote_two_way(0.5, 0.5, 0.0) == (-100, -100)


def test_the_margin_is_additive_and_shared_equally() -> None:
    home, away = quote_two_way(0.6207, 0.3793, DEFAULT_MARGIN)
    assert (home, away) == (-185, 145)
    assert implied_probability(home) >= 0.6207 + DEFAULT_MARGIN / 2
    assert implied_probability(away) >= 0.3793 + DEFAULT_MARGIN / 2


def test_a_side_above_the_cap_is_not_offered() -> None:
    # .97 + .0238 > .99: pricing it at the cap would give bettors an edge
    assert quote_two_way(0.97, 0.03, DEFAULT_MARGIN) == (None, 1755)
    favourite, _ = quote_two_way(0.96, 0.04, DEFAULT_MARGIN)
    assert favourite is not None
    assert implied_probability(favourite) <= PROBABILITY_CAP + 1e-3


def test_a_long_shot_is_never_quoted_below_one_percent() -> None:
    # with no margin a certain loser would otherwise be priced at +infinity
    assert quote_two_way(0.0, 1.0, 0.0) == (9900, None)
    assert quote_two_way(0.001, 0.999, 0.0)[0] == 9900
    assert abs(PROBABILITY_FLOOR - 0.01) < 1e-12


@pytest.mark.parametrize("margin", [-0.01, 0.11, math.nan])
def test_margin_outside_the_configurable_range_is_refused(margin: float) -> None:
    with pytest.raises(ValueError):
        quote_two_way(0.5, 0.5, margin)


@pytest.mark.parametrize("p", [-0.1, 1.1, math.nan])
def test_impossible_probabilities_are_refused(p: float) -> None:
    with pytest.raises(ValueError):
        quote_two_way(p, 0.5, DEFAULT_MARGIN)


@given(
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=MAX_MARGIN),
)
def test_each_offered_side_carries_at_least_half_the_margin(p: float, margin: float) -> None:
    a, b = quote_two_way(p, 1.0 - p, margin)
    for fair, odds in ((p, a), (1.0 - p, b)):
        if odds is None:
            assert fair + margin / 2 > PROBABILITY_CAP
        else:
            assert implied_probability(odds) >= fair + margin / 2 - 1e-9
            assert PROBABILITY_FLOOR - 1e-9 <= implied_probability(odds) <= PROBABILITY_CAP + 1e-9
