"""Live win probability while a week is being played.

What has been scored is known; only what is left to play is uncertain. Each starter's
remaining mean is the unplayed share of his projection, and his spread shrinks with it,
so the same matchup model prices the rest of the week (DESIGN.md section 3, "Live").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from engine.model import MatchupModel, Normal, Starter, build_matchup_model


@dataclass(frozen=True, slots=True)
class LiveStarter:
    starter: Starter
    points: float  # scored so far
    share_left: float  # 1.0 before kickoff, 0.0 once his game is over


def live_matchup_model(
    home: Sequence[LiveStarter], away: Sequence[LiveStarter], k: float = 1.0
) -> MatchupModel:
    """Scored points plus a model of the remaining projections of both teams."""

    def remaining(side: Sequence[LiveStarter]) -> list[Starter]:
        return [
            replace(
                p.starter,
                projection=p.starter.projection * max(0.0, min(1.0, p.share_left)),
                active=p.starter.active and p.share_left > 0,
            )
            for p in side
        ]

    model = build_matchup_model(remaining(home), remaining(away), k=k)
    scored_home = sum(p.points for p in home)
    scored_away = sum(p.points for p in away)
    return MatchupModel(
        home=Normal(model.home.mean + scored_home, model.home.variance),
        away=Normal(model.away.mean + scored_away, model.away.variance),
        covariance=model.covariance,
    )


def win_probability(model: MatchupModel) -> float:
    """P(home finishes ahead); a tie counts half, as it refunds a moneyline."""
    margin = model.margin
    if margin.variance <= 0:
        return 1.0 if margin.mean > 0 else 0.0 if margin.mean < 0 else 0.5
    return margin.sf(0.0)
