"""Bringing a league's weeks in from its data provider: teams, matchups, starters, markets.

Syncing is idempotent: it upserts what the provider says about the current matchup period
and every earlier one that is not finished with (unsettled, or inside its stat-correction
window), opens a week's markets, bankrolls (commands.services.economy) and pools once when
its lines are due, reprices only markets that are still open, notes when a week went final,
and flags owners who benched projected points after betting on their own matchup. Network
I/O happens before the write transaction starts, never inside it, so a provider failure
writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.league_settings import LeagueSettings
from commands.outbox import board_payload, enqueue, revise_post
from commands.provider import LeagueData, LeagueDataProvider, WeekData
from commands.services.board_post import LINES_UP_KIND, board_key
from commands.services.due_jobs import open_lock_by
from commands.services.economy import open_bankrolls
from commands.services.game_board import fetch_lines, sync_games
from commands.services.high_score import store_high_score
from commands.services.lineup_store import StoredLineups, store_lineups
from commands.services.market_store import store_plans
from commands.services.own_matchup import flag_benched_lineups
from commands.services.pools import draw_week_pools
from commands.services.priced_inputs import priced_digest
from commands.services.pricing import (
    MarketPlan,
    ProjectedTeam,
    kickoff_of,
    matchup_model,
    plan_markets,
    plan_props,
    record_projections,
)
from commands.services.team_store import StoredTeam, store_teams
from engine import Normal
from storage.database import Database
from storage.models import League, Market, Member, Week
from storage.statuses import MarketStatus, WeekStatus


@dataclass(slots=True)
class SyncResult:
    season: int
    current_period: int
    final_period: int
    weeks: list[int] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)
    went_final: list[int] = field(default_factory=list)
    repriced: int = 0
    # Whether any week was stored: False when every snapshot was the same as last time,
    # so the sync changed nothing and nothing new can have become due through it.
    stored: bool = False
    # Whether any week's markets were planned and written again (opened, repriced, lock
    # times moved, NFL game lines synced). Only such a sync can have made a lock or a
    # reminder due before the scheduler's own reading of lock times (due_jobs) shows it;
    # a game-day sync that stored new points and nothing prices follow leaves them be.
    priced: bool = False

    @property
    def created(self) -> bool:
        return bool(self.opened)


async def sync_league(
    db: Database, league: League, provider: LeagueDataProvider, now: datetime
) -> SyncResult:
    league_data = await provider.fetch_league()
    to_sync = await periods_to_sync(db, league, league_data, now)
    periods = to_sync.periods
    weeks = [await provider.fetch_week(period) for period in periods]
    settings = LeagueSettings.of(league.settings)
    # The games board's lines: while the league offers NFL games, and while bets on them wait
    game_lines = await fetch_lines(provider, weeks) if settings.nfl_games or to_sync.games_pending else {}
    result = SyncResult(
        league_data.season, league_data.current_matchup_period, league_data.final_matchup_period
    )
    async with db.write() as session:
        teams = await store_teams(session, league.id, league_data)
        stored = await _stored_weeks(session, league.id, league_data.season, periods)
        statements = await session.connection()  # the hot statements below skip the ORM's layer
        # Read here, not from `league`: a caller may hold a League loaded before the last refit.
        k = (await statements.execute(_CALIBRATION, {"league_id": league.id})).scalar() or 1.0
        # The tick's quick look (unchanged_sync) may have digested these snapshots already.
        known: dict[int, bytes] = getattr(provider, "snapshot_digests", {})
        for data in weeks:
            digest = fingerprint(league_data, data, league.settings or {}, k, known.get(data.matchup_period))
            week = stored.get(data.matchup_period)
            if week is not None and week.synced_fingerprint == digest and week.markets_open:
                result.weeks.append(week.id)  # the same snapshot as last time: nothing to store
            else:
                result.stored = True
                week, lineups = await _store_week(session, league, settings, teams, data, week, now, result)
                await _open_or_reprice(session, league, settings, teams, week, lineups, k, now, result)
                # Only once the book is open: until then the same snapshot may still have to open it.
                week.synced_fingerprint = digest if week.markets_open else None
            if data.matchup_period in game_lines:
                # NFL game lines move on their own, whatever the fantasy snapshot did
                result.priced = True
                moved = await sync_games(
                    session,
                    league_id=league.id,
                    settings=settings,
                    week=week,
                    lines=game_lines[data.matchup_period],
                    now=now,
                )
                result.repriced += moved
                result.stored = result.stored or moved > 0
            if week.status != WeekStatus.SETTLED:
                await flag_benched_lineups(session, league, week, now)
        await statements.execute(
            _STAMP_SYNCED,
            {"league_id": league.id, "now": now, "lineup_slots": dict(league_data.lineup_slots) or None},
        )
    return result


# A game-day tick runs these for every league every five minutes. Built once, and run on the
# session's connection: building a statement and passing it through the session's ORM layer
# cost several times what SQLite took to run it.
_CALIBRATION = select(League.calibration_k).where(League.id == bindparam("league_id"))
_STAMP_SYNCED = (
    update(League)
    .where(League.id == bindparam("league_id"))
    .values(
        last_synced_at=bindparam("now"),
        sync_failures=0,
        last_sync_error=None,
        lineup_slots=bindparam("lineup_slots", type_=League.lineup_slots.type),
    )
)
_STORED_WEEKS = select(Week).where(
    Week.league_id == bindparam("league_id"),
    Week.season == bindparam("season"),
    Week.matchup_period.in_(bindparam("periods", expanding=True)),
)
# Each week still in play (unsettled, or its stat corrections still open) and whether it
# has NFL games whose bets wait for their scores. On the row reader: every sync reads it,
# before its provider is asked, and a read session for it cost more than the read.
_SETTLED = WeekStatus.SETTLED.value
_PENDING_PERIODS = f"""
SELECT matchup_period,
       status != '{_SETTLED}' AND EXISTS (SELECT 1 FROM nfl_games WHERE nfl_games.week_id = weeks.id)
