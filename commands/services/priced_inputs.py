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

The digest is taken from the rows pricing reads, after the sync stored the snapshot, so
that whatever reaches pricing reaches the digest, whichever command or provider wrote it.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Mapping, Sequence
from typing import Any

from commands.services.pricing import priced_columns
from storage.models import Matchup, Starter, Team


def priced_digest(
    matchups: Sequence[Matchup],
    lineups: Mapping[int, Sequence[Starter]],
    teams: Mapping[int, Team],
    settings: Mapping[str, Any],
    calibration: float,
) -> str:
    """A digest of the week's pricing inputs; equal digests price every market the same."""
    inputs = []
    for matchup in matchups:
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
                tuple((s.team_id, priced_columns(s)) for s in lineups[matchup.id]),
            )
        )
    digest = hashlib.blake2b(digest_size=16)
    # Plain tuples of numbers, strings and datetimes: pickled in C, a week in well under a ms.
    digest.update(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL))
    digest.update(json.dumps([settings, calibration], sort_keys=True, default=str).encode())
    return digest.hexdigest()
