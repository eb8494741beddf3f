"""Write the demo league's ESPN-shaped JSON: `python -m adapters.espn.demo.generate`.

The league itself (who plays, what they score, every ESPN response) is built by
`adapters.espn.demo.league`; this is only the command that writes it to `data/`, or with
`--check` exits non-zero when the committed files differ from what the code generates.
Everything is fictional except the 32 NFL teams (ESPN's real proTeamIds).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from adapters.espn.demo import DATA_DIR
from adapters.espn.demo.league import build_demo_payloads
from adapters.espn.demo.shapes import Json

__all__ = ["main", "render", "stale_files", "write_demo_data"]


def render(payload: Json) -> str:
    """Stable text for a payload: same input, same bytes, on every platform."""
    return json.dumps(payload, indent=1, ensure_ascii=False, allow_nan=False) + "\n"


def write_demo_data(out_dir: Path = DATA_DIR) -> list[Path]:
    """Write every demo file into `out_dir`; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, payload in build_demo_payloads().items():
        path = out_dir / name
        path.write_text(render(payload), encoding="utf-8", newline="\n")
        written.append(path)
    return written


def stale_files(out_dir: Path = DATA_DIR) -> list[str]:
    """Names of demo files that are missing or differ from what the code generates."""
    stale = []
    for name, payload in build_demo_payloads().items():
        path = out_dir / name
        if not path.exists() or path.read_bytes() != render(payload).encode("utf-8"):
            stale.append(name)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output directory")
    parser.add_argument("--check", action="store_true", help="only verify the files are current")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files(args.out)
        for name in stale:
            print(f"stale: {name}", file=sys.stderr)
        return 1 if stale else 0
    for path in write_demo_data(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
