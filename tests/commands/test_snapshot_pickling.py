"""The snapshots' pickled state: what every sync digests to tell an unchanged snapshot.

`weeks.snapshot_digest` pickles a league's and a week's snapshots. Their classes gather
their pickled state in one C call (commands/provider.py, `_state_in_c`); a field missing
from that state would make a change in it invisible to the digest, and a sync would then
skip a week that did change.
"""

from __future__ import annotations

import dataclasses
import pickle
from datetime import UTC, datetime
from typing import Any

import pytest

from adapters.espn.demo.provider import DemoLeagueProvider
from commands.provider import LeagueData, MatchupData, PlayerLine, ProGame, TeamInfo, WeekData
from commands.services.weeks import snapshot_digest

MID_SUNDAY = datetime(2026, 11, 29, 19, 45, tzinfo=UTC)
SNAPSHOT_CLASSES = [ProGame, PlayerLine, TeamInfo, MatchupData, WeekData, LeagueData]


async def snapshots() -> tuple[LeagueData, WeekData]:
    provider = DemoLeagueProvider(lambda: MID_SUNDAY)
    league = await provider.fetch_league()
    return league, await provider.fetch_week(league.current_matchup_period)


async def test_a_league_and_week_round_trip_through_pickle() -> None:
    league, week = await snapshots()
    assert pickle.loads(pickle.dumps((league, week), protocol=pickle.HIGHEST_PROTOCOL)) == (league, week)


@pytest.mark.parametrize("cls", SNAPSHOT_CLASSES, ids=lambda c: c.__name__)
def test_the_state_is_every_field_in_order(cls: type[Any]) -> None:
    names = [f.name for f in dataclasses.fields(cls)]
    values = {name: f"value of {name}" for name in names}
    instance = cls(**values)
    assert instance.__getstate__() == tuple(values[name] for name in names)


def _replace_first_player(week: WeekData, **changes: Any) -> WeekData:
    first = week.matchups[0]
    player = dataclasses.replace(first.home_lineup[0], **changes)
    matchup = dataclasses.replace(first, home_lineup=(player, *first.home_lineup[1:]))
    return dataclasses.replace(week, matchups=(matchup, *week.matchups[1:]))


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(PlayerLine)])
async def test_a_change_in_any_field_of_a_starter_changes_the_digest(field: str) -> None:
    league, week = await snapshots()
    before = getattr(week.matchups[0].home_lineup[0], field)
    after: Any = ("FLEX", "OTHER") if isinstance(before, tuple) else f"{before}!"
    if isinstance(before, float):
        after = before + 0.1
    changed = _replace_first_player(week, **{field: after})
    assert snapshot_digest(league, changed) != snapshot_digest(league, week)
    assert snapshot_digest(league, _replace_first_player(week)) == snapshot_digest(league, week)
