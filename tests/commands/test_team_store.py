"""A league's teams are stored as the provider lists them: new ones inserted, moved ones updated,
the rest left alone, on either back end."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import select

from commands.provider import LeagueData, TeamInfo
from commands.services.team_store import StoredTeam, store_teams
from storage.models import League, Team, Tenant

AT = datetime(2026, 9, 1, tzinfo=UTC)


def _league_data(teams: tuple[TeamInfo, ...]) -> LeagueData:
    return LeagueData(77, 2026, "L", teams, 1, 14, 16)


def _team(team_id: int, **values: object) -> TeamInfo:
    info = TeamInfo(team_id, f"Team {team_id}", f"T{team_id}", f"owner {team_id}", None)
    return replace(info, **values)


async def _stored(db, league_id: int) -> dict[int, tuple]:
    async with db.read() as session:
        rows = (await session.scalars(select(Team).where(Team.league_id == league_id))).all()
    return {
        t.espn_team_id: (t.id, t.name, t.abbrev, t.owner_name, t.wins, t.losses, t.ties, t.points_for)
        for t in rows
    }


async def test_new_teams_are_inserted_and_moved_ones_updated(any_db):
    async with any_db.write() as session:
        tenant = Tenant(platform="discord", workspace_id="w", created_at=AT)
        session.add(tenant)
        await session.flush()
        league = League(tenant_id=tenant.id, name="L", source="espn", season=2026, settings={}, created_at=AT)
        other = League(tenant_id=tenant.id, name="M", source="espn", season=2026, settings={}, created_at=AT)
        session.add_all([league, other])
        await session.flush()
        league_id, other_id = league.id, other.id

    teams = tuple(_team(i) for i in range(1, 11))
    async with any_db.write() as session:
        first = await store_teams(session, league_id, _league_data(teams))
        # Another league's teams with the same provider ids are its own rows.
        theirs = await store_teams(session, other_id, _league_data(teams[:2]))
    assert sorted(first) == list(range(1, 11))
    assert all(isinstance(t, StoredTeam) and t.name == f"Team {i}" for i, t in first.items())
    assert {t.id for t in theirs.values()}.isdisjoint(t.id for t in first.values())
    rows = await _stored(any_db, league_id)
    assert {i: row[0] for i, row in rows.items()} == {i: t.id for i, t in first.items()}

    # A week later: one team renamed, one with a new record, and a team added mid-season.
    renamed = replace(teams[0], name="Renamed", abbrev="RN")
    played = replace(teams[1], wins=1, losses=0, points_for=123.4)
    later = (renamed, played, *teams[2:], _team(11, owner_name=None))
    async with any_db.write() as session:
        second = await store_teams(session, league_id, _league_data(later))
    assert second[1] == replace(first[1], name="Renamed", abbrev="RN")
    assert second[2] == replace(first[2], wins=1, points_for=123.4)
    assert second[11].owner_name is None and second[11].id not in {t.id for t in first.values()}
    after = await _stored(any_db, league_id)
    assert after[1][1:3] == ("Renamed", "RN") and after[2][4] == 1 and after[2][7] == 123.4
    assert {i: after[i] for i in range(3, 11)} == {i: rows[i] for i in range(3, 11)}
    assert (await _stored(any_db, other_id)).keys() == {1, 2}  # the other league untouched
