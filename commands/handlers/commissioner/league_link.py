"""Commissioners linking the book to its fantasy league: setup, owners, the channel, a sync."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update

from commands.context import Context, Invocation, Services
from commands.errors import CommandError, NotFound
from commands.handlers.registry import handles, handles_leagueless
from commands.league_settings import LeagueSettings
from commands.provider import ProviderError
from commands.replies import Reply, Table, Tone
from commands.services.journal import audit
from commands.services.league_jobs import league_jobs
from commands.services.lifecycle import run_due
from commands.services.teams import find_team
from commands.services.tenancy import find_league, find_member, get_or_create_tenant
from storage.models import League, Member, Team


@handles_leagueless("setup")
async def setup(services: Services, invocation: Invocation, args: dict[str, Any]) -> Reply:
    """Link the workspace to an ESPN league after checking ESPN answers for it.

    The cookies are stored but never repeated: not in the reply, the audit log or a log line.
    """
    league_id, season = args["league"], args.get("season")
    espn_s2, swid = args.get("espn_s2"), args.get("swid")
    if bool(espn_s2) != bool(swid):
        raise CommandError("A private league needs both cookies, espn_s2 and SWID; you gave one.")
    now = services.clock.now()
    try:
        if season is None:
            if services.detect_season is None:
                raise CommandError("Give the season too, e.g. `setup <league> 2026`.")
            season = await services.detect_season(league_id, espn_s2, swid)
        probe = League(
            source="espn",
            espn_league_id=league_id,
            season=season,
            espn_s2=espn_s2,
            espn_swid=swid,
            settings={},
        )
        data = await services.providers(probe).fetch_league()
    except ProviderError as error:
        retry = " Nothing is linked yet: run `setup` again in a few minutes." if error.retryable else ""
        return Reply.error(f"Couldn't link ESPN league {league_id}: {error.user_message}{retry}")
    async with services.db.write() as session:
        league = await find_league(session, invocation.platform, invocation.workspace_id)
        if league is None:
            tenant = await get_or_create_tenant(session, invocation.platform, invocation.workspace_id, now)
            league = League(
                tenant_id=tenant.id,
                settings=LeagueSettings().model_dump(),
                paused=False,
                created_at=now,
                channel_id=invocation.channel_id,
            )
            session.add(league)
        league.name, league.source = data.name[:120], "espn"
        league.espn_league_id, league.season = league_id, data.season
        league.espn_s2, league.espn_swid = espn_s2, swid
        league.season_over, league.sync_failures, league.last_sync_error = False, 0, None
        league.channel_id = league.channel_id or invocation.channel_id
        await session.flush()
        await audit(
            session,
            league_id=league.id,
            actor=invocation.user_id,
            action="setup",
            detail={"espn_league_id": league_id, "season": data.season, "private": bool(espn_s2)},
            now=now,
        )
    rows = tuple((t.abbrev, t.name, t.owner_name or "") for t in data.teams)
    return Reply(
        f"Linked {data.name} ({data.season}, {len(data.teams)} teams)"
        + (" with your private-league cookies (saved, never shown)" if espn_s2 else "")
        + ". Lines and results will be posted in this channel. Next: `link <member> <team>` for each "
        "owner, or members can `claim <team>`.",
        tables=(Table(("Team", "Name", "ESPN owner"), rows, title="Teams"),),
        tone=Tone.SUCCESS,
    )


async def _team(ctx: Context, session: Any, text: str) -> Team:
    return await find_team(session, ctx.league.id, text)


@handles("link")
async def link(ctx: Context, args: dict[str, Any]) -> Reply:
    async with ctx.db.write() as session:
        team = await _team(ctx, session, args["team"])
        member = await find_member(session, ctx.league.id, args["member"])
        if member is None:
            raise NotFound(
                f"There's no member '{args['member']}' yet; they appear after their first command."
            )
        await session.execute(
            update(Member)
            .where(Member.league_id == ctx.league.id, Member.team_id == team.id)
            .values(team_id=None)
        )
        member.team_id, member.claimed_team_id = team.id, None
        await audit(
            session,
            league_id=ctx.league.id,
            actor=ctx.invocation.user_id,
            action="link",
            detail={"member": member.user_id, "team": team.espn_team_id},
            now=ctx.now,
        )
    return Reply(f"{member.display_name} now owns {team.name} ({team.abbrev}).", tone=Tone.SUCCESS)


@handles("channel")
async def channel(ctx: Context, args: dict[str, Any]) -> Reply:
    if not ctx.invocation.channel_id:
        raise CommandError("Run this in the channel where the league's posts should go.")
    async with ctx.db.write() as session:
        await session.execute(
            update(League).where(League.id == ctx.league.id).values(channel_id=ctx.invocation.channel_id)
        )
        await audit(
            session,
            league_id=ctx.league.id,
            actor=ctx.invocation.user_id,
            action="channel",
            detail={"channel": ctx.invocation.channel_id},
            now=ctx.now,
        )
    return Reply("Lines, results and notices will be posted in this channel.", tone=Tone.SUCCESS)


@handles("sync")
async def sync(ctx: Context, args: dict[str, Any]) -> Reply:
    async with league_jobs(ctx.services, ctx.league.id, command="sync") as league:
        report = await run_due(ctx.services, league)
    if report.sync_error is not None:
        return Reply.error(report.sync_error.user_message)
    assert report.sync is not None
    return Reply(
        f"Synced week {report.sync.current_period} of {report.sync.season}: "
        f"{report.sync.repriced} markets repriced, {report.locked} locked, "
        f"{len(report.settled)} weeks settled.",
        tone=Tone.SUCCESS,
    )
