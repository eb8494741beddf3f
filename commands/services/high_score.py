"""The week's high score as a stored market: priced with the week's matchups, one per week.

It is about every team of the league, so it is priced only when every matchup was priced
from its lineups in the same pass (none locked yet), and it locks with the earliest matchup,
at the week's first kickoff of any starter (or the week's lock, in `lock_mode` week). Once
any matchup has locked it keeps its last price, as every locked market does.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.league_settings import LeagueSettings
from commands.services.market_store import store_plans
from commands.services.multiway import lock_of
from commands.services.priced_inputs import PricedMatchup
from commands.services.pricing import plan_high_score
from storage.models import Week


async def store_high_score(
    session: AsyncSession,
    *,
    league_id: int,
    week: Week,
    settings: LeagueSettings,
    matchups: Sequence[PricedMatchup],
    field: Sequence[tuple[int, str, engine.Normal]],
    now: datetime,
) -> int:
    """Create or reprice the week's high score; returns how many markets changed (0 or 1)."""
    lock_at = lock_of(m.lock_at for m in matchups)
    if not settings.high_score or lock_at is None or now >= lock_at or len(field) != 2 * len(matchups):
        return 0
    plans = plan_high_score(field, settings, week.matchup_period, lock_at)
    if not plans:
        return 0
    return await store_plans(
        session, league_id=league_id, week_id=week.id, plans={week.id: plans}, now=now, parent="week"
    )
