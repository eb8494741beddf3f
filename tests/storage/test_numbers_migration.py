"""Migration 0007 numbers the markets, slips and bets a database already holds, per league.

A database at 0006 with two leagues whose rows interleave (so ids and numbers differ) is
upgraded: each league's markets and slips count from 1 in id order, each bet takes its
slip's number (one without a slip follows the slips), and the league's counters continue
from there, so the next market or slip never takes a number already shown.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.migrate import upgrade
from tests.conftest import make_database

T = "'2026-11-01 12:00:00'"


def _seed(conn: Connection) -> None:
    """Two leagues at 0006, their rows interleaved; league 2's bet 3 lost its slip."""
    run = lambda sql: conn.execute(text(sql))  # noqa: E731
    run(f"INSERT INTO tenants (id, platform, workspace_id, created_at) VALUES (1, 'console', 'w', {T})")
    for league in (1, 2):
        run(
            "INSERT INTO leagues (id, tenant_id, name, source, settings, paused, created_at, sync_failures,"
            f" season_over) VALUES ({league}, 1, 'L{league}', 'demo', '{{}}', false, {T}, 0, false)"
        )
        run(
            f"INSERT INTO teams (id, league_id, espn_team_id, name, abbrev, wins, losses, ties, points_for,"
            f" points_against) VALUES ({league}, {league}, 1, 'T', 'T', 0, 0, 0, 0, 0)"
        )
        run(
            "INSERT INTO members (id, league_id, user_id, display_name, balance, created_at, dm_opt_in)"
            f" VALUES ({league}, {league}, 'u', 'u', 100, {T}, false)"
        )
        run(
            "INSERT INTO weeks (id, league_id, season, matchup_period, scoring_periods, status,"
            " opened_at, is_playoff, markets_open)"
            f" VALUES ({league}, {league}, 2026, 1, '[1]', 'open', {T}, false, true)"
        )
        run(
            "INSERT INTO matchups (id, week_id, home_team_id, away_team_id, lock_at, home_adjustment,"
            f" away_adjustment) VALUES ({league}, {league}, {league}, {league}, {T}, 0, 0)"
        )
    # Markets 1..6 alternate between the leagues; each has one selection of the same id.
    for market in range(1, 7):
        league = 1 + (market + 1) % 2
        run(
            "INSERT INTO markets (id, league_id, week_id, matchup_id, kind, subject, label, status, lock_at)"
            f" VALUES ({market}, {league}, {league}, {league}, 'k{market}', '', 'm', 'open', {T})"
        )
        run(
            "INSERT INTO selections (id, market_id, side, label, fair_p, odds, liability)"
            f" VALUES ({market}, {market}, 'home', 's', 0.5, 100, 0)"
        )
    # Slips 1..6 alternate too; slips 1, 4 and 6 became bets (ids in another order).
    for slip in range(1, 7):
        league = 1 + (slip + 1) % 2
        run(
            "INSERT INTO quotes (id, league_id, member_id, selection_id, stake, odds, fair_p, liability,"
            f" idempotency_key, status, created_at, expires_at) VALUES ({slip}, {league}, {league}, {slip},"
            f" 5, 100, 0.5, 5, 'q{slip}', 'pending', {T}, {T})"
        )
    for bet, slip_key, league in ((1, "q6", 2), (2, "q1", 1), (3, "gone", 2), (4, "q4", 2)):
        run(
            "INSERT INTO bets (id, league_id, member_id, week_id, market_id, selection_id, stake, odds,"
            " fair_p, status, idempotency_key, placed_at, liability, shortfall)"
            f" VALUES ({bet}, {league}, {league}, {league}, 2, 2, 5, 100, 0.5, 'open', '{slip_key}',"
            f" {T}, 5, 0)"
        )


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_existing_rows_are_numbered_per_league_in_id_order(kind: str, tmp_path) -> None:
    async for db in make_database(kind, tmp_path, migrate=False):
        await upgrade(db, "0006", then=_seed)
        await upgrade(db, "head")
        async with db.engine.connect() as conn:

            async def rows(sql: str) -> list[tuple]:
                return [tuple(r) for r in (await conn.execute(text(sql))).all()]

            # League 1 holds markets 1, 3, 5 and slips 1, 3, 5; league 2 the even ones.
            alternating = [(i, 1 + (i + 1) % 2, (i + 1) // 2) for i in range(1, 7)]
            for table in ("markets", "quotes"):
                assert await rows(f"SELECT id, league_id, number FROM {table} ORDER BY id") == alternating
            # A bet has its slip's number; the one whose slip is gone follows league 2's slips.
            assert await rows("SELECT id, league_id, number FROM bets ORDER BY id") == [
                (1, 2, 3),
                (2, 1, 1),
                (3, 2, 4),
                (4, 2, 2),
            ]
            assert await rows("SELECT id, last_market_number, last_bet_number FROM leagues ORDER BY id") == [
                (1, 3, 3),
                (2, 3, 4),
            ]
