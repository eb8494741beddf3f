"""Parlays: several selections as one bet, priced from the same models as the singles.

How a parlay is priced
----------------------
Legs are grouped by the event they are about (a fantasy matchup or an NFL game).
Different events are independent, so their probabilities multiply. Legs on the same
event are priced from that event's joint model through a Gaussian copula:

- every leg is "a linear functional of the event's latent normal vector is above (or
  below) a threshold". For a fantasy matchup the vector is (home score, away score) plus
  one normal per prop player; margin is home - away, total home + away, a team total one
  team's score (engine.markets' conventions);
- the functional's correlations come from the model (MatchupModel's variances and
  covariance, the players' CorrelationTable), and each leg's threshold is set so that its
  own probability is exactly the fair p of the single it was taken from. When the single
  was priced from the same model (the usual case) the threshold is just the line, and the
  copula *is* the model; when a market's price is a sync older, the parlay still agrees
  with every single on the board, which is what keeps singles and parlays together free
  of arbitrage (see below);
- a leg is stored as its loading vector on independent standard normals plus its z
  threshold (`PricedLeg.loading`, `.z`), so any subset of legs can be re-priced later
  without the model: that is how a pushed or void leg drops out at settlement.

Joint probabilities: two legs (with |correlation| <= 0.9) by Plackett's identity, a
one-dimensional integral (about 1e-15 from the quadrature below, and 70 times faster);
matchup-only legs (a 2-dimensional latent) otherwise by Gauss-Legendre quadrature over one
coordinate, split at every kink, accurate to about 1e-9, which handles any number of legs
(three legs on two dimensions are a singular covariance that general multivariate-normal
routines refuse). With props the latent has more dimensions: Genz's separation of
variables on a fixed lattice (pure Python, reproducible; about 2e-5 against scipy's
multivariate normal), and the legs' correlation matrix must be non-singular, otherwise the
combination is refused.

Refusals (written for members): two legs on the same market, or on the same quantity of
an event (moneyline and spread are both the margin; a total and an alternate total are
both the total: they are the same event or contradict each other), fewer than 2 or more
than the league's maximum legs, a side that is not offered, a combination the model
gives almost no chance (< 1 in 10,000) or almost certainty.

The margin rule
---------------
Each leg keeps the margin of its single: f_j = q_j / p_j, q_j the implied probability of
the leg's quoted odds, p_j its fair probability (f_j >= 1 because singles are quoted at
p + m/2 rounded in the house's favour). A group of legs on one event is quoted at
Q_g = P_g * prod f_j, its decimal odds floored to a hundredth (the house's favour); a
lone leg keeps its single's exact decimal odds. The parlay's decimal odds are the exact
product of its groups' decimals, so independent legs multiply exactly, as on any book.
The house's edge is 1 - prod(1 / f_j): it compounds with the legs (at -110 legs:
4.5%, 8.9%, 13.0%, 17.0%, 20.8%, 24.4% for 1..6 legs), which is what books charge and
what makes a long parlay the long shot it is; the league's max payout caps the tail.

No arbitrage: under the joint model every quote (single or parlay) is priced at a
probability at least its model probability, so every bet, and any combination of them,
has expected profit <= 0 under the model; a set of stakes that could not lose and might
win would have positive expected profit. tests/engine/test_engine_parlay.py also checks
it with a linear program over simulated outcomes.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from statistics import NormalDist
from types import MappingProxyType

from engine.grading import Outcome
from engine.markets import AWAY, HOME, SIDES, MarketKind
from engine.model import DEFAULT_CORRELATIONS, POSITION_CV, CorrelationTable, MatchupModel, Starter, _sd
from engine.odds import american_to_decimal

DEFAULT_MAX_LEGS = 6
MIN_LEGS = 2
MAX_LEGS_LIMIT = 12
"""The largest maximum a league may set."""

MIN_JOINT_P = 1e-4
"""Below this the legs (nearly) contradict each other: the model cannot price them honestly."""

MAX_JOINT_P = 0.99
"""engine.margin's PROBABILITY_CAP, for a group of legs priced together."""

DECIMAL_STEP = 100
"""A correlated group's decimal odds are floored to 1/DECIMAL_STEP."""


