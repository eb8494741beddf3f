"""Tenants, leagues and members: the scoping that keeps one league's data from another's."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from commands.context import Invocation
from commands.league_settings import LeagueSettings
from commands.services.pools import place_newcomer
from storage import keys
from storage.database import Database
from storage.ledger import Credit, post_entry
from storage.models import League, Member, Team, Tenant, Week
from storage.row_reader import ModelRows
from storage.statuses import WeekStatus

# Built once: every command runs this lookup, and building the expression costs more than
# running it.
_CALLER = (
    select(League, Member)
    .join(Tenant, Tenant.id == League.tenant_id)
    .outerjoin(Member, and_(Member.league_id == League.id, Member.user_id == bindparam("user_id")))
    .where(Tenant.platform == bindparam("platform"), Tenant.workspace_id == bindparam("workspace_id"))
    .order_by(League.id)
    .limit(1)
)


async def find_caller(session: AsyncSession, invocation: Invocation) -> tuple[League | None, Member | None]:
    """The league of the caller's workspace and the caller's membership in it, in one query."""
    row = (
        await session.execute(
            _CALLER,
            {
                "user_id": invocation.user_id,
                "platform": invocation.platform,
                "workspace_id": invocation.workspace_id,
            },
        )
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


async def load_caller(db: Database, league_id: int, member_id: int) -> tuple[League, Member] | None:
    """The caller's league and membership rows by id, as they are now, in one query.

    Through the database's own row reader (storage/row_reader.py): the same committed rows,
    at a fraction of a session's cost.
    """
    params = {"league_id": league_id, "member_id": member_id}
    leagues, members, sql = _caller_reader(db.engine.dialect)
    raw = await db.row_reader.fetchone(sql, params)
    if raw is None:
        return None
    split = len(leagues.keys)
    return leagues.build(raw[:split]), members.build(raw[split:])


_CALLER_READERS: dict[str, tuple[ModelRows, ModelRows, str]] = {}


def _caller_reader(dialect: Dialect) -> tuple[ModelRows, ModelRows, str]:
    """How the caller's two rows are read and built, worked out once per kind of database."""
    if dialect.name not in _CALLER_READERS:
        leagues, members = ModelRows(League, dialect), ModelRows(Member, dialect)
        sql = (
            f"SELECT {leagues.select_list('leagues')}, {members.select_list('members')} "
            "FROM leagues JOIN members ON members.league_id = leagues.id "
            "WHERE leagues.id = :league_id AND members.id = :member_id"
        )
        _CALLER_READERS[dialect.name] = (leagues, members, sql)
    return _CALLER_READERS[dialect.name]


async def load_league(db: Database, league_id: int) -> League | None:
    """The league row by id as it is now, through the row reader as `load_caller` reads.

    Every league's pass of the scheduler's tick reads its row once it holds the lease
    (league_jobs): through a read session of its own that was a pool checkout, a
    transaction and the ORM's loading, for one row.
    """
    leagues, sql = _league_reader(db.engine.dialect)
    raw = await db.row_reader.fetchone(sql, {"league_id": league_id})
    return None if raw is None else leagues.build(raw)


_LEAGUE_READERS: dict[str, tuple[ModelRows, str]] = {}


def _league_reader(dialect: Dialect) -> tuple[ModelRows, str]:
    if dialect.name not in _LEAGUE_READERS:
        leagues = ModelRows(League, dialect)
        sql = f"SELECT {leagues.select_list('leagues')} FROM leagues WHERE leagues.id = :league_id"
        _LEAGUE_READERS[dialect.name] = (leagues, sql)
    return _LEAGUE_READERS[dialect.name]


async def find_league(session: AsyncSession, platform: str, workspace_id: str) -> League | None:
    return await session.scalar(
        select(League)
        .join(Tenant, Tenant.id == League.tenant_id)
        .where(Tenant.platform == platform, Tenant.workspace_id == workspace_id)
        .order_by(League.id)
        .limit(1)
    )


async def find_league_settings(
    session: AsyncSession, platform: str, workspace_id: str
) -> dict[str, Any] | None:
    """The settings of the workspace's league as stored ({} for none set); None without a league.

    The one column alone: the chat adapters read it on every interaction to tell a
    commissioner, and a whole League row (its lineup slots and every other column) cost
    them more than the command a member ran.
    """
    row = (
        await session.execute(
            select(League.settings)
            .join(Tenant, Tenant.id == League.tenant_id)
            .where(Tenant.platform == platform, Tenant.workspace_id == workspace_id)
            .order_by(League.id)
            .limit(1)
        )
    ).first()
    return None if row is None else (row[0] or {})


async def get_or_create_tenant(
    session: AsyncSession, platform: str, workspace_id: str, now: datetime
) -> Tenant:
    tenant = await session.scalar(
        select(Tenant).where(Tenant.platform == platform, Tenant.workspace_id == workspace_id)
    )
    if tenant is None:
        tenant = Tenant(platform=platform, workspace_id=workspace_id, created_at=now)
        session.add(tenant)
        await session.flush()
    return tenant


async def current_week(session: AsyncSession, league_id: int) -> Week | None:
    """The newest week of the league, whatever its status."""
    return await session.scalar(
        select(Week).where(Week.league_id == league_id).order_by(Week.id.desc()).limit(1)
    )


async def grant_allowance(
    session: AsyncSession, league: League, week: Week, member_id: int, amount: int, now: datetime
) -> bool:
    """The weekly allowance, at most once per member per week (the dedupe key sees to it)."""
    return await post_entry(session, **allowance_credit(league, week, member_id, amount), now=now)


def allowance_credit(league: League, week: Week, member_id: int, amount: int) -> Credit:
    """A member's weekly allowance as a ledger credit: one spelling for one member or all."""
    return Credit(
        league_id=league.id,
        member_id=member_id,
        kind="grant",
        amount=amount,
        dedupe_key=keys.grant(week.id),
        bet_id=None,
        week_id=week.id,
        memo=f"Week {week.matchup_period} allowance",
    )


async def ensure_member(
    db: Database, league: League, invocation: Invocation, settings: LeagueSettings, now: datetime
) -> Member:
    """The caller's membership, created on first contact with this week's allowance."""
    member: Member | None
    try:
        async with db.write() as session:
            team_id = await session.scalar(
                select(Team.id).where(Team.league_id == league.id, Team.owner_name == invocation.display_name)
            )
            member = Member(
                league_id=league.id,
                user_id=invocation.user_id,
                display_name=invocation.display_name[:120],
                team_id=team_id,
                balance=0,
                created_at=now,
            )
            session.add(member)
            await session.flush()
            week = await current_week(session, league.id)
            if week is not None and week.markets_open and week.status != WeekStatus.SETTLED:
                await grant_allowance(session, league, week, member.id, settings.allowance, now)
                await place_newcomer(session, week, member.id)
    except IntegrityError:
        pass  # another request registered the same user first; use that row
    async with db.read() as session:
        member = await session.scalar(
            select(Member).where(Member.league_id == league.id, Member.user_id == invocation.user_id)
        )
    assert member is not None
    return member


async def find_member(session: AsyncSession, league_id: int, who: str) -> Member | None:
    """A member by chat user id, or by display name (case-insensitive)."""
    member = await session.scalar(select(Member).where(Member.league_id == league_id, Member.user_id == who))
    if member is not None:
        return member
    matches = (await session.scalars(select(Member).where(Member.league_id == league_id))).all()
    named = [m for m in matches if m.display_name.lower() == who.lower()]
    return named[0] if len(named) == 1 else None
