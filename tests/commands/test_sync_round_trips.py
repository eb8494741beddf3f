"""A league's sync costs a fixed handful of SQL statements, however big its league is.

The scheduler syncs every league every five minutes on game days, so what one sync costs
in statements is what a tick over 10,000 leagues costs. Counted by SQLite's own trace
callback (every statement the connection runs, whichever layer sent it): a per-matchup,
per-starter or per-player statement sneaking back into commands/services/weeks.py or
lineup_store.py fails here. And an unchanged snapshot must write nothing at all, while a
changed setting or calibration factor still reprices.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from adapters.espn.demo.season import NflSeason, SeasonSim
from adapters.espn.demo.season_provider import DemoSeasonProvider
from commands.clock import ManualClock
from commands.context import Services
from commands.provider import PlayerLine, WeekData
from commands.services import lineup_store, unchanged_sync, weeks
from commands.services.due_jobs import MaybeDue
from commands.services.lifecycle import DueReport, run_due
from commands.services.priced_inputs import PricedMatchup, priced_digest
from commands.services.pricing import priced_columns
from commands.services.weeks import sync_league
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import (
    BenchPlayer,
    League,
    Market,
    Matchup,
    Member,
    PriceHistory,
    Selection,
    Starter,
    Team,
    Tenant,
    Week,
)
from tests.statement_trace import trace_statements

SEASON, WEEK = 2026, 5
MEMBERS = 9
# A sync of a league whose book is open: read the league's rows (teams, weeks, k, the
# week's matchups, starters, bench, markets, open own-matchup bets), write each changed
# table once, stamp the league; BEGIN and COMMIT included. Whatever the league's size.
MOST_STATEMENTS = 20
# The same snapshot again: the reads that show nothing moved, and the league's stamp.
MOST_UNCHANGED = 8
# Opening the book: the above, plus numbering the new markets (one bump of the league's
# counter, storage/numbering.py) and creating each market kind, every member's allowance,
# pools and the board post (queued as its week: the outbox words it, board_post.py); and
# the league's first sync inserts its teams, in one statement like every other table.
MOST_OPENING = 28  # and the week's UPDATE of its priced digest (commands/services/priced_inputs.py)


def _times() -> tuple[datetime, datetime, datetime]:
    nfl = NflSeason.for_season(SEASON)
    sunday = next(k for k in nfl.kickoffs(WEEK) if k.weekday() == 6)
    return (
        nfl.first_kickoff(WEEK) - timedelta(hours=4),
        sunday + timedelta(hours=1),
        sunday + timedelta(hours=2),
    )


async def _league(db: Database, at: datetime) -> League:
    async with db.write() as session:
        tenant = Tenant(platform="discord", workspace_id="w", created_at=at)
        session.add(tenant)
        await session.flush()
        league = League(
            tenant_id=tenant.id,
            name="L",
            source="espn",
            espn_league_id=1,
            season=SEASON,
            settings={},
            created_at=at,
        )
        session.add(league)
        await session.flush()
        # Members, so opening the week grants allowances: set-based, not two statements each.
        session.add_all(
            Member(league_id=league.id, user_id=f"u{i}", display_name=f"Member {i}", created_at=at)
            for i in range(MEMBERS)
        )
    return league


async def _sync(db: Database, statements: list[str], league_id: int, sim: SeasonSim, at: datetime) -> int:
    async with db.read() as session:
        league = await session.get_one(League, league_id)
    statements.clear()
    await sync_league(db, league, DemoSeasonProvider(lambda: at, sim), at)
    return len(statements)


async def _rows(db: Database) -> tuple[int, ...]:
    async with db.read() as session:
        return tuple(
            [
                await session.scalar(select(func.count()).select_from(table))
                for table in (Matchup, Starter, BenchPlayer, PriceHistory)
            ]
        )


@pytest.mark.parametrize("teams", [10, 12])
async def test_a_sync_is_the_same_few_statements_whatever_the_league_size(tmp_path: Path, teams: int) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'sync.db'}")
    statements = trace_statements(db)

    await upgrade_to_head(db)
    try:
        cold, live, later = _times()
        sim = SeasonSim(7, SEASON, teams=teams, seed=3, nfl=NflSeason.for_season(SEASON))
        league = await _league(db, cold)

        opened = await _sync(db, statements, league.id, sim, cold)  # the week stored, its book opened
        assert opened > 0, "the trace callback saw no statements"
        async with db.read() as session:
            week = await session.scalar(select(Week).where(Week.matchup_period == WEEK))
        assert week is not None and week.markets_open and week.synced_fingerprint
        assert opened <= MOST_OPENING, (opened, statements)

        # Sunday: early games live, points moving, lineups locking; then the scores move again.
        assert await _sync(db, statements, league.id, sim, live) <= MOST_STATEMENTS, statements
        before = await _rows(db)
        assert await _sync(db, statements, league.id, sim, later) <= MOST_STATEMENTS, statements

        # The same snapshot again: nothing is written, not even a price history row.
        stored = await _rows(db)
        assert stored[-1] >= before[-1]
        assert await _sync(db, statements, league.id, sim, later) <= MOST_UNCHANGED, statements
        assert not [s for s in statements if s.split()[0] in ("INSERT", "DELETE")], statements
        assert await _rows(db) == stored
    finally:
        await db.dispose()


async def test_an_unchanged_snapshot_still_reprices_after_a_setting_or_a_refit(tmp_path: Path) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'sync.db'}")
    await upgrade_to_head(db)
    try:
        cold, _, _ = _times()
        sim = SeasonSim(8, SEASON, teams=10, seed=4, nfl=NflSeason.for_season(SEASON))
        league = await _league(db, cold)
        provider = DemoSeasonProvider(lambda: cold, sim)

        async def sync() -> int:
            async with db.read() as session:
                fresh = await session.get_one(League, league.id)
            return (await sync_league(db, fresh, provider, cold)).repriced

        assert await sync() > 0  # the book opens
        assert await sync() == 0  # the same snapshot: skipped
        async with db.write() as session:
            await session.execute(update(League).values(settings={"margin_pct": 8.0}))
        assert await sync() > 0  # a wider margin moves every price
        assert await sync() == 0
        async with db.write() as session:
            await session.execute(update(League).values(calibration_k=1.3))
        assert await sync() > 0  # a refit k widens every distribution
    finally:
        await db.dispose()


class _OneProjectionMoved(DemoSeasonProvider):
    """The simulated snapshot, with one starter of a later game projected `extra` more."""

    def __init__(self, at: datetime, sim: SeasonSim, player_id: str, extra: float) -> None:
        super().__init__(lambda: at, sim)
        self.player_id, self.extra = player_id, extra

    async def fetch_week(self, matchup_period: int) -> WeekData:
        data = await super().fetch_week(matchup_period)

        def moved(line: PlayerLine) -> PlayerLine:
            if line.player_id != self.player_id:
                return line
            return replace(line, projection=line.projection + self.extra)

        return replace(
            data,
            matchups=tuple(
                replace(
                    m,
                    home_lineup=tuple(map(moved, m.home_lineup)),
                    away_lineup=tuple(map(moved, m.away_lineup)),
                )
                for m in data.matchups
            ),
        )


async def test_new_points_alone_plan_no_market_and_a_moved_projection_reprices(tmp_path: Path) -> None:
    """A game-day sync stores the points; only what prices follow from makes it price again.

    Sunday's early games are live: their starters' points move every five minutes, and
    nothing a price follows from does. Such a sync must not even read the week's markets
    (commands/services/priced_inputs.py). A later game's starter projected higher is an
    input to his prop: that sync reprices it, and only what moved.
    """
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'sync.db'}")
    statements = trace_statements(db)

    await upgrade_to_head(db)
    try:
        cold, live, later = _times()
        sim = SeasonSim(7, SEASON, teams=10, seed=3, nfl=NflSeason.for_season(SEASON))
        league = await _league(db, cold)
        await _sync(db, statements, league.id, sim, cold)
        await _sync(db, statements, league.id, sim, live)
        points_before = await _points(db)
        history_before = await _rows(db)

        await _sync(db, statements, league.id, sim, later)
        assert await _points(db) != points_before, "the early games' points were stored"
        assert await _stored_scores(db) == await _shown_scores(sim, later), "and every one as shown"
        assert not [s for s in statements if "FROM markets" in s], statements
        assert (await _rows(db))[-1] == history_before[-1]  # not one price written

        async with db.read() as session:
            player = await session.scalar(
                select(Starter.player_id).where(Starter.kickoff > later, Starter.projection > 0).limit(1)
            )
            league_row = await session.get_one(League, league.id)
        assert player is not None
        moved = await sync_league(db, league_row, _OneProjectionMoved(later, sim, player, 6.0), later)
        assert moved.repriced == 1  # his prop, and nothing of a matchup already locked
        async with db.read() as session:
            line = await session.scalar(
                select(PriceHistory.line)
                .join(Selection, Selection.id == PriceHistory.selection_id)
                .join(Market, Market.id == Selection.market_id)
                .where(Market.kind == "prop", Market.subject == player)
                .order_by(PriceHistory.id.desc())
                .limit(1)
            )
            market_line = await session.scalar(
                select(Market.line).where(Market.kind == "prop", Market.subject == player)
            )
        assert line == market_line
    finally:
        await db.dispose()


async def test_a_pass_that_stored_points_alone_looks_for_no_lock_and_one_that_repriced_does(
    tmp_path: Path,
) -> None:
    """New points cannot make a lock or a reminder due; a moved projection's reprice can.

    The scheduler's reading of lock times (due_jobs) said nothing locks soon. A game-day
    pass whose sync stored only new points then has no market to look at: on a Sunday that
    is every league's pass, every five minutes. A sync that wrote markets may have moved a
    lock time, so that pass looks, as it did before.
    """
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'sync.db'}")
    statements = trace_statements(db)

    await upgrade_to_head(db)
    try:
        cold, live, later = _times()
        sim = SeasonSim(7, SEASON, teams=10, seed=3, nfl=NflSeason.for_season(SEASON))
        league = await _league(db, cold)
        await _sync(db, statements, league.id, sim, cold)
        await _sync(db, statements, league.id, sim, live)
        nothing_due = MaybeDue(locks=False, settle=False, recap=False, corrections=False)

        async def pass_with(provider: DemoSeasonProvider) -> DueReport:
            async with db.read() as session:
                row = await session.get_one(League, league.id)
            statements.clear()
            return await run_due(Services(db, ManualClock(later), lambda _: provider), row, due=nothing_due)

        points = await pass_with(DemoSeasonProvider(lambda: later, sim))
        assert points.sync is not None and points.sync.stored and not points.sync.priced
        assert not [s for s in statements if "FROM markets" in s], statements

        async with db.read() as session:
            player = await session.scalar(
                select(Starter.player_id).where(Starter.kickoff > later, Starter.projection > 0).limit(1)
            )
        assert player is not None
        repriced = await pass_with(_OneProjectionMoved(later, sim, player, 6.0))
        assert repriced.sync is not None and repriced.sync.priced
        assert [s for s in statements if "FROM markets" in s and "lock_at <=" in s], statements
    finally:
        await db.dispose()


async def test_the_priced_digest_is_the_one_the_stored_rows_give(tmp_path: Path) -> None:
    """A sync digests the week's lineups as it stored them (lineup_store.StoredLineups),
    without reading them back. That digest must be the one the stored rows give as pricing
    reads them: were they to differ, a change pricing follows could go unpriced, or every
    sync plan every market again for nothing. Checked when the book opens, on a game day,
    and after a later game's starter was projected higher."""
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'sync.db'}")
    await upgrade_to_head(db)
    try:
        cold, live, later = _times()
        sim = SeasonSim(7, SEASON, teams=12, seed=5, nfl=NflSeason.for_season(SEASON))
        league = await _league(db, cold)
        for at in (cold, live):
            await _sync(db, [], league.id, sim, at)
            assert await _stored_and_read_digests_agree(db)
        async with db.read() as session:
            player = await session.scalar(
                select(Starter.player_id).where(Starter.kickoff > later, Starter.projection > 0).limit(1)
            )
            league_row = await session.get_one(League, league.id)
        assert player is not None
        moved = await sync_league(db, league_row, _OneProjectionMoved(later, sim, player, 6.0), later)
        assert moved.repriced == 1
        assert await _stored_and_read_digests_agree(db)
    finally:
        await db.dispose()


