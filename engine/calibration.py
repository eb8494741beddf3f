"""How well the lines did, and the calibration factor k that widens or narrows them.

The model says a team's weekly score is Normal(mean, (k * base_sd)^2), where base_sd comes
from the position spreads and correlations and k scales all of them together. Given past
team-weeks, the maximum-likelihood k for that model (means taken as given, since the book
prices around the projection) is

    k^2 = mean over team-weeks of z^2,   z = (actual - mean) / base_sd.

The sd stored with a closing projection already includes the k it was priced with, so the
fit first divides that k back out: base_sd = sd / k_then. Fitting on the stored sd instead
would compound: a league whose k was already 1.3 would "see" unit variance and fall back
towards 1.0, then swing back up the week after.

Small samples are noisy (with n team-weeks, k's standard error is about k / sqrt(2n)), so
nothing is fitted below MIN_SAMPLE team-weeks and the result is clamped to K_BOUNDS: a week
of blowouts can widen the lines, but never make them absurd.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

MIN_SAMPLE = 20
"""Team-weeks needed before k is fitted: about two weeks of a ten-team league."""

K_BOUNDS = (0.5, 2.0)
"""The fitted k is clamped to this range; outside it the model is wrong, not mis-scaled."""

COIN_FLIP_BRIER = 0.25
"""The Brier score of always saying 50%: the bar any moneyline must clear to mean anything."""

COVERAGE_LEVELS = (0.5, 0.8, 0.95)


@dataclass(frozen=True, slots=True)
class TeamWeek:
    """One team's closing projection for a week and what it actually scored."""

    actual: float
    mean: float
    sd: float
    """As priced, k included."""
    k: float = 1.0
    """The calibration factor the sd was priced with."""

    @property
    def base_sd(self) -> float:
        return self.sd / self.k if self.k > 0 else 0.0

    @property
    def usable(self) -> bool:
        """A lineup that could not score (sd 0) says nothing about spread."""
        return all(math.isfinite(v) for v in (self.actual, self.mean, self.sd, self.k)) and self.base_sd > 0


@dataclass(frozen=True, slots=True)
class CalibrationFit:
    sample: int
    """Usable team-weeks the fit saw."""
    raw_k: float | None
    """sqrt(mean z^2) before the minimum sample and the clamp; None with no usable sample."""
    k: float | None
    """What pricing should use: None until the sample reaches the minimum, then raw_k clamped."""


def fit_k(
    team_weeks: Iterable[TeamWeek],
    min_sample: int = MIN_SAMPLE,
    bounds: tuple[float, float] = K_BOUNDS,
) -> CalibrationFit:
    """The k that gives past (actual - mean) / (k * base_sd) unit mean square."""
    z_squared = [((t.actual - t.mean) / t.base_sd) ** 2 for t in team_weeks if t.usable]
    if not z_squared:
        return CalibrationFit(0, None, None)
    raw = math.sqrt(math.fsum(z_squared) / len(z_squared))
    if len(z_squared) < min_sample:
        return CalibrationFit(len(z_squared), raw, None)
    low, high = bounds
    return CalibrationFit(len(z_squared), raw, min(max(raw, low), high))


@dataclass(frozen=True, slots=True)
class Forecast:
    """A moneyline's closing fair probability that the home team wins, and what happened."""

    p_home: float
    home_won: bool | None
    """None for a tie."""


@dataclass(frozen=True, slots=True)
class BrierScore:
    games: int
    """Decided games scored (ties are left out)."""
    ties: int
    score: float | None
    """Mean of (p - outcome)^2: 0 is perfect, COIN_FLIP_BRIER is no better than a coin."""

    @property
    def skill(self) -> float | None:
        """1 - score / coin flip: positive when the lines beat the coin, 1 if perfect."""
        return None if self.score is None else 1.0 - self.score / COIN_FLIP_BRIER


def brier(forecasts: Iterable[Forecast]) -> BrierScore:
    """Brier score of the moneylines over decided games.

    A tie refunds moneyline bets, so the market made no call on it; counting it as 0.5
    would reward a 50% line for a result nobody bet on. Ties are counted, not scored.
    """
    errors: list[float] = []
    ties = 0
    for f in forecasts:
        if f.home_won is None:
            ties += 1
        else:
            errors.append((f.p_home - (1.0 if f.home_won else 0.0)) ** 2)
    score = math.fsum(errors) / len(errors) if errors else None
    return BrierScore(len(errors), ties, score)


@dataclass(frozen=True, slots=True)
class Coverage:
    level: float
    """The central interval's nominal probability, e.g. 0.8."""
    inside: int
    total: int

    @property
    def share(self) -> float | None:
        return self.inside / self.total if self.total else None


def interval_coverage(
    team_weeks: Sequence[TeamWeek], levels: Sequence[float] = COVERAGE_LEVELS
) -> tuple[Coverage, ...]:
    """How often actual scores fell inside the closing distribution's central intervals.

    Well-calibrated spreads put about 80% of scores inside the 80% interval; far fewer
    means the lines were too sure of themselves (k too small), far more too timid.
    """
    usable = [t for t in team_weeks if t.usable]
    out = []
    for level in levels:
        half_width = NormalDist().inv_cdf(0.5 + level / 2.0)
        inside = sum(1 for t in usable if abs(t.actual - t.mean) <= half_width * t.sd)
        out.append(Coverage(level, inside, len(usable)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class LineResults:
    """Game totals against their closing lines: an unbiased line lands near half under."""

    under: int
    over: int
    pushes: int

    @property
    def share_under(self) -> float | None:
        decided = self.under + self.over
        return self.under / decided if decided else None


def against_line(results: Iterable[tuple[float, float]]) -> LineResults:
    """Count (closing line, actual total) pairs under, over and exactly on the line."""
    under = over = pushes = 0
    for line, actual in results:
        if actual < line:
            under += 1
        elif actual > line:
            over += 1
        else:
            pushes += 1
    return LineResults(under, over, pushes)
