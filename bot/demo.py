"""The demo league the console opens on: ESPN-shaped data and a movable clock.

Two kinds of demo league, told apart by `League.source`:

- "demo_season" (what `make run` opens): the whole 2026 season of the demo league, week 1 to
  the championship, generated deterministically (`adapters.espn.demo.season_provider`); the
  clock starts on the Wednesday before week 1's Thursday night game.
- "demo": the shipped single week 12 (`adapters.espn.demo.provider`), which most tests and
  the chat platforms' try-out leagues use; the clock starts on the Wednesday before it.

The clock's position is stored in the database, so quitting and restarting the console
resumes the demo where it was rather than jumping back to its start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from adapters.espn.demo import DEMO_LEAGUE_ID, DEMO_SEASON
from adapters.espn.demo.provider import DEMO_WEEK_START
from adapters.espn.demo.season_provider import DEMO_SEASON_START, DemoTimeline
from commands.clock import ManualClock
from commands.format import local_time, plural
from commands.league_settings import LeagueSettings
from commands.services.lifecycle import settle_time
from commands.services.tenancy import find_league, get_or_create_tenant
from storage.database import Database
from storage.models import AppState, League, Market, Week
from storage.statuses import MarketStatus, WeekStatus

DEMO_PLATFORM = "console"
DEMO_LEAGUE_NAME = "Sidebet Demo League"
CLOCK_KEY = "demo_clock"
#: League.source of the single-week demo and of the demo season.
WEEK_SOURCE = "demo"
SEASON_SOURCE = "demo_season"
DEMO_SOURCES = (WEEK_SOURCE, SEASON_SOURCE)


def demo_start(season: bool) -> datetime:
    """Where a new demo's clock starts: Wednesday noon before week 1 (season) or week 12."""
    return DEMO_SEASON_START if season else DEMO_WEEK_START


