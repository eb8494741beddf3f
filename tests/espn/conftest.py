"""Fixtures for the ESPN adapter tests: recorded ESPN samples and the shipped demo files."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from adapters.espn.demo import (
    BASE_FILE,
    BOXSCORE_FILE,
    DATA_DIR,
    MATCHUP_SCORE_FILE,
    PRO_SCHEDULE_FILE,
    SCOREBOARD_FILE,
    SETTINGS_FILE,
    TEAM_FILE,
)
from adapters.espn.parse import merge_views

SAMPLES = Path(__file__).resolve().parent / "samples"

_cache: dict[Path, Any] = {}


def _read(path: Path) -> Any:
    if path not in _cache:
        _cache[path] = json.loads(path.read_text(encoding="utf-8"))
    return copy.deepcopy(_cache[path])  # tests may mutate what they get


@pytest.fixture
def sample() -> Callable[[str], Any]:
    """Load a recorded ESPN response from tests/espn/samples (a fresh copy each call)."""
    return lambda name: _read(SAMPLES / name)


@pytest.fixture
def demo() -> Callable[[str], Any]:
    """Load a shipped demo file (a fresh copy each call)."""
    return lambda name: _read(DATA_DIR / name)


@pytest.fixture
def sample_league(sample: Callable[[str], Any]) -> dict[str, Any]:
    """The 2018 sample league as one merged payload (base + mSettings + mTeam + mMatchupScore)."""
    return merge_views(
        sample("league_2018_base.json"),
        sample("league_2018_mSettings.json"),
        sample("league_2018_mTeam.json"),
        sample("league_2018_mMatchupScore.json"),
    )


@pytest.fixture
def demo_league(demo: Callable[[str], Any]) -> dict[str, Any]:
    return merge_views(demo(BASE_FILE), demo(SETTINGS_FILE), demo(TEAM_FILE), demo(MATCHUP_SCORE_FILE))


@pytest.fixture
def demo_box(demo: Callable[[str], Any]) -> dict[str, Any]:
    return demo(BOXSCORE_FILE)


@pytest.fixture
def demo_pro_schedule(demo: Callable[[str], Any]) -> dict[str, Any]:
    return demo(PRO_SCHEDULE_FILE)


@pytest.fixture
def demo_scoreboard(demo: Callable[[str], Any]) -> dict[str, Any]:
    return demo(SCOREBOARD_FILE)
