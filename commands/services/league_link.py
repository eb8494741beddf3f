"""Linking a chat workspace to an ESPN league (`setup`), after checking ESPN answers for it.

The cookies of a private league are stored but never repeated: not in a reply, the audit
log or a log line.
"""

from __future__ import annotations

from commands.context import Invocation, Services
from commands.errors import CommandError
from commands.league_settings import LeagueSettings
from commands.provider import LeagueData
from commands.services.journal import audit
from commands.services.tenancy import find_league, get_or_create_tenant
from storage.models import League


async def link_espn_league(
    services: Services,
    invocation: Invocation,
    league_id: int,
    season: int | None,
    espn_s2: str | None,
    swid: str | None,
) -> LeagueData:
    """Read the league from ESPN, then create or re-point the workspace's league at it.

    A ProviderError (ESPN unreachable, the league private or unknown) leaves nothing written.
    """
    if bool(espn_s2) != bool(swid):
        raise CommandError("A private league needs both cookies, espn_s2 and SWID; you gave one.")
    now = services.clock.now()
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
    return data
