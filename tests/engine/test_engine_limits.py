"""Stake limits, with the messages members will read, and what a bet puts at risk."""

from __future__ import annotations

import pytest

from engine import LimitError, StakeLimits, check_stake, liability

LIMITS = StakeLimits(min_stake=1, max_stake=250)


def test_a_stake_within_limits_passes() -> None:
    check_stake(250, 250, LIMITS)
    check_stake(1, 40, LIMITS)


@pytest.mark.parametrize(
    ("stake", "balance", "message"),
    [
        (0, 100, "The smallest stake is 1 credit."),
        (251, 1000, "The most you can stake on one bet is 250 credits."),
        (50, 40, "You have 40 credits; that bet needs 50."),
        (2, 1, "You have 1 credit; that bet needs 2."),
        (5, -3, "You have 0 credits; that bet needs 5."),
    ],
)
def test_a_stake_outside_limits_says_which_limit(stake: int, balance: int, message: str) -> None:
    with pytest.raises(LimitError) as caught:
        check_stake(stake, balance, LIMITS)
    assert caught.value.message == message
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


def test_large_numbers_read_with_separators() -> None:
    limits = StakeLimits(min_stake=1, max_stake=2500)
    with pytest.raises(LimitError, match="2,500 credits"):
        check_stake(2501, 10_000, limits)


@pytest.mark.parametrize(("stake", "american", "expected"), [(100, -110, 90), (100, 150, 150), (7, -110, 6)])
def test_liability_is_what_the_house_loses(stake: int, american: int, expected: int) -> None:
    assert liability(stake, american) == expected
