"""Which final scores each matchup selection wins, as one shared definition.

Every selection on a matchup market wins on one side of a straight line in the
(home score, away score) plane, pushes on the line and loses beyond it. Grading a bet
and searching a quote set for arbitrage both read from here, so they can never
disagree about who won.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from engine.markets import ALTERNATE_OF, AWAY, HOME, SIDES, MarketKind

POINTS_DECIMALS = 6
"""ESPN keeps points to hundredths; six decimals hold every real score and drop float noise."""


def exact_points(points: float) -> Fraction:
    """Points (or a line) as the exact decimal they were meant to be.

    A sum of floats drifts (20.1 + 30.2 = 50.300000000000004); compared as floats that
    drift would turn a push on 50.3 into a win.
    """
    if not math.isfinite(points):
        raise ValueError(f"points must be a finite number, got {points}")
    return Fraction(f"{points:.{POINTS_DECIMALS}f}")


@dataclass(frozen=True, slots=True)
class HalfPlane:
    """Outcomes where home_coef * home + away_coef * away > threshold: the selection wins.

    Equality is a push; anything below is a loss.
    """

    home_coef: int
    away_coef: int
    threshold: float

    def excess(self, home: float, away: float) -> float:
        """How far an outcome is inside (> 0) or outside (< 0) the winning side, in points."""
        return self.home_coef * home + self.away_coef * away - self.threshold

    def sign_at(self, home: float, away: float) -> int:
        """+1 win, 0 push, -1 loss, decided exactly (see exact_points)."""
        value = (
            self.home_coef * exact_points(home)
            + self.away_coef * exact_points(away)
            - exact_points(self.threshold)
        )
        return (value > 0) - (value < 0)


_FUNCTIONALS: dict[tuple[MarketKind, str | None], tuple[int, int]] = {
    (MarketKind.MONEYLINE, None): (1, -1),
    (MarketKind.SPREAD, None): (1, -1),
    (MarketKind.TOTAL, None): (1, 1),
    (MarketKind.TEAM_TOTAL, HOME): (1, 0),
    (MarketKind.TEAM_TOTAL, AWAY): (0, 1),
}
"""The score each market is about: margin, total, or one team's score."""


def winning_region(kind: MarketKind, side: str, line: float | None, subject: str | None) -> HalfPlane:
    """The winning region of a matchup selection; props are not functions of the score."""
    kind = MarketKind(kind)
    if kind in ALTERNATE_OF:
        kind, subject = ALTERNATE_OF[kind], None
    coefficients = _FUNCTIONALS.get((kind, subject))
    if coefficients is None:
        raise ValueError(f"no matchup market {kind} with subject {subject!r}")
    if kind == MarketKind.MONEYLINE:
        if line is not None:
            raise ValueError("a moneyline has no line")
        threshold = 0.0
    elif line is None:
        raise ValueError(f"a {kind} market needs a line")
    else:
        threshold = line
    first, second = SIDES[kind]
    if side not in (first, second):
        raise ValueError(f"a {kind} market has sides {first!r} and {second!r}, not {side!r}")
    direction = 1 if side == first else -1
    home_coef, away_coef = coefficients
    return HalfPlane(direction * home_coef, direction * away_coef, direction * threshold + 0.0)