async def _stored_and_read_digests_agree(db: Database) -> bool:
    """The open week's stored digest against one taken from its rows, read as pricing reads them."""
    async with db.read() as session:
        week = await session.scalar(select(Week).where(Week.markets_open))
        assert week is not None and week.priced_digest is not None
        league = await session.get_one(League, week.league_id)
        teams = {t.id: t for t in await session.scalars(select(Team))}
        matchups = (await session.scalars(select(Matchup).where(Matchup.week_id == week.id))).all()
        lineups: dict[int, list[tuple[int, tuple[Any, ...]]]] = {m.id: [] for m in matchups}
        starters = await session.scalars(
            select(Starter)
            .join(Matchup)
            .where(Matchup.week_id == week.id)
            .order_by(Starter.matchup_id, func.length(Starter.player_id), Starter.player_id)
        )
        for starter in starters:
            lineups[starter.matchup_id].append((starter.team_id, priced_columns(starter)))
    read = priced_digest(
        [
            PricedMatchup(
                m.id, m.lock_at, m.home_adjustment, m.away_adjustment, m.home_team_id, m.away_team_id
            )
            for m in matchups
        ],
        lineups,
        teams,
        league.settings or {},
        league.calibration_k or 1.0,
    )
    return read == week.priced_digest


Scores = dict[tuple[str, str], tuple[float | None, str | None]]


