"""Resident memory of one bot process holding 1,000 ESPN leagues, beside a bare interpreter.

Run: `python -m bench.memory [--leagues 1000]` (Linux: reads /proc).

The measured process is built the way `sidebet run` builds it (bot/chat.py run_bot):
settings, the SQLite database migrated, the ESPN client with its pool of parser processes,
the Discord and Slack adapters imported, the scheduler. It holds `--leagues` ESPN leagues
and runs one scheduler tick over all of them against the fake ESPN (tests/fakes/espn_fake,
in its own process on 127.0.0.1): every league is synced (league, box scores, NFL
scoreboard), its week stored and its markets priced. Then it reports its own peak and
current resident set (VmHWM, VmRSS) and, apart, that of its parser pool processes.

Baseline in the same run: a fresh interpreter that imports the same modules and does
nothing else, so the difference is what 1,000 leagues and a tick cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.report import Row, emit

ROOT = Path(__file__).resolve().parents[1]
TARGET_MB = 300.0
SEASON, FIRST_ID = 2026, 100_001
AT = datetime(2026, 10, 11, 19, 0, tzinfo=UTC)


def import_bot() -> None:
    """What `sidebet run` imports before it serves anything (both chat adapters included)."""
    import adapters.discord.runner
    import adapters.slack.runner  # noqa: F401
    import bot.chat
    import bot.cli  # noqa: F401


def memory(pid: int | str = "self") -> dict[str, float]:
    """Peak (VmHWM) and current (VmRSS) resident set of a process, in MB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            fields[key] = int(value.split()[0]) / 1024
    return fields


async def hold_leagues(port: int, leagues: int) -> dict[str, float]:
    from concurrent.futures import ProcessPoolExecutor

    from adapters.espn.client import EspnClient
    from bot.app import open_database, provider_factory, season_detector
    from bot.scheduler import BookScheduler
    from commands.clock import ManualClock
    from commands.context import Services
    from storage.models import League, Tenant

    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(f"sqlite+aiosqlite:///{Path(tmp) / 'bot.db'}")
        clock = ManualClock(AT)
        espn = EspnClient(f"http://127.0.0.1:{port}/apis/v3/games/", f"http://127.0.0.1:{port}")
        pool = ProcessPoolExecutor(max_workers=os.cpu_count() or 1)
        services = Services(
            db, clock, provider_factory(clock, espn, pool), detect_season=season_detector(clock, espn)
        )
        async with db.write() as session:
            tenant = Tenant(platform="discord", workspace_id="bench", created_at=AT)
            session.add(tenant)
            await session.flush()
            session.add_all(
                League(
                    tenant_id=tenant.id,
                    name=f"League {i}",
                    source="espn",
                    espn_league_id=FIRST_ID + i,
                    season=SEASON,
                    channel_id=str(i),
                    settings={},
                    created_at=AT,
                )
                for i in range(leagues)
            )
        scheduler = BookScheduler(services, ["discord"])
        scheduler.start()
        await scheduler.stop()  # the APScheduler machinery is built; the tick below is run by hand
        started = time.perf_counter()
        reports = await scheduler.tick()
        took = time.perf_counter() - started
        synced = sum(1 for r in reports.values() if r.sync is not None and r.sync_error is None)
        own = memory()
        children = [memory(p) for p in (pool._processes or {})]
        pool.shutdown()
        await espn.aclose()
        await db.dispose()
    return {
        **own,
        "pool_rss": sum(c.get("VmRSS", 0.0) for c in children),
        "pool_processes": len(children),
        "synced": synced,
        "tick_seconds": took,
    }


def child(mode: str, port: int, leagues: int) -> None:
    import_bot()
    result = memory() if mode == "baseline" else asyncio.run(hold_leagues(port, leagues))
    print("MEMORY " + json.dumps(result), flush=True)


def measure(mode: str, port: int, leagues: int) -> dict[str, float]:
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.memory",
            "--child",
            mode,
            "--port",
            str(port),
            "--leagues",
            str(leagues),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("MEMORY "))
    return json.loads(line.removeprefix("MEMORY "))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leagues", type=int, default=1_000)
    parser.add_argument("--child", choices=("baseline", "bot"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.port, args.leagues)
        return
    from bench.espn_sync import start_fake

    fake, port = start_fake(args.leagues, 0.0)
    try:
        base = measure("baseline", port, args.leagues)
        bot = measure("bot", port, args.leagues)
    finally:
        fake.terminate()
        fake.wait(timeout=10)
    print(f"bare interpreter, same imports:  peak {base['VmHWM']:6.1f} MB  now {base['VmRSS']:6.1f} MB")
    print(
        f"bot holding {args.leagues:,} leagues after one tick ({bot['synced']:.0f} synced in "
        f"{bot['tick_seconds']:.1f} s): peak {bot['VmHWM']:6.1f} MB  now {bot['VmRSS']:6.1f} MB"
        f"  (+ {bot['pool_processes']:.0f} parser processes: {bot['pool_rss']:.1f} MB together)"
    )
    emit(
        Row(
            f"resident memory of one bot process holding {args.leagues:,} ESPN leagues, after a tick "
            "that synced and priced them all (fake ESPN)",
            f"peak {bot['VmHWM']:.0f} MB, now {bot['VmRSS']:.0f} MB ({bot['synced']:.0f} leagues synced in "
            f"{bot['tick_seconds']:.0f} s; parser pool apart: {bot['pool_rss']:.0f} MB in "
            f"{bot['pool_processes']:.0f} processes)",
            f"bare interpreter with the same imports: {base['VmRSS']:.0f} MB",
            f"peak <= {TARGET_MB:.0f} MB at 1,000 leagues",
            bot["VmHWM"] <= TARGET_MB if args.leagues >= 1_000 else None,
        )
    )


if __name__ == "__main__":
    main()
