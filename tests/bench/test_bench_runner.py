"""The benchmark runner still runs its benchmarks, and reports a broken one instead of crashing.

Benchmarks are not part of the suite; this keeps them from rotting. It runs the runner
end to end at --quick scale on the two benchmarks that exercise the most product code
(settlement through settle_due beside set-based SQL, with an agreement check; pricing
through plan_markets), and the failure paths with a module that does not exist and a
timeout nothing can meet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.__main__ import Bench, main, render, run_one
from bench.report import parse


def test_quick_run_writes_a_table_of_figures_beside_baselines(tmp_path: Path) -> None:
    output = tmp_path / "benchmarks.md"
    assert main(["--quick", "--only", "settlement,pricing", "--output", str(output)]) == 0
    table = output.read_text()
    assert "scale: QUICK" in table
    assert "| settlement, 50 bets across 10 leagues (SQLite) |" in table
    assert "results identical to baseline" in table
    assert "set-based SQL:" in table
    assert "| pricing a full week, 2 leagues (10 matchups," in table
    assert "FAILED" not in table


def test_a_broken_benchmark_is_a_failed_row_not_a_crash(tmp_path: Path) -> None:
    missing = run_one(Bench("missing", "bench.no_such_bench", (), (), 60), quick=True)
    slow = run_one(Bench("slow", "bench.pricing", (), ("--leagues", "2"), 60), quick=True, timeout=0.01)
    assert missing.error == "FAILED: exit code 1" and "No module named bench.no_such_bench" in missing.output
    assert slow.error == "FAILED: timed out after 0 s"
    table = render([missing, slow], [("scale", "QUICK")], 1.0)
    assert "| `bench.no_such_bench` | FAILED: exit code 1 |" in table
    assert "## `missing`: FAILED: exit code 1" in table
    assert "| `bench.pricing` | FAILED: timed out after 0 s |" in table
    later = render([missing], [("scale", "QUICK")], 1.0, header=False)  # what --append adds
    assert later.startswith("\n## Another run") and "# Benchmarks" not in later


def test_unknown_names_are_refused(capsys) -> None:  # type: ignore[no-untyped-def]
    try:
        main(["--only", "settlement,nope"])
    except SystemExit as exc:
        assert exc.code == 2
    else:
        raise AssertionError("an unknown benchmark name was accepted")
    assert "unknown benchmark(s) nope" in capsys.readouterr().err


def test_the_tick_bench_measures_every_kind_of_tick_beside_its_baseline(capsys: Any) -> None:
    """bench/tick.py at a tiny scale: it must keep running the scheduler's real tick."""
    from bench import tick

    tick.main(["--leagues", "3", "--distinct", "2"])
    rows = parse(capsys.readouterr().out)
    assert [row.benchmark.split(",")[1].strip() for row in rows] == [
        "cold (lines open)",
        "scores changed",
        "unchanged",
        "no sync due",
    ]
    cold, unchanged, quiet = rows[0], rows[2], rows[3]
    assert "set-based SQL" in cold.baseline

    def statements(row: Any) -> int:
        return int(row.figure.split(" CPU, ")[1].split(" statements")[0])

    # The quiet tick touches no league (only its own reads, shared by all); the cold one
    # writes hundreds of rows per league.
    assert statements(quiet) <= 2 < statements(unchanged) < statements(cold), rows
    assert int(cold.baseline.split("same ")[1].split(" rows")[0]) > 100
