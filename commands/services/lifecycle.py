"""What is due for a league right now: sync, lock, settle.

Everything here derives what to do from the database and the clock, never from memory of
what ran before, so it can run on a timer, after a restart, twice, or from the console's
`:advance` with the same result.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from commands.context import Services
from commands.errors import Conflict
from commands.league_settings import LeagueSettings
from commands.services.journal import enqueue_post
from commands.services.settlement import SettlementSummary, settle_week
from commands.services.standings import standings
from commands.services.weeks import SyncResult, lock_due, sync_league
from commands.views import settlement_post
from storage.database import Database
from storage.models import League, Week

log = logging.getLogger(__name__)


async def settle_due(
    db: Database, league: League, now: datetime, *, force: bool = False
) -> SettlementSummary | None:
    """Settle the league's final week once its settle delay has passed (or now, if forced)."""
    settings = LeagueSettings.model_validate(league.settings or {})
    async with db.write() as session:
        week = await session.scalar(
            select(Week)
            .where(Week.league_id == league.id, Week.status != "settled", Week.final_at.is_not(None))
            .order_by(Week.id)
            .limit(1)
        )
        if week is None or week.final_at is None:
            return None
        if not force and now < week.final_at + timedelta(minutes=settings.settle_delay_minutes):
            return None
        summary = await settle_week(session, week, now)
        rows = await standings(session, league.id, week.id)
        await enqueue_post(
            session,
            league_id=league.id,
            kind="settled",
            dedupe_key=f"settled:week:{week.id}",
            reply=settlement_post(week, summary, rows),
            now=now,
        )
        log.info("settled league=%s week=%s bets=%s", league.id, week.matchup_period, summary.bets)
        return summary


@dataclass(frozen=True, slots=True)
class DueReport:
    sync: SyncResult
    locked: int
    settled: SettlementSummary | None


async def run_due(services: Services, league: League) -> DueReport:
    """One pass of the week's jobs for one league."""
    now = services.clock.now()
    sync = await sync_league(services.db, league, services.providers(league), now)
    locked = await lock_due(services.db, league.id, now)
    settled = await settle_due(services.db, league, now)
    return DueReport(sync, locked, settled)


async def settle_now(services: Services, league: League) -> SettlementSummary:
    """The commissioner's `settle`: refresh scores, then settle if every game is final."""
    now = services.clock.now()
    await sync_league(services.db, league, services.providers(league), now)
    await lock_due(services.db, league.id, now)
    summary = await settle_due(services.db, league, now, force=True)
    if summary is None:
        async with services.db.read() as session:
            week = await session.scalar(
                select(Week).where(Week.league_id == league.id).order_by(Week.id.desc()).limit(1)
            )
        if week is not None and week.status == "settled":
            raise Conflict(f"Week {week.matchup_period} is already settled.")
        raise Conflict("This week isn't final yet: settling waits until every game has finished.")
    return summary