_STANDARD = NormalDist()
_GL_NODES = 24


class ParlayError(ValueError):
    """A parlay the book will not price; `message` is written for the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class LegRequest:
    """A selection to add to a parlay, as the board has it.

    `event` names the matchup or game ("m12", "g3"); `market` is the market's id (two legs
    of one market are refused); `odds` is the single's quoted price (None: not offered).
    """

    event: str
    market: int
    kind: MarketKind
    subject: str | None
    line: float | None
    side: str
    fair_p: float
    odds: int | None
    label: str = ""


@dataclass(frozen=True, slots=True)
class EventLatents:
    """An event's latent normal vector: names of its coordinates and their covariance.

    Coordinates: "home", "away" and "p:<player id>" for props. Means do not matter (each
    leg's threshold comes from its fair p), only the covariance.
    """

    names: tuple[str, ...]
    covariance: tuple[tuple[float, ...], ...]

    def index(self, name: str) -> int | None:
        try:
            return self.names.index(name)
        except ValueError:
            return None


@dataclass(frozen=True, slots=True)
class PricedLeg:
    """A leg as a parlay keeps it: enough to re-price any subset later, without the model."""

    request: LegRequest
    loading: tuple[float, ...]  # on the group's independent standard normals
    z: float  # the leg wins when loading . e > z

    @property
    def event(self) -> str:
        return self.request.event


@dataclass(frozen=True, slots=True)
class ParlayPrice:
    legs: tuple[PricedLeg, ...]
    fair_p: float  # the model's probability that every leg wins
    decimal: Fraction  # the quoted decimal odds: payout = floor(stake * decimal)
    groups: Mapping[str, float] = field(default_factory=dict)  # joint fair p per event

    @property
    def quoted_p(self) -> float:
        return float(1 / self.decimal)

    @property
    def edge(self) -> float:
        """The house's expected take per credit staked, under the model."""
        return 1.0 - self.fair_p * float(self.decimal)


# --- the latent models -------------------------------------------------------------


def matchup_latents(
    model: MatchupModel,
    home: Sequence[Starter] = (),
    away: Sequence[Starter] = (),
    players: Iterable[str] = (),
    k: float = 1.0,
    cv: Mapping[str, float] = POSITION_CV,
    correlations: CorrelationTable = DEFAULT_CORRELATIONS,
) -> EventLatents:
    """(home, away) from the matchup model, plus each prop player asked for.

    A player's points are one term of his team's score, so his covariance with it is his
    own variance plus his correlated teammates' terms, and with the other team the cross
    terms; all scaled by k^2 as the model is. Players not in either lineup are left out
    (a prop on them cannot join this group, see price_parlay).
    """
    names: list[str] = [HOME, AWAY]
    cov: list[list[float]] = [
        [model.home.variance, model.covariance],
        [model.covariance, model.away.variance],
    ]
    lineup = [(s, 0) for s in home] + [(s, 1) for s in away]
    sds = [_sd(s.mean, s.position, cv) for s, _ in lineup]
    scale = k * k
    picked: list[int] = []
    for player in players:
        found = next((i for i, (s, _) in enumerate(lineup) if s.player_id == player), None)
        if found is None or sds[found] == 0.0 or f"p:{player}" in names:
            continue
        picked.append(found)
        names.append(f"p:{player}")
    for i in picked:
        s_i, _ = lineup[i]
        with_team = [0.0, 0.0]
        for j, (s_j, team) in enumerate(lineup):
            rho = 1.0 if i == j else correlations.rho(s_i, s_j)
            with_team[team] += scale * rho * sds[i] * sds[j]
        row = [with_team[0], with_team[1]]
        for j in picked:
            s_j, _ = lineup[j]
            rho = 1.0 if i == j else correlations.rho(s_i, s_j)
            row.append(scale * rho * sds[i] * sds[j])
        for r, value in enumerate(row):
            if r < len(cov):
                cov[r].append(value)
        cov.append(row)
    return EventLatents(tuple(names), tuple(tuple(r) for r in cov))


NFL_GAME_LATENTS = EventLatents(
    (HOME, AWAY),
    (
        ((13.5**2 + 10.0**2) / 4.0, (10.0**2 - 13.5**2) / 4.0),
        ((10.0**2 - 13.5**2) / 4.0, (13.5**2 + 10.0**2) / 4.0),
    ),
)
"""An NFL game's scores as engine.game_lines.game_model has them (margin sd 13.5, total sd
10, independent of each other)."""


# --- legs as functionals -----------------------------------------------------------


_FUNCTIONALS: Mapping[tuple[MarketKind, str | None], tuple[str, Mapping[str, int]]] = {
    (MarketKind.MONEYLINE, None): ("margin", {HOME: 1, AWAY: -1}),
    (MarketKind.SPREAD, None): ("margin", {HOME: 1, AWAY: -1}),
    (MarketKind.TOTAL, None): ("total", {HOME: 1, AWAY: 1}),
    (MarketKind.TEAM_TOTAL, HOME): ("home score", {HOME: 1}),
    (MarketKind.TEAM_TOTAL, AWAY): ("away score", {AWAY: 1}),
}


def quantity(leg: LegRequest) -> tuple[str, Mapping[str, int]]:
    """What a leg is about (its name, for messages) and its coefficients on the latents."""
    return _quantity(str(leg.kind), leg.subject or None)


# An alternate line is about the same quantity as its main line (its subject is its line):
# its threshold comes from its own fair probability, as every leg's does.
_ALTERNATES: Mapping[MarketKind, MarketKind] = MappingProxyType(
    {MarketKind.ALT_SPREAD: MarketKind.SPREAD, MarketKind.ALT_TOTAL: MarketKind.TOTAL}
)
MULTIWAY_REFUSAL = (
    "A market with a side for every team or player (the week's high score, a matchup's MVP) "
    "can't go in a parlay: a parlay's legs are two-sided markets."
)


def kind_refusal(kind: str) -> str | None:
    """Why a market of this kind can never be a parlay leg; None if it can be one."""
    return MULTIWAY_REFUSAL if kind in (MarketKind.HIGH_SCORE, MarketKind.MVP) else None


@lru_cache(maxsize=4096)
def _quantity(kind: str, subject: str | None) -> tuple[str, Mapping[str, int]]:
    """quantity's answer, cached: a week's board asks it for the same few kinds over and over."""
    if kind == MarketKind.PROP:
        return f"player {subject}'s points", MappingProxyType({f"p:{subject}": 1})
    if (refusal := kind_refusal(kind)) is not None:
        raise ParlayError(refusal)
    if (main := _ALTERNATES.get(MarketKind(kind))) is not None:
        return _FUNCTIONALS[(main, None)]
    found = _FUNCTIONALS.get((MarketKind(kind), subject))
    if found is None:
        raise ParlayError(f"A {kind} market cannot go in a parlay.")
    return found


def _direction(leg: LegRequest) -> int:
    first, second = SIDES[MarketKind(leg.kind)]
    if leg.side == first:
        return 1
    if leg.side == second:
        return -1
    raise ParlayError(f"A {leg.kind} market has no side {leg.side!r}.")


def _cholesky(cov: Sequence[Sequence[float]]) -> list[list[float]]:
    """Lower-triangular L with L L^T = cov, tolerating (near-)zero pivots as 0."""
    n = len(cov)
    low = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1):
            s = cov[i][j] - sum(low[i][k] * low[j][k] for k in range(j))
            if i == j:
                low[i][j] = math.sqrt(s) if s > 1e-12 * max(cov[i][i], 1e-300) else 0.0
            else:
                low[i][j] = s / low[j][j] if low[j][j] > 0.0 else 0.0
    return low


