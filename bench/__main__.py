"""Run every benchmark and write their figures, beside same-run baselines, to docs/benchmarks.md.

    python -m bench                      # everything at full scale (tens of minutes)
    python -m bench --quick              # tiny sizes: checks that every bench still runs
    python -m bench --only settlement,pricing
    python -m bench --list

Each benchmark runs in its own subprocess (imports, memory and event loops never leak
from one into the next) under its own timeout, and hands back table rows on stdout
(bench.report). A benchmark that fails, times out or reports nothing is a FAILED row in
the table, with the end of its output below it, and the runner carries on; its exit code
is then 1. PostgreSQL rows need SIDEBET_BENCH_DATABASE_URL or SIDEBET_TEST_DATABASE_URL
(postgresql+asyncpg://...); without one they are listed as skipped.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.report import Row, parse

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = ROOT / "docs" / "benchmarks.md"
PG_ENV = ("SIDEBET_BENCH_DATABASE_URL", "SIDEBET_TEST_DATABASE_URL")


@dataclass(frozen=True, slots=True)
class Bench:
    name: str
    module: str
    full: tuple[str, ...]
    quick: tuple[str, ...]
    timeout: float  # seconds at full scale; quick runs get a fifth of it, at least 120 s
    needs_postgres: bool = False


BENCHES = (
    Bench("settlement", "bench.settlement", (), ("--leagues", "10", "--bets-per-league", "5"), 3600),
    Bench("pricing", "bench.pricing", (), ("--leagues", "2"), 3600),
    Bench("parlays", "bench.parlays", (), ("--leagues", "2"), 3600),
    Bench("multiway", "bench.multiway", (), ("--leagues", "3", "--baseline-leagues", "2"), 1800),
    Bench("tick", "bench.tick", (), ("--leagues", "6", "--distinct", "2"), 3600),
    Bench("tick-10k", "bench.tick", ("--leagues", "10000"), ("--leagues", "8", "--distinct", "2"), 7200),
    Bench(
        "tick-postgresql",
        "bench.tick",
        (),
        ("--leagues", "6", "--distinct", "2"),
        3600,
        needs_postgres=True,
    ),
    Bench("memory", "bench.memory", (), ("--leagues", "4"), 3600),
    Bench(
        "espn-sync",
        "bench.espn_sync",
        (),
        ("--leagues", "4", "--baseline-leagues", "2", "--latency", "0"),
        1800,
    ),
    Bench(
        "sleeper-sync",
        "bench.sleeper_sync",
        (),
        ("--leagues", "4", "--baseline-leagues", "2", "--latency", "0"),
        1800,
    ),
    Bench("bets-sqlite", "bench.bet_throughput", (), ("--members", "5", "--bets", "4", "--rate", "200"), 900),
    Bench(
        "bets-postgresql",
        "bench.bet_throughput",
        ("--bets", "20"),  # 1,000 bets per run: quoting 4,000 slips first takes minutes there
        ("--members", "5", "--bets", "4", "--rate", "200"),
        900,
        needs_postgres=True,
    ),
    Bench(
        "discord",
        "bench.discord_interactions",
        (),
        ("--count", "12", "--warmup", "4", "--members", "4", "--rate", "50"),
        900,
    ),
    Bench(
        "slack", "bench.slack_commands", (), ("--commands", "12", "--concurrency", "4", "--users", "4"), 900
    ),
)


@dataclass(slots=True)
class Outcome:
    bench: Bench
    rows: list[Row] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    output: str = ""


def postgres_url() -> str | None:
    return next((os.environ[name] for name in PG_ENV if os.environ.get(name)), None)


def run_one(bench: Bench, quick: bool, timeout: float | None = None) -> Outcome:
    outcome = Outcome(bench)
    args = list(bench.quick if quick else bench.full)
    if bench.needs_postgres:
        url = postgres_url()
        if url is None:
            outcome.error = f"skipped: set {PG_ENV[0]} (or {PG_ENV[1]}) to a postgresql+asyncpg:// URL"
            return outcome
        args += ["--database-url", url]
    limit = timeout if timeout is not None else (max(120.0, bench.timeout / 5) if quick else bench.timeout)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", bench.module, *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=limit,
        )
    except subprocess.TimeoutExpired as exc:
        outcome.seconds = time.perf_counter() - started
        outcome.error = f"FAILED: timed out after {limit:.0f} s"
        outcome.output = _text(exc.stdout) + _text(exc.stderr)
        return outcome
    outcome.seconds = time.perf_counter() - started
    outcome.output = done.stdout + done.stderr
    outcome.rows = parse(done.stdout)
    if done.returncode != 0:
        outcome.error = f"FAILED: exit code {done.returncode}"
    elif not outcome.rows:
        outcome.error = "FAILED: reported no figures"
    return outcome


def _text(value: bytes | str | None) -> str:
    if value is None:
        return ""
    return value.decode(errors="replace") if isinstance(value, bytes) else value


def machine_facts(quick: bool) -> list[tuple[str, str]]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        names = [
            line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line
        ]
        cpu = names[0] if names else cpu
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "n/a"
    return [
        ("date (UTC)", datetime.now(UTC).strftime("%Y-%m-%d %H:%M")),
        ("scale", "QUICK (tiny sizes: a smoke check, not figures)" if quick else "full"),
        ("cores", f"{os.cpu_count()} ({cpu})"),
        ("load average at start (1/5/15 min)", load),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
        ("PostgreSQL", "yes (URL from the environment)" if postgres_url() else "not configured"),
        ("OS", platform.platform()),
    ]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


HEADER = [
    "# Benchmarks",
    "",
    "Written by `python -m bench` (`make bench`); do not edit by hand. Every figure is beside a",
    "baseline measured in the same run on the same machine. What each row measures is in the",
    "README (Development > Benchmarks) and in the docstring of its module under `bench/`.",
    "",
]


def render(outcomes: list[Outcome], facts: list[tuple[str, str]], took: float, *, header: bool = True) -> str:
    lines = [
        *(HEADER if header else ["", "## Another run", ""]),
        *(f"- {key}: {value}" for key, value in facts),
        f"- whole run: {took / 60:.1f} min",
        "",
        "| benchmark | figure | same-run baseline | target | met | run |",
        "|---|---|---|---|---|---|",
    ]
    for outcome in outcomes:
        run = f"`{outcome.bench.name}`, {outcome.seconds:.0f} s"
        for row in outcome.rows:
            met = {True: "yes", False: "**no**", None: "-"}[row.met]
            lines.append(
                f"| {_cell(row.benchmark)} | {_cell(row.figure)} | {_cell(row.baseline)} | "
                f"{_cell(row.target) or '-'} | {met} | {run} |"
            )
        if outcome.error is not None:
            lines.append(f"| `{outcome.bench.module}` | {_cell(outcome.error)} | - | - | - | {run} |")
    failed = [o for o in outcomes if o.error is not None and o.output]
    for outcome in failed:
        tail = "\n".join(outcome.output.strip().splitlines()[-15:])
        lines += ["", f"## `{outcome.bench.name}`: {outcome.error}", "", "```", tail, "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, to check every bench still runs")
    parser.add_argument("--only", help="comma-separated benchmark names (see --list)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="markdown file to write")
    parser.add_argument(
        "--timeout", type=float, help="seconds allowed per benchmark (overrides each default)"
    )
    parser.add_argument("--append", action="store_true", help="add this run below those already in --output")
    args = parser.parse_args(argv)
    if args.list:
        for bench in BENCHES:
            print(f"{bench.name:<16} python -m {bench.module} {' '.join(bench.full)}")
        return 0
    chosen = list(BENCHES)
    if args.only:
        names = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = sorted(set(names) - {b.name for b in BENCHES})
        if unknown:
            parser.error(
                f"unknown benchmark(s) {', '.join(unknown)}; known: {', '.join(b.name for b in BENCHES)}"
            )
        chosen = [b for b in BENCHES if b.name in names]
    facts = machine_facts(args.quick)
    started = time.perf_counter()
    outcomes = []
    args.output.parent.mkdir(parents=True, exist_ok=True)
    earlier = args.output.read_text() if args.append and args.output.exists() else ""
    for bench in chosen:
        print(f"running {bench.name} ({bench.module}) ...", flush=True)
        outcome = run_one(bench, args.quick, args.timeout)
        print(f"  {outcome.error or 'ok'} in {outcome.seconds:.0f} s", flush=True)
        for row in outcome.rows:
            print(f"  {row.benchmark}: {row.figure} | baseline {row.baseline}", flush=True)
        outcomes.append(outcome)
        # Rewritten after each benchmark, so an interrupted run keeps what has finished.
        section = render(outcomes, facts, time.perf_counter() - started, header=not earlier)
        args.output.write_text(earlier + section)
    print(f"wrote {args.output}")
    return 1 if any(o.error and o.error.startswith("FAILED") for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
