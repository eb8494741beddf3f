"""Settling 1,000,000 bets across 10,000 leagues on SQLite, beside set-based SQL doing the same.

Run: `python -m bench.settlement [--leagues 10000 --bets-per-league 100]`.

What is timed: the product's own path, `settle_due(db, league, now)` for every league in
turn, exactly as the scheduler calls it: one write transaction per league that grades
every open bet of each final week, marks it, writes its payout ledger entry (UNIQUE dedupe
key) and credits the balance, and marks markets and the week settled. The league's results
post is queued afterwards by `recap_due`, in a transaction of its own, and is not timed
here; the DM, winner-role and calibration hooks run inside settle_due but, for these
console leagues with nobody opted in and no projections, find nothing to do.

Baseline, same data, same disk, same run: a copy of the seeded file settled by six plain
set-based statements in one transaction (grade and mark every bet in one UPDATE..FROM,
insert every payout entry in one INSERT..SELECT, credit every balance in one UPDATE..FROM,
then the sides' liability, markets and weeks). It grades in SQL, so it only knows the two market kinds seeded
here (moneyline and total), and it queues no results posts. The bench checks that both
sides end with identical bets, ledger totals and balances.

Seeding is not timed: bulk `executemany` into the migrated schema (no command layer).
Per league: 10 members, one final week of 5 matchups, a moneyline and a total market per
matchup, and `--bets-per-league` open bets spread over members and selections.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sqlite3
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bench.report import Row, emit
from commands.services.lifecycle import settle_due
from storage import keys
from storage.database import Database
from storage.migrate import upgrade_to_head
from storage.models import League

MEMBERS, MATCHUPS = 10, 5
FINAL_AT = "2026-10-13 04:00:00.000000"
LAST_KICKOFF = "2026-10-13 00:15:00.000000"
OPENED_AT = "2026-10-07 12:00:00.000000"
NOW = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
TARGET_SECONDS = 60.0


def seed(path: Path, leagues: int, bets_per_league: int) -> int:
    """Bulk-insert the leagues and their open bets; returns how many bets."""
    rng = random.Random(2026)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO tenants (id, platform, workspace_id, created_at) VALUES (1, 'console', 'bench', ?)",
        (OPENED_AT,),
    )
    league_rows, team_rows, member_rows, week_rows, matchup_rows = [], [], [], [], []
    market_rows, selection_rows, bet_rows = [], [], []
    bet_id = 0
    for league in range(1, leagues + 1):
        # The league's counters past the numbers its markets and bets take below.
        league_rows.append((league, f"League {league}", OPENED_AT, 2 * MATCHUPS, bets_per_league))
        base = (league - 1) * MEMBERS
        for t in range(1, MEMBERS + 1):
            team_rows.append((base + t, league, t, f"Team {t}", f"T{t}"))
            member_rows.append((base + t, league, f"user{t}", f"Member {t}", base + t, OPENED_AT))
        week_rows.append((league, league, FINAL_AT, LAST_KICKOFF, OPENED_AT))
        selections: list[tuple[int, int, int, float | None]] = []  # (selection, market, odds, line)
        for k in range(MATCHUPS):
            matchup = (league - 1) * MATCHUPS + k + 1
            home, away = base + 2 * k + 1, base + 2 * k + 2
            home_score, away_score = rng.randint(400, 700) / 5, rng.randint(400, 700) / 5
            matchup_rows.append((matchup, league, home, away, home_score, away_score, LAST_KICKOFF))
            for j, (kind, line, odds) in enumerate(
                (("moneyline", None, (-150, 130)), ("total", rng.randint(180, 260) + 0.5, (-110, -110)))
            ):
                market = 2 * (matchup - 1) + j + 1
                number = 2 * k + j + 1  # the market's number in its league
                market_rows.append(
                    (market, league, number, league, matchup, kind, f"{kind} {k}", line, LAST_KICKOFF)
                )
                sides = ("home", "away") if kind == "moneyline" else ("over", "under")
                for s, side in enumerate(sides):
                    selection = 2 * (market - 1) + s + 1
                    selection_rows.append((selection, market, side, side, odds[s]))
                    selections.append((selection, market, odds[s], line))
        for number in range(1, bets_per_league + 1):  # the bet's number in its league
            bet_id += 1
            selection, market, price, line = rng.choice(selections)
            member = base + rng.randint(1, MEMBERS)
            stake = rng.randint(1, 200)
            bet_rows.append(
                (
                    bet_id,
                    league,
                    number,
                    member,
                    league,
                    market,
                    selection,
                    stake,
                    price,
                    line,
                    f"b{bet_id}",
                    OPENED_AT,
                )
            )
    conn.executemany(
        "INSERT INTO leagues (id, tenant_id, name, source, settings, paused, created_at, last_market_number,"
        " last_bet_number, sync_failures, season_over) VALUES (?, 1, ?, 'demo', '{}', 0, ?, ?, ?, 0, 0)",
        league_rows,
    )
    conn.executemany(
        "INSERT INTO teams (id, league_id, espn_team_id, name, abbrev, wins, losses, ties, points_for,"
        " points_against) VALUES (?, ?, ?, ?, ?, 0, 0, 0, 0, 0)",
        team_rows,
    )
    conn.executemany(
        "INSERT INTO members (id, league_id, user_id, display_name, team_id, balance, created_at, dm_opt_in)"
        " VALUES (?, ?, ?, ?, ?, 10000, ?, 0)",
        member_rows,
    )
    conn.executemany(
        "INSERT INTO weeks (id, league_id, season, matchup_period, scoring_periods, status, first_kickoff,"
        " final_at, last_kickoff, opened_at, is_playoff, markets_open)"
        " VALUES (?, ?, 2026, 5, '[5]', 'open', NULL, ?, ?, ?, 0, 1)",
        week_rows,
    )
    conn.executemany(
        "INSERT INTO matchups (id, week_id, home_team_id, away_team_id, home_score, away_score, lock_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        matchup_rows,
    )
    conn.executemany(
        "INSERT INTO markets (id, league_id, number, week_id, matchup_id, kind, subject, label, line, status,"
        " lock_at)"
        " VALUES (?, ?, ?, ?, ?, ?, '', ?, ?, 'locked', ?)",
        market_rows,
    )
    conn.executemany(
        "INSERT INTO selections (id, market_id, side, label, fair_p, odds, liability)"
        " VALUES (?, ?, ?, ?, 0.5, ?, 0)",
        selection_rows,
    )
    conn.executemany(
        "INSERT INTO bets (id, league_id, number, member_id, week_id, market_id, selection_id, stake, odds,"
        " line, fair_p, status, idempotency_key, placed_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0.5, 'open', ?, ?)",
        bet_rows,
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return bet_id


# Grading in SQL for the two kinds seeded: the sign of (margin) for a moneyline side, of
# (total - line) for a total side; payouts floored exactly as engine.payout does.
SET_BASED = f"""
WITH graded AS (
  SELECT b.id, b.stake, b.odds,
    CASE
      WHEN mk.kind = 'moneyline' THEN
        (CASE WHEN mu.home_score > mu.away_score THEN 1 WHEN mu.home_score < mu.away_score THEN -1 ELSE 0 END)
        * (CASE se.side WHEN 'home' THEN 1 ELSE -1 END)
      ELSE
        (CASE WHEN mu.home_score + mu.away_score > b.line THEN 1
              WHEN mu.home_score + mu.away_score < b.line THEN -1 ELSE 0 END)
        * (CASE se.side WHEN 'over' THEN 1 ELSE -1 END)
    END AS sign
  FROM bets b
  JOIN selections se ON se.id = b.selection_id
  JOIN markets mk ON mk.id = b.market_id
  JOIN matchups mu ON mu.id = mk.matchup_id
  JOIN weeks w ON w.id = b.week_id
  WHERE b.status = 'open' AND w.final_at IS NOT NULL AND mk.status IN ('open', 'locked')
)
UPDATE bets SET
  status = CASE WHEN g.sign > 0 THEN 'won' WHEN g.sign = 0 THEN 'push' ELSE 'lost' END,
  payout = CASE
    WHEN g.sign > 0 THEN
      CASE WHEN g.odds < 0 THEN g.stake * (100 - g.odds) / (-g.odds) ELSE g.stake * (100 + g.odds) / 100 END
    WHEN g.sign = 0 THEN g.stake ELSE 0 END,
  settled_at = :now