def _priced_legs(legs: Sequence[LegRequest], latents: EventLatents) -> list[PricedLeg]:
    """Each leg's loading on independent normals (unit variance) and its z threshold."""
    low = _cholesky(latents.covariance)
    out = []
    for leg in legs:
        name, coefficients = quantity(leg)
        a = [0.0] * len(latents.names)
        for coordinate, coefficient in coefficients.items():
            index = latents.index(coordinate)
            if index is None:
                raise ParlayError(
                    f"The model of that game has no {name}, so it cannot be priced with the others."
                )
            a[index] = coefficient * _direction(leg)
        loading = [sum(a[r] * low[r][c] for r in range(len(a))) for c in range(len(a))]
        norm = math.sqrt(sum(x * x for x in loading))
        if not norm > 0.0:
            raise ParlayError(f"The {name} cannot vary, so it cannot be priced with other legs.")
        if not 0.0 < leg.fair_p < 1.0:
            raise ParlayError("One of those selections is already decided.")
        out.append(PricedLeg(leg, tuple(x / norm for x in loading), _STANDARD.inv_cdf(1.0 - leg.fair_p)))
    return out


# --- joint probabilities -----------------------------------------------------------


def joint_probability(legs: Sequence[PricedLeg]) -> float:
    """P(every leg wins), the legs all on one event (loadings on the same normals)."""
    if not legs:
        return 1.0
    if len(legs) == 1:
        return 1.0 - _STANDARD.cdf(legs[0].z)
    if len(legs) == 2:
        rho = sum(a * b for a, b in zip(legs[0].loading, legs[1].loading, strict=True))
        if abs(rho) <= _PLACKETT_MAX_RHO:
            return _bivariate_upper(legs[0].z, legs[1].z, rho)
    dims = len(legs[0].loading)
    used = [d for d in range(dims) if any(abs(leg.loading[d]) > 1e-15 for leg in legs)]
    if len(used) <= 2:
        columns = [*used, -1, -1][:2]  # -1: a zero column (the legs use one dimension)
        return _quadrature_2d([(_at(leg, columns[0]), _at(leg, columns[1]), leg.z) for leg in legs])
    return _genz([leg.loading for leg in legs], [leg.z for leg in legs])