async def ensure_demo_league(
    db: Database, workspace_id: str, now: datetime, platform: str = DEMO_PLATFORM, *, season: bool = False
) -> League:
    """The demo league of a workspace (the console's, or a chat workspace trying Sidebet out).

    An existing demo league is returned as it is, whichever kind it is; `season` only
    decides the kind of a new one.
    """
    async with db.write() as session:
        league = await find_league(session, platform, workspace_id)
        if league is not None:
            return league
        tenant = await get_or_create_tenant(session, platform, workspace_id, now)
        # Every demo user owns a team (linked by name), and trying the book out means
        # betting both sides: the demo lets owners bet anything. Real leagues default to
        # "not against your own team". A season lasts long enough for someone to go broke,
        # so the demo season lets members rebuy.
        settings = LeagueSettings(settle_delay_minutes=0, own_matchup="anything", rebuy=season)
        league = League(
            tenant_id=tenant.id,
            name=DEMO_LEAGUE_NAME,
            source=SEASON_SOURCE if season else WEEK_SOURCE,
            espn_league_id=DEMO_LEAGUE_ID,
            season=DEMO_SEASON,
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


async def load_demo_clock(db: Database, start: datetime = DEMO_WEEK_START) -> PersistentDemoClock:
    """The saved demo clock, or a new one at `start`."""
    async with db.read() as session:
        value = await session.scalar(select(AppState.value).where(AppState.key == CLOCK_KEY))
    return PersistentDemoClock(db, datetime.fromisoformat(value) if value else start)


# ---------------------------------------------------------------------- the season's guide


@dataclass(frozen=True, slots=True)
class Moment:
    """An instant of the demo season at which the book has something to do."""

    at: datetime
    matchup_period: int
    kind: str  # lines | reminder | lock | final | settle
    what: str  # what happens, in words: "week 3's lines open"


def week_name(matchup_period: int, timeline: DemoTimeline) -> str:
    """'week 3', 'the semifinals (week 15)', 'the championship (week 16)'."""
    if matchup_period <= timeline.regular_season:
        return f"week {matchup_period}"
    rounds = timeline.final_period - timeline.regular_season
    left = timeline.final_period - matchup_period
    name = (
        "the championship"
        if left == 0
        else "the semifinals"
        if left == 1
        else f"playoff round {rounds - left}"
    )
    return f"{name} (week {matchup_period})"


def season_moments(timeline: DemoTimeline, settings: LeagueSettings) -> list[Moment]:
    """Every moment of the demo season under the league's settings, in order."""
    moments: list[Moment] = []
    reminder = timedelta(minutes=settings.lock_reminder_minutes)
    for week in timeline.weeks:
        period, name = week.matchup_period, week_name(week.matchup_period, timeline)
        opens = settings.weekly("lines_open").last_before(week.first_kickoff, settings.tz)
        moments.append(Moment(opens, period, "lines", f"lines open for {name}"))
        for kickoff in week.kickoffs:
            if reminder:
                moments.append(Moment(kickoff - reminder, period, "reminder", "a locking-soon reminder"))
            moments.append(Moment(kickoff, period, "lock", "kickoff: markets lock"))
        moments.append(Moment(week.final_at, period, "final", f"the last game of {name} ends"))
        settles = settle_time(week.final_at, week.last_kickoff, settings)
        assert settles is not None
        what = "the season's final standings" if period == timeline.final_period else "its recap"
        moments.append(Moment(settles, period, "settle", f"{name} settles, with {what}"))
    return sorted(moments, key=lambda m: m.at)


class DemoGuide:
    """Where the demo season stands and what comes next, for the console's `:now` and
    `:advance next` / `:advance week`. Derived from the clock, the league's settings and
    the database, like the jobs themselves."""

    def __init__(self, db: Database, league_id: int, timeline: DemoTimeline | None = None) -> None:
        self.db = db
        self.league_id = league_id
        self.timeline = timeline or DemoTimeline()

    async def _league(self) -> League:
        async with self.db.read() as session:
            return await session.get_one(League, self.league_id)

    async def _settings(self) -> LeagueSettings:
        return LeagueSettings.of((await self._league()).settings)

    async def moments(self) -> list[Moment]:
        return season_moments(self.timeline, await self._settings())

    async def between(self, start: datetime, end: datetime) -> list[Moment]:
        """The moments after `start`, up to and including `end`."""
        return [m for m in await self.moments() if start < m.at <= end]

    async def next_moment(self, now: datetime) -> Moment | None:
        """The next moment something happens: a kickoff (or its reminder) counts only when
        an open market locks then, since most kickoffs of a week lock nothing of ours."""
        async with self.db.read() as session:
            locks = set(
                (
                    await session.scalars(
                        select(Market.lock_at).where(
                            Market.league_id == self.league_id,
                            Market.status == MarketStatus.OPEN,
                            Market.lock_at > now,
                        )
                    )
                ).all()
            )
        reminder = timedelta(minutes=(await self._settings()).lock_reminder_minutes)
        for moment in await self.moments():
            if moment.at <= now:
                continue
            if moment.kind == "lock" and moment.at not in locks:
                continue
            if moment.kind == "reminder" and moment.at + reminder not in locks:
                continue
            return moment
        return None

    async def next_week(self, now: datetime) -> Moment | None:
        """The next week's lines opening (the season's last settlement after the final's lines)."""
        moments = [m for m in await self.moments() if m.at > now]
        return next((m for m in moments if m.kind == "lines"), moments[-1] if moments else None)

    async def where(self, now: datetime) -> list[str]:
        """Where the season is: which week, what is open, what happens next."""
        league = await self._league()
        settings = LeagueSettings.of(league.settings)
        tz, timeline = settings.tz, self.timeline
        async with self.db.read() as session:
            week = await session.scalar(
                select(Week)
                .where(Week.league_id == self.league_id)
                .order_by(Week.season.desc(), Week.matchup_period.desc())
                .limit(1)
            )
            open_markets, first_lock = (0, None)
            if week is not None:
                open_markets, first_lock = (
                    await session.execute(
                        select(func.count(Market.id), func.min(Market.lock_at)).where(
                            Market.week_id == week.id,
                            Market.status == MarketStatus.OPEN,
                            Market.lock_at > now,
                        )
                    )
                ).one()
        if league.season_over:
            return [
                f"The {league.season} season is over: the final standings are posted above "
                "(`leaderboard` shows them again). `sidebet console --reset` plays it from week 1."
            ]
        regular = f"{timeline.regular_season}-week regular season, then a 4-team playoff"
        lines: list[str] = []
        if week is None:
            lines.append(f"Preseason of {league.season} ({regular}).")
        else:
            name = week_name(week.matchup_period, timeline)
            lines.append(f"{name[0].upper()}{name[1:]} of the {league.season} season ({regular}).")
            if week.status == WeekStatus.SETTLED:
                lines.append(f"{name[0].upper()}{name[1:]} is settled; `leaderboard` shows the standings.")
            elif not week.markets_open:
                opens = week.lines_open_at
                lines.append(f"Lines open {local_time(opens, tz)}." if opens else "Lines are not open yet.")
            elif open_markets and first_lock is not None:
                lines.append(
                    f"Open: {plural(open_markets, 'market')} (`markets` lists them); "
                    f"the next locks {local_time(first_lock, tz)}."
                )
            else:
                lines.append("Every market of the week is locked; its games are being played.")
        upcoming = await self.next_moment(now)
        if upcoming is not None:
            lines.append(
                f"Next: {upcoming.what}, {local_time(upcoming.at, tz)}. "
                "`:advance next` goes there, `:advance week` to the next week's lines."
            )
        return lines
