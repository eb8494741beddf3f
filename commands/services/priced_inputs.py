"""The digest of everything a week's open prices are computed from.

A game-day tick brings every league's new points every five minutes, and points are not
what prices follow: a starter's projection, injury status and kickoff, the lineups, the
matchups' lock times and commissioner adjustments, the teams' names (the labels), the
league's settings and its calibration factor are. When none of those moved since the
week was last priced, planning every market again and comparing it with the stored one
would write nothing, so the sync stores the points and stops there.

Time passing is not an input: a market whose lock has passed is locked by the lock job
and left alone by repricing alike, so a plan made later differs from the stored one only
in markets that repricing would not touch (see market_store._compare).

The digest is taken from the week's matchups and lineups as the sync left them
(lineup_store.store_lineups returns them): the values it wrote, and the stored values of
what it kept. Every value of a starter that pricing reads is one of PRICED_COLUMNS, so
whatever reaches pricing reaches the digest, and no sync has to read the week's rows
again to learn that new points are all that moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from commands.services.pricing import PricedRow
from commands.services.team_store import NamedTeam


class PricedMatchup(NamedTuple):
    """What the digest reads of a matchup, as the sync stored it."""

    id: int
    lock_at: datetime
    home_adjustment: float
    away_adjustment: float
    home_team_id: int
    away_team_id: int


#: A lineup as the digest and pricing read it: each starter's team and PricedRow, in
#: lineup order.
PricedLineup = Sequence[tuple[int, PricedRow]]


def priced_digest(
    matchups: Sequence[PricedMatchup],
    lineups: Mapping[int, PricedLineup],
    teams: Mapping[int, NamedTeam],
    settings: Mapping[str, Any],
    calibration: float,
) -> str:
    """A digest of the week's pricing inputs; equal digests price every market the same."""
    inputs = []
    for matchup in sorted(matchups, key=lambda m: m.id):
        home, away = teams[matchup.home_team_id], teams[matchup.away_team_id]
        inputs.append(
            (
                matchup.id,
                matchup.lock_at,
                matchup.home_adjustment,
                matchup.away_adjustment,
                (home.id, home.name, home.abbrev),
                (away.id, away.name, away.abbrev),
                # In lineup order: a team's mean and variance are float sums, and their
                # order decides the last bits of a price.
                tuple(lineups[matchup.id]),
            )
        )
    digest = hashlib.blake2b(digest_size=16)
    # Plain tuples of numbers, strings and datetimes, written out by repr() (in C, a week in
    # well under a ms): by their values alone. Pickle would also write which of them are one
    # object (a game's kickoff shared by its starters as the sync built them), and the same
    # lineup built another way would digest differently.
    digest.update(repr(inputs).encode())
    digest.update(json.dumps([settings, calibration], sort_keys=True, default=str).encode())
    return digest.hexdigest()