_PLACKETT_MAX_RHO = 0.9
"""Up to this |correlation| two legs take the one-line formula below; beyond it the
integrand sharpens near the ends and the general quadrature takes over."""


def _bivariate_upper(h: float, k: float, rho: float) -> float:
    """P(X > h, Y > k) for standard normals with correlation rho (Plackett's identity).

    P = Phi(-h) Phi(-k) + 1/(2 pi) * integral over t from 0 to asin(rho) of
    exp(-(h^2 + k^2 - 2 h k sin t) / (2 cos^2 t)) dt; the substitution s = sin t makes the
    integrand smooth, so Gauss-Legendre gets about 1e-10 in a few dozen evaluations: the
    common two-leg case costs a fraction of the general quadrature.
    """
    cdf = _STANDARD.cdf
    base = cdf(-h) * cdf(-k)
    if rho == 0.0:
        return base
    end = math.asin(rho)
    nodes, weights = _gauss_legendre(_GL_NODES)
    half = end / 2.0
    hk, hh = h * k, (h * h + k * k) / 2.0
    total = 0.0
    for node, weight in zip(nodes, weights, strict=True):
        t = half + half * node
        sin_t = math.sin(t)
        total += weight * math.exp((hk * sin_t - hh) / (1.0 - sin_t * sin_t))
    return min(max(base + total * half / (2.0 * math.pi), 0.0), 1.0)


def _at(leg: PricedLeg, column: int) -> float:
    return leg.loading[column] if column >= 0 else 0.0


