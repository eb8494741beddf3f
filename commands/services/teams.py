"""The league's fantasy teams: finding one by what a member typed, and their standings."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.errors import NotFound
from storage.database import Database
from storage.models import Team


async def find_team(session: AsyncSession, league_id: int, text: str) -> Team:
    """A team of the league by abbreviation, name or ESPN team id; NotFound lists the teams."""
    teams = (await session.scalars(select(Team).where(Team.league_id == league_id))).all()
    wanted = text.strip().lower()
    for team in teams:
        if wanted in (team.abbrev.lower(), team.name.lower(), str(team.espn_team_id)):
            return team
    known = ", ".join(sorted(t.abbrev for t in teams)) or "none yet (run `sync`)"
    raise NotFound(f"There's no team '{text}' in this league. Teams: {known}.")


async def teams_in_standings_order(session: AsyncSession, league_id: int) -> list[Team]:
    """The teams as ESPN ranks them: wins, then ties, then points for."""
    return list(
        (
            await session.scalars(
                select(Team)
                .where(Team.league_id == league_id)
                .order_by(Team.wins.desc(), Team.ties.desc(), Team.points_for.desc())
            )
        ).all()
    )


async def league_standings(db: Database, league_id: int) -> list[Team]:
    """The fantasy league's standings (`standings`); empty before the first sync."""
    async with db.read() as session:
        return await teams_in_standings_order(session, league_id)
