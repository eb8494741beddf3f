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

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.league_settings import LeagueSettings
from commands.outbox import enqueue_post, revise_post
from commands.posts import lines_up_post
from commands.provider import LeagueData, LeagueDataProvider, MatchupData, ProGame, WeekData
from commands.services.board import week_markets
from commands.services.economy import open_bankroll
from commands.services.market_store import store_plans
from commands.services.own_matchup import flag_benched_lineups
from commands.services.pools import draw_week_pools
from commands.services.pricing import (
    MarketPlan,
    matchup_model,
    plan_markets,
    plan_props,
    record_projections,
)
from storage.database import Database
from storage.models import BenchPlayer, League, Market, Matchup, Member, Starter, Team, Week
from storage.row_sets import rows_changed
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

    @property
    def created(self) -> bool:
        return bool(self.opened)


def board_key(week_id: int) -> str:
    return f"lines_up:week:{week_id}"


async def sync_league(
    db: Database, league: League, provider: LeagueDataProvider, now: datetime
) -> SyncResult:
    league_data = await provider.fetch_league()
    periods = await periods_to_sync(db, league, league_data, now)
    weeks = [await provider.fetch_week(period) for period in periods]
    settings = LeagueSettings.model_validate(league.settings or {})
    result = SyncResult(
        league_data.season, league_data.current_matchup_period, league_data.final_matchup_period
    )
    async with db.write() as session:
        teams = await _upsert_teams(session, league.id, league_data)
        for data in weeks:
            week = await _store_week(session, league, settings, teams, data, now, result)
            await _open_or_reprice(session, league, settings, teams, week, now, result)
            if week.status != WeekStatus.SETTLED:
                await flag_benched_lineups(session, league, week, now)
        await session.execute(
            update(League)
            .where(League.id == league.id)
            .values(
                last_synced_at=now,
                sync_failures=0,
                last_sync_error=None,
                lineup_slots=dict(league_data.lineup_slots) or None,
            )
        )
    return result


async def periods_to_sync(db: Database, league: League, data: LeagueData, now: datetime) -> list[int]:
    """The current matchup period plus every earlier one still in play for this season."""
    periods: set[int] = set()
    if 1 <= data.current_matchup_period <= data.final_matchup_period:
        periods.add(data.current_matchup_period)
    async with db.read() as session:
        pending = (
            await session.scalars(
                select(Week.matchup_period).where(
                    Week.league_id == league.id,
                    Week.season == data.season,
                    or_(Week.status != WeekStatus.SETTLED, Week.corrections_close_at > now),
                )
            )
        ).all()
    periods.update(p for p in pending if p <= data.final_matchup_period)
    return sorted(periods)


async def _upsert_teams(session: AsyncSession, league_id: int, league_data: LeagueData) -> dict[int, Team]:
    existing = {
        t.espn_team_id: t
        for t in (await session.scalars(select(Team).where(Team.league_id == league_id))).all()
    }
    for info in league_data.teams:
        team = existing.get(info.team_id)
        if team is None:
            team = Team(league_id=league_id, espn_team_id=info.team_id)
            session.add(team)
            existing[info.team_id] = team
        team.name, team.abbrev, team.owner_name = info.name, info.abbrev, info.owner_name
        team.wins, team.losses, team.ties = info.wins, info.losses, info.ties
        team.points_for, team.points_against = info.points_for, info.points_against
    await session.flush()
    return existing


def _state_of(game_id: str, games: tuple[ProGame, ...]) -> str | None:
    """A starter's game state over the matchup period: in a two-week matchup he is done
    only when his last game is over, and live while any of his games is on."""
    states = {g.state for g in games if g.game_id == game_id}
    return next(iter(states)) if len(states) == 1 else ("in" if states else None)


def _first_game_by_team(games: tuple[ProGame, ...]) -> dict[str, ProGame]:
    """Each pro team's first game of the period (a two-week playoff matchup has two)."""
    by_team: dict[str, ProGame] = {}
    for game in sorted(games, key=lambda g: g.kickoff):
        by_team.setdefault(game.home, game)
        by_team.setdefault(game.away, game)
    return by_team


