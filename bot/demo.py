"""The demo league the console opens on: shipped ESPN-shaped data and a movable clock.

The clock's position is stored in the database, so quitting and restarting the console
resumes the demo week where it was rather than jumping back to Wednesday.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from adapters.espn.demo.provider import DEMO_WEEK_START
from commands.clock import ManualClock
from commands.league_settings import LeagueSettings
from commands.services.tenancy import find_league, get_or_create_tenant
from storage.database import Database
from storage.models import AppState, League

DEMO_PLATFORM = "console"
DEMO_LEAGUE_NAME = "Sidebet Demo League"
CLOCK_KEY = "demo_clock"


async def ensure_demo_league(
    db: Database, workspace_id: str, now: datetime, platform: str = DEMO_PLATFORM
) -> League:
    """The demo league of a workspace (the console's, or a chat workspace trying Sidebet out)."""
    async with db.write() as session:
        league = await find_league(session, platform, workspace_id)
        if league is not None:
            return league
        tenant = await get_or_create_tenant(session, platform, workspace_id, now)
        # Every demo user owns a team (linked by name), and trying the book out means
        # betting both sides: the demo lets owners bet anything. Real leagues default to
        # "not against your own team".
        settings = LeagueSettings(settle_delay_minutes=0, own_matchup="anything")
        league = League(
            tenant_id=tenant.id,
            name=DEMO_LEAGUE_NAME,
            source="demo",
            espn_league_id=1234567,
            season=2026,
            # The console prints channel posts itself; a chat workspace names its channel with
            # `channel` (an id that isn't a real channel would only fail delivery).
            channel_id="league" if platform == DEMO_PLATFORM else None,
            settings=settings.model_dump(),
            paused=False,
            created_at=now,
        )
        session.add(league)
        await session.flush()
        return league


class PersistentDemoClock(ManualClock):
    """A ManualClock whose position survives restarts."""

    def __init__(self, db: Database, start: datetime) -> None:
        super().__init__(start)
        self._db = db

    async def save(self) -> None:
        async with self._db.write() as session:
            state = await session.get(AppState, CLOCK_KEY)
            if state is None:
                session.add(AppState(key=CLOCK_KEY, value=self.now().isoformat()))
            else:
                state.value = self.now().isoformat()


async def load_demo_clock(db: Database) -> PersistentDemoClock:
    async with db.read() as session:
        value = await session.scalar(select(AppState.value).where(AppState.key == CLOCK_KEY))
    start = datetime.fromisoformat(value) if value else DEMO_WEEK_START
    return PersistentDemoClock(db, start)
