"""Bringing a league's week in from its data provider: teams, matchups, starters, markets.

Syncing is idempotent: it upserts what the provider says, creates a week's markets and
allowances once, reprices only markets that are still open, and notes when the week went
final. Network I/O happens before the write transaction starts, never inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.league_settings import LeagueSettings
from commands.provider import LeagueData, LeagueDataProvider, MatchupData, ProGame, WeekData
from commands.services.journal import enqueue_post
from commands.services.pricing import apply_plans, plan_markets
from commands.services.tenancy import grant_allowance
from commands.views import lines_up_post
from storage.database import Database
from storage.models import League, Market, Matchup, Member, Starter, Team, Week


@dataclass(frozen=True, slots=True)
class SyncResult:
    week_id: int
    created: bool
    repriced: int
    went_final: bool


async def sync_league(
    db: Database, league: League, provider: LeagueDataProvider, now: datetime
) -> SyncResult:
    league_data = await provider.fetch_league()
    week_data = await provider.fetch_week(league_data.current_matchup_period)
    settings = LeagueSettings.model_validate(league.settings or {})
    async with db.write() as session:
        return await _store(session, league, settings, league_data, week_data, now)


async def _store(
    session: AsyncSession,
    league: League,
    settings: LeagueSettings,
    league_data: LeagueData,
    data: WeekData,
    now: datetime,
) -> SyncResult:
    teams = await _upsert_teams(session, league.id, league_data)
    week = await session.scalar(
        select(Week).where(
            Week.league_id == league.id,
            Week.season == data.season,
            Week.matchup_period == data.matchup_period,
        )
    )
    created = week is None
    kickoffs = sorted(g.kickoff for g in data.pro_games)
    if week is None:
        week = Week(
            league_id=league.id,
            season=data.season,
            matchup_period=data.matchup_period,
            scoring_periods=list(data.scoring_periods),
            status="open",
            first_kickoff=kickoffs[0] if kickoffs else None,
            last_kickoff=kickoffs[-1] if kickoffs else None,
            opened_at=now,
        )
        session.add(week)
        await session.flush()
    games = _games_by_team(data.pro_games)
    repriced = 0
    for matchup_data in data.matchups:
        if matchup_data.away_team_id is None:
            continue  # a bye: nothing to bet on
        repriced += await _sync_matchup(session, league, settings, week, teams, games, matchup_data, now)
    went_final = False
    if data.is_final and week.final_at is None:
        week.final_at = now
        if week.status != "settled":
            week.status = "final"
        went_final = True
    if created:
        await _open_week(session, league, settings, week, now)
    return SyncResult(week.id, created, repriced, went_final)


async def _upsert_teams(session: AsyncSession, league_id: int, league_data: LeagueData) -> dict[int, Team]:
    existing = {
        t.espn_team_id: t
        for t in (await session.scalars(select(Team).where(Team.league_id == league_id))).all()
    }
    for info in league_data.teams:
        team = existing.get(info.team_id)
        if team is None:
            team = Team(
                league_id=league_id,
                espn_team_id=info.team_id,
                name=info.name,
                abbrev=info.abbrev,
                owner_name=info.owner_name,
            )
            session.add(team)
            existing[info.team_id] = team
        else:
            team.name, team.abbrev, team.owner_name = info.name, info.abbrev, info.owner_name
    await session.flush()
    return existing


def _games_by_team(games: tuple[ProGame, ...]) -> dict[str, ProGame]:
    by_team: dict[str, ProGame] = {}
    for game in games:
        by_team[game.home] = game
        by_team[game.away] = game
    return by_team


async def _sync_matchup(
    session: AsyncSession,
    league: League,
    settings: LeagueSettings,
    week: Week,
    teams: dict[int, Team],
    games: dict[str, ProGame],
    data: MatchupData,
    now: datetime,
) -> int:
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
        row.points = player.points
    benched = [pid for pid, r in rows.items() if pid not in seen and (r.kickoff is None or now < r.kickoff)]
    for player_id in benched:
        await session.delete(rows.pop(player_id))
    await session.flush()
    if now >= matchup.lock_at:
        return 0
    starters = list(rows.values())
    plans = plan_markets(
        home,
        away,
        [s for s in starters if s.team_id == home.id],
        [s for s in starters if s.team_id == away.id],
        settings,
        matchup.lock_at,
    )
    return await apply_plans(
        session, league_id=league.id, week_id=week.id, matchup_id=matchup.id, plans=plans, now=now
    )


async def _open_week(
    session: AsyncSession, league: League, settings: LeagueSettings, week: Week, now: datetime
) -> None:
    members = (await session.scalars(select(Member).where(Member.league_id == league.id))).all()
    for member in members:
        await grant_allowance(session, league, week, member, settings.allowance, now)
    reply = await lines_up_post(session, league, settings, week, now)
    await enqueue_post(
        session,
        league_id=league.id,
        kind="lines_up",
        dedupe_key=f"lines_up:week:{week.id}",
        reply=reply,
        now=now,
    )


async def lock_due(db: Database, league_id: int, now: datetime) -> int:
    """Mark every market whose lock time has passed as locked; returns how many changed.

    Bets check the lock time themselves, so this is bookkeeping for displays, not the guard.
    """
    async with db.write() as session:
        result = await session.execute(
            update(Market)
            .where(Market.league_id == league_id, Market.status == "open", Market.lock_at <= now)
            .values(status="locked")
        )
        weeks = (
            await session.scalars(select(Week).where(Week.league_id == league_id, Week.status == "open"))
        ).all()
        for week in weeks:
            still_open = await session.scalar(
                select(Market.id).where(Market.week_id == week.id, Market.status == "open").limit(1)
            )
            if still_open is None:
                week.status = "locked"
        return result.rowcount or 0
