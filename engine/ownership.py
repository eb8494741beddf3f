"""Which picks work against a team, for the own-matchup rule.

An owner who bets against their own team could profit from benching their own starters,
so by default they may not. A pick is *against* a team when it wins more often the fewer
points that team scores, or the more its opponent scores: the opponent's moneyline or
spread (alternate lines too), under on the team's own total or players, over on the
opponent's, or an opposing player as the matchup's MVP. A game total (both teams' points
together) is neither.
"""

from __future__ import annotations

from typing import Literal

TeamSide = Literal["home", "away"]


def pick_is_against(kind: str, side: str, subject_side: TeamSide | None, own_side: TeamSide) -> bool:
    """True when this pick pays for `own_side`'s team doing worse.

    `subject_side` is whose team a team total or player prop is about, or an MVP pick's
    player (None otherwise).
    """
    if kind in ("moneyline", "spread", "alt_spread"):
        return side != own_side
    if kind == "mvp":  # backing a player of the other team to top the matchup
        return subject_side is not None and subject_side != own_side
    if kind in ("team_total", "prop") and subject_side is not None:
        rooting_for_subject = side == "over"
        return rooting_for_subject != (subject_side == own_side)
    return False
