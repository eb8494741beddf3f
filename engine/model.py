"""The scoring model: each fantasy team's weekly score is normal, built player by player.

Means come from projections; spreads from position-specific coefficients of variation;
and players in the same NFL game move together (a QB's touchdown is also his
receiver's), which widens a stacked team's distribution and links the two sides of a
matchup when they share a game. Every market of a matchup is priced from this one
model, which is what keeps those markets consistent with each other.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from statistics import NormalDist
from types import MappingProxyType

POSITION_CV: Mapping[str, float] = MappingProxyType(
    {"QB": 0.41, "K": 0.49, "WR": 0.61, "RB": 0.63, "TE": 0.70, "D/ST": 0.71}
)
"""Week-to-week coefficients of variation of fantasy points, by position."""

DEFAULT_CV = 0.65
"""For a position the table does not know: about the average skill position."""

MIN_PLAYER_SD = 2.0
"""Even a tiny projection can swing by a couple of points (one catch, one field goal)."""


@dataclass(frozen=True, slots=True)
class Starter:
    """A player in a fantasy lineup for the week, as far as pricing cares."""

    player_id: str  # ESPN's number as text, or Sleeper's id ("4034", or "KC" for a defence)
    name: str
    position: str
    pro_team: str
    game_id: str | None
    projection: float
    active: bool = True

    @property
    def plays(self) -> bool:
        """An OUT player or one whose team is on bye scores nothing, whatever ESPN projects."""
        return self.active and self.game_id is not None

    @property
    def mean(self) -> float:
        # `plays`, spelled out: pricing reads this for every starter of every matchup.
        return self.projection if self.active and self.game_id is not None else 0.0


def position_cv(position: str, cv: Mapping[str, float] = POSITION_CV) -> float:
    return cv.get(position, DEFAULT_CV)


def starter_sd(starter: Starter, cv: Mapping[str, float] = POSITION_CV) -> float:
    """Spread grows with the projection; a player who cannot score adds no uncertainty."""
    return _sd(starter.mean, starter.position, cv)


def _sd(mean: float, position: str, cv: Mapping[str, float]) -> float:
    """starter_sd from a mean already read: `Starter.mean` is a property, and a model needs it twice."""
    if mean == 0.0:
        return 0.0
    return max(cv.get(position, DEFAULT_CV) * mean, MIN_PLAYER_SD)  # position_cv, inlined


@dataclass(frozen=True, slots=True)
class CorrelationTable:
    """Correlations between two starters in the same NFL game, keyed by their positions.

    Teammates share drives (QB with his receivers); opponents compete for the same
    possessions (a QB against the defence facing him). Players in different games are
    treated as independent.
    """

    teammates: Mapping[frozenset[str], float]
    opponents: Mapping[frozenset[str], float]

    def __post_init__(self) -> None:
        for rho in (*self.teammates.values(), *self.opponents.values()):
            if not -1.0 <= rho <= 1.0:
                raise ValueError(f"a correlation must be between -1 and 1, got {rho}")

    def rho(self, a: Starter, b: Starter) -> float:
        if a.game_id is None or a.game_id != b.game_id:
            return 0.0
        table = self.teammates if a.pro_team == b.pro_team else self.opponents
        return table.get(frozenset((a.position, b.position)), 0.0)


DEFAULT_CORRELATIONS = CorrelationTable(
    teammates=MappingProxyType(
        {
            frozenset(("QB", "WR")): 0.50,
            frozenset(("QB", "TE")): 0.38,
            frozenset(("QB", "RB")): 0.13,
        }
    ),
    opponents=MappingProxyType({frozenset(("QB", "D/ST")): -0.35}),
)


@dataclass(frozen=True, slots=True)
class Normal:
    """A normal distribution that also allows zero variance (a lineup that cannot score).

    `statistics.NormalDist` refuses sigma = 0, and an empty lineup is a real case.
    """

    mean: float
    variance: float

    def __post_init__(self) -> None:
        if math.isnan(self.variance) or self.variance < 0.0:
            raise ValueError(f"variance must be >= 0, got {self.variance}")

    @property
    def sd(self) -> float:
        return math.sqrt(self.variance)

    def cdf(self, x: float) -> float:
        """P(X <= x)."""
        if self.variance == 0.0:
            return 1.0 if x >= self.mean else 0.0
        return NormalDist(self.mean, self.sd).cdf(x)

    def sf(self, x: float) -> float:
        """P(X > x), mirrored from the cdf so that P(X > mu + d) == P(X <= mu - d) exactly.

        Swapping home and away then gives the very same prices, not ones a rounding apart.
        """
        if self.variance == 0.0:
            return 1.0 if x < self.mean else 0.0
        return NormalDist(self.mean, self.sd).cdf(2.0 * self.mean - x)

    def tails(self, x: float) -> tuple[float, float]:
        """(sf(x), cdf(x)), the two sides of a line, from one NormalDist instead of two.

        The very same expressions as sf and cdf, so the same bits: every matchup market
        needs both, and a week prices tens of thousands of matchups.
        """
        if self.variance == 0.0:
            return (1.0 if x < self.mean else 0.0), (1.0 if x >= self.mean else 0.0)
        dist = NormalDist(self.mean, self.sd)
        return dist.cdf(2.0 * self.mean - x), dist.cdf(x)


@dataclass(frozen=True, slots=True)
class MatchupModel:
    """Both teams' scores and how they move together; margin and total follow from these."""

    home: Normal
    away: Normal
    covariance: float

    @property
    def margin(self) -> Normal:
        """Home minus away.

        A correlation table that is not positive semi-definite for some odd lineup (one
        QB against several of his own receivers) can push the formula below zero; a real
        variance cannot be, so it is clamped.
        """
        variance = self.home.variance + self.away.variance - 2.0 * self.covariance
        return Normal(self.home.mean - self.away.mean, max(variance, 0.0))

    @property
    def total(self) -> Normal:
        variance = self.home.variance + self.away.variance + 2.0 * self.covariance
        return Normal(self.home.mean + self.away.mean, max(variance, 0.0))

    def shifted(self, home: float, away: float) -> MatchupModel:
        """The same matchup with fixed points added to each side (a commissioner's
        adjustment): the means move, the uncertainty stays."""
        return MatchupModel(
            home=Normal(self.home.mean + home, self.home.variance),
            away=Normal(self.away.mean + away, self.away.variance),
            covariance=self.covariance,
        )


