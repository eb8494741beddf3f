"""The pool draw and the own-matchup rule, as pure functions with answers fixed in advance."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.ownership import pick_is_against
from engine.pools import draw_pools, pool_count, pool_for_newcomer


def test_a_seed_always_draws_the_same_pools_whatever_order_the_ids_come_in():
    assert draw_pools(range(1, 6), 2, 42) == {1: 2, 2: 2, 3: 3, 4: 1, 5: 1}
    assert draw_pools([5, 3, 1, 4, 2], 2, 42) == {1: 2, 2: 2, 3: 3, 4: 1, 5: 1}
    assert draw_pools(range(1, 8), 3, 7) == {1: 1, 2: 3, 3: 1, 4: 2, 5: 3, 6: 1, 7: 2}
    assert draw_pools(range(1, 6), 2, 43) != draw_pools(range(1, 6), 2, 42)


@given(st.sets(st.integers(1, 10_000), max_size=300), st.integers(1, 120), st.integers(0, 2**62))
def test_pools_are_balanced_and_never_over_size(ids, size, seed):
    pools = draw_pools(ids, size, seed)
    assert set(pools) == ids
    sizes = Counter(pools.values())
    if ids:
        assert sorted(sizes) == list(range(1, pool_count(len(ids), size) + 1))
        assert max(sizes.values()) <= size and max(sizes.values()) - min(sizes.values()) <= 1


def test_pool_count_and_newcomers():
    assert [pool_count(n, 100) for n in (0, 1, 100, 101, 250)] == [1, 1, 1, 2, 3]
    with pytest.raises(ValueError):
        pool_count(5, 0)
    assert pool_for_newcomer({1: 1, 2: 2, 3: 1, 4: 2, 5: 3}) == 3
    assert pool_for_newcomer({1: 1, 2: 2}) == 1  # a tie goes to the lowest number
    assert pool_for_newcomer({}) == 1


@pytest.mark.parametrize(
    ("kind", "side", "subject", "own", "against"),
    [
        ("moneyline", "home", None, "home", False),
        ("moneyline", "away", None, "home", True),
        ("spread", "home", None, "away", True),
        ("spread", "away", None, "away", False),
        ("total", "over", None, "home", False),
        ("total", "under", None, "away", False),
        ("team_total", "over", "home", "home", False),
        ("team_total", "under", "home", "home", True),
        ("team_total", "over", "away", "home", True),
        ("team_total", "under", "away", "home", False),
        ("prop", "under", "away", "away", True),
        ("prop", "over", "away", "away", False),
        ("prop", "over", "home", "away", True),
        ("prop", "under", "home", "away", False),
    ],
)
def test_which_picks_work_against_the_owner(kind, side, subject, own, against):
    assert pick_is_against(kind, side, subject, own) is against
