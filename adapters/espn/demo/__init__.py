"""The shipped demo league: a fictional ESPN league stored as ESPN-shaped JSON.

The console and the tests run against it so that the demo exercises the very same parsing
as a real league (`adapters.espn.parse`). `generate` writes the files in `data/`
deterministically; `provider.DemoLeagueProvider` serves them through a clock.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEMO_LEAGUE_ID = 1234567
DEMO_SEASON = 2026
DEMO_LEAGUE_NAME = "Sidebet Demo League"
#: The week the demo data describes (scoring period == matchup period, regular season).
DEMO_SCORING_PERIOD = 12

DATA_DIR = Path(__file__).resolve().parent / "data"

#: File names in `data/`, each holding exactly what ESPN serves for that request.
BASE_FILE = "league_base.json"  # league endpoint, no view: members, teams, status
SETTINGS_FILE = "league_mSettings.json"  # view=mSettings
TEAM_FILE = "league_mTeam.json"  # view=mTeam
MATCHUP_SCORE_FILE = "league_mMatchupScore.json"  # view=mMatchupScore (season schedule)
BOXSCORE_FILE = "league_mBoxscore_sp12.json"  # view=mMatchupScore&view=mScoreboard, sp 12
PRO_SCHEDULE_FILE = "pro_schedule_2026.json"  # season endpoint, view=proTeamSchedules_wl
SCOREBOARD_FILE = "nfl_scoreboard_2026_w12.json"  # NFL site scoreboard, before kickoff
#: Not an ESPN response: the final NFL scores the demo clock plays out (event id -> scores).
NFL_FINALS_FILE = "demo_nfl_finals_2026_w12.json"

ALL_FILES = (
    BASE_FILE,
    SETTINGS_FILE,
    TEAM_FILE,
    MATCHUP_SCORE_FILE,
    BOXSCORE_FILE,
    PRO_SCHEDULE_FILE,
    SCOREBOARD_FILE,
    NFL_FINALS_FILE,
)


def eastern() -> tzinfo:
    """America/New_York, where NFL kickoffs are announced.

    Falls back to a fixed EST (UTC-5) offset on machines without a tz database, which is
    exact for the demo's late-November week.
    """
    try:
        return ZoneInfo("America/New_York")
    except ZoneInfoNotFoundError:
        return timezone(timedelta(hours=-5), "EST")


def utc_now(now: Callable[[], datetime], provider: str) -> datetime:
    """The demo clock's instant in UTC; a naive clock is refused (its zone would be a guess)."""
    instant = now()
    if instant.tzinfo is None:
        raise ValueError(f"{provider} needs a clock that returns aware datetimes")
    return instant.astimezone(UTC)