async def _stored_scores(db: Database) -> Scores:
    """Each stored player's points and game state (starters, then the bench: no game state)."""
    async with db.read() as session:
        starters = await session.execute(select(Starter.player_id, Starter.points, Starter.game_state))
        bench = await session.execute(select(BenchPlayer.player_id, BenchPlayer.points))
        return {("starter", p): (points, state) for p, points, state in starters} | {
            ("bench", p): (points, None) for p, points in bench
        }


async def _shown_scores(
    sim: SeasonSim, at: datetime
) -> dict[tuple[str, str], tuple[float | None, str | None]]:
    """The same, from the snapshot at `at` (its game states as lineup_store reads them)."""
    provider = DemoSeasonProvider(lambda: at, sim)
    data = await provider.fetch_week((await provider.fetch_league()).current_matchup_period)
    games = lineup_store.first_game_by_team(data.pro_games)
    states = lineup_store.game_states(data.pro_games)
    shown: Scores = {}
    for m in data.matchups:
        for player in (*m.home_lineup, *m.away_lineup):
            game = games.get(player.pro_team)
            state = states[game.game_id] if game else None
            shown["starter", player.player_id] = (player.points, state)
        for player in (*m.home_bench, *m.away_bench):
            shown["bench", player.player_id] = (player.points, None)
    return shown