FROM weeks
WHERE league_id = :league_id AND season = :season
  AND (status != '{_SETTLED}' OR corrections_close_at > :now)
"""


def snapshot_digest(league_data: LeagueData, data: WeekData) -> bytes:
    """The provider's snapshots of a week, digested: the costly part of a fingerprint."""
    return hashlib.blake2b(pickle.dumps((league_data, data), protocol=pickle.HIGHEST_PROTOCOL)).digest()


def fingerprint(
    league_data: LeagueData,
    data: WeekData,
    settings: dict[str, Any],
    k: float,
    snapshot: bytes | None = None,
) -> str:
    """A digest of everything a week's stored rows and prices follow from.

    The provider's snapshots (frozen dataclasses, pickled), the league's settings and its
    calibration factor. With the same digest as the last sync, storing and repricing the
    week would write nothing: a starter's facts freeze at his kickoff and a market locks at
    its time whether or not the sync runs (lock_due), so the time passing changes nothing
    either. Digested on every sync, so it must be cheap: pickle and BLAKE2 run in C, and
    `snapshot` passes the snapshots' digest when the tick already took it (unchanged_sync).
    """
    digest = hashlib.blake2b(digest_size=16)
    digest.update(snapshot or snapshot_digest(league_data, data))
    digest.update(json.dumps([settings, k], sort_keys=True).encode())
    return digest.hexdigest()


async def _stored_weeks(
    session: AsyncSession, league_id: int, season: int, periods: list[int]
) -> dict[int, Week]:
    """The league's stored weeks of `periods`, by matchup period, in one read."""
    rows = await session.scalars(
        _STORED_WEEKS, {"league_id": league_id, "season": season, "periods": periods}
    )
    return {week.matchup_period: week for week in rows}


@dataclass(frozen=True, slots=True)
class Periods:
    """What a sync asks its provider for."""

    periods: list[int]
    # An unsettled week has NFL games (the games board) whose bets wait for their scores.
    games_pending: bool


async def periods_to_sync(db: Database, league: League, data: LeagueData, now: datetime) -> Periods:
    """The current matchup period plus every earlier one still in play for this season."""
    periods: set[int] = set()
    if 1 <= data.current_matchup_period <= data.final_matchup_period:
        periods.add(data.current_matchup_period)
    params = {"league_id": league.id, "season": data.season, "now": now}
    pending = await db.row_reader.fetchall(_PENDING_PERIODS, params)
    periods.update(p for p, _ in pending if p <= data.final_matchup_period)
    return Periods(sorted(periods), any(games for _, games in pending))


