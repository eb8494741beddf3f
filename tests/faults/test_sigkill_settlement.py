"""SIGKILL during settlement, 20 times at seeded points, then a rerun: every bet paid exactly once.

A week with a few hundred bets is settled by a separate process that is killed with SIGKILL
at a chosen SQL statement (see settle_child.py), so each trial dies somewhere different:
while grading, between a bet's status change and its payout, while queueing the recap.
The surviving file is then settled again in this process, and the books must be exact:
one payout or refund row per winning, pushed or void bet, none for a loser, every member's
ledger equal to their balance, no balance below zero, and the total equal to what was
granted and adjusted plus every bet's payout minus its stake.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from commands.services.lifecycle import recap_due, settle_due
from commands.services.weeks import lock_due, sync_league
from storage.database import Database
from tests.book import Book
from tests.template_book import fresh_book

TRIALS = 20
USERS = tuple(f"bettor{i:02d}" for i in range(24))
ROOT = Path(__file__).resolve().parents[2]


async def _ready_week(folder: Path) -> tuple[Path, int, str]:
    """The demo week with hundreds of bets, final and due to settle; settlement not yet run."""
    book = await fresh_book(folder)
    markets = []
    for kind in ("moneyline", "spread", "total"):
        for i in range(4):
            markets.append(await book.market_number(kind, i))
    rng = random.Random(11)
    for n, user in enumerate(USERS):
        for k in range(12):
            market = markets[(n + k) % len(markets)]
            pick = rng.choice(("home", "away")) if k % 3 != 2 else rng.choice(("over", "under"))
            slip = await book.run(user, "bet", market=market, pick=pick, stake=rng.randint(5, 60))
            if slip.cards:
                await book.run(user, "confirm", quote=await book.slip_number(slip))
    # The end-of-week sync marks the week final; settlement is left for the child.
    book.clock.advance(timedelta(days=8))
    league = await book.league()
    await sync_league(book.db, league, book.services.providers(league), book.clock.now())
    await lock_due(book.db, league, book.clock.now())
    await book.db.dispose()
    return folder / "book.db", book.league_id, (book.clock.now() + timedelta(days=1)).isoformat()


def _child(path: Path, league_id: int, when: str, kill_at: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.faults.settle_child", str(path), str(league_id), when, str(kill_at)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _check_books(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        open_bets = conn.execute("SELECT COUNT(*) FROM bets WHERE status = 'open'").fetchone()[0]
        assert open_bets == 0
        bets = conn.execute("SELECT id, stake, status, payout FROM bets").fetchall()
        paid = {
            bet_id: (count, total)
            for bet_id, count, total in conn.execute(
                "SELECT bet_id, COUNT(*), SUM(amount) FROM ledger "
                "WHERE kind IN ('payout', 'refund') AND bet_id IS NOT NULL GROUP BY bet_id"
            )
        }
        for bet_id, _stake, status, payout in bets:
            if payout:  # won, push or void: exactly one row, of exactly the payout
                assert paid.get(bet_id) == (1, payout), (bet_id, status, payout, paid.get(bet_id))
            else:
                assert bet_id not in paid, (bet_id, status)
        balances = dict(conn.execute("SELECT id, balance FROM members"))
        ledger = dict(conn.execute("SELECT member_id, SUM(amount) FROM ledger GROUP BY member_id"))
        assert {m: ledger.get(m, 0) for m in balances} == balances
        assert min(balances.values()) >= 0
        granted = conn.execute(
            "SELECT COALESCE(SUM(amount), 0) FROM ledger WHERE kind IN ('grant', 'adjustment', 'rebuy')"
        ).fetchone()[0]
        net = sum((payout or 0) - stake for _id, stake, _status, payout in bets)
        assert sum(balances.values()) == granted + net
        posts = conn.execute("SELECT COUNT(*) FROM outbox WHERE kind = 'settled'").fetchone()[0]
        assert posts == 1
        return {"bets": len(bets), "paid": len(paid)}


async def _rerun(path: Path, league_id: int, when: str) -> None:
    db = Database(f"sqlite+aiosqlite:///{path}")
    book = Book(db)
    book.league_id = league_id
    league, now = await book.league(), datetime.fromisoformat(when)
    await settle_due(db, league, now)
    await recap_due(db, league, now)
    await db.dispose()


def test_settlement_killed_at_twenty_points_then_rerun_pays_every_bet_exactly_once(tmp_path):
    ready, league_id, when = asyncio.run(_ready_week(tmp_path))
    # One uninterrupted run on a copy counts the statements a settlement makes.
    dry = tmp_path / "dry" / "book.db"
    dry.parent.mkdir()
    shutil.copyfile(ready, dry)
    counted = _child(dry, league_id, when, 0)
    assert counted.returncode == 0, counted.stderr[-2000:]
    settling = int(counted.stdout.split("settle_statements=")[1].split()[0])
    statements = int(counted.stdout.split(" statements=")[1])
    figures = _check_books(dry)
    # Settlement is set-based (a few statements per league, not per bet), so every one of
    # its statements is a kill point, and the rest are drawn from the recap that follows.
    assert figures["bets"] >= 150 and settling < TRIALS < statements
    rng = random.Random(20261122)
    points = list(range(1, settling + 1)) + sorted(
        rng.sample(range(settling + 1, statements + 1), TRIALS - settling)
    )
    for trial, point in enumerate(points):
        copy = tmp_path / f"trial{trial}" / "book.db"
        copy.parent.mkdir()
        shutil.copyfile(ready, copy)
        killed = _child(copy, league_id, when, point)
        assert killed.returncode == -9, (point, killed.returncode, killed.stderr[-2000:])
        asyncio.run(_rerun(copy, league_id, when))
        assert _check_books(copy) == figures, (trial, point)