async def _store_week(
    session: AsyncSession,
    league: League,
    settings: LeagueSettings,
    teams: dict[int, Team],
    data: WeekData,
    now: datetime,
    result: SyncResult,
) -> Week:
    week = await session.scalar(
        select(Week).where(
            Week.league_id == league.id,
            Week.season == data.season,
            Week.matchup_period == data.matchup_period,
        )
    )
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
    games = _first_game_by_team(data.pro_games)
    for matchup_data in data.matchups:
        if matchup_data.away_team_id is not None:  # a bye has nothing to bet on
            await _store_matchup(session, settings, week, teams, games, matchup_data, now, data.pro_games)
    if data.is_final and week.final_at is None:
        week.final_at = now
        if week.status != WeekStatus.SETTLED:
            week.status = WeekStatus.FINAL
        result.went_final.append(week.id)
    result.weeks.append(week.id)
    return week


async def _store_matchup(
    session: AsyncSession,
    settings: LeagueSettings,
    week: Week,
    teams: dict[int, Team],
    games: dict[str, ProGame],
    data: MatchupData,
    now: datetime,
    data_games: tuple[ProGame, ...] = (),
) -> None:
    assert data.away_team_id is not None
    home, away = teams[data.home_team_id], teams[data.away_team_id]
    lineup = [(home, p) for p in data.home_lineup] + [(away, p) for p in data.away_lineup]
    kickoffs = [games[p.pro_team].kickoff for _, p in lineup if p.pro_team in games]
    if settings.lock_mode == "week" or not kickoffs:
        lock_at = week.first_kickoff or now
    else:
        lock_at = min(kickoffs)
    matchup = await session.scalar(
        select(Matchup).where(Matchup.week_id == week.id, Matchup.home_team_id == home.id)
    )
    if matchup is None:
        matchup = Matchup(week_id=week.id, home_team_id=home.id, away_team_id=away.id, lock_at=lock_at)
        session.add(matchup)
        await session.flush()
    elif now < matchup.lock_at:
        matchup.lock_at = lock_at
    matchup.home_score, matchup.away_score = data.home_score, data.away_score
    matchup.home_adjustment, matchup.away_adjustment = data.home_adjustment, data.away_adjustment

    rows = {
        s.player_id: s
        for s in (await session.scalars(select(Starter).where(Starter.matchup_id == matchup.id))).all()
    }
    seen: set[int] = set()
    for team, player in lineup:
        seen.add(player.player_id)
        game = games.get(player.pro_team)
        row = rows.get(player.player_id)
        if row is None:
            row = Starter(matchup_id=matchup.id, team_id=team.id, player_id=player.player_id)
            session.add(row)
            rows[player.player_id] = row
        if row.kickoff is None or now < row.kickoff:
            # Before his game the lineup and projection may still change; after it, only points.
            row.team_id = team.id
            row.name, row.position, row.slot = player.name, player.position, player.slot
            row.pro_team, row.injury_status = player.pro_team, player.injury_status
            row.projection = player.projection
            row.game_id = game.game_id if game else None
            row.kickoff = game.kickoff if game else None
            row.eligible_slots = list(player.eligible_slots) or None
        row.points = player.points
        row.game_state = _state_of(row.game_id, data_games) if row.game_id else None
    benched = [pid for pid, r in rows.items() if pid not in seen and (r.kickoff is None or now < r.kickoff)]
    for player_id in benched:
        await session.delete(rows.pop(player_id))
    await session.flush()
    await _store_bench(session, matchup, home, away, data, set(rows))


async def _store_bench(
    session: AsyncSession, matchup: Matchup, home: Team, away: Team, data: MatchupData, starters: set[int]
) -> None:
    """Keep the matchup's bench as ESPN has it now; pricing never reads it, awards do."""
    rows = {
        b.player_id: b
        for b in (
            await session.scalars(select(BenchPlayer).where(BenchPlayer.matchup_id == matchup.id))
        ).all()
    }
    seen: set[int] = set()
    for team, player in [(home, p) for p in data.home_bench] + [(away, p) for p in data.away_bench]:
        if player.player_id in starters or player.player_id in seen:
            continue  # a starter locked in at his kickoff stays a starter
        seen.add(player.player_id)
        row = rows.get(player.player_id)
        if row is None:
            row = BenchPlayer(matchup_id=matchup.id, player_id=player.player_id)
            session.add(row)
        row.team_id = team.id
        row.name, row.position, row.slot = player.name, player.position, player.slot
        row.eligible_slots = list(player.eligible_slots) or None
        row.projection, row.points = player.projection, player.points
    for player_id, row in rows.items():
        if player_id not in seen:
            await session.delete(row)
    await session.flush()


async def _previous_week_done(session: AsyncSession, week: Week) -> bool:
    previous = await session.scalar(
        select(Week.status)
        .where(
            Week.league_id == week.league_id,
            Week.season == week.season,
            Week.matchup_period < week.matchup_period,
            Week.status != WeekStatus.SETTLED,
        )
        .limit(1)
    )
    return previous is None


