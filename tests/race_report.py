"""A line in pytest's terminal summary saying how many interleavings the race suite tried.

A passing test's output is hidden (and under xdist a worker's stdout is not shown at all),
so a test records its figures with `report_races`, and the summary prints them: in one
process directly; under xdist each worker hands its lines to the controller through
`workeroutput` when it finishes, and the controller prints them. tests/conftest.py imports
the hooks (only the top conftest is loaded by the xdist controller).
"""

from __future__ import annotations

from typing import Any

import pytest

_KEY = "sidebet_race_lines"
_lines = pytest.StashKey[list[str]]()


def report_races(config: pytest.Config, line: str) -> None:
    """Print `line` in the terminal summary of this run."""
    config.stash.setdefault(_lines, []).append(line)


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the lines to the controller
        workeroutput[_KEY] = session.config.stash.get(_lines, [])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """xdist's controller, as each worker finishes."""
    lines = getattr(node, "workeroutput", {}).get(_KEY, [])
    if lines:
        report_races(node.config, "\n".join(lines))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    lines = config.stash.get(_lines, [])
    if lines:
        terminalreporter.section("race suite")
        for line in lines:
            terminalreporter.write_line(line)