def _quadrature_2d(constraints: Sequence[tuple[float, float, float]]) -> float:
    """P(c1 * e1 + c2 * e2 > z for every (c1, c2, z)), e1, e2 independent standard normals.

    Integrates over e1 the probability that e2 lies between the largest lower bound and the
    smallest upper bound. The integrand is smooth between the points where two bounds cross
    (or where a constraint on e1 alone switches), so Gauss-Legendre on each piece is exact
    to about 1e-9.
    """
    tiny = 1e-12
    lo, hi = -9.0, 9.0
    lowers: list[tuple[float, float]] = []  # e2 > a + b * e1
    uppers: list[tuple[float, float]] = []  # e2 < a + b * e1
    for c1, c2, z in constraints:
        if abs(c2) <= tiny:
            if abs(c1) <= tiny:
                if z >= 0.0:
                    return 0.0
                continue
            bound = z / c1
            if c1 > 0:
                lo = max(lo, bound)
            else:
                hi = min(hi, bound)
        elif c2 > 0:
            lowers.append((z / c2, -c1 / c2))
        else:
            uppers.append((z / c2, -c1 / c2))
    if lo >= hi:
        return 0.0
    lines = lowers + uppers
    cuts = {lo, hi} | {
        x for x in (-4.0, -2.0, 0.0, 2.0, 4.0) if lo < x < hi
    }  # short pieces: the pdf's curvature
    for i, (a1, b1) in enumerate(lines):
        for a2, b2 in lines[i + 1 :]:
            if abs(b1 - b2) > tiny:
                x = (a2 - a1) / (b1 - b2)
                if lo < x < hi:
                    cuts.add(x)
    points = sorted(cuts)
    nodes, weights = _gauss_legendre(_GL_NODES)
    cdf = _STANDARD.cdf
    pdf = _STANDARD.pdf
    total = 0.0
    for left, right in itertools.pairwise(points):
        half, mid = (right - left) / 2.0, (right + left) / 2.0
        for node, weight in zip(nodes, weights, strict=True):
            e1 = mid + half * node
            low = max((a + b * e1 for a, b in lowers), default=-math.inf)
            high = min((a + b * e1 for a, b in uppers), default=math.inf)
            if high > low:
                inside = (cdf(high) if high < math.inf else 1.0) - (cdf(low) if low > -math.inf else 0.0)
                total += weight * half * pdf(e1) * inside
    return min(max(total, 0.0), 1.0)


