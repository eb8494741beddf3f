"""De-vigging two-way prices: exact hand-worked values for each method, and properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.devig import (
    DevigMethod,
    devig,
    fair_from_american,
    fair_from_decimal,
    implied_from_american,
)
from engine.margin import quote_two_way
from engine.odds import implied_probability

# -200 / +170: implied 2/3 and 100/270 = 10/27, booksum 28/27 (3.7% overround).
FAVOURITE, DOG = -200, 170


def test_multiplicative_normalises_the_implied_probabilities() -> None:
    # (2/3) / (28/27) = 18/28 = 9/14
    home, away = fair_from_american(FAVOURITE, DOG, DevigMethod.MULTIPLICATIVE)
    assert home == pytest.approx(9 / 14, abs=1e-15)
    assert away == pytest.approx(5 / 14, abs=1e-15)


def test_shin_on_two_outcomes_takes_half_the_overround_off_each_side() -> None:
    # Shin = additive for two outcomes: 2/3 - (1/27)/2 = 35/54, 10/27 - 1/54 = 19/54
    home, away = fair_from_american(FAVOURITE, DOG, DevigMethod.SHIN)
    assert home == pytest.approx(35 / 54, abs=1e-12)
    assert away == pytest.approx(19 / 54, abs=1e-12)


def test_power_raises_both_implied_probabilities_to_one_exponent() -> None:
    # (2/3)^k + (10/27)^k = 1 at k = 1.0593230574...; worked by hand to 0.6508224 / 0.3491776
    home, away = fair_from_american(FAVOURITE, DOG, DevigMethod.POWER)
    assert home == pytest.approx(0.6508224, abs=5e-8)
    k = math.log(home) / math.log(2 / 3)
    assert k == pytest.approx(1.0593231, abs=5e-8)
    assert (10 / 27) ** k == pytest.approx(away, abs=1e-12)


def test_the_methods_order_the_favourite_as_the_bias_corrections_should() -> None:
    # Correcting the favourite-longshot bias moves probability from the long shot to the favourite.
    multiplicative, shin, power = (fair_from_american(FAVOURITE, DOG, m)[0] for m in DevigMethod)
    assert multiplicative < shin < power


@pytest.mark.parametrize("method", list(DevigMethod))
def test_a_coin_flip_at_minus_110_each_way_is_exactly_one_half(method: DevigMethod) -> None:
    assert fair_from_american(-110, -110, method) == (0.5, 0.5)


@pytest.mark.parametrize("method", list(DevigMethod))
def test_prices_without_overround_are_only_normalised(method: DevigMethod) -> None:
    # +120 / -120 on an exchange-like book: 100/220 + 120/220 = 1 exactly
    assert fair_from_american(120, -120, method) == pytest.approx((100 / 220, 120 / 220), abs=1e-15)


@pytest.mark.parametrize("method", list(DevigMethod))
def test_decimal_prices_de_vig_like_their_american_equals(method: DevigMethod) -> None:
    assert fair_from_decimal(1.5, 2.7, method) == pytest.approx(
        fair_from_american(-200, 170, method), abs=1e-12
    )


@pytest.mark.parametrize("bad", [1.0, 0.5, math.inf, math.nan, -2.0])
def test_a_decimal_price_at_or_below_one_is_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="decimal odds"):
        fair_from_decimal(bad, 2.0, DevigMethod.SHIN)


def test_an_implied_probability_outside_zero_and_one_is_refused() -> None:
    with pytest.raises(ValueError, match="strictly between"):
        devig((1.0, 0.2), DevigMethod.POWER)


american = st.one_of(st.integers(min_value=-5000, max_value=-100), st.integers(min_value=100, max_value=5000))


@given(first=american, second=american, method=st.sampled_from(list(DevigMethod)))
def test_fair_probabilities_sum_to_one_and_keep_the_favourite(
    first: int, second: int, method: DevigMethod
) -> None:
    p_first, p_second = fair_from_american(first, second, method)
    assert 0.0 < p_first < 1.0 and 0.0 < p_second < 1.0
    assert p_first + p_second == pytest.approx(1.0, abs=1e-12)
    implied_first, implied_second = implied_from_american(first, second)
    if implied_first > implied_second:
        assert p_first >= p_second
    if implied_first + implied_second > 1.0:  # a margin was removed from both sides
        assert p_first <= implied_first + 1e-12 and p_second <= implied_second + 1e-12


@given(p=st.floats(min_value=0.05, max_value=0.9), margin=st.floats(min_value=0.0, max_value=0.1))
def test_shin_undoes_the_house_margin_to_within_its_rounding(p: float, margin: float) -> None:
    """The league's own additive margin, de-vigged by Shin, gives back p within the price step."""
    first, second = quote_two_way(p, 1.0 - p, margin)
    if first is None or second is None:
        return
    recovered, _ = fair_from_american(first, second, DevigMethod.SHIN)
    # rounding to 5 moves each implied probability by less than one step's worth
    step = max(
        abs(implied_probability(o) - implied_probability(o - 5 if o < 0 else o + 5)) for o in (first, second)
    )
    assert abs(recovered - p) <= 2 * step + 1e-9
