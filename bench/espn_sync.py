"""Sync 1,000 ESPN leagues concurrently through EspnClient vs espn_api's blocking `League(...)`.

`python -m bench.espn_sync [--leagues 1000] [--latency 0.1] [--baseline-leagues 100]`

Why: the bot syncs every linked league every few minutes on game days. espn_api loads one league
at a time with blocking `requests` (four round trips each, the 300 KB NFL schedule re-downloaded
per league); our client shares one connection pool, runs leagues concurrently under a semaphore,
coalesces and caches shared requests (one NFL schedule and one scoreboard for all leagues), and
parses in worker threads.

Both sides talk to the same fake ESPN (tests/fakes/espn_fake.py), started in a separate process
on 127.0.0.1 (port 0) so its CPU does not share our GIL. `--latency` adds a delay to every
response of the fake, standing in for ESPN's real round trip over the internet (it is 0.1-0.4 s
in practice; the default here is 0.1 s; `--latency 0` shows the CPU-bound case). The async
side does strictly more work per league (league + box scores of the current matchup period +
NFL scoreboard) than `League(...)` (league, players, draft, NFL schedule).

The blocking baseline loads one league after another, so at 1,000 leagues it would take
minutes; it runs over the first `--baseline-leagues` leagues and its time is scaled to the
full count (it is linear: each league costs the same four round trips).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.report import Row, emit

ROOT = Path(__file__).resolve().parents[1]
SEASON = 2026
FIRST_ID = 100_001
#: Sunday of NFL week 5, 2026, mid-afternoon: the early games are live, later ones pending.
AT = datetime(2026, 10, 11, 19, 0, tzinfo=UTC)


def start_fake(leagues: int, latency: float) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.espn_fake",
            "--leagues",
            str(leagues),
            "--first-id",
            str(FIRST_ID),
            "--season",
            str(SEASON),
            "--at",
            AT.isoformat(),
            "--latency",
            str(latency),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("PORT "):
        proc.kill()
        raise SystemExit(f"fake ESPN did not start: {line!r}")
    return proc, int(line.split()[1])


async def sync_async(port: int, leagues: int, concurrency: int) -> tuple[float, int, int]:
    from concurrent.futures import ProcessPoolExecutor

    from adapters.espn.client import EspnClient
    from adapters.espn.provider import EspnLeagueProvider

    # As the bot runs it (bot/chat.py): espn_api parsing in a pool of one process per core.
    pool = ProcessPoolExecutor(max_workers=os.cpu_count() or 1)
    await asyncio.gather(*(asyncio.get_running_loop().run_in_executor(pool, _warm) for _ in range(8)))

    client = EspnClient(
        f"http://127.0.0.1:{port}/apis/v3/games/", f"http://127.0.0.1:{port}", max_concurrency=concurrency
    )

    async def one(league_id: int) -> int:
        provider = EspnLeagueProvider(client, league_id, SEASON, None, lambda: AT, parse_executor=pool)
        league = await provider.fetch_league()
        week = await provider.fetch_week(league.current_matchup_period)
        return len(week.matchups)

    start = time.perf_counter()
    matchups = await asyncio.gather(*(one(FIRST_ID + i) for i in range(leagues)))
    elapsed = time.perf_counter() - start
    await client.aclose()
    pool.shutdown()
    return elapsed, client.requests_sent, sum(matchups)


def _warm() -> None:
    """Import the parser in a pool process before timing starts (a running bot's pool is warm)."""
    import adapters.espn.parse  # noqa: F401


def load_blocking(port: int, leagues: int) -> tuple[float, int, int]:
    import espn_api.requests.espn_requests as espn_requests
    from espn_api.football import League

    espn_requests.FANTASY_BASE_ENDPOINT = f"http://127.0.0.1:{port}/apis/v3/games/"
    real_get = espn_requests.requests.get
    count = 0

    def counting_get(*args, **kwargs):
        nonlocal count
        count += 1
        return real_get(*args, **kwargs)

    espn_requests.requests.get = counting_get
    teams = 0
    start = time.perf_counter()
    try:
        for i in range(leagues):
            teams += len(League(league_id=FIRST_ID + i, year=SEASON).teams)
    finally:
        espn_requests.requests.get = real_get
    return time.perf_counter() - start, count, teams


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ESPN sync benchmark against the fake ESPN")
    parser.add_argument("--leagues", type=int, default=1000)
    parser.add_argument(
        "--baseline-leagues", type=int, default=100, help="leagues loaded by the blocking side"
    )
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the fake adds to each response")
    parser.add_argument("--concurrency", type=int, default=20, help="EspnClient max_concurrency")
    args = parser.parse_args(argv)
    proc, port = start_fake(args.leagues, args.latency)
    try:
        # warm both paths once (imports, the fake's rendering of each league) so neither pays it alone
        asyncio.run(sync_async(port, 2, 2))
        load_blocking(port, 2)
        a_time, a_requests, matchups = asyncio.run(sync_async(port, args.leagues, args.concurrency))
        baseline_leagues = min(args.baseline_leagues, args.leagues)
        b_time, b_requests, teams = load_blocking(port, baseline_leagues)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"fake ESPN: 127.0.0.1:{port}, {args.leagues} leagues, +{args.latency * 1000:.0f} ms per response")
    print(
        f"EspnClient, concurrent (max {args.concurrency} in flight), league + current week each: "
        f"{a_time:7.2f} s  {a_requests:5d} requests  {a_requests / a_time:7.1f} req/s  "
        f"{args.leagues / a_time:6.1f} leagues/s  ({matchups} matchups)"
    )
    print(
        f"espn_api League(...), one after another ({baseline_leagues} leagues):       "
        f"{b_time:7.2f} s  {b_requests:5d} requests  {b_requests / b_time:7.1f} req/s  "
        f"{baseline_leagues / b_time:6.1f} leagues/s  ({teams} teams)"
    )
    scaled = b_time * args.leagues / baseline_leagues
    print(
        f"speed-up: {scaled / a_time:.1f}x (blocking time scaled to {args.leagues} leagues: {scaled:.1f} s)"
    )
    emit(
        Row(
            f"ESPN sync of {args.leagues:,} leagues, +{args.latency * 1000:.0f} ms per response (fake ESPN)",
            f"{a_time:.1f} s, {a_requests / a_time:,.0f} req/s, {args.leagues / a_time:,.1f} leagues/s "
            f"(max {args.concurrency} in flight)",
            f"espn_api League(...) one by one: {baseline_leagues / b_time:,.1f} leagues/s "
            f"({scaled:,.0f} s for {args.leagues:,}, {scaled / a_time:.1f}x slower)",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
