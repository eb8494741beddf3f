"""The league's own record of how good its lines were, and the fitted calibration factor.

Everything is measured on settled weeks only: their scores are final and their closing
prices and projections can no longer move.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.services.closing import closing_prices
from commands.services.journal import audit
from engine.calibration import (
    BrierScore,
    CalibrationFit,
    Coverage,
    Forecast,
    LineResults,
    TeamWeek,
    against_line,
    brier,
    fit_k,
    interval_coverage,
)
from storage.database import Database
from storage.models import League, Market, Matchup, Selection, TeamProjection, Week
from storage.statuses import WeekStatus

log = logging.getLogger(__name__)

SYSTEM_ACTOR = "sidebet"
"""The audit log's actor for what the scheduler does on its own."""

K_DECIMALS = 3
"""A refit that moves k by less than this many decimals changes nothing (and audits nothing)."""


async def _settled_weeks(session: AsyncSession, league_id: int, season: int | None) -> list[int]:
    query = select(Week.id).where(Week.league_id == league_id, Week.status == WeekStatus.SETTLED)
    if season is not None:
        query = query.where(Week.season == season)
    return list((await session.scalars(query)).all())


async def _scored_matchups(session: AsyncSession, week_ids: list[int]) -> list[Matchup]:
    if not week_ids:
        return []
    return list(
        (
            await session.scalars(
                select(Matchup).where(
                    Matchup.week_id.in_(week_ids),
                    Matchup.home_score.is_not(None),
                    Matchup.away_score.is_not(None),
                )
            )
        ).all()
    )


async def team_weeks(session: AsyncSession, league_id: int, season: int | None = None) -> list[TeamWeek]:
    """Closing projection and actual score of every team-week of the league's settled weeks.

    The actual score is the starters' points without ESPN's commissioner adjustment, as the
    recorded projection is the lineup's alone (pricing moves only the lines by an adjustment).

    One joined query rather than weeks, then matchups, then projections: this runs after
    every league's settlement, where each statement is a round trip that 10,000 leagues pay.
    """
    team = TeamProjection.team_id
    query = (
        select(
            TeamProjection.mean,
            TeamProjection.sd,
            TeamProjection.k,
            # What the team's players scored: a commissioner's adjustment is not play, and the
            # projection it is measured against never held it either.
            case(
                (Matchup.home_team_id == team, Matchup.home_score - Matchup.home_adjustment),
                else_=Matchup.away_score - Matchup.away_adjustment,
            ),
        )
        .join(Week, Week.id == TeamProjection.week_id)
        .join(
            Matchup,
            and_(
                Matchup.week_id == TeamProjection.week_id,
                or_(Matchup.home_team_id == team, Matchup.away_team_id == team),
            ),
        )
        .where(
            Week.league_id == league_id,
            Week.status == WeekStatus.SETTLED,
            Matchup.home_score.is_not(None),
            Matchup.away_score.is_not(None),
        )
        .order_by(TeamProjection.id)
    )
    if season is not None:
        query = query.where(Week.season == season)
    rows = (await session.execute(query)).all()
    return [TeamWeek(actual=actual, mean=mean, sd=sd, k=k) for mean, sd, k, actual in rows]


async def moneyline_forecasts(session: AsyncSession, league_id: int, season: int | None) -> list[Forecast]:
    """Each settled moneyline's closing fair probability of the home side, and the result."""
    week_ids = await _settled_weeks(session, league_id, season)
    matchups = {m.id: m for m in await _scored_matchups(session, week_ids)}
    if not matchups:
        return []
    closing = await closing_prices(
        session,
        Market.league_id == league_id,
        Market.week_id.in_(week_ids),
        Market.kind == "moneyline",
        Selection.side == "home",
    )
    market_matchup = await _market_matchups(session, [c.market_id for c in closing.values()])
    out = []
    for price in closing.values():
        m = matchups.get(market_matchup[price.market_id])
        if m is None:
            continue
        assert m.home_score is not None and m.away_score is not None
        won = None if m.home_score == m.away_score else m.home_score > m.away_score
        out.append(Forecast(price.fair_p, won))
    return out


async def totals_against_line(session: AsyncSession, league_id: int, season: int | None) -> LineResults:
    """Settled game totals against their closing total lines."""
    week_ids = await _settled_weeks(session, league_id, season)
    matchups = {m.id: m for m in await _scored_matchups(session, week_ids)}
    if not matchups:
        return against_line(())
    closing = await closing_prices(
        session,
        Market.league_id == league_id,
        Market.week_id.in_(week_ids),
        Market.kind == "total",
        Market.subject == "",
        Selection.side == "over",
    )
    market_matchup = await _market_matchups(session, [c.market_id for c in closing.values()])
    pairs = []
    for price in closing.values():
        m = matchups.get(market_matchup[price.market_id])
        if m is not None and price.line is not None:
            assert m.home_score is not None and m.away_score is not None
            pairs.append((price.line, m.home_score + m.away_score))
    return against_line(pairs)


async def _market_matchups(session: AsyncSession, market_ids: list[int]) -> dict[int, int]:
    if not market_ids:
        return {}
    rows = await session.execute(select(Market.id, Market.matchup_id).where(Market.id.in_(market_ids)))
    # NFL games' markets (the games board) have no matchup and no fantasy projection to fit
    return {market_id: matchup_id for market_id, matchup_id in rows.all() if matchup_id is not None}


async def refit_calibration(session: AsyncSession, league_id: int, now: datetime) -> CalibrationFit:
    """Fit k from every settled team-week of the league and store it if it moved.

    Pricing reads League.calibration_k from the next sync on. The change is audited with
    the old and new value and the sample it came from.
    """
    fit = fit_k(await team_weeks(session, league_id))
    if fit.k is None:
        return fit
    new_k = round(fit.k, K_DECIMALS)
    old_k = await session.scalar(select(League.calibration_k).where(League.id == league_id))
    if old_k is not None and round(old_k, K_DECIMALS) == new_k:
        return fit
    await session.execute(
        update(League).where(League.id == league_id).values(calibration_k=new_k, calibration_fitted_at=now)
    )
    await audit(
        session,
        league_id=league_id,
        actor=SYSTEM_ACTOR,
        action="calibration.fit",
        detail={"from": old_k, "to": new_k, "raw_k": fit.raw_k, "team_weeks": fit.sample},
        now=now,
    )
    log.info("calibration league=%s k %s -> %s over %s team-weeks", league_id, old_k, new_k, fit.sample)
    return fit


@dataclass(frozen=True, slots=True)
class CalibrationReport:
    season: int | None
    brier: BrierScore
    coverage: tuple[Coverage, ...]
    totals: LineResults
    current_k: float | None
    fitted_at: datetime | None
    fit: CalibrationFit


async def calibration_report(db: Database, league_id: int) -> CalibrationReport:
    """This season's Brier score and totals calibration; k over all the league's history."""
    async with db.read() as session:
        league = await session.get(League, league_id, populate_existing=True)
        assert league is not None
        season = league.season
        return CalibrationReport(
            season=season,
            brier=brier(await moneyline_forecasts(session, league_id, season)),
            coverage=interval_coverage(await team_weeks(session, league_id, season)),
            totals=await totals_against_line(session, league_id, season),
            current_k=league.calibration_k,
            fitted_at=league.calibration_fitted_at,
            fit=fit_k(await team_weeks(session, league_id)),
        )
