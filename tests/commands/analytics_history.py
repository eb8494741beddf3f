"""Building a league's past directly in the database, for tests of stats and calibration.

Settling real weeks through the demo provider takes seconds each; a season of history
whose answers are known (scores drawn with a chosen spread) is written here in one go.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from storage import numbering
from storage.database import Database
from storage.models import Market, Matchup, PriceHistory, Selection, Team, TeamProjection, Week


async def league_teams(db: Database, league_id: int) -> list[Team]:
    async with db.read() as session:
        return list(
            (await session.scalars(select(Team).where(Team.league_id == league_id).order_by(Team.id))).all()
        )


async def simulated_history(
    db: Database,
    league_id: int,
    *,
    season: int,
    weeks: int,
    true_scale: float,
    priced_k: float,
    seed: int,
    at: datetime,
) -> int:
    """Settled weeks whose team scores spread `true_scale` times the model's base sd.

    Every team plays every week; closing projections were priced with `priced_k`.
    Returns how many team-weeks were written.
    """
    rng = random.Random(seed)
    teams = await league_teams(db, league_id)
    written = 0
    async with db.write() as session:
        for period in range(1, weeks + 1):
            week = Week(
                league_id=league_id,
                season=season,
                matchup_period=period,
                scoring_periods=[period],
                status="settled",
                opened_at=at,
                settled_at=at,
                markets_open=True,
            )
            session.add(week)
            await session.flush()
            scores = {}
            for team in teams:
                mean, base_sd = rng.uniform(85, 135), rng.uniform(18, 30)
                scores[team.id] = round(rng.gauss(mean, true_scale * base_sd), 2)
                session.add(
                    TeamProjection(
                        week_id=week.id,
                        team_id=team.id,
                        mean=mean,
                        sd=priced_k * base_sd,
                        k=priced_k,
                        recorded_at=at,
                    )
                )
                written += 1
            for home, away in zip(teams[0::2], teams[1::2], strict=True):
                session.add(
                    Matchup(
                        week_id=week.id,
                        home_team_id=home.id,
                        away_team_id=away.id,
                        home_score=scores[home.id],
                        away_score=scores[away.id],
                        lock_at=at,
                    )
                )
    return written


async def settled_matchup(
    db: Database,
    league_id: int,
    week: Week,
    home: Team,
    away: Team,
    *,
    scores: tuple[float, float],
    home_prices: list[tuple[timedelta, float]],
    total_line: float,
    lock_at: datetime,
) -> None:
    """A settled matchup with a moneyline whose home side was priced at `home_prices`
    (offsets from the lock, fair p) and a game total whose closing line is `total_line`."""
    async with db.write() as session:
        matchup = Matchup(
            week_id=week.id,
            home_team_id=home.id,
            away_team_id=away.id,
            home_score=scores[0],
            away_score=scores[1],
            lock_at=lock_at,
        )
        session.add(matchup)
        await session.flush()
        for kind, sides in (("moneyline", ("home", "away")), ("total", ("over", "under"))):
            line = total_line if kind == "total" else None
            market = Market(
                league_id=league_id,
                number=await numbering.reserve(session, league_id, numbering.Counter.MARKETS),
                week_id=week.id,
                matchup_id=matchup.id,
                kind=kind,
                subject="",
                label=kind,
                line=line,
                status="settled",
                lock_at=lock_at,
            )
            session.add(market)
            await session.flush()
            for side in sides:
                selection = Selection(market_id=market.id, side=side, label=side, fair_p=0.5, odds=-110)
                session.add(selection)
                await session.flush()
                # every selection also has a price after the lock (the total's line moved by
                # 30 points), which must never count as its close
                after_lock = [(timedelta(hours=-1), 0.5), (timedelta(hours=1), 0.5)]
                prices = home_prices if (kind, side) == ("moneyline", "home") else after_lock
                for offset, p in prices:
                    session.add(
                        PriceHistory(
                            selection_id=selection.id,
                            line=line if offset <= timedelta(0) else (line or 0) + 30,
                            fair_p=p,
                            odds=-110,
                            recorded_at=lock_at + offset,
                        )
                    )