async def _points(db: Database) -> list[float | None]:
    async with db.read() as session:
        return list((await session.scalars(select(Starter.points).order_by(Starter.id))).all())


async def test_a_tick_digests_each_weeks_snapshots_once(tmp_path: Path, monkeypatch) -> None:
    """The tick's quick look digests the snapshots; the sync that follows reuses the digest.

    Pickling a week's snapshots is most of what a due sync costs when nothing moved, and a
    changed league used to pay it twice: once in unchanged_sync, again in sync_league.
    """
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'sync.db'}")
    await upgrade_to_head(db)
    try:
        cold, live, _ = _times()
        sim = SeasonSim(7, SEASON, teams=10, seed=3, nfl=NflSeason.for_season(SEASON))
        league = await _league(db, cold)
        await sync_league(db, league, DemoSeasonProvider(lambda: cold, sim), cold)

        taken: list[int] = []
        real = weeks.snapshot_digest

        def counted(league_data: Any, data: Any) -> bytes:
            taken.append(data.matchup_period)
            return real(league_data, data)

        monkeypatch.setattr(weeks, "snapshot_digest", counted)
        monkeypatch.setattr(unchanged_sync, "snapshot_digest", counted)
        async with db.read() as session:
            fresh = await session.get_one(League, league.id)
            unsettled = (await session.scalars(select(Week))).all()
        fetched = await unchanged_sync.fetch_and_compare(
            fresh, DemoSeasonProvider(lambda: live, sim), unsettled
        )
        assert not fetched.unchanged  # Sunday: points moved
        result = await sync_league(db, fresh, fetched.provider, live)
        assert result.stored and taken == [WEEK]  # digested once, by the quick look
        async with db.read() as session:
            stored = await session.scalar(select(Week.synced_fingerprint).where(Week.matchup_period == WEEK))
        snapshot = await fetched.provider.fetch_week(WEEK)
        assert stored == weeks.fingerprint(
            await fetched.provider.fetch_league(), snapshot, fresh.settings or {}, fresh.calibration_k or 1.0
        )
    finally:
        await db.dispose()


def test_the_held_rows_name_the_columns_the_writes_use_in_their_order() -> None:
    """A sync compares a stored starter's or reserve's values with the snapshot's by position,
    in the order of the columns it writes; the rows it reads back must name that order."""
    for held, fields in (
        (lineup_store._HeldStarter, lineup_store._STARTER_FIELDS),
        (lineup_store._HeldBench, lineup_store._BENCH_FIELDS),
    ):
        assert held._fields == ("id", "matchup_id", "player_id", *(name for name, _ in fields))
