"""The console driven through a pseudo-terminal, as a person types: arrow keys edit the line,
Up recalls lines (from earlier runs too), Tab completes commands, ids and controls, Ctrl-C
drops a line, refusals are red, and `--reset` asks before deleting anything.

Each test starts `python -m bot.cli console` in a pty against its own SQLite file; every wait
is bounded by pexpect's timeout (the first, start-up and migrations, gets the longest).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

START_TIMEOUT = 60  # importing everything and migrating a fresh database on a busy machine
STEP_TIMEOUT = 20
# The prompt as prompt_toolkit draws it: `alex>` with colour codes in between, maybe a badge.
PROMPT = r"alex(?:\x1b\[[0-9;]*m)*(?: \(commissioner\))?(?:\x1b\[[0-9;]*m)*>"
UP, LEFT, TAB, ENTER, CTRL_C, CTRL_D = "\x1b[A", "\x1b[D", "\t", "\r", "\x03", "\x04"


def spawn(tmp_path: Path, *args: str, colour: bool = True):
    env = {
        **os.environ,
        "SIDEBET_CONFIG": str(tmp_path / "none.toml"),
        "SIDEBET_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}",
        "SIDEBET_LOG_FILE": str(tmp_path / "sidebet.log"),
        "SIDEBET_DEMO__FILES_DIR": str(tmp_path / "files"),
        "SIDEBET_DEMO__HISTORY_FILE": str(tmp_path / "history"),
        "TERM": "xterm-256color",
        # No terminal answers prompt_toolkit's cursor-position query here: don't wait for one.
        "PROMPT_TOOLKIT_NO_CPR": "1",
    }
    env.pop("NO_COLOR", None)
    if not colour:
        env["NO_COLOR"] = "1"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "bot.cli", "console", *args],
        cwd=str(tmp_path),
        env=env,
        dimensions=(40, 80),
        encoding="utf-8",
        timeout=STEP_TIMEOUT,
    )
    return child


def started(child) -> None:
    child.expect("Sidebet console", timeout=START_TIMEOUT)
    child.expect(PROMPT)


def run(child, keys: str, *expected: str) -> str:
    """Type `keys`, wait for each expected text in turn and the next prompt; what was printed."""
    child.send(keys)
    seen = []
    for text in expected:
        child.expect(text)
        seen.append(child.before + child.after)
    child.expect(PROMPT)
    return "".join(seen) + child.before


def finish(child) -> None:
    child.send(CTRL_D)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


def test_arrow_keys_history_tab_completion_and_ctrl_c_in_a_terminal(tmp_path):
    child = spawn(tmp_path)
    try:
        started(child)
        # Left arrow moves the cursor: `blance`, five lefts, `a` is `balance`; nothing echoes `^[[D`.
        out = run(child, "blance" + LEFT * 5 + "a" + ENTER, "1,000 credits available")
        assert "no command" not in out and "^[[" not in out
        # Up recalls the last line.
        run(child, UP + ENTER, "1,000 credits available")
        # Tab completes a command's name...
        # (prompt_toolkit redraws only what changed: the completion shows as `ets`.)
        child.send("mark" + TAB)
        child.expect("ets")
        run(child, ENTER, r"week \d+ lines")
        # ...and an id, offered with what it means (the autocomplete Discord shows).
        child.send("odds " + TAB)
        child.expect(r"#1 ([^,\r\n]+ vs [^,\r\n]+), locks")
        first = child.match.group(1)
        # The first of the menu is matchup 1: its board is titled with its teams.
        run(child, TAB + ENTER, re.escape(first) + r"(?:\x1b\[0m)?\r\n")
        # Ctrl-C drops the line being typed, and the session goes on.
        child.send("frobnicate")
        child.expect("frobnicate")
        child.send(CTRL_C)
        run(child, "balance" + ENTER, "credits available")
        # A refusal is red on a terminal.
        out = run(child, "nosuchthing" + ENTER, r"no command `nosuchthing`")
        assert "\x1b[31m! There's no command `nosuchthing`" in out
        # A control, completed.
        child.send(":adm" + TAB)
        child.expect("in")
        run(child, ENTER, "alex is now a commissioner")
        finish(child)
    finally:
        child.close(force=True)

    # History carries over to the next run: Up four times is `odds 1` (before `balance`,
    # `nosuchthing` and `:admin`; the dropped `frobnicate` was never entered).
    history = (tmp_path / "history").read_text()
    assert "+odds 1" in history and "+:admin" in history and "+frobnicate" not in history
    child = spawn(tmp_path, colour=False)
    try:
        started(child)
        out = run(child, UP * 4 + ENTER, "Player props")
        assert "\x1b[31m" not in out  # NO_COLOR: plain refusals and tables
        out = run(child, "nosuchthing" + ENTER, "no command")
        assert "\x1b[31m" not in out
        finish(child)
    finally:
        child.close(force=True)


def test_reset_asks_before_deleting_the_demo(tmp_path):
    child = spawn(tmp_path)
    try:
        started(child)
        run(child, ":admin" + ENTER, "is now a commissioner")
        finish(child)
    finally:
        child.close(force=True)

    child = spawn(tmp_path, "--reset")
    try:
        child.expect(r"Start the demo over\? This deletes .*demo\.db", timeout=START_TIMEOUT)
        child.expect(r"\[y/N\]")
        child.sendline("n")
        child.expect("Nothing was deleted")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)
    assert (tmp_path / "demo.db").exists()

    child = spawn(tmp_path, "--reset")
    try:
        child.expect(r"\[y/N\]", timeout=START_TIMEOUT)
        child.sendline("y")
        started(child)  # a new demo: no commissioner badge, since the rights went with it
        out = run(child, "config show" + ENTER, "commissioners only")
        assert "(commissioner)" not in out
        finish(child)
    finally:
        child.close(force=True)
