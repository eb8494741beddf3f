"""Fantasy scoring and stat lines: what a player is projected for and what he scores.

ESPN sends stats, not points: each line is a dict of ESPN stat ids (3 = passing yards,
53 = receptions, ...) and `appliedStats` are the fantasy points each of them earned under
the league's scoring. The demo league and the tests' simulated seasons draw every stat line
from these models, so points always follow from stats by the one scoring table below.
"""

from __future__ import annotations

import math
import random
from statistics import NormalDist

__all__ = [
    "POINTS_ALLOWED_TIERS",
    "SCORING",
    "applied",
    "applied_total",
    "expected_stats",
    "poisson",
    "sampled_stats",
    "yards",
]

#: ESPN stat id -> points, a common PPR setup. The points-allowed tiers score only for
#: D/ST, which ESPN expresses as 0 points with a position override {"16": points}.
SCORING: dict[int, float] = {
    3: 0.04,  # passing yards
    4: 4.0,  # passing TD
    20: -2.0,  # interception thrown
    24: 0.1,  # rushing yards
    25: 6.0,  # rushing TD
    42: 0.1,  # receiving yards
    43: 6.0,  # receiving TD
    53: 1.0,  # reception
    72: -2.0,  # fumble lost
    74: 5.0,  # FG made 50+
    77: 4.0,  # FG made 40-49
    80: 3.0,  # FG made 0-39
    85: -1.0,  # FG missed
    86: 1.0,  # PAT made
    88: -1.0,  # PAT missed
    94: 6.0,  # defensive return TD
    95: 2.0,  # interception
    96: 2.0,  # fumble recovered
    97: 2.0,  # blocked kick
    98: 2.0,  # safety
    99: 1.0,  # sack
}
#: (lowest, highest, stat id, D/ST points) for points allowed.
POINTS_ALLOWED_TIERS: tuple[tuple[int, int, int, float], ...] = (
    (0, 0, 89, 5.0),
    (1, 6, 90, 4.0),
    (7, 13, 91, 3.0),
    (14, 17, 92, 1.0),
    (18, 21, 121, 0.0),
    (22, 27, 122, -1.0),
    (28, 34, 123, -3.0),
    (35, 45, 124, -5.0),
    (46, 999, 125, -5.0),
)
_TIER_POINTS = {stat: points for _, _, stat, points in POINTS_ALLOWED_TIERS}


def applied(stats: dict[int, float]) -> dict[str, float]:
    """ESPN's `appliedStats`: the fantasy points each scoring stat contributed."""
    out: dict[str, float] = {}
    for stat_id in sorted(stats):
        points = SCORING.get(stat_id, _TIER_POINTS.get(stat_id))
        if not points or not stats[stat_id]:
            continue
        out[str(stat_id)] = round(stats[stat_id] * points, 4)
    return out


def applied_total(applied_stats: dict[str, float]) -> float:
    return round(sum(applied_stats.values()), 2)


# ---------------------------------------------------------------------------- stat models


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; fine for the small rates of touchdowns and turnovers."""
    limit = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def yards(rng: random.Random, mean: float, spread: float = 0.45, floor: float = 0.0) -> float:
    return float(max(floor, round(rng.gauss(mean, spread * mean + 4))))


def expected_stats(position: str, q: float) -> dict[int, float]:
    """A projection's stat line (statSourceId 1): expected values, so fractional."""
    if position == "QB":
        att = 34.0 * q
        return {
            0: att,
            1: att * 0.65,
            3: 245.0 * q,
            4: 1.6 * q,
            20: 0.8,
            23: 4.0,
            24: 18.0 * q,
            25: 0.15 * q,
            72: 0.12,
        }
    if position == "RB":
        return {
            23: 15.0 * q,
            24: 65.0 * q,
            25: 0.5 * q,
            58: 3.8 * q,
            41: 3.0 * q,
            53: 3.0 * q,
            42: 22.0 * q,
            43: 0.15 * q,
            72: 0.08,
        }
    if position == "WR":
        return {
            58: 8.0 * q,
            41: 5.5 * q,
            53: 5.5 * q,
            42: 68.0 * q,
            43: 0.45 * q,
            23: 0.4,
            24: 3.0,
            72: 0.05,
        }
    if position == "TE":
        return {58: 6.0 * q, 41: 4.2 * q, 53: 4.2 * q, 42: 45.0 * q, 43: 0.35 * q, 72: 0.04}
    if position == "K":
        made = {80: 1.0 * q, 77: 0.6 * q, 74: 0.3 * q}
        return {
            **made,
            81: made[80] + 0.08,
            78: made[77] + 0.12,
            75: made[74] + 0.15,
            83: sum(made.values()),
            84: sum(made.values()) + 0.35,
            85: 0.35,
            86: 2.4 * q,
            87: 2.4 * q + 0.06,
            88: 0.06,
        }
    # D/ST: points allowed ~ Normal, so each tier is projected by its probability
    mean_allowed = 22.0 - 8.0 * (q - 1.0)
    allowed = NormalDist(mean_allowed, 9.0)
    stats = {
        99: 2.6 * q,
        95: 0.8 * q,
        96: 0.6 * q,
        94: 0.12 * q,
        98: 0.04,
        97: 0.08,
        120: mean_allowed,
    }
    for low, high, stat_id, _ in POINTS_ALLOWED_TIERS:
        low_cdf = allowed.cdf(low - 0.5) if low > 0 else 0.0
        stats[stat_id] = allowed.cdf(high + 0.5) - low_cdf
    return stats


