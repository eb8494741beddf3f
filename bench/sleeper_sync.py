"""Sync 1,000 Sleeper leagues through SleeperClient vs a naive client, one league at a time.

`python -m bench.sleeper_sync [--leagues 1000] [--latency 0.1] [--baseline-leagues 20]`

Why: a bot serving many Sleeper leagues must stay under Sleeper's 1,000 calls a minute for the
whole process while syncing every league every few minutes on game days. SleeperClient shares one
connection pool, runs leagues concurrently under a semaphore, fetches the NFL state, each week's
projections and the 5 MB player directory once for every league, and holds one process-wide rate
limit. The baseline is what a simple bot does: one league after another with blocking `httpx`,
each league fetching everything it needs, the player directory and projections included. It runs
over `--baseline-leagues` leagues and its time is scaled to the full count (it is linear).

The rate limit runs on a virtual clock here, advanced by the limiter's own waits, so the
benchmark measures the work and reports apart how long Sleeper's limit (900 calls a minute,
the default) stretches it: the limiter's clock at the end, with never more than 900 calls in
any minute of it. Both sides talk to the same fake Sleeper (and our side to a fake ESPN for the
NFL's games), each in a process of its own on 127.0.0.1 (port 0) so their CPU does not share
our GIL. The fakes render each answer once; on a small shared machine they are still the slower
end at full scale, so the clients wait up to two minutes for an answer.
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from pathlib import Path

from bench.espn_sync import AT, FIRST_ID, SEASON
from bench.espn_sync import start_fake as start_espn
from bench.report import Row, emit
from tests.virtual_time import Ticker

ROOT = Path(__file__).resolve().parents[1]
LIMIT = 900


def start_fake(leagues: int, latency: float) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.sleeper_fake",
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
        raise SystemExit(f"fake Sleeper did not start: {line!r}")
    return proc, int(line.split()[1])


def league_id(index: int) -> str:
    return str(10**18 + FIRST_ID + index)


async def sync_async(
    sleeper_port: int, espn_port: int, leagues: int, concurrency: int
) -> tuple[float, int, int, float, int]:
    """Wall seconds, requests, matchups, the limit's span in seconds, the most calls in a minute."""
    from adapters.espn.client import EspnClient
    from adapters.sleeper.client import SleeperClient
    from adapters.sleeper.provider import SleeperLeagueProvider
    from adapters.sleeper.rate_limit import RateLimit

    virtual = Ticker()  # the rate limit's clock: it moves only when the limiter waits
    limit = RateLimit(LIMIT, 60.0, monotonic=virtual, sleep=virtual.sleep)
    sent: list[float] = []
    acquire = limit.acquire

    async def recorded() -> None:
        await acquire()
        sent.append(virtual())

    limit.acquire = recorded  # type: ignore[method-assign]
    sleeper = SleeperClient(
        f"http://127.0.0.1:{sleeper_port}", max_concurrency=concurrency, rate_limit=limit, timeout=120.0
    )
    espn = EspnClient(
        f"http://127.0.0.1:{espn_port}/apis/v3/games/",
        f"http://127.0.0.1:{espn_port}",
        max_concurrency=concurrency,
        timeout=120.0,
    )

    async def one(index: int) -> int:
        provider = SleeperLeagueProvider(sleeper, espn, league_id(index), lambda: AT)
        league = await provider.fetch_league()
        week = await provider.fetch_week(league.current_matchup_period)
        return len(week.matchups)

    start = time.perf_counter()
    matchups = await asyncio.gather(*(one(i) for i in range(leagues)))
    elapsed = time.perf_counter() - start
    await sleeper.aclose()
    await espn.aclose()
    busiest = max((sum(1 for t in sent[i:] if t < s + 60.0) for i, s in enumerate(sent)), default=0)
    return elapsed, sleeper.requests_sent, sum(matchups), virtual.t, busiest


