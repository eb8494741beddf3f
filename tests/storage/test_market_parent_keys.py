"""Migration 0015: a market's parent keys are partial, and still unique per parent.

A database at 0013 holding matchup, game and week-level markets is upgraded: every market
is kept, the same (parent, kind, subject) is still refused a second time for a matchup
and for a game, and each key holds only the markets that have its parent (a matchup
market is no longer an entry under a NULL game_id, which is what scattered a league's
inserts through the whole index).
"""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.migrate import upgrade
from tests.conftest import make_database

T = "'2026-11-01 12:00:00'"
MARKET = (
    "INSERT INTO markets (league_id, number, week_id, matchup_id, game_id, kind, subject, label, status,"
    " lock_at)"
)


def _seed(conn: Connection) -> None:
    """One league's week at 0013: a matchup with two markets, a game with one, the high score."""
    run = lambda sql: conn.execute(text(sql))  # noqa: E731
    run(f"INSERT INTO tenants (id, platform, workspace_id, created_at) VALUES (1, 'console', 'w', {T})")
    run(
        "INSERT INTO leagues (id, tenant_id, name, source, settings, paused, created_at, sync_failures,"
        f" season_over) VALUES (1, 1, 'L', 'demo', '{{}}', false, {T}, 0, false)"
    )
    run(
        "INSERT INTO teams (id, league_id, espn_team_id, name, abbrev, wins, losses, ties, points_for,"
        " points_against) VALUES (1, 1, 1, 'T', 'T', 0, 0, 0, 0, 0)"
    )
    run(
        "INSERT INTO weeks (id, league_id, season, matchup_period, scoring_periods, status,"
        f" opened_at, is_playoff, markets_open) VALUES (1, 1, 2026, 1, '[1]', 'open', {T}, false, true)"
    )
    run(
        "INSERT INTO matchups (id, week_id, home_team_id, away_team_id, lock_at, home_adjustment,"
        f" away_adjustment) VALUES (1, 1, 1, 1, {T}, 0, 0)"
    )
    run(
        "INSERT INTO nfl_games (id, week_id, event_id, home, away, home_name, away_name, kickoff, state,"
        f" completed, status_name, home_score, away_score) VALUES (1, 1, 'e1', 'KC', 'BUF', 'Chiefs',"
        f" 'Bills', {T}, 'pre', false, '', 0, 0)"
    )
    run(f"{MARKET} VALUES (1, 1, 1, 1, NULL, 'moneyline', '', 'm', 'open', {T})")
    run(f"{MARKET} VALUES (1, 2, 1, 1, NULL, 'total', '', 'm', 'open', {T})")
    run(f"{MARKET} VALUES (1, 3, 1, NULL, 1, 'moneyline', '', 'g', 'open', {T})")
    run(f"{MARKET} VALUES (1, 4, 1, NULL, NULL, 'high_score', '', 'h', 'open', {T})")


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_parent_keys_keep_every_market_and_refuse_a_second_one_per_parent(kind: str, tmp_path) -> None:
    async for db in make_database(kind, tmp_path, migrate=False):
        await upgrade(db, "0013_multiway", then=_seed)
        await upgrade(db, "head")
        async with db.engine.connect() as conn:
            numbers = (await conn.execute(text("SELECT number FROM markets ORDER BY number"))).scalars()
            assert list(numbers) == [1, 2, 3, 4]
            # The same kind and subject again, for the same matchup and the same game: refused.
            for parent in ("1, NULL", "NULL, 1"):
                with pytest.raises(Exception, match=r"(?i)unique"):
                    async with conn.begin_nested():
                        await conn.execute(
                            text(f"{MARKET} VALUES (1, 9, 1, {parent}, 'moneyline', '', 'x', 'open', {T})")
                        )
            # Another kind for each parent is a market of its own.
            for number, parent in ((10, "1, NULL"), (11, "NULL, 1")):
                await conn.execute(
                    text(f"{MARKET} VALUES (1, {number}, 1, {parent}, 'spread', '', 'x', 'open', {T})")
                )
            await conn.rollback()
            # Each key holds only the markets with its parent.
            for parent in ("matchup_id", "game_id"):
                name = f"uq_markets_{parent}_kind_subject"
                sql = (
                    "SELECT sql FROM sqlite_master WHERE name = :name"
                    if kind == "sqlite"
                    else "SELECT indexdef FROM pg_indexes"
                    " WHERE indexname = :name AND schemaname = current_schema()"
                )
                definition = (await conn.execute(text(sql), {"name": name})).scalar_one()
                assert f"WHERE {parent} IS NOT NULL" in definition.replace("(", "").replace(")", "")
