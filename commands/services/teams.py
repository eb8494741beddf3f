"""The league's fantasy teams: finding one by what a member typed, its owner, their standings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.errors import NotFound
from commands.services.journal import audit
from commands.services.tenancy import find_member
from storage.database import Database
from storage.models import Member, Team


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


@dataclass(frozen=True, slots=True)
class Linked:
    member: str  # the new owner's display name
    team: str
    abbrev: str


async def link_owner(
    db: Database, *, league_id: int, member_text: str, team_text: str, actor: str, now: datetime
) -> Linked:
    """Make a member the owner of a team (`link`): whoever owned it before no longer does.

    The member's confirmations apply the own-matchup rule for the team they own when the
    bet is written (storage.bet_rules), so a link takes effect for the very next bet.
    """
    async with db.write() as session:
        team = await find_team(session, league_id, team_text)
        member = await find_member(session, league_id, member_text)
        if member is None:
            raise NotFound(f"There's no member '{member_text}' yet; they appear after their first command.")
        await session.execute(
            update(Member)
            .where(Member.league_id == league_id, Member.team_id == team.id)
            .values(team_id=None)
        )
        member.team_id, member.claimed_team_id = team.id, None
        await audit(
            session,
            league_id=league_id,
            actor=actor,
            action="link",
            detail={"member": member.user_id, "team": team.espn_team_id},
            now=now,
        )
        return Linked(member.display_name, team.name, team.abbrev)