async def _store_week(
    session: AsyncSession,
    league: League,
    settings: LeagueSettings,
    teams: dict[int, StoredTeam],
    data: WeekData,
    week: Week | None,
    now: datetime,
    result: SyncResult,
) -> tuple[Week, StoredLineups]:
    kickoffs = sorted(g.kickoff for g in data.pro_games)
    if week is None:
        week = Week(
            league_id=league.id,
            season=data.season,
            matchup_period=data.matchup_period,
            status=WeekStatus.OPEN,
            opened_at=now,
            markets_open=False,
        )
        session.add(week)
    week.scoring_periods = list(data.scoring_periods)
    week.is_playoff = any(m.is_playoff for m in data.matchups)
    if kickoffs and week.status == WeekStatus.OPEN and not week.markets_open:
        # The slate the lines open on. A game moved later after that (postponed to Tuesday
        # night) still keeps the week waiting until it is final, but does not carry the
        # settle time (`settle_at` after the last kickoff) over to the next week's.
        week.first_kickoff, week.last_kickoff = kickoffs[0], kickoffs[-1]
        week.lines_open_at = settings.weekly("lines_open").last_before(kickoffs[0], settings.tz)
    await session.flush()
    lineups = await store_lineups(session, settings, week, teams, data, now)
    if data.is_final and week.final_at is None:
        week.final_at = now
        if week.status != WeekStatus.SETTLED:
            week.status = WeekStatus.FINAL
        result.went_final.append(week.id)
    result.weeks.append(week.id)
    return week, lineups


_MEMBER_IDS = select(Member.id).where(Member.league_id == bindparam("league_id")).order_by(Member.id)
_EARLIER_UNSETTLED = (
    select(Week.status)
    .where(
        Week.league_id == bindparam("league_id"),
        Week.season == bindparam("season"),
        Week.matchup_period < bindparam("period"),
        Week.status != WeekStatus.SETTLED,
    )
    .limit(1)
)


async def _previous_week_done(session: AsyncSession, week: Week) -> bool:
    params = {"league_id": week.league_id, "season": week.season, "period": week.matchup_period}
    return (await (await session.connection()).execute(_EARLIER_UNSETTLED, params)).first() is None


