"""The whole-season ESPN simulator, for tests: `adapters.espn.demo.season` plus secret guarding.

The simulator itself is production code (the console's demo season is served from it); what the
tests add is registering each simulated league's cookies with `tests.secret_guard`, so a test
fails if one of them ever reaches a log line, a reply or a post.
"""

from __future__ import annotations

from adapters.espn.demo import season as _season
from adapters.espn.demo.season import (
    NFL_WEEKS,
    OWNER_HANDLES,
    PLAYOFF_PERIODS,
    PLAYOFF_TEAMS,
    REGULAR_SEASON,
    TEAM_NAMES,
    Disruption,
    NflSeason,
    PlayerWeek,
    Progress,
    SimMatchup,
)
from tests.secret_guard import register_secret

__all__ = [
    "NFL_WEEKS",
    "OWNER_HANDLES",
    "PLAYOFF_PERIODS",
    "PLAYOFF_TEAMS",
    "REGULAR_SEASON",
    "TEAM_NAMES",
    "Disruption",
    "NflSeason",
    "PlayerWeek",
    "Progress",
    "SeasonSim",
    "SimMatchup",
]


class SeasonSim(_season.SeasonSim):
    """`adapters.espn.demo.season.SeasonSim` whose cookies the secret guard watches for."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        register_secret(self.espn_s2)
        if self.private:  # a public league's first owner id is public; a private league's is its SWID
            register_secret(self.swid)
