"""The week's fantasy matchups live: score, projection and win chance as the games play.

Each side's projection is what its starters have scored plus what their projections say
is still to come, the remaining share of a game in progress estimated from its clock;
the win chance comes from the same matchup model, and calibration factor, as the lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

import engine
from commands.services.pricing import to_engine_starter
from commands.services.tenancy import current_week
from storage.database import Database
from storage.models import League, Matchup, Starter, Team, Week

GAME_LENGTH = timedelta(hours=3)


def _share_left(starter: Starter, now: datetime) -> float:
    if starter.game_state == "post" or (starter.game_state is None and starter.points is not None):
        return 0.0
    if starter.game_state == "in" and starter.kickoff is not None:
        return max(0.0, 1.0 - (now - starter.kickoff) / GAME_LENGTH)
    return 1.0


@dataclass(frozen=True, slots=True)
class LiveMatchup:
    home: Team
    away: Team
    home_score: float
    away_score: float
    home_projected: float
    away_projected: float
    home_win: float  # the home team's chance to win; the away team's is the rest
    final: bool = False  # every game of the matchup's starters is over: nothing left to win


@dataclass(frozen=True, slots=True)
class Scoreboard:
    week: Week
    matchups: list[LiveMatchup]


async def live_scoreboard(db: Database, league_id: int, now: datetime) -> Scoreboard | None:
    """The newest week's matchups as they stand at `now`; None before the first sync."""
    async with db.read() as session:
        week = await current_week(session, league_id)
        if week is None:
            return None
        teams = {t.id: t for t in (await session.scalars(select(Team).where(Team.league_id == league_id)))}
        matchups = await session.scalars(
            select(Matchup).where(Matchup.week_id == week.id).order_by(Matchup.id)
        )
        # the same calibration factor as the lines, read fresh (a cached League may predate a refit)
        k = await session.scalar(select(League.calibration_k).where(League.id == league_id)) or 1.0
        live = []
        for matchup in matchups.all():
            starters = (await session.scalars(select(Starter).where(Starter.matchup_id == matchup.id))).all()
            sides = {
                team_id: [
                    engine.LiveStarter(to_engine_starter(s), s.points or 0.0, _share_left(s, now))
                    for s in starters
                    if s.team_id == team_id
                ]
                for team_id in (matchup.home_team_id, matchup.away_team_id)
            }
            model = engine.live_matchup_model(
                sides[matchup.home_team_id], sides[matchup.away_team_id], k=k
            ).shifted(matchup.home_adjustment, matchup.away_adjustment)
            live.append(
                LiveMatchup(
                    teams[matchup.home_team_id],
                    teams[matchup.away_team_id],
                    matchup.home_score or 0,
                    matchup.away_score or 0,
                    model.home.mean,
                    model.away.mean,
                    engine.win_probability(model),
                    final=week.final_at is not None
                    or (
                        any(s.game_id is not None for s in starters)
                        and all(_share_left(s, now) == 0.0 for s in starters if s.game_id is not None)
                    ),
                )
            )
    return Scoreboard(week, live)
