"""How a benchmark hands its figures to the runner (`python -m bench`).

Every benchmark prints its own human-readable lines as before, and then one line per
table row starting with RESULT_PREFIX and a JSON object. The runner starts each benchmark
in its own process and reads only those lines, so a benchmark's wording can change
without breaking the table.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

RESULT_PREFIX = "BENCH-RESULT "


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: a figure, the same-run baseline beside it, and the target."""

    benchmark: str
    figure: str
    baseline: str
    target: str = ""
    met: bool | None = None  # None when there is no target to meet


def emit(*rows: Row) -> None:
    for row in rows:
        print(RESULT_PREFIX + json.dumps(asdict(row)), flush=True)


def parse(stdout: str) -> list[Row]:
    return [
        Row(**json.loads(line[len(RESULT_PREFIX) :]))
        for line in stdout.splitlines()
        if line.startswith(RESULT_PREFIX)
    ]