def sampled_stats(rng: random.Random, position: str, q: float, allowed: int) -> dict[int, float]:
    """A final stat line (statSourceId 0), drawn around the projection."""
    if position == "QB":
        att = float(max(12, round(rng.gauss(34.0 * q, 5))))
        return {
            0: att,
            1: float(round(att * min(0.85, max(0.45, rng.gauss(0.65, 0.06))))),
            3: yards(rng, 245.0 * q, 0.28),
            4: float(poisson(rng, 1.6 * q)),
            20: float(poisson(rng, 0.8)),
            23: float(poisson(rng, 4.0)),
            24: yards(rng, 18.0 * q, 0.7, floor=-4),
            25: float(poisson(rng, 0.15 * q)),
            72: float(poisson(rng, 0.12)),
        }
    if position in ("RB", "WR", "TE"):
        exp = expected_stats(position, q)
        catches = float(poisson(rng, exp[53]))
        stats = {
            58: catches + float(poisson(rng, max(0.1, exp[58] - exp[53]))),
            41: catches,
            53: catches,
            42: yards(rng, exp[42] * (catches + 0.5) / (exp[53] + 0.5), 0.35) if catches else 0.0,
            43: float(min(int(catches), poisson(rng, exp[43]))),
            72: float(poisson(rng, exp[72])),
        }
        if position == "RB":
            stats.update(
                {
                    23: float(max(2, round(rng.gauss(exp[23], 4)))),
                    24: yards(rng, exp[24], 0.45, floor=-3),
                    25: float(poisson(rng, exp[25])),
                }
            )
        elif position == "WR":
            carries = float(poisson(rng, 0.4))
            stats.update({23: carries, 24: yards(rng, 7.0, 0.8) if carries else 0.0})
        return stats
    if position == "K":
        stats = {}
        made_total = attempts_total = 0
        for made_id, attempt_id, rate, accuracy in (
            (80, 81, 1.08, 0.93),
            (77, 78, 0.72, 0.82),
            (74, 75, 0.45, 0.66),
        ):
            attempts = poisson(rng, rate * q)
            made = sum(1 for _ in range(attempts) if rng.random() < accuracy)
            stats[made_id], stats[attempt_id] = float(made), float(attempts)
            made_total += made
            attempts_total += attempts
        pat_attempts = poisson(rng, 2.5 * q)
        pat_made = sum(1 for _ in range(pat_attempts) if rng.random() < 0.95)
        stats.update(
            {
                83: float(made_total),
                84: float(attempts_total),
                85: float(attempts_total - made_total),
                86: float(pat_made),
                87: float(pat_attempts),
                88: float(pat_attempts - pat_made),
            }
        )
        return stats
    stats = {
        99: float(poisson(rng, 2.6 * q)),
        95: float(poisson(rng, 0.8 * q)),
        96: float(poisson(rng, 0.6 * q)),
        94: float(poisson(rng, 0.12 * q)),
        98: float(poisson(rng, 0.04)),
        97: float(poisson(rng, 0.08)),
        120: float(allowed),
    }
    for low, high, stat_id, _ in POINTS_ALLOWED_TIERS:
        stats[stat_id] = 1.0 if low <= allowed <= high else 0.0
    return stats
