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
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.services.pricing import PRICED_COLUMNS, priced_columns
from storage.models import Matchup, Starter, Team


class PricedMatchup(Protocol):
    """What the digest reads of a matchup: a Matchup row, or the columns read below."""

    @property
    def id(self) -> int: ...
    @property
    def lock_at(self) -> datetime: ...
    @property
    def home_adjustment(self) -> float: ...
    @property
    def away_adjustment(self) -> float: ...
    @property
    def home_team_id(self) -> int: ...
    @property
    def away_team_id(self) -> int: ...


#: A lineup as the digest reads it: each starter's team and PRICED_COLUMNS, in lineup order.
PricedLineup = Sequence[tuple[int, tuple[Any, ...]]]


def priced_digest(
    matchups: Sequence[PricedMatchup],
    lineups: Mapping[int, PricedLineup],
    teams: Mapping[int, Team],
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
    # Plain tuples of numbers, strings and datetimes: pickled in C, a week in well under a ms.
    digest.update(pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL))
    digest.update(json.dumps([settings, calibration], sort_keys=True, default=str).encode())
    return digest.hexdigest()


def priced_lineup(starters: Sequence[Starter]) -> PricedLineup:
    """A lineup of loaded Starter rows as the digest reads it."""
    return [(s.team_id, priced_columns(s)) for s in starters]


#: Each lineup in player order on both back ends (ESPN's numeric ids in number order, as
#: when they were stored as numbers): the order pricing reads, and sums, a lineup in.
LINEUP_ORDER = (Starter.matchup_id, func.length(Starter.player_id), Starter.player_id)

_MATCHUPS = select(
    Matchup.id,
    Matchup.lock_at,
    Matchup.home_adjustment,
    Matchup.away_adjustment,
    Matchup.home_team_id,
    Matchup.away_team_id,
).where(Matchup.week_id == bindparam("week_id"))
_STARTERS = (
    select(Starter.matchup_id, Starter.team_id, *(getattr(Starter, name) for name in PRICED_COLUMNS))
    .join(Matchup, Matchup.id == Starter.matchup_id)
    .where(Matchup.week_id == bindparam("week_id"))
    .order_by(*LINEUP_ORDER)
)


async def stored_priced_digest(
    session: AsyncSession,
    week_id: int,
    teams: Mapping[int, Team],
    settings: Mapping[str, Any],
    calibration: float,
) -> str:
    """The digest of the week's stored rows, read as plain columns.

    A game-day sync stores new points, and points are no input: this tells it so without
    loading the week's matchups and starters as ORM objects (a hundred and more a league,
    every five minutes), which only planning the markets again needs. The same column
    values as the loaded rows hold, so the same digest.
    """
    statements = await session.connection()
    matchups = (await statements.execute(_MATCHUPS, {"week_id": week_id})).all()
    lineups: dict[int, list[tuple[int, tuple[Any, ...]]]] = {m.id: [] for m in matchups}
    for row in await statements.execute(_STARTERS, {"week_id": week_id}):
        lineups[row[0]].append((row[1], tuple(row[2:])))
    return priced_digest(matchups, lineups, teams, settings, calibration)