async def _open_or_reprice(
    session: AsyncSession,
    league: League,
    settings: LeagueSettings,
    teams: dict[int, StoredTeam],
    week: Week,
    stored: StoredLineups,
    k: float,
    now: datetime,
    result: SyncResult,
) -> None:
    """Open the week's book when its lines are due, or reprice what is still open."""
    if week.status == WeekStatus.SETTLED:
        return
    if not week.markets_open:
        due = week.lines_open_at is not None and now >= week.lines_open_at
        if not due or not await _previous_week_done(session, week):
            return
        # Set now, not with the digest below: a Week left dirty across the opening's writes
        # cost the cold tick 18 ms of CPU per league (bench.tick), one UPDATE more costs less.
        week.markets_open = True
        result.opened.append(week.id)
    by_id = {t.id: t for t in teams.values()}
    digest = priced_digest(stored.matchups, stored.lineups, by_id, league.settings or {}, k)
    if week.id not in result.opened and week.priced_digest == digest:
        return  # new points, perhaps, but nothing any price follows from: no market moves
    # Priced from the matchups and lineups the sync has just stored (in player order, as
    # pricing reads a lineup), not from the rows read back: the digest above was taken from
    # these same values, so what is priced is what was digested.
    matchups = sorted(stored.matchups, key=lambda m: m.id)
    week.priced_digest = digest
    result.priced = True
    plans: dict[int, list[MarketPlan]] = {}
    projected: list[ProjectedTeam] = []
    field: list[tuple[int, str, Normal]] = []  # every team's score as priced: the high score's
    for matchup in matchups:
        lineup = stored.lineups[matchup.id]
        home, away = by_id[matchup.home_team_id], by_id[matchup.away_team_id]
        home_rows = [row for team_id, row in lineup if team_id == home.id]
        away_rows = [row for team_id, row in lineup if team_id == away.id]
        if now >= matchup.lock_at and week.id not in result.opened:
            # The matchup's own markets are locked, but props of later games are still on the
            # board: they follow the lineup (a benched player's prop is pulled) until their kickoff.
            kickoffs = (kickoff_of(row) for _, row in lineup)
            if any(kickoff is not None and now < kickoff for kickoff in kickoffs):
                props = plan_props(home_rows, away_rows, settings, matchup.lock_at)
                plans[matchup.id] = [plan for plan in props if now < plan.lock_at]
            continue
        model = matchup_model(home_rows, away_rows, k)
        plans[matchup.id] = plan_markets(
            home,
            away,
            home_rows,
            away_rows,
            settings,
            matchup.lock_at,
            calibration=k,
            model=model,
            adjustments=(matchup.home_adjustment, matchup.away_adjustment),
        )
        before_lock = now < matchup.lock_at
        projected.append(ProjectedTeam(home.id, model.home, before_lock))
        projected.append(ProjectedTeam(away.id, model.away, before_lock))
        if settings.high_score:
            shifted = model.shifted(matchup.home_adjustment, matchup.away_adjustment)
            field += [
                (home.id, f"{home.name} ({home.abbrev})", shifted.home),
                (away.id, f"{away.name} ({away.abbrev})", shifted.away),
            ]
    await record_projections(session, week_id=week.id, teams=projected, calibration=k, now=now)
    changed = await store_plans(session, league_id=league.id, week_id=week.id, plans=plans, now=now)
    if settings.high_score:
        changed += await store_high_score(
            session,
            league_id=league.id,
            week=week,
            settings=settings,
            matchups=matchups,
            field=field,
            now=now,
        )
    result.repriced += changed
    if week.id in result.opened:
        statements = await session.connection()
        members = list((await statements.execute(_MEMBER_IDS, {"league_id": league.id})).scalars())
        await open_bankrolls(session, league, week, members, settings, now)
        await draw_week_pools(session, week, members, settings.pool_size)
        await enqueue(
            session,
            league_id=league.id,
            kind=LINES_UP_KIND,
            dedupe_key=board_key(week.id),
            payload=board_payload(week.id),
            now=now,
        )
    elif changed:
        await refresh_board(session, league.id, week.id)


async def refresh_board(session: AsyncSession, league_id: int, week_id: int) -> None:
    """Edit the week's posted lines board in place, as a sportsbook's odds page updates (the
    outbox words it again from the book when it delivers the edit: board_post)."""
    await revise_post(session, league_id=league_id, dedupe_key=board_key(week_id))


async def lock_due(db: Database, league: League, now: datetime) -> Counter[datetime]:
    """Mark every market whose lock time has passed as locked; returns how many changed, by
    their lock time (a pass that runs late, after an outage or a jump of the demo clock,
    still says when each market locked).

    Bets check the lock time themselves, so this is bookkeeping for displays (and the
    board edit), not the guard.
    """
    # Read first: most passes have nothing to lock and need not take the write lock.
    if not await open_lock_by(db, league.id, now):
        return Counter()
    async with db.write() as session:
        weeks = (
            await session.scalars(
                select(Week).where(
                    Week.league_id == league.id,
                    Week.status.in_((WeekStatus.OPEN, WeekStatus.FINAL)),
                    Week.markets_open,
                )
            )
        ).all()
        locked: Counter[datetime] = Counter()
        for week in weeks:
            lock_times = (
                await session.scalars(
                    update(Market)
                    .where(
                        Market.week_id == week.id, Market.status == MarketStatus.OPEN, Market.lock_at <= now
                    )
                    .values(status=MarketStatus.LOCKED)
                    .returning(Market.lock_at)
                )
            ).all()
            if not lock_times:
                continue
            locked.update(lock_times)
            still_open = await session.scalar(
                select(Market.id)
                .where(Market.week_id == week.id, Market.status == MarketStatus.OPEN)
                .limit(1)
            )
            if still_open is None and week.status == WeekStatus.OPEN:
                week.status = WeekStatus.LOCKED
            await refresh_board(session, league.id, week.id)
        return locked
