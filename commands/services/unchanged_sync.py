"""A due sync that brings nothing new, found and finished without touching the league.

On a game day every league is synced every five minutes, and most syncs bring exactly
what the last one did (no game of the league's players on, nobody moved). Such a sync
stores nothing (its week fingerprints match, commands/services/weeks.py) but used to cost
the league's lease, a fresh read of the league and a write transaction to learn that:
fifteen statements a league. The scheduler already holds what decides it (the league row,
its unsettled weeks with their fingerprints, what may be due), so here it fetches the
league's snapshots and compares their digests itself. An unchanged league is only stamped
as synced, together with all the others in one statement at the end of the tick; any
other league runs its jobs as before, on the snapshots already fetched (never twice).

Only the plainest case is taken this way; everything else goes the full way, under the
lease: a league with any job possibly due, a failing or finished season, NFL games on its
board (their lines move on their own), a week inside its stat-correction window, or a
period with no stored week yet. Nothing is written here but the sync stamp, so a league
another process is working on meanwhile loses nothing: that process stores what it read.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update

from commands.league_settings import LeagueSettings
from commands.provider import LeagueData, LeagueDataProvider, WeekData
from commands.services.due_jobs import MaybeDue
from commands.services.weeks import fingerprint, snapshot_digest
from storage.database import Database
from storage.models import League, Week

# Leagues stamped per statement (an IN list; statements' parameters are limited).
_STAMP_CHUNK = 500


class Prefetched:
    """A provider that answers with snapshots already fetched, and asks its own for the rest."""

    def __init__(
        self,
        inner: LeagueDataProvider,
        league: LeagueData,
        weeks: dict[int, WeekData],
        snapshot_digests: dict[int, bytes] | None = None,
    ) -> None:
        self._inner, self._league, self._weeks = inner, league, weeks
        # Each week's snapshots digested once (weeks.snapshot_digest), for the sync to reuse.
        self.snapshot_digests = snapshot_digests or {}

    async def fetch_league(self) -> LeagueData:
        return self._league

    async def fetch_week(self, matchup_period: int) -> WeekData:
        if matchup_period in self._weeks:
            return self._weeks[matchup_period]
        return await self._inner.fetch_week(matchup_period)

    def __getattr__(self, name: str) -> Any:  # anything else the provider offers (game lines)
        return getattr(self._inner, name)


@dataclass(frozen=True, slots=True)
class Fetched:
    """A candidate league's snapshots, and whether they match what is stored."""

    provider: Prefetched
    unchanged: bool


def may_be_unchanged(league: League, due: MaybeDue, with_games: bool) -> bool:
    """Whether a due sync of `league` could be finished without its lease (see above)."""
    if due or league.season_over or league.sync_failures or league.last_sync_error or with_games:
        return False
    return not LeagueSettings.of(league.settings).nfl_games


async def fetch_and_compare(
    league: League, provider: LeagueDataProvider, unsettled: Sequence[Week]
) -> Fetched:
    """Fetch the league as a sync would and tell whether every week's digest matches.

    Raises what the provider raises (the full path then records the failure).
    """
    data = await provider.fetch_league()
    stored = {w.matchup_period: w for w in unsettled if w.season == data.season}
    periods = set(stored)
    if 1 <= data.current_matchup_period <= data.final_matchup_period:
        periods.add(data.current_matchup_period)
    periods = {p for p in periods if p <= data.final_matchup_period}
    weeks = {p: await provider.fetch_week(p) for p in sorted(periods)}
    k = league.calibration_k or 1.0
    digests = {p: snapshot_digest(data, snapshot) for p, snapshot in weeks.items()}
    unchanged = (
        bool(weeks)
        and (dict(data.lineup_slots) or None) == league.lineup_slots
        and all(
            (week := stored.get(p)) is not None
            and week.markets_open
            and week.synced_fingerprint == fingerprint(data, snapshot, league.settings or {}, k, digests[p])
            for p, snapshot in weeks.items()
        )
    )
    return Fetched(Prefetched(provider, data, weeks, digests), unchanged)


async def stamp_synced(db: Database, league_ids: Iterable[int], now: datetime) -> None:
    """Record an unchanged sync of each league: when it was synced, nothing else."""
    ids = sorted(league_ids)
    if not ids:
        return
    async with db.write() as session:
        for start in range(0, len(ids), _STAMP_CHUNK):
            chunk = ids[start : start + _STAMP_CHUNK]
            await session.execute(update(League).where(League.id.in_(chunk)).values(last_synced_at=now))
