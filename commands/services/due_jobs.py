"""Which of a league's jobs may be due, for every league at once, in a few reads.

The scheduler ticks every minute and used to run every job of every league on each tick:
take the league's lease, look for reminders, locks, final weeks, recaps and corrections,
find nothing, give the lease back, twenty statements a league. At 10,000 leagues that is
the whole tick. Here a handful of set-based reads over all leagues tell which jobs could
have anything to do; a league with nothing possibly due is not touched at all.

Each answer is a superset of its job's own condition (the job still decides, under the
league's lease, from the rows it reads), so a hint can cost a wasted look but never a
missed lock, settlement, recap or correction. A hint read a moment stale only moves a job
to the next tick: bets check lock times themselves, and nothing else here is urgent to
the minute.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, cast, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.league_settings import LeagueSettings
from storage import keys
from storage.database import Database
from storage.models import League, Market, NflGame, OutboxMessage, Week
from storage.statuses import MarketStatus, WeekStatus


@dataclass(frozen=True, slots=True)
class MaybeDue:
    """The jobs that may have work for a league now; False means certainly none."""

    locks: bool = True  # an open market locks now, or within the league's reminder window
    settle: bool = True  # a week is final and not settled yet
    recap: bool = True  # a settled week has no post yet
    corrections: bool = True  # a settled week's stat-correction window is open

    def __bool__(self) -> bool:
        return self.locks or self.settle or self.recap or self.corrections


#: What a commissioner's `sync` and `settle` assume: everything may be due.
EVERYTHING = MaybeDue()


def _window(league: League) -> timedelta:
    settings = LeagueSettings.of(league.settings)
    return timedelta(minutes=0 if league.paused else settings.lock_reminder_minutes)


_OPEN_LOCK_BY = (
    "SELECT 1 FROM markets WHERE league_id = :league_id"
    f" AND status = '{MarketStatus.OPEN.value}' AND lock_at <= :until LIMIT 1"
)


async def open_lock_by(db: Database, league_id: int, until: datetime) -> bool:
    """Whether an open market of the league locks at or before `until`, as the rows are now.

    One read on the row reader, answered by the partial index on open markets' lock times:
    a read session for it cost more than the read.
    """
    params = {"league_id": league_id, "until": until}
    return await db.row_reader.fetchone(_OPEN_LOCK_BY, params) is not None


async def locks_soon(db: Database, league: League, now: datetime) -> bool:
    """`MaybeDue.locks` for one league, from its markets as they are now.

    A sync that wrote markets asks again (the scheduler's reading came before them): the
    markets a week opens with lock days later, and then neither the reminder nor the lock
    job need look, where each of them opened a read session to find out.
    """
    return await open_lock_by(db, league.id, now + _window(league))


async def maybe_due(
    session: AsyncSession,
    leagues: Sequence[League],
    unsettled: Mapping[int, Iterable[Week]],
    now: datetime,
) -> dict[int, MaybeDue]:
    """What may be due for each of `leagues`, from their unsettled weeks and three reads."""
    if not leagues:
        return {}
    # Over every league of the database, not an IN list of 10,000 ids (a statement's
    # parameters are limited); the leagues asked about are picked out below.
    # The earliest lock of each league's open markets (the partial index on open markets'
    # lock times answers it without touching the rest of the table).
    next_lock = dict(
        (
            await session.execute(
                select(Market.league_id, func.min(Market.lock_at))
                .where(Market.status == MarketStatus.OPEN)
                .group_by(Market.league_id)
            )
        ).all()
    )
    posted = exists().where(
        OutboxMessage.league_id == Week.league_id,
        OutboxMessage.dedupe_key == literal(keys.RECAP_PREFIX) + cast(Week.id, String),
    )
    unposted = set(
        (
            await session.scalars(
                select(Week.league_id).where(Week.status == WeekStatus.SETTLED, ~posted).distinct()
            )
        ).all()
    )
    correcting = set(
        (
            await session.scalars(
                select(Week.league_id)
                .where(Week.status == WeekStatus.SETTLED, Week.corrections_close_at > now)
                .distinct()
            )
        ).all()
    )
    due: dict[int, MaybeDue] = {}
    for league in leagues:
        first_lock = next_lock.get(league.id)
        due[league.id] = MaybeDue(
            locks=first_lock is not None and first_lock <= now + _window(league),
            settle=any(week.final_at is not None for week in unsettled.get(league.id, ())),
            recap=league.id in unposted,
            corrections=league.id in correcting,
        )
    return due


async def leagues_with_games(session: AsyncSession) -> set[int]:
    """Leagues with NFL games in an unsettled week: their lines move whatever the fantasy
    snapshot does, so their syncs always go the full way."""
    return set(
        (
            await session.scalars(
                select(Week.league_id)
                .join(NflGame, NflGame.week_id == Week.id)
                .where(Week.status != WeekStatus.SETTLED)
                .distinct()
            )
        ).all()
    )
