"""Multi-way markets: who finishes top of a field (the week's high score, a matchup's MVP).

Pricing. The entrants' scores are independent: teams as the normals of engine/model.py,
players as the gammas their props are priced from (engine/markets.py). The probability that
entrant i has the largest score is

    p_i = integral f_i(x) * prod_{j != i} F_j(x) dx

a one-dimensional integral, evaluated by the trapezoid rule on a shared grid whose step is
at most a third of the narrowest entrant's standard deviation, from below everyone's
plausible range (mean - 9 sd) to above it (mean + 9 sd); gammas are integrated over log x
(see gamma_max_probabilities). For integrands this smooth the trapezoid rule converges faster than
any power of the step, so the result is exact to float noise: against scipy's adaptive quad
the largest error measured is below 1e-9 and the tests hold it to QUADRATURE_TOLERANCE (1e-7).
What the grid's ends cut off is at most N * 1e-13. The raw sum is then divided out so the
fair probabilities sum to one exactly (the integrals' own sum differs from one by less than
the tolerance; `max_probabilities` reports it). Everything is numpy over a batch of markets of
the same size, so a week of 10,000 leagues is a few array operations, not 10,000 loops.

`simulate_max_probabilities` is the brute force the tests check against: a seeded Monte
Carlo whose error bound is stated (4 standard errors, sqrt(p(1-p)/n)).

Quoting. An N-way market's margin is multiplicative: q_i = p_i * (1 + m), so the book sums to
1 + m as a two-way market's does (where the additive m/2 each comes to the same total). A long
shot is raised to the probability floor and a near-certainty above the cap is not offered,
as for two-way markets (engine/margin.py): both only ever favour the house.

Grading: the dead-heat rule of real sportsbooks. When k entrants tie for the top, a bet on
one of them is paid as a winner on 1/k of its stake, the rest of the stake lost:
payout = floor(stake * decimal / k). A market that cannot be decided (a team's score is
missing; no listed player played) is void, and a bet on a player who did not play is void.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple, cast

import numpy as np
from numpy.typing import NDArray
from scipy.special import gammainc, gammaincinv, gammaln, ndtr

from engine.grading import Outcome
from engine.margin import PROBABILITY_CAP, PROBABILITY_FLOOR, check_margin
from engine.odds import ODDS_STEP, american_to_decimal, probability_to_american
from engine.regions import exact_points

QUADRATURE_TOLERANCE = 1e-7
"""The largest absolute error allowed in an integrated win probability (tests hold it)."""

MIN_ENTRANT_SD = 1.0
"""A score that cannot vary (an empty lineup) is given this spread: a point mass has no
density for the grid to integrate, and one point of noise moves no price that matters."""

_NORMAL_SDS = 9.0
_GAMMA_TAIL = 1e-13
_STEPS_PER_SD = 3.0
_MIN_POINTS = 65
_MAX_POINTS = 8193
_TINY = 1e-300
"""A cdf is floored here before its logarithm: an entrant this far below its range adds a
factor of at most 1e-300 to another's chance, and 0 would make log(0) - log(0)."""
_CHUNK_CELLS = 4_000_000
"""Markets x entrants x grid points evaluated at once: about 32 MB per array."""

Array = NDArray[np.float64]


class MultiwayPrice(NamedTuple):
    """One entrant of a multi-way market: its fair probability and the price offered.

    A named tuple, not a frozen dataclass: a week prices a million of them, and a frozen
    dataclass pays a setattr call per field to be built.
    """

    side: str
    fair_p: float
    odds: int | None


def normal_max_probabilities(means: Array, sds: Array) -> tuple[Array, Array]:
    """P(entrant i scores the most) for independent normals, per row of a (markets, N) batch.

    Returns the normalised probabilities and, per market, how far the raw integrals summed
    from one (the quadrature's own check, below QUADRATURE_TOLERANCE).
    """
    means, sds = _batch(means, sds)
    sds = np.maximum(sds, MIN_ENTRANT_SD)
    low = (means - _NORMAL_SDS * sds).max(axis=1)
    high = (means + _NORMAL_SDS * sds).max(axis=1)
    return _integrate(means, sds, low, high, _normal_terms, sds.min(axis=1))


