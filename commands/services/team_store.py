"""Storing a league's fantasy teams as its provider lists them: one read, then at most one
insert and one update, whatever the number of teams.

Every sync of every league starts here. Loaded as ORM rows, ten or twelve teams cost a
league's first sync more than the week's hundred starters written set-based beside them
(lineup_store), and every later sync a read with an identity map to fill for rows that
rarely change (records move once a week). The teams travel on as plain values: what the
sync stores and prices reads of a team is its id and its names.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from commands.provider import LeagueData, TeamInfo
from storage import row_sets


class NamedTeam(Protocol):
    """What pricing and the priced digest read of a fantasy team: a StoredTeam, or the ORM row."""

    @property
    def id(self) -> int: ...

    @property
    def name(self) -> str: ...

    @property
    def abbrev(self) -> str: ...


@dataclass(frozen=True, slots=True)
class StoredTeam:
    """A fantasy team as the sync left it: its row id, then the provider's values."""

    id: int
    espn_team_id: int
    name: str
    abbrev: str
    owner_name: str | None
    wins: int
    losses: int
    ties: int
    points_for: float
    points_against: float


# The values a sync keeps of each team after its two ids, in StoredTeam's order; the same
# names on the provider's TeamInfo and on the row.
_VALUES: row_sets.Columns = (
    ("name", "text"),
    ("abbrev", "text"),
    ("owner_name", "text"),
    ("wins", "bigint"),
    ("losses", "bigint"),
    ("ties", "bigint"),
    ("points_for", "double"),
    ("points_against", "double"),
)
_NAMES = ", ".join(name for name, _ in _VALUES)
_HELD = f"SELECT id, espn_team_id, {_NAMES} FROM teams WHERE league_id = :league_id"
_NEW = f"""
INSERT INTO teams (league_id, espn_team_id, {_NAMES})
SELECT :league_id, r.espn_team_id, {", ".join(f"r.{name}" for name, _ in _VALUES)} FROM {{rows}}
RETURNING id, espn_team_id
"""
_NEW_COLUMNS: row_sets.Columns = (("espn_team_id", "bigint"), *_VALUES)
_MOVED = f"""
UPDATE teams SET {", ".join(f"{name} = r.{name}" for name, _ in _VALUES)}
FROM {{rows}} WHERE teams.id = r.id
"""
_MOVED_COLUMNS: row_sets.Columns = (("id", "bigint"), *_VALUES)


_values: Callable[[TeamInfo | StoredTeam], tuple[Any, ...]] = operator.attrgetter(*(n for n, _ in _VALUES))


async def store_teams(
    session: AsyncSession, league_id: int, league_data: LeagueData
) -> dict[int, StoredTeam]:
    """Insert the league's new teams and update the ones whose names or records moved, in
    the session's transaction; returns every team of the league by its provider's id."""
    execute = await row_sets.driver_executor(session)
    dialect = session.get_bind().dialect.name
    held = {row[1]: StoredTeam(*row) for row in await execute(_HELD, {"league_id": league_id})}
    new = [(info.team_id, *_values(info)) for info in league_data.teams if info.team_id not in held]
    if new:  # a league's first sync
        created = await execute(
            row_sets.with_rows(_NEW, dialect, _NEW_COLUMNS),
            {"rows": row_sets.rows_param(new), "league_id": league_id},
        )
        ids = {espn_team_id: team_id for team_id, espn_team_id in created}
        held.update({values[0]: StoredTeam(ids[values[0]], *values) for values in new})
    moved = _moved(held, league_data.teams)
    if moved:
        await execute(
            row_sets.with_rows(_MOVED, dialect, _MOVED_COLUMNS),
            {"rows": row_sets.rows_param([(team.id, *_values(team)) for team in moved])},
        )
        held.update({team.espn_team_id: team for team in moved})
    return held


def _moved(held: dict[int, StoredTeam], teams: Iterable[TeamInfo]) -> list[StoredTeam]:
    """The teams whose provider values differ from the stored ones, as they are now."""
    moved = []
    for info in teams:
        team, values = held[info.team_id], _values(info)
        if _values(team) != values:
            moved.append(StoredTeam(team.id, team.espn_team_id, *values))
    return moved