async def _open_or_reprice(
    session: AsyncSession,
    league: League,
    settings: LeagueSettings,
    teams: dict[int, Team],
    week: Week,
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
        week.markets_open = True
        result.opened.append(week.id)
    by_id = {t.id: t for t in teams.values()}
    matchups = (await session.scalars(select(Matchup).where(Matchup.week_id == week.id))).all()
    # Read here, not from `league`: a caller may hold a League loaded before the last refit.
    k = await session.scalar(select(League.calibration_k).where(League.id == league.id)) or 1.0
    # The week's starters in one read, every matchup's plans stored together (market_store).
    # Each lineup in player order on both back ends: a team's mean and variance are float
    # sums, and their order decides the last bits of every price.
    lineups: dict[int, list[Starter]] = {m.id: [] for m in matchups}
    for starter in (
        await session.scalars(
            select(Starter)
            .join(Matchup)
            .where(Matchup.week_id == week.id)
            .order_by(Starter.matchup_id, Starter.player_id)
        )
    ).all():
        lineups[starter.matchup_id].append(starter)
    plans: dict[int, list[MarketPlan]] = {}
    for matchup in matchups:
        starters = lineups[matchup.id]
        home, away = by_id[matchup.home_team_id], by_id[matchup.away_team_id]
        home_starters = [s for s in starters if s.team_id == home.id]
        away_starters = [s for s in starters if s.team_id == away.id]
        if now >= matchup.lock_at and week.id not in result.opened:
            # The matchup's own markets are locked, but props of later games are still on the
            # board: they follow the lineup (a benched player's prop is pulled) until their kickoff.
            if any(s.kickoff is not None and now < s.kickoff for s in starters):
                props = plan_props(home_starters, away_starters, settings, matchup.lock_at)
                plans[matchup.id] = [plan for plan in props if now < plan.lock_at]
            continue
        model = matchup_model(home_starters, away_starters, k)
        plans[matchup.id] = plan_markets(
            home,
            away,
            home_starters,
            away_starters,
            settings,
            matchup.lock_at,
            calibration=k,
            model=model,
            adjustments=(matchup.home_adjustment, matchup.away_adjustment),
        )
        await record_projections(
            session,
            week_id=week.id,
            home_team_id=home.id,
            away_team_id=away.id,
            model=model,
            calibration=k,
            now=now,
            before_lock=now < matchup.lock_at,
        )
    changed = await store_plans(session, league_id=league.id, week_id=week.id, plans=plans, now=now)
    result.repriced += changed
    if week.id in result.opened:
        members = (await session.scalars(select(Member).where(Member.league_id == league.id))).all()
        for member in members:
            await open_bankroll(session, league, week, member, settings, now)
        await draw_week_pools(session, week, [m.id for m in members], settings.pool_size)
        reply = lines_up_post(league, settings, week, await week_markets(session, week, now), now)
        await enqueue_post(
            session, league_id=league.id, kind="lines_up", dedupe_key=board_key(week.id), reply=reply, now=now
        )
    elif changed:
        await refresh_board(session, league, settings, week, now)


async def refresh_board(
    session: AsyncSession, league: League, settings: LeagueSettings, week: Week, now: datetime
) -> None:
    """Edit the week's posted lines board in place, as a sportsbook's odds page updates."""
    reply = lines_up_post(league, settings, week, await week_markets(session, week, now), now)
    await revise_post(session, league_id=league.id, dedupe_key=board_key(week.id), reply=reply)


async def lock_due(db: Database, league: League, now: datetime) -> int:
    """Mark every market whose lock time has passed as locked; returns how many changed.

    Bets check the lock time themselves, so this is bookkeeping for displays (and the
    board edit), not the guard.
    """
    settings = LeagueSettings.model_validate(league.settings or {})
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
        locked = 0
        for week in weeks:
            result = await session.execute(
                update(Market)
                .where(Market.week_id == week.id, Market.status == MarketStatus.OPEN, Market.lock_at <= now)
                .values(status=MarketStatus.LOCKED)
            )
            if not (count := rows_changed(result)):
                continue
            locked += count
            still_open = await session.scalar(
                select(Market.id)
                .where(Market.week_id == week.id, Market.status == MarketStatus.OPEN)
                .limit(1)
            )
            if still_open is None and week.status == WeekStatus.OPEN:
                week.status = WeekStatus.LOCKED
            await refresh_board(session, league, settings, week, now)
        return locked