FROM graded g WHERE bets.id = g.id;

INSERT INTO ledger (league_id, member_id, kind, amount, bet_id, week_id, memo, dedupe_key, created_at)
SELECT league_id, member_id, CASE status WHEN 'won' THEN 'payout' ELSE 'refund' END, payout, id, week_id,
       status, '{keys.SETTLE_PREFIX}' || id, :now
FROM bets WHERE settled_at = :now AND payout > 0
ON CONFLICT (member_id, dedupe_key) DO NOTHING;

UPDATE members SET balance = balance + t.total
FROM (SELECT member_id, SUM(amount) AS total FROM ledger
      WHERE created_at = :now AND dedupe_key LIKE '{keys.SETTLE_PREFIX}%' GROUP BY member_id) t
WHERE members.id = t.member_id;

UPDATE selections SET liability = 0 WHERE liability != 0
  AND market_id IN (SELECT id FROM markets WHERE status IN ('open', 'locked'));

UPDATE markets SET status = 'settled' WHERE status IN ('open', 'locked');

UPDATE weeks SET status = 'settled', settled_at = :now WHERE status != 'settled' AND final_at IS NOT NULL;
"""


def set_based(path: Path) -> float:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    now = NOW.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    for statement in SET_BASED.split(";\n"):
        if statement.strip():
            conn.execute(statement, {"now": now})
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed


async def product(path: Path) -> tuple[float, int]:
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        async with db.read() as session:
            leagues = (await session.scalars(select(League).order_by(League.id))).all()
        started = time.perf_counter()
        settled = 0
        for league in leagues:
            for summary in await settle_due(db, league, NOW):
                settled += summary.bets
        elapsed = time.perf_counter() - started
        # A rerun (a restarted job) must find nothing left to pay.
        again = 0
        for league in leagues[:50]:
            again += sum(summary.bets for summary in await settle_due(db, league, NOW, force=True))
        assert again == 0, f"a rerun settled {again} bets again"
    finally:
        await db.dispose()
    return elapsed, settled


def fingerprint(path: Path) -> tuple[object, ...]:
    """What both sides must agree on: every bet's grade and payout, the ledger, the balances."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute(
                "SELECT status, COUNT(*), SUM(payout), SUM(id * payout) FROM bets GROUP BY status"
            ).fetchall(),
            conn.execute(
                "SELECT kind, COUNT(*), SUM(amount) FROM ledger GROUP BY kind ORDER BY kind"
            ).fetchall(),
            conn.execute("SELECT SUM(balance), SUM(id * balance) FROM members").fetchall(),
            conn.execute("SELECT status, COUNT(*) FROM markets GROUP BY status").fetchall(),
        )
    finally:
        conn.close()