def load_blocking(sleeper_port: int, leagues: int) -> tuple[float, int, int]:
    """A simple bot's sync: every league on its own, every answer fetched and decoded again."""
    import httpx

    base = f"http://127.0.0.1:{sleeper_port}"
    count = teams = 0
    start = time.perf_counter()
    with httpx.Client(base_url=base, timeout=30.0) as http:

        def get(path: str) -> object:
            nonlocal count
            count += 1
            response = http.get(path)
            response.raise_for_status()
            return response.json()

        for index in range(leagues):
            lid = league_id(index)
            get(f"/v1/league/{lid}")
            get(f"/v1/league/{lid}/users")
            rosters = get(f"/v1/league/{lid}/rosters")
            state = get("/v1/state/nfl")
            assert isinstance(state, dict) and isinstance(rosters, list)
            get("/v1/players/nfl")
            get(f"/v1/league/{lid}/matchups/{state['week']}")
            get(f"/projections/nfl/{SEASON}/{state['week']}?season_type=regular")
            teams += len(rosters)
    return time.perf_counter() - start, count, teams


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sleeper sync benchmark against the fake Sleeper")
    parser.add_argument("--leagues", type=int, default=1000)
    parser.add_argument("--baseline-leagues", type=int, default=20, help="leagues loaded by the naive side")
    parser.add_argument("--latency", type=float, default=0.1, help="seconds the fakes add to each response")
    parser.add_argument("--concurrency", type=int, default=20, help="SleeperClient max_concurrency")
    args = parser.parse_args(argv)
    # The NFL's games from a fake ESPN of their own (one league: only its NFL season is read),
    # so neither fake's CPU holds up the other's answers.
    espn_proc, espn_port = start_espn(1, args.latency)
    proc, sleeper_port = start_fake(args.leagues, args.latency)
    try:
        asyncio.run(sync_async(sleeper_port, espn_port, 2, 2))  # warm imports and the fakes
        load_blocking(sleeper_port, 1)
        a_time, a_requests, matchups, span, busiest = asyncio.run(
            sync_async(sleeper_port, espn_port, args.leagues, args.concurrency)
        )
        baseline_leagues = min(args.baseline_leagues, args.leagues)
        b_time, b_requests, teams = load_blocking(sleeper_port, baseline_leagues)
    finally:
        for process in (proc, espn_proc):
            process.terminate()
            process.wait(timeout=10)
    latency = f"+{args.latency * 1000:.0f} ms per response"
    print(f"fake Sleeper: 127.0.0.1:{sleeper_port}, {args.leagues} leagues, {latency}")
    print(
        f"SleeperClient, concurrent (max {args.concurrency} in flight), league + current week each: "
        f"{a_time:7.2f} s  {a_requests:5d} Sleeper requests  {args.leagues / a_time:6.1f} leagues/s  "
        f"({matchups} matchups)"
    )
    print(
        f"  under the {LIMIT}/min limit: spans {span / 60:.1f} min, busiest minute {busiest} calls "
        f"({a_requests / args.leagues:.1f} calls a league)"
    )
    scaled = b_time * args.leagues / baseline_leagues
    per_league = b_requests / baseline_leagues
    print(
        f"naive blocking client, one league after another ({baseline_leagues} leagues): {b_time:7.2f} s  "
        f"{b_requests:5d} requests  {baseline_leagues / b_time:6.1f} leagues/s  ({teams} teams)"
    )
    print(
        f"speed-up: {scaled / a_time:.1f}x (naive time scaled to {args.leagues}: {scaled:.1f} s; "
        f"its {per_league:.0f} calls a league would span "
        f"{per_league * args.leagues / LIMIT:.1f} min of the limit)"
    )
    emit(
        Row(
            f"Sleeper sync of {args.leagues:,} leagues, {latency} (fake Sleeper)",
            f"{a_time:.1f} s, {args.leagues / a_time:,.1f} leagues/s, "
            f"{a_requests / args.leagues:.1f} calls a league; "
            f"under {LIMIT}/min: {span / 60:.1f} min, busiest minute {busiest}",
            f"naive one by one: {baseline_leagues / b_time:,.1f} leagues/s ({scaled:,.0f} s for "
            f"{args.leagues:,}, {scaled / a_time:.1f}x slower), {per_league:.0f} calls a league "
            f"({per_league * args.leagues / LIMIT:.1f} min under the limit)",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
