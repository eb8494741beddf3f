"""Linking a chat workspace to its fantasy league (`setup`), after checking the platform answers.

ESPN and Sleeper leagues are linked the same way: a probe league row (never saved) asks the
provider for the league, and only a complete answer creates or re-points the workspace's league.
The cookies of a private ESPN league are stored but never repeated: not in a reply, the audit
log or a log line. Sleeper needs no secrets.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import update

from commands.context import Invocation, Services, YahooGrantTokens
from commands.errors import CommandError
from commands.league_settings import LeagueSettings
from commands.provider import ESPN, SLEEPER, YAHOO, LeagueData
from commands.services.journal import audit
from commands.services.tenancy import find_league, get_or_create_tenant
from storage.database import Database
from storage.models import League

#: The largest ESPN league id the database holds (a 64-bit column).
MAX_ESPN_LEAGUE_ID = 2**62


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
    if not 1 <= league_id <= MAX_ESPN_LEAGUE_ID:
        raise CommandError(f"{league_id} is too long to be an ESPN league id; check the leagueId in its URL.")
    if bool(espn_s2) != bool(swid):
        raise CommandError("A private league needs both cookies, espn_s2 and SWID; you gave one.")
    if season is None:
        if services.detect_season is None:
            raise CommandError("Give the season too, e.g. `setup <league> 2026`.")
        season = await services.detect_season(league_id, espn_s2, swid)
    fields: dict[str, Any] = {
        **_NO_YAHOO,
        "source": ESPN,
        "espn_league_id": league_id,
        "sleeper_league_id": None,
        "espn_s2": espn_s2,
        "espn_swid": swid,
    }
    probe = League(season=season, settings={}, **fields)
    data = await services.providers(probe).fetch_league()
    detail = {"espn_league_id": league_id, "season": data.season, "private": bool(espn_s2)}
    await _link(services, invocation, data, fields, detail)
    return data


async def link_sleeper_league(services: Services, invocation: Invocation, league_id: str) -> LeagueData:
    """Read the league from Sleeper, then create or re-point the workspace's league at it.

    Sleeper gives a league a new id every season, so the season is the league's own; a
    ProviderError (unknown id, another sport, not drafted yet, Sleeper down) writes nothing.
    """
    fields: dict[str, Any] = {
        **_NO_YAHOO,
        "source": SLEEPER,
        "espn_league_id": None,
        "sleeper_league_id": league_id,
        "espn_s2": None,
        "espn_swid": None,
    }
    probe = League(settings={}, **fields)
    data = await services.providers(probe).fetch_league()
    await _link(services, invocation, data, fields, {"sleeper_league_id": league_id, "season": data.season})
    return data


async def link_yahoo_league(
    services: Services, invocation: Invocation, league_id: str, grant: YahooGrantTokens
) -> LeagueData:
    """Read the league from Yahoo with the commissioner's fresh grant, then create or re-point
    the workspace's league at it, with the grant stored (never shown, never in the audit log).

    Yahoo gives only team projections to price from, so a newly linked Yahoo league starts with
    player props off (a commissioner may turn them on). A ProviderError writes nothing.
    """
    fields: dict[str, Any] = {
        "source": YAHOO,
        "espn_league_id": None,
        "sleeper_league_id": None,
        "espn_s2": None,
        "espn_swid": None,
        "yahoo_league_key": grant.league_key,
        "yahoo_access_token": grant.access_token,
        "yahoo_refresh_token": grant.refresh_token,
        "yahoo_token_expires_at": grant.expires_at,
    }
    probe = League(settings={}, **fields)
    data = await services.providers(probe).fetch_league()
    detail = {"yahoo_league_key": grant.league_key, "season": data.season}
    await _link(services, invocation, data, fields, detail, new_settings={"props": False})
    return data


#: What linking an ESPN or Sleeper league clears of a Yahoo league linked before.
_NO_YAHOO: dict[str, Any] = {
    "yahoo_league_key": None,
    "yahoo_access_token": None,
    "yahoo_refresh_token": None,
    "yahoo_token_expires_at": None,
}


async def save_yahoo_tokens(
    db: Database, league_id: int, access_token: str, refresh_token: str, expires_at: datetime
) -> None:
    """Keep a refreshed Yahoo grant (the provider refreshes it before it expires)."""
    async with db.write() as session:
        await session.execute(
            update(League)
            .where(League.id == league_id)
            .values(
                yahoo_access_token=access_token,
                yahoo_refresh_token=refresh_token,
                yahoo_token_expires_at=expires_at,
            )
        )


async def _link(
    services: Services,
    invocation: Invocation,
    data: LeagueData,
    fields: dict[str, Any],
    detail: dict[str, Any],
    new_settings: dict[str, Any] | None = None,
) -> None:
    """Create the workspace's league, or re-point it, at the league the platform described."""
    now = services.clock.now()
    async with services.db.write() as session:
        league = await find_league(session, invocation.platform, invocation.workspace_id)
        if league is None:
            tenant = await get_or_create_tenant(session, invocation.platform, invocation.workspace_id, now)
            league = League(
                tenant_id=tenant.id,
                settings=LeagueSettings(**(new_settings or {})).model_dump(),
                paused=False,
                created_at=now,
                channel_id=invocation.channel_id,
            )
            session.add(league)
        league.name, league.season = data.name[:120], data.season
        for name, value in fields.items():
            setattr(league, name, value)
        league.season_over, league.sync_failures, league.last_sync_error = False, 0, None
        league.channel_id = league.channel_id or invocation.channel_id
        await session.flush()
        await audit(
            session, league_id=league.id, actor=invocation.user_id, action="setup", detail=detail, now=now
        )