async def run(leagues: int, bets_per_league: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ours, theirs = Path(tmp) / "product.db", Path(tmp) / "set-based.db"
        db = Database(f"sqlite+aiosqlite:///{ours}")
        await upgrade_to_head(db)
        await db.dispose()
        started = time.perf_counter()
        bets = seed(ours, leagues, bets_per_league)
        print(
            f"seeded {leagues:,} leagues, {bets:,} open bets in {time.perf_counter() - started:.1f} s"
            " (not timed)"
        )
        shutil.copyfile(ours, theirs)
        baseline = set_based(theirs)
        print(f"set-based SQL, one transaction:       {baseline:7.2f} s  {bets / baseline:10,.0f} bets/s")
        elapsed, settled = await product(ours)
        print(
            f"settle_due per league (product path): {elapsed:7.2f} s  {settled / elapsed:10,.0f} bets/s"
            f"  ({settled:,} bets settled)"
        )
        agree = fingerprint(ours) == fingerprint(theirs)
        print(f"both sides agree on every bet, ledger total and balance: {agree}")
        assert settled == bets, f"settled {settled} of {bets} bets"
        assert agree, "product settlement and set-based SQL disagree"
        emit(
            Row(
                f"settlement, {bets:,} bets across {leagues:,} leagues (SQLite)",
                f"{elapsed:.1f} s ({settled / elapsed:,.0f} bets/s), results identical to baseline",
                f"set-based SQL: {baseline:.1f} s ({bets / baseline:,.0f} bets/s)",
                f"<= {TARGET_SECONDS:.0f} s at 1,000,000 bets",
                elapsed <= TARGET_SECONDS if bets >= 1_000_000 else None,
            )
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leagues", type=int, default=10_000)
    parser.add_argument("--bets-per-league", type=int, default=100)
    args = parser.parse_args(argv)
    asyncio.run(run(args.leagues, args.bets_per_league))


if __name__ == "__main__":
    main()
