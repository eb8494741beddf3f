"""The season's end and the next one.

Once a season's final matchup period settles, the league gets one last post (final
standings, the bettors' table, the season's profit chart) and goes quiet; in the
off-season it watches ESPN for the league's next season and moves to it with nothing
re-entered. commands.services.lifecycle decides when either is due.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update

from commands.context import Services
from commands.league_settings import LeagueSettings
from commands.outbox import enqueue_post
from commands.posts import season_over_post
from commands.provider import ProviderError
from commands.services.standings import standings
from commands.services.teams import teams_in_standings_order
from commands.services.week_recap import season_scores
from commands.services.weeks import SyncResult
from storage.database import Database
from storage.models import League, Week
from storage.statuses import WeekStatus

log = logging.getLogger(__name__)


async def end_season_if_done(db: Database, league: League, sync: SyncResult, now: datetime) -> bool:
    """After the final matchup period settles: one final standings post (with the season's
    chart, unless `final_standings` is off), then quiet."""
    async with db.write() as session:
        final = await session.scalar(
            select(Week).where(
                Week.league_id == league.id,
                Week.season == sync.season,
                Week.matchup_period == sync.final_period,
                Week.status == WeekStatus.SETTLED,
            )
        )
        if final is None:
            return False
        await session.execute(update(League).where(League.id == league.id).values(season_over=True))
        if not LeagueSettings.of(league.settings).final_standings:
            return True
        reply = await season_over_post(
            league,
            sync.season,
            await teams_in_standings_order(session, league.id),
            await standings(session, league.id, season=sync.season),
            await season_scores(session, league.id, sync.season),
        )
        await enqueue_post(
            session,
            league_id=league.id,
            kind="season_over",
            dedupe_key=f"season_over:{sync.season}",
            reply=reply,
            now=now,
        )
    return True


async def roll_over_if_new_season(services: Services, league: League, now: datetime) -> bool:
    """After a season ends, look for the league's next one; link it with nothing re-entered.

    ESPN gives a league a new season in the off-season (same league id). Once it answers
    for a later season, the league moves to it and the next sync opens its weeks.
    """
    if services.detect_season is None or league.source != "espn" or league.espn_league_id is None:
        return False
    try:
        season = await services.detect_season(league.espn_league_id, league.espn_s2, league.espn_swid)
    except ProviderError as error:
        log.info("no new season yet for league %s (%s)", league.id, error.kind)
        return False
    finally:
        async with services.db.write() as session:
            await session.execute(update(League).where(League.id == league.id).values(last_synced_at=now))
    if league.season is None or season <= league.season:
        return False
    async with services.db.write() as session:
        await session.execute(
            update(League)
            .where(League.id == league.id)
            .values(season=season, season_over=False, sync_failures=0, last_sync_error=None)
        )
    league.season, league.season_over = season, False
    log.info("league %s moved to the %s season", league.id, season)
    return True