@lru_cache(maxsize=4)
def _gauss_legendre(n: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Nodes and weights on [-1, 1], by Newton's method on the Legendre polynomial."""
    nodes, weights = [], []
    for i in range(1, n + 1):
        x = math.cos(math.pi * (i - 0.25) / (n + 0.5))
        for _ in range(100):
            p0, p1 = 1.0, x
            for k in range(2, n + 1):
                p0, p1 = p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k
            derivative = n * (x * p1 - p0) / (x * x - 1.0)
            step = p1 / derivative
            x -= step
            if abs(step) < 1e-15:
                break
        nodes.append(x)
        weights.append(2.0 / ((1.0 - x * x) * derivative * derivative))
    return tuple(nodes), tuple(weights)


def _genz(loadings: Sequence[Sequence[float]], zs: Sequence[float]) -> float:
    """P(U_j > z_j for all j), U = loadings . e, by Genz's separation of variables.

    The legs' correlation matrix is factored (Cholesky) and the orthant probability
    integrated over the unit cube with a fixed Richtmyer lattice (GENZ_POINTS points, the
    same shifts every time), so a price is reproducible. Pure Python: scipy.stats is too
    slow to import in the bot (DESIGN.md section 3), and only same-matchup parlays with
    props get here. Integration error about 1e-4 (checked against simulation in the tests).
    """
    n = len(loadings)
    corr = [
        [sum(a * b for a, b in zip(loadings[i], loadings[j], strict=True)) for j in range(n)]
        for i in range(n)
    ]
    # Most restrictive legs first: the standard ordering that keeps the estimate's variance low.
    order = sorted(range(n), key=lambda i: -zs[i])
    corr = [[corr[i][j] for j in order] for i in order]
    bounds = [-zs[i] for i in order]  # P(U > z) = P(-U < -z); -U has the same correlations
    low = _cholesky(corr)
    if min(low[i][i] for i in range(n)) < 1e-6:
        raise ParlayError("Those legs are too closely tied together for the model to price as one bet.")
    cdf, inv = _STANDARD.cdf, _STANDARD.inv_cdf
    first = cdf(bounds[0])
    steps = [math.sqrt(prime) % 1.0 for prime in _PRIMES[: n - 1]]
    total = 0.0
    count = 0
    for shift in range(GENZ_SHIFTS):
        offsets = [((shift + 1) * 0.6180339887498949 * (d + 1)) % 1.0 for d in range(n - 1)]
        for point in range(GENZ_POINTS // GENZ_SHIFTS):
            f = first
            ys = (
                [inv(min(max(_tent((point * steps[0] + offsets[0]) % 1.0) * first, 1e-16), 1 - 1e-16))]
                if n > 1
                else []
            )
            for i in range(1, n):
                mean = sum(low[i][j] * ys[j] for j in range(i))
                e = cdf((bounds[i] - mean) / low[i][i])
                f *= e
                if i < n - 1:
                    w = _tent((point * steps[i] + offsets[i]) % 1.0)
                    ys.append(inv(min(max(w * e, 1e-16), 1 - 1e-16)))
            total += f
            count += 1
    return min(max(total / count, 0.0), 1.0)


GENZ_POINTS = 4096
GENZ_SHIFTS = 8
_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37)


def _tent(x: float) -> float:
    """The baker's transform: a periodised lattice rule converges much faster on it."""
    return 1.0 - abs(2.0 * x - 1.0)


# --- the parlay's price ------------------------------------------------------------


def check_legs(legs: Sequence[LegRequest], max_legs: int = DEFAULT_MAX_LEGS) -> None:
    """The rules a set of legs must pass before it is priced; ParlayError says which failed."""
    if len(legs) < MIN_LEGS:
        raise ParlayError(f"A parlay needs at least {MIN_LEGS} legs.")
    if len(legs) > max_legs:
        raise ParlayError(f"A parlay can have at most {max_legs} legs in this league.")
    seen_markets: dict[int, LegRequest] = {}
    seen_quantities: dict[tuple[str, str], LegRequest] = {}
    for leg in legs:
        if leg.odds is None:
            raise ParlayError(f"{leg.label or 'That side'} is not offered, so it cannot go in a parlay.")
        if leg.market in seen_markets:
            raise ParlayError("Two legs on the same market are the same bet (or contradict each other).")
        seen_markets[leg.market] = leg
        name, _ = quantity(leg)
        key = (leg.event, name)
        if key in seen_quantities:
            other = seen_quantities[key]
            raise ParlayError(
                f"{other.label or 'One leg'} and {leg.label or 'another'} are both about the {name}: "
                "the same event or a contradiction, so a parlay takes only one of them."
            )
        seen_quantities[key] = leg


def margin_factor(leg: LegRequest) -> float:
    """q / p of the leg's single: the margin it carries into the parlay (>= 1)."""
    assert leg.odds is not None
    return float(1 / american_to_decimal(leg.odds)) / leg.fair_p


def price_parlay(
    legs: Sequence[LegRequest],
    latents: Mapping[str, EventLatents],
    max_legs: int = DEFAULT_MAX_LEGS,
) -> ParlayPrice:
    """The parlay's fair probability and quoted decimal odds (module doc: the margin rule).

    `latents` holds the model of every event with two or more legs (others need none).
    """
    check_legs(legs, max_legs)
    priced: list[PricedLeg] = []
    groups = _by_event(legs)
    for event, members in groups.items():
        if len(members) == 1:
            priced.append(PricedLeg(members[0], (1.0,), _STANDARD.inv_cdf(1.0 - members[0].fair_p)))
            continue
        model = latents.get(event)
        if model is None:
            raise ParlayError("That game's model is not available, so its legs cannot be combined.")
        priced.extend(_priced_legs(members, model))
    order = {id(leg): i for i, leg in enumerate(legs)}
    priced.sort(key=lambda leg: order[id(leg.request)])
    return reprice(priced)


def _by_event(legs: Iterable[LegRequest]) -> dict[str, list[LegRequest]]:
    groups: dict[str, list[LegRequest]] = {}
    for leg in legs:
        groups.setdefault(leg.event, []).append(leg)
    return groups


def group_decimal(legs: Sequence[PricedLeg]) -> tuple[float, Fraction]:
    """One event's legs: their joint fair p and quoted decimal odds."""
    if len(legs) == 1:
        request = legs[0].request
        assert request.odds is not None
        return request.fair_p, american_to_decimal(request.odds)
    joint = joint_probability(legs)
    if joint < MIN_JOINT_P:
        raise ParlayError("Those legs can hardly all win together: the model cannot price that honestly.")
    quoted = joint * math.prod(margin_factor(leg.request) for leg in legs)
    if quoted > MAX_JOINT_P:
        raise ParlayError("Those legs are all but certain together: bet them as singles instead.")
    decimal = Fraction(math.floor(DECIMAL_STEP / quoted), DECIMAL_STEP)
    if decimal <= 1:
        raise ParlayError("Those legs are all but certain together: bet them as singles instead.")
    return joint, decimal


def reprice(legs: Sequence[PricedLeg]) -> ParlayPrice:
    """The price of these legs (all of a parlay's, or those left after pushes and voids)."""
    fair = 1.0
    decimal = Fraction(1)
    joint: dict[str, float] = {}
    for event, members in _by_event_priced(legs).items():
        p, d = group_decimal(members)
        joint[event] = p
        fair *= p
        decimal *= d
    return ParlayPrice(tuple(legs), fair, decimal, joint)


# --- grading -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParlayGrade:
    outcome: Outcome | None  # None: not decided yet
    payout: int  # credits back, stake included (0 while undecided or lost)
    decimal: Fraction | None  # the odds it was paid at (recomputed when legs dropped out)


def grade_parlay(
    stake: int, quoted: Fraction, legs: Sequence[PricedLeg], outcomes: Sequence[Outcome | None]
) -> ParlayGrade:
    """A parlay's outcome from its legs' (None: not yet known).

    One lost leg loses it at once, whatever the others; it is undecided while any leg is;
    pushed and void legs drop out and the odds are recomputed from the legs left (a lone
    leg left pays its single's odds); with none left the stake is refunded (push, or void
    if every leg was void). Never more than the quoted odds: dropping a leg can only make
    the rest more likely.
    """
    if len(legs) != len(outcomes):
        raise ValueError("one outcome per leg")
    if any(outcome is Outcome.LOST for outcome in outcomes):
        return ParlayGrade(Outcome.LOST, 0, quoted)
    if any(outcome is None for outcome in outcomes):
        return ParlayGrade(None, 0, None)
    left = [leg for leg, outcome in zip(legs, outcomes, strict=True) if outcome is Outcome.WON]
    if not left:
        refunded = Outcome.VOID if all(o is Outcome.VOID for o in outcomes) else Outcome.PUSH
        return ParlayGrade(refunded, stake, None)
    decimal = quoted if len(left) == len(legs) else min(quoted, _remaining_decimal(left))
    return ParlayGrade(Outcome.WON, stake * decimal.numerator // decimal.denominator, decimal)


def _remaining_decimal(legs: Sequence[PricedLeg]) -> Fraction:
    try:
        return reprice(legs).decimal
    except ParlayError:
        # The legs left are almost certain together: pay the least any one of them would.
        singles = [american_to_decimal(leg.request.odds) for leg in legs if leg.request.odds is not None]
        return min(singles, default=Fraction(1))


def potential_payout(stake: int, decimal: Fraction) -> int:
    return stake * decimal.numerator // decimal.denominator


def decimal_to_display(decimal: Fraction) -> str:
    """American odds as members read them, rounded down (the payout is exact, this is a label)."""
    value = float(decimal)
    if value >= 2.0:
        return f"+{math.floor(100.0 * (value - 1.0))}"
    return f"-{math.ceil(100.0 / (value - 1.0))}"


def closing_fair_p(legs: Sequence[PricedLeg], closing: Sequence[float]) -> float:
    """P(every leg wins) at the legs' closing fair probabilities: a parlay's CLV needs it.

    Each leg keeps its stored loading (the matchup's correlations, which a lock does not
    change) and moves its threshold to its closing probability, so legs of one matchup are
    priced jointly exactly as when quoted and legs of different events multiply. A leg that
    closed certain to win drops out; one that closed certain to lose makes the whole 0.
    """
    moved: list[PricedLeg] = []
    for leg, p in zip(legs, closing, strict=True):
        if p <= 0.0:
            return 0.0
        if p < 1.0:
            moved.append(PricedLeg(leg.request, leg.loading, _STANDARD.inv_cdf(1.0 - p)))
    return math.prod(joint_probability(group) for group in _by_event_priced(moved).values())


def _by_event_priced(legs: Iterable[PricedLeg]) -> dict[str, list[PricedLeg]]:
    groups: dict[str, list[PricedLeg]] = {}
    for leg in legs:
        groups.setdefault(leg.event, []).append(leg)
    return groups