def build_matchup_model(
    home: Sequence[Starter],
    away: Sequence[Starter],
    k: float = 1.0,
    cv: Mapping[str, float] = POSITION_CV,
    correlations: CorrelationTable = DEFAULT_CORRELATIONS,
) -> MatchupModel:
    """Model a matchup from its two lineups.

    k scales every standard deviation: 1.0 until a league has history, then fitted so
    that past (actual - projected) / sd has unit variance.
    """
    if not k > 0.0:
        raise ValueError(f"the calibration factor k must be positive, got {k}")
    home_means, home_sd, home_games = _lineup_terms(home, cv)
    away_means, away_sd, away_games = _lineup_terms(away, cv)
    scale = k * k
    return MatchupModel(
        home=Normal(sum(home_means), scale * _team_variance(home, home_sd, home_games, correlations)),
        away=Normal(sum(away_means), scale * _team_variance(away, away_sd, away_games, correlations)),
        covariance=scale * _cross_covariance(home, home_sd, away, away_sd, away_games, correlations),
    )


def _lineup_terms(
    lineup: Sequence[Starter], cv: Mapping[str, float]
) -> tuple[list[float], list[float], dict[str, list[int]]]:
    """Each starter's mean and sd, and the positions of the starters in each NFL game.

    One pass over the lineup, reading each starter's `mean` (a property) once.

    Only starters sharing a game can be correlated (CorrelationTable.rho is 0 otherwise),
    so the variance sums visit just those pairs, in the order the full double loop would:
    leaving out terms that are exactly +0.0 does not change a float sum by a single bit.
    """
    means: list[float] = []
    sds: list[float] = []
    games: dict[str, list[int]] = {}
    for index, starter in enumerate(lineup):
        mean = starter.mean
        means.append(mean)
        sds.append(_sd(mean, starter.position, cv))
        if starter.game_id is not None:
            games.setdefault(starter.game_id, []).append(index)
    return means, sds, games


def _team_variance(
    lineup: Sequence[Starter],
    sds: Sequence[float],
    games: Mapping[str, list[int]],
    correlations: CorrelationTable,
) -> float:
    own: float = sum(map(operator.mul, sds, sds))  # sd * sd for each, summed in order
    pairs: Iterable[tuple[int, int]]
    if not math.isfinite(own):
        pairs = combinations(range(len(lineup)), 2)  # let 0 * inf poison the sum as it always has
    else:
        pairs = ((i, j) for i, s in enumerate(lineup) for j in _teammates(games, s.game_id) if j > i)
    shared = sum(correlations.rho(lineup[i], lineup[j]) * sds[i] * sds[j] for i, j in pairs)
    return own + 2.0 * shared


def _teammates(games: Mapping[str, list[int]], game_id: str | None) -> Sequence[int]:
    """The positions of the starters in that game; none for a starter without one."""
    return () if game_id is None else games.get(game_id, ())


def _cross_covariance(
    home: Sequence[Starter],
    home_sd: Sequence[float],
    away: Sequence[Starter],
    away_sd: Sequence[float],
    away_games: Mapping[str, list[int]],
    correlations: CorrelationTable,
) -> float:
    if not (all(map(math.isfinite, home_sd)) and all(map(math.isfinite, away_sd))):
        pairs = ((i, j) for i in range(len(home)) for j in range(len(away)))
    else:
        pairs = ((i, j) for i, h in enumerate(home) for j in _teammates(away_games, h.game_id))
    return sum(correlations.rho(home[i], away[j]) * home_sd[i] * away_sd[j] for i, j in pairs)
