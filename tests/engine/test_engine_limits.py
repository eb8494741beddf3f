"""Stake and liability limits, with the messages members will read, and quote expiry."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import (
    DEFAULT_QUOTE_TTL_SECONDS,
    LimitError,
    StakeLimits,
    check_liability,
    check_stake,
    default_limits,
    liability,
    quote_expired,
)

LIMITS = StakeLimits(min_stake=1, max_stake=250, max_liability=3000)


def test_default_limits_scale_with_the_allowance() -> None:
    assert default_limits(1000) == StakeLimits(min_stake=1, max_stake=250, max_liability=3000)
    assert default_limits(1000, max_stake_pct=10, liability_multiple=5) == StakeLimits(1, 100, 5000)
    assert default_limits(2).max_stake == 1  # a stake of at least one credit stays possible


@pytest.mark.parametrize(
    "kwargs",
    [
        {"allowance": 0},
        {"allowance": 1000, "max_stake_pct": 0},
        {"allowance": 1000, "max_stake_pct": 101},
        {"allowance": 1000, "liability_multiple": 0},
    ],
)
def test_default_limits_refuse_nonsense(kwargs: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        default_limits(**kwargs)


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
    limits = StakeLimits(min_stake=1, max_stake=2500, max_liability=30_000)
    with pytest.raises(LimitError, match="2,500 credits"):
        check_stake(2501, 10_000, limits)


@pytest.mark.parametrize(("stake", "american", "expected"), [(100, -110, 90), (100, 150, 150), (7, -110, 6)])
def test_liability_is_what_the_house_loses(stake: int, american: int, expected: int) -> None:
    assert liability(stake, american) == expected


def test_liability_up_to_the_cap_is_accepted() -> None:
    check_liability(2000, 1000, LIMITS)


def test_liability_past_the_cap_says_how_much_room_is_left() -> None:
    with pytest.raises(LimitError, match="only pay out 120 credits more"):
        check_liability(2880, 121, LIMITS)
    with pytest.raises(LimitError, match="taken all the action"):
        check_liability(3000, 1, LIMITS)


def test_quotes_expire_after_their_ttl() -> None:
    quoted = datetime(2025, 9, 7, 17, 0, tzinfo=UTC)
    assert DEFAULT_QUOTE_TTL_SECONDS == 60
    assert not quote_expired(quoted, quoted, 60)
    assert not quote_expired(quoted, quoted + timedelta(seconds=59.9), 60)
    assert quote_expired(quoted, quoted + timedelta(seconds=60), 60)
    assert quote_expired(quoted, quoted + timedelta(hours=1), 60)
    assert not quote_expired(quoted, quoted - timedelta(seconds=5), 60)  # clock skew
    with pytest.raises(ValueError):
        quote_expired(quoted, quoted, -1)
