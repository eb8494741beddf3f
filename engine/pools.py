"""Splitting a league's bettors into pools, reproducibly from a recorded seed.

A league with more bettors than one leaderboard can hold is shuffled into pools each week.
The draw is a pure function of the member ids and the seed, so anyone holding the seed the
week recorded can re-run it and get the same pools; that is what makes the draw checkable.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Mapping


def pool_count(bettors: int, pool_size: int) -> int:
    """How many pools `bettors` need so that none holds more than `pool_size` (at least one)."""
    if pool_size < 1:
        raise ValueError("pool size must be positive")
    return max(1, -(-bettors // pool_size))


def draw_pools(member_ids: Iterable[int], pool_size: int, seed: int) -> dict[int, int]:
    """Member id -> pool number (1-based), balanced so pool sizes differ by at most one.

    The ids are sorted before shuffling, so the order they were read in never matters.
    """
    ordered = sorted(set(member_ids))
    random.Random(seed).shuffle(ordered)
    pools = pool_count(len(ordered), pool_size)
    return {member_id: index % pools + 1 for index, member_id in enumerate(ordered)}


def pool_for_newcomer(assignments: Mapping[int, int]) -> int:
    """The pool a member who joins mid-week goes to: the smallest one, lowest number first."""
    if not assignments:
        return 1
    sizes = Counter(assignments.values())
    return min(sizes, key=lambda pool: (sizes[pool], pool))