def gamma_max_probabilities(means: Array, cvs: Array) -> tuple[Array, Array]:
    """As normal_max_probabilities, for gamma scores with these means and CVs (props' model).

    Integrated over t = log x: a gamma's density has a kink-like power x^(a-1) at zero that
    costs the trapezoid rule its fast convergence, while in t the integrand is smooth and
    dies off double-exponentially at both ends (log X has density x f(x) at x = e^t). The
    grid spans the entrants' 1e-13 to 1 - 1e-13 quantiles, with a step of a third of the
    narrowest entrant's spread in t (about CV / 3).
    """
    means, cvs = _batch(means, cvs)
    if not (np.all(means > 0.0) and np.all(cvs > 0.0)):
        raise ValueError("gamma entrants need positive means and CVs")
    # One grid for the whole batch, so each distinct (mean, CV) is evaluated once: a week's
    # leagues share ESPN's projections, so 100,000 starters have a few thousand of them.
    # (Complex numbers as the pairs' keys: numpy sorts them far faster than rows.)
    pairs, index = np.unique(means.ravel() + 1j * cvs.ravel(), return_inverse=True)
    pair_means, pair_cvs = pairs.real, pairs.imag
    shapes = 1.0 / (pair_cvs**2)
    scales = pair_means * pair_cvs**2
    # Below the largest of a market's entrants' 1e-13 quantiles, the product of the others'
    # cdfs is under 1e-13 for every entrant: the grid starts at the lowest such point.
    floors = (np.asarray(gammaincinv(shapes, _GAMMA_TAIL)) * scales)[index.reshape(means.shape)]
    low = math.log(float(floors.max(axis=1).min()))
    high = math.log(float((np.asarray(gammaincinv(shapes, 1.0 - _GAMMA_TAIL)) * scales).max()))
    step = float(pair_cvs.min()) / _STEPS_PER_SD
    points = int(np.clip(math.ceil((high - low) / step) + 1, _MIN_POINTS, _MAX_POINTS))
    t = np.linspace(low, high, points)
    u = np.exp(t)[None, :] / scales[:, None]
    log_pdf = shapes[:, None] * np.log(u) - u - gammaln(shapes)[:, None]
    pdf_table = np.exp(log_pdf)
    log_cdf_table = np.log(np.maximum(gammainc(shapes[:, None], u), _TINY))
    cells = index.reshape(means.shape)
    markets, entrants = means.shape
    chunk = max(1, _CHUNK_CELLS // (entrants * points))
    probabilities = np.empty((markets, entrants))
    error = np.empty(markets)
    for start in range(0, markets, chunk):
        rows = cells[start : start + chunk]
        log_cdf = log_cdf_table[rows]
        others = np.exp(log_cdf.sum(axis=1, keepdims=True) - log_cdf)
        raw = _trapezoid(pdf_table[rows] * others, t[1] - t[0])
        total = raw.sum(axis=1)
        error[start : start + chunk] = np.abs(total - 1.0)
        probabilities[start : start + chunk] = raw / total[:, None]
    return probabilities, error


def _trapezoid(values: Array, step: float) -> Array:
    """The trapezoid rule along the last axis, on a uniform grid."""
    result: Array = step * (values.sum(axis=-1) - 0.5 * (values[..., 0] + values[..., -1]))
    return result


def _batch(first: Array, second: Array) -> tuple[Array, Array]:
    a = np.atleast_2d(np.asarray(first, dtype=np.float64))
    b = np.atleast_2d(np.asarray(second, dtype=np.float64))
    if a.shape != b.shape or a.shape[1] < 2:
        raise ValueError(f"a multi-way market needs two or more entrants, matching shapes; got {a.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("a multi-way market's parameters must be finite")
    return a, b


def _normal_terms(means: Array, sds: Array, x: Array) -> tuple[Array, Array]:
    """Density and cdf of each entrant on each market's grid: shapes (M, N, G)."""
    z = (x[:, None, :] - means[:, :, None]) / sds[:, :, None]
    pdf = np.exp(-0.5 * z * z) / (math.sqrt(2.0 * math.pi) * sds[:, :, None])
    return pdf, ndtr(z)


Terms = Callable[[Array, Array, Array], tuple[Array, Array]]
"""(first parameters, second parameters, grid) -> each entrant's (density, cdf) on the grid."""


def _integrate(
    first: Array, second: Array, low: Array, high: Array, terms: Terms, narrowest: Array
) -> tuple[Array, Array]:
    markets, entrants = first.shape
    spans = (high - low) / (narrowest / _STEPS_PER_SD)
    points = int(np.clip(np.ceil(spans.max()) + 1, _MIN_POINTS, _MAX_POINTS))
    chunk = max(1, _CHUNK_CELLS // (entrants * points))
    probabilities = np.empty((markets, entrants))
    error = np.empty(markets)
    for start in range(0, markets, chunk):
        rows = slice(start, start + chunk)
        x = np.linspace(low[rows], high[rows], points, axis=1)
        pdf, cdf = terms(first[rows], second[rows], x)
        others = _exclusive_products(cdf)
        raw = np.trapezoid(pdf * others, x[:, None, :], axis=2)
        total = raw.sum(axis=1)
        error[rows] = np.abs(total - 1.0)
        probabilities[rows] = raw / total[:, None]
    return probabilities, error


def _exclusive_products(cdf: Array) -> Array:
    """prod_{j != i} F_j for every i, from prefix and suffix products: no division, so a cdf
    of exactly zero (below a gamma's support) is no 0/0."""
    ones = np.ones_like(cdf[:, :1, :])
    before = np.cumprod(np.concatenate([ones, cdf[:, :-1, :]], axis=1), axis=1)
    after = np.cumprod(np.concatenate([ones, cdf[:, :0:-1, :]], axis=1), axis=1)[:, ::-1, :]
    result: Array = before * after
    return result


def simulate_max_probabilities(
    draw: Array, *, seed: int, samples: int, sds: Array | None = None, cvs: Array | None = None
) -> tuple[Array, Array]:
    """Brute force: the share of seeded simulated weeks each entrant tops, and the error bound.

    `draw` holds the means (one row per market); give `sds` for normal entrants or `cvs`
    for gamma ones. The bound is 4 standard errors, sqrt(p(1-p)/samples) with p kept within
    [1/samples, 1 - 1/samples]: outside it a correct price lands about once in 16,000 checks.
    """
    rng = np.random.default_rng(seed)
    means = np.atleast_2d(np.asarray(draw, dtype=np.float64))
    if sds is not None:
        spread = np.maximum(np.atleast_2d(sds), MIN_ENTRANT_SD)
        scores = rng.normal(means[:, :, None], spread[:, :, None], size=(*means.shape, samples))
    elif cvs is not None:
        cv = np.atleast_2d(cvs)
        shapes, scales = (1.0 / (cv * cv))[:, :, None], (means * cv * cv)[:, :, None]
        scores = rng.gamma(shapes, scales, size=(*means.shape, samples))
    else:
        raise ValueError("give sds (normal entrants) or cvs (gamma entrants)")
    winners = scores.argmax(axis=1)
    shares = np.stack([(winners == i).mean(axis=1) for i in range(means.shape[1])], axis=1)
    floor = np.clip(shares, 1.0 / samples, 1.0 - 1.0 / samples)
    return shares, 4.0 * np.sqrt(floor * (1.0 - floor) / samples)


def quote_multi_way(sides: Sequence[str], fair: Sequence[float], margin: float) -> tuple[MultiwayPrice, ...]:
    """Prices for every entrant: q_i = max(p_i * (1 + m), floor); above the cap, not offered."""
    check_margin(margin)
    if len(sides) != len(fair) or len(sides) < 2:
        raise ValueError("a multi-way market needs a probability for each of two or more sides")
    total = math.fsum(fair)
    if any(math.isnan(p) or not 0.0 <= p <= 1.0 for p in fair) or abs(total - 1.0) > 1e-6:
        raise ValueError(f"fair probabilities must be in [0, 1] and sum to one, got sum {total}")
    priced = []
    for side, p in zip(sides, fair, strict=True):
        q = max(p * (1.0 + margin), PROBABILITY_FLOOR)
        priced.append(MultiwayPrice(side, p, None if q > PROBABILITY_CAP else probability_to_american(q)))
    return tuple(priced)


@dataclass(frozen=True, slots=True)
class MultiwayGrade:
    """A multi-way selection's outcome; `dead_heat` entrants shared the top (1 = outright)."""

    outcome: Outcome
    dead_heat: int = 1


def grade_multiway(
    side: str, scores: Mapping[str, float | None], *, absent_void_market: bool
) -> MultiwayGrade:
    """Grade one entrant of a multi-way market from every entrant's final score.

    `absent_void_market` says what a missing score means: for the week's high score a team
    without a final score leaves the market undecidable (void); for an MVP a player who did
    not play simply did not win (and a bet on him is void, like his prop). Ties are decided
    on exact decimal points, so 20.1 and 20.1 tie however the floats were summed.
    """
    if side not in scores:
        return MultiwayGrade(Outcome.VOID)
    played = {s: exact_points(v) for s, v in scores.items() if v is not None}
    if absent_void_market and len(played) != len(scores):
        return MultiwayGrade(Outcome.VOID)
    if side not in played or not played:
        return MultiwayGrade(Outcome.VOID)
    top = max(played.values())
    winners = sum(1 for v in played.values() if v == top)
    if played[side] != top:
        return MultiwayGrade(Outcome.LOST)
    return MultiwayGrade(Outcome.WON, winners)


def dead_heat_payout(stake: int, american: int, graded: MultiwayGrade) -> int:
    """Credits returned: a winner's full return divided by the number tied, floored.

    With no tie this is exactly engine.payout. A tie's share can come to less than the stake
    (three-way tie at +150 returns 2.5/3 of it): that is the dead-heat rule as books apply it.
    """
    if isinstance(stake, bool) or not isinstance(stake, int) or stake < 0:
        raise ValueError(f"a stake is a whole, non-negative number of credits, got {stake!r}")
    match graded.outcome:
        case Outcome.WON:
            decimal = american_to_decimal(american) / graded.dead_heat
            return stake * decimal.numerator // decimal.denominator
        case Outcome.PUSH | Outcome.VOID:
            return stake
        case Outcome.LOST:
            return 0
    raise AssertionError(graded)  # pragma: no cover


def book_sum(prices: Sequence[MultiwayPrice]) -> Fraction:
    """Sum of 1/decimal over the offered sides: at least 1 + margin means no sure thing."""
    return sum((1 / american_to_decimal(p.odds) for p in prices if p.odds is not None), Fraction(0))


Entrant = tuple[str, float, float]
"""(side, mean, spread): a team's (side, mean, sd), or a player's (side, mean, CV)."""


def price_fields(
    fields: Sequence[Sequence[Entrant]], margin: float, *, gamma: bool
) -> list[tuple[MultiwayPrice, ...] | None]:
    """Price many multi-way markets at once (a week of every league): each field's quotes.

    Fields are batched by their number of entrants, so each size is one vectorised
    integration whatever the number of markets. A field of fewer than two entrants has
    nothing to bet on (None).
    """
    check_margin(margin)
    result: list[tuple[MultiwayPrice, ...] | None] = [None] * len(fields)
    by_size: dict[int, list[int]] = {}
    for index, field in enumerate(fields):
        if len(field) >= 2:
            by_size.setdefault(len(field), []).append(index)
    integrate = gamma_max_probabilities if gamma else normal_max_probabilities
    for indices in by_size.values():
        means = np.array([[e[1] for e in fields[i]] for i in indices], dtype=np.float64)
        spreads = np.array([[e[2] for e in fields[i]] for i in indices], dtype=np.float64)
        probabilities, _ = integrate(means, spreads)
        rows = [_exactly_one(row) for row in probabilities.tolist()]
        # quote_multi_way's prices for every side of the batch at once (american_many)
        quoted = np.maximum(np.array(rows) * (1.0 + margin), PROBABILITY_FLOOR)
        # (a side above the cap is not offered: its odds, at the cap, are never shown)
        capped = american_many(np.minimum(quoted, PROBABILITY_CAP).ravel()).reshape(quoted.shape)
        prices = cast(list[list[int]], capped.tolist())
        offered: list[list[bool]] = (quoted <= PROBABILITY_CAP).tolist()
        for row, row_prices, offers, index in zip(rows, prices, offered, indices, strict=True):
            result[index] = tuple(
                MultiwayPrice(entrant[0], p, price if offer else None)
                for entrant, p, price, offer in zip(fields[index], row, row_prices, offers, strict=True)
            )
    return result


_CLEAR_OF_A_STEP = 1e-6
_NOISE_PROBABILITY = 1e-12


def american_many(quoted: Array) -> NDArray[np.int64]:
    """engine.odds.probability_to_american for an array of quoted probabilities, the same ints.

    The same float expressions in the same order, the same flooring to ODDS_STEP and the same
    house-favour check (implied probabilities as one exact-integer division, which IEEE
    rounds exactly as float(Fraction) does). A value within a millionth of a step of a
    multiple, where the scalar rounds away float noise first, is handed to the scalar itself.
    tests/engine/test_engine_multiway.py compares both on many probabilities.
    """
    q = np.asarray(quoted, dtype=np.float64)
    if not np.all((q > 0.0) & (q < 1.0)):
        raise ValueError("quoted probabilities must be strictly between 0 and 1")
    favourite = q >= 0.5
    exact = np.where(favourite, -100.0 * q / np.where(favourite, 1.0 - q, 1.0), 100.0 * (1.0 - q) / q)
    steps = exact / ODDS_STEP
    whole = np.floor(steps)
    american = ODDS_STEP * whole
    size = np.abs(american)
    implied = np.where(american < 0, size, 100.0) / (size + 100.0)
    american = np.where(implied < q - _NOISE_PROBABILITY, american - ODDS_STEP, american)
    result = american.astype(np.int64)
    fraction = steps - whole
    near = ~((np.abs(exact) < 1e9) & (fraction > _CLEAR_OF_A_STEP) & (fraction < 1.0 - _CLEAR_OF_A_STEP))
    for i in np.flatnonzero(near):
        result[i] = _scalar_price(float(q[i]))
    return result


@lru_cache(maxsize=1024)
def _scalar_price(q: float) -> int:
    """probability_to_american, cached: the values near a step are mostly the same few (a
    long shot raised to the floor, 1% exactly, is +9900 on every board)."""
    return probability_to_american(q)


def _exactly_one(row: list[float]) -> list[float]:
    """Normalised probabilities, with float noise in the sum put on the favourite."""
    excess = math.fsum(row) - 1.0
    top = max(range(len(row)), key=row.__getitem__)
    row[top] = min(max(row[top] - excess, 0.0), 1.0)
    return row
