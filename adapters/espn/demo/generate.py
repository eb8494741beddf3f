"""Generate the demo league's ESPN-shaped JSON: `python -m adapters.espn.demo.generate`.

Why generate rather than hand-write: ten teams of fifteen players with projections, stat
lines and a season of results are too many numbers to keep consistent by hand. This script
derives all of them from one seed, so the files are reproducible byte for byte (a test
regenerates and compares) and internally coherent: fantasy points are computed from the
stat lines with the league's own scoring settings, a D/ST's points allowed are its
opponent's final NFL score, and team records add up from the season's results.

Everything is fictional except the 32 NFL teams (ESPN's real proTeamIds, from espn_api's
PRO_TEAM_MAP), which the rest of the system keys on. The 2026 week-12 NFL slate is made up
but shaped like a real Thanksgiving week: three Thursday games, Sunday 1:00/4:05/4:25 pm ET
windows, Sunday and Monday night, two teams on bye.

`--check` exits non-zero when the committed files differ from what the code generates.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from statistics import NormalDist
from typing import Any

from espn_api.football.constant import PRO_TEAM_MAP

from adapters.espn.demo import (
    BASE_FILE,
    BOXSCORE_FILE,
    DATA_DIR,
    DEMO_LEAGUE_ID,
    DEMO_LEAGUE_NAME,
    DEMO_SCORING_PERIOD,
    DEMO_SEASON,
    MATCHUP_SCORE_FILE,
    NFL_FINALS_FILE,
    PRO_SCHEDULE_FILE,
    SCOREBOARD_FILE,
    SETTINGS_FILE,
    TEAM_FILE,
    eastern,
)

Json = dict[str, Any]

SEED = 20261129
REGULAR_SEASON_WEEKS = 14
FINAL_SCORING_PERIOD = 18
#: Two-week playoff rounds (semifinal, final), as ESPN's `matchupPeriods` records them.
PLAYOFF_MATCHUP_PERIODS: dict[int, list[int]] = {15: [15, 16], 16: [17, 18]}


def epoch_ms(moment: datetime) -> int:
    """ESPN's timestamps: integer milliseconds since the epoch."""
    return round(moment.timestamp() * 1000)


# ------------------------------------------------------------------------------ the league

#: (handle shown as ESPN displayName, first name, last name), in team order.
OWNERS: tuple[tuple[str, str, str], ...] = (
    ("alex", "Alex", "Marlowe"),
    ("blake", "Blake", "Okafor"),
    ("casey", "Casey", "Lindqvist"),
    ("drew", "Drew", "Castellano"),
    ("emery", "Emery", "Whitlock"),
    ("frankie", "Frankie", "Adeyemi"),
    ("gray", "Gray", "Sorensen"),
    ("harper", "Harper", "Nakamura"),
    ("jules", "Jules", "Beaumont"),
    ("kai", "Kai", "Rosales"),
)

#: (team name, abbreviation), in team-id order 1..10.
TEAM_NAMES: tuple[tuple[str, str], ...] = (
    ("Gridiron Gurus", "GG"),
    ("Blitz Brigade", "BLTZ"),
    ("Couch Coaches", "CCH"),
    ("Dropped Passes", "DROP"),
    ("End Zone Envy", "EZE"),
    ("Fourth and Forever", "FOUR"),
    ("Gravy Bowl", "GRVY"),
    ("Hail Mary Heroes", "HMH"),
    ("Juke Box Heroes", "JUKE"),
    ("Kickoff Kings", "KICK"),
)

# ----------------------------------------------------------------------------- NFL teams

#: proTeamId -> (location, nickname). Ids and abbreviations are espn_api's PRO_TEAM_MAP.
NFL_TEAMS: dict[int, tuple[str, str]] = {
    1: ("Atlanta", "Falcons"),
    2: ("Buffalo", "Bills"),
    3: ("Chicago", "Bears"),
    4: ("Cincinnati", "Bengals"),
    5: ("Cleveland", "Browns"),
    6: ("Dallas", "Cowboys"),
    7: ("Denver", "Broncos"),
    8: ("Detroit", "Lions"),
    9: ("Green Bay", "Packers"),
    10: ("Tennessee", "Titans"),
    11: ("Indianapolis", "Colts"),
    12: ("Kansas City", "Chiefs"),
    13: ("Las Vegas", "Raiders"),
    14: ("Los Angeles", "Rams"),
    15: ("Miami", "Dolphins"),
    16: ("Minnesota", "Vikings"),
    17: ("New England", "Patriots"),
    18: ("New Orleans", "Saints"),
    19: ("New York", "Giants"),
    20: ("New York", "Jets"),
    21: ("Philadelphia", "Eagles"),
    22: ("Arizona", "Cardinals"),
    23: ("Pittsburgh", "Steelers"),
    24: ("Los Angeles", "Chargers"),
    25: ("San Francisco", "49ers"),
    26: ("Seattle", "Seahawks"),
    27: ("Tampa Bay", "Buccaneers"),
    28: ("Washington", "Commanders"),
    29: ("Carolina", "Panthers"),
    30: ("Jacksonville", "Jaguars"),
    33: ("Baltimore", "Ravens"),
    34: ("Houston", "Texans"),
}
ABBREV_TO_ID: dict[str, int] = {v: k for k, v in PRO_TEAM_MAP.items() if k != 0}
#: The fantasy API writes most abbreviations in title case ("Wsh", "Jax"); these stay upper.
_UPPER_ABBREVS = {"KC", "LV", "LAR", "NE", "NO", "NYG", "NYJ", "LAC", "SF", "TB", "GB"}

BYE_TEAMS = ("ARI", "MIA")
#: (away, home, (month, day, hour, minute) Eastern) for week 12 of the 2026 season.
SLATE: tuple[tuple[str, str, tuple[int, int, int, int]], ...] = (
    ("CHI", "DET", (11, 26, 12, 30)),  # Thanksgiving
    ("NYG", "DAL", (11, 26, 16, 30)),
    ("KC", "BAL", (11, 26, 20, 20)),
    ("TEN", "HOU", (11, 29, 13, 0)),  # Sunday early window
    ("PIT", "CLE", (11, 29, 13, 0)),
    ("NO", "ATL", (11, 29, 13, 0)),
    ("TB", "CAR", (11, 29, 13, 0)),
    ("NE", "NYJ", (11, 29, 13, 0)),
    ("IND", "JAX", (11, 29, 13, 0)),
    ("MIN", "WSH", (11, 29, 13, 0)),
    ("LV", "LAC", (11, 29, 16, 5)),  # late window
    ("CIN", "DEN", (11, 29, 16, 5)),
    ("SEA", "SF", (11, 29, 16, 25)),
    ("PHI", "GB", (11, 29, 20, 20)),  # Sunday night
    ("BUF", "LAR", (11, 30, 20, 15)),  # Monday night
)
FIRST_EVENT_ID = 401859101


@dataclass(frozen=True, slots=True)
class Game:
    event_id: int
    away: int
    home: int
    kickoff: datetime  # UTC
    home_score: int
    away_score: int

    def opponent_of(self, pro_team_id: int) -> int:
        return self.away if pro_team_id == self.home else self.home

    def points_allowed_by(self, pro_team_id: int) -> int:
        return self.away_score if pro_team_id == self.home else self.home_score


def fantasy_abbrev(pro_team_id: int) -> str:
    abbrev = PRO_TEAM_MAP[pro_team_id]
    return abbrev if abbrev in _UPPER_ABBREVS else abbrev.title()


# -------------------------------------------------------------------------------- scoring

#: ESPN stat id -> points, a common PPR setup. The points-allowed tiers score only for
#: D/ST, which ESPN expresses as 0 points with a position override {"16": points}.
SCORING: dict[int, float] = {
    3: 0.04,  # passing yards
    4: 4.0,  # passing TD
    20: -2.0,  # interception thrown
    24: 0.1,  # rushing yards
    25: 6.0,  # rushing TD
    42: 0.1,  # receiving yards
    43: 6.0,  # receiving TD
    53: 1.0,  # reception
    72: -2.0,  # fumble lost
    74: 5.0,  # FG made 50+
    77: 4.0,  # FG made 40-49
    80: 3.0,  # FG made 0-39
    85: -1.0,  # FG missed
    86: 1.0,  # PAT made
    88: -1.0,  # PAT missed
    94: 6.0,  # defensive return TD
    95: 2.0,  # interception
    96: 2.0,  # fumble recovered
    97: 2.0,  # blocked kick
    98: 2.0,  # safety
    99: 1.0,  # sack
}
#: (lowest, highest, stat id, D/ST points) for points allowed.
POINTS_ALLOWED_TIERS: tuple[tuple[int, int, int, float], ...] = (
    (0, 0, 89, 5.0),
    (1, 6, 90, 4.0),
    (7, 13, 91, 3.0),
    (14, 17, 92, 1.0),
    (18, 21, 121, 0.0),
    (22, 27, 122, -1.0),
    (28, 34, 123, -3.0),
    (35, 45, 124, -5.0),
    (46, 999, 125, -5.0),
)
_TIER_POINTS = {stat: points for _, _, stat, points in POINTS_ALLOWED_TIERS}


def applied(stats: dict[int, float]) -> dict[str, float]:
    """ESPN's `appliedStats`: the fantasy points each scoring stat contributed."""
    out: dict[str, float] = {}
    for stat_id in sorted(stats):
        points = SCORING.get(stat_id, _TIER_POINTS.get(stat_id))
        if not points or not stats[stat_id]:
            continue
        out[str(stat_id)] = round(stats[stat_id] * points, 4)
    return out


def applied_total(applied_stats: dict[str, float]) -> float:
    return round(sum(applied_stats.values()), 2)


# ---------------------------------------------------------------------------- stat models


def poisson(rng: random.Random, lam: float) -> int:
    """Knuth's method; fine for the small rates of touchdowns and turnovers."""
    limit = math.exp(-lam)
    k, p = 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def yards(rng: random.Random, mean: float, spread: float = 0.45, floor: float = 0.0) -> float:
    return float(max(floor, round(rng.gauss(mean, spread * mean + 4))))


def expected_stats(position: str, q: float) -> dict[int, float]:
    """A projection's stat line (statSourceId 1): expected values, so fractional."""
    if position == "QB":
        att = 34.0 * q
        return {
            0: att,
            1: att * 0.65,
            3: 245.0 * q,
            4: 1.6 * q,
            20: 0.8,
            23: 4.0,
            24: 18.0 * q,
            25: 0.15 * q,
            72: 0.12,
        }
    if position == "RB":
        return {
            23: 15.0 * q,
            24: 65.0 * q,
            25: 0.5 * q,
            58: 3.8 * q,
            41: 3.0 * q,
            53: 3.0 * q,
            42: 22.0 * q,
            43: 0.15 * q,
            72: 0.08,
        }
    if position == "WR":
        return {
            58: 8.0 * q,
            41: 5.5 * q,
            53: 5.5 * q,
            42: 68.0 * q,
            43: 0.45 * q,
            23: 0.4,
            24: 3.0,
            72: 0.05,
        }
    if position == "TE":
        return {58: 6.0 * q, 41: 4.2 * q, 53: 4.2 * q, 42: 45.0 * q, 43: 0.35 * q, 72: 0.04}
    if position == "K":
        made = {80: 1.0 * q, 77: 0.6 * q, 74: 0.3 * q}
        return {
            **made,
            81: made[80] + 0.08,
            78: made[77] + 0.12,
            75: made[74] + 0.15,
            83: sum(made.values()),
            84: sum(made.values()) + 0.35,
            85: 0.35,
            86: 2.4 * q,
            87: 2.4 * q + 0.06,
            88: 0.06,
        }
    # D/ST: points allowed ~ Normal, so each tier is projected by its probability
    mean_allowed = 22.0 - 8.0 * (q - 1.0)
    allowed = NormalDist(mean_allowed, 9.0)
    stats = {
        99: 2.6 * q,
        95: 0.8 * q,
        96: 0.6 * q,
        94: 0.12 * q,
        98: 0.04,
        97: 0.08,
        120: mean_allowed,
    }
    for low, high, stat_id, _ in POINTS_ALLOWED_TIERS:
        low_cdf = allowed.cdf(low - 0.5) if low > 0 else 0.0
        stats[stat_id] = allowed.cdf(high + 0.5) - low_cdf
    return stats


def sampled_stats(rng: random.Random, position: str, q: float, allowed: int) -> dict[int, float]:
    """A final stat line (statSourceId 0), drawn around the projection."""
    if position == "QB":
        att = float(max(12, round(rng.gauss(34.0 * q, 5))))
        return {
            0: att,
            1: float(round(att * min(0.85, max(0.45, rng.gauss(0.65, 0.06))))),
            3: yards(rng, 245.0 * q, 0.28),
            4: float(poisson(rng, 1.6 * q)),
            20: float(poisson(rng, 0.8)),
            23: float(poisson(rng, 4.0)),
            24: yards(rng, 18.0 * q, 0.7, floor=-4),
            25: float(poisson(rng, 0.15 * q)),
            72: float(poisson(rng, 0.12)),
        }
    if position in ("RB", "WR", "TE"):
        exp = expected_stats(position, q)
        catches = float(poisson(rng, exp[53]))
        stats = {
            58: catches + float(poisson(rng, max(0.1, exp[58] - exp[53]))),
            41: catches,
            53: catches,
            42: yards(rng, exp[42] * (catches + 0.5) / (exp[53] + 0.5), 0.35) if catches else 0.0,
            43: float(min(int(catches), poisson(rng, exp[43]))),
            72: float(poisson(rng, exp[72])),
        }
        if position == "RB":
            stats.update(
                {
                    23: float(max(2, round(rng.gauss(exp[23], 4)))),
                    24: yards(rng, exp[24], 0.45, floor=-3),
                    25: float(poisson(rng, exp[25])),
                }
            )
        elif position == "WR":
            carries = float(poisson(rng, 0.4))
            stats.update({23: carries, 24: yards(rng, 7.0, 0.8) if carries else 0.0})
        return stats
    if position == "K":
        stats: dict[int, float] = {}
        made_total = attempts_total = 0
        for made_id, attempt_id, rate, accuracy in (
            (80, 81, 1.08, 0.93),
            (77, 78, 0.72, 0.82),
            (74, 75, 0.45, 0.66),
        ):
            attempts = poisson(rng, rate * q)
            made = sum(1 for _ in range(attempts) if rng.random() < accuracy)
            stats[made_id], stats[attempt_id] = float(made), float(attempts)
            made_total += made
            attempts_total += attempts
        pat_attempts = poisson(rng, 2.5 * q)
        pat_made = sum(1 for _ in range(pat_attempts) if rng.random() < 0.95)
        stats.update(
            {
                83: float(made_total),
                84: float(attempts_total),
                85: float(attempts_total - made_total),
                86: float(pat_made),
                87: float(pat_attempts),
                88: float(pat_attempts - pat_made),
            }
        )
        return stats
    stats = {
        99: float(poisson(rng, 2.6 * q)),
        95: float(poisson(rng, 0.8 * q)),
        96: float(poisson(rng, 0.6 * q)),
        94: float(poisson(rng, 0.12 * q)),
        98: float(poisson(rng, 0.04)),
        97: float(poisson(rng, 0.08)),
        120: float(allowed),
    }
    for low, high, stat_id, _ in POINTS_ALLOWED_TIERS:
        stats[stat_id] = 1.0 if low <= allowed <= high else 0.0
    return stats


# ------------------------------------------------------------------------------- players

ELIGIBLE_SLOTS: dict[str, list[int]] = {
    "QB": [0, 7, 20, 21],
    "RB": [2, 3, 23, 7, 20, 21],
    "WR": [3, 4, 5, 23, 7, 20, 21],
    "TE": [5, 6, 23, 7, 20, 21],
    "K": [17, 20, 21],
    "D/ST": [16, 20, 21],
}
DEFAULT_POSITION_ID = {"QB": 1, "RB": 2, "WR": 3, "TE": 4, "K": 5, "D/ST": 16}
SLOT_ID = {"QB": 0, "RB": 2, "WR": 4, "TE": 6, "FLEX": 23, "D/ST": 16, "K": 17, "BE": 20, "IR": 21}
JERSEYS = {"QB": (1, 19), "RB": (20, 39), "WR": (10, 19), "TE": (80, 89), "K": (2, 9)}

FIRST_NAMES = (
    "Ambrose",
    "Bodhi",
    "Cassius",
    "Dashiell",
    "Ezekiel",
    "Fitzgerald",
    "Gideon",
    "Hollis",
    "Ignatius",
    "Jericho",
    "Kendrick",
    "Lazarus",
    "Marcellus",
    "Nolan",
    "Octavius",
    "Percival",
    "Quentin",
    "Roscoe",
    "Sterling",
    "Thaddeus",
    "Ulysses",
    "Vaughn",
    "Wendell",
    "Xavion",
    "Yardley",
    "Zebulon",
    "Anders",
    "Barnaby",
    "Cormac",
    "Desmond",
    "Emrys",
    "Florian",
    "Griffin",
    "Hayward",
    "Isidore",
    "Jasper",
    "Keaton",
    "Leland",
    "Montague",
    "Niall",
)
LAST_NAMES = (
    "Ashgrove",
    "Bellweather",
    "Cobblestone",
    "Dunmore",
    "Eversole",
    "Fairbanks",
    "Galloway",
    "Hawthorne",
    "Ingleby",
    "Juniper",
    "Kestrel",
    "Larkspur",
    "Merriweather",
    "Northcott",
    "Oakhurst",
    "Pennington",
    "Quarrington",
    "Ravensworth",
    "Stonebridge",
    "Thistlewood",
    "Underhill",
    "Vanderpool",
    "Whitcombe",
    "Yarborough",
    "Zellweger",
    "Abernathy",
    "Blackwood",
    "Crestfield",
    "Driftwood",
    "Elderberry",
    "Foxworth",
    "Greenleaf",
    "Holloway",
    "Ironside",
    "Kingsley",
    "Lockhart",
    "Moorcroft",
    "Nettleton",
    "Oldcastle",
    "Pemberton",
    "Rutherford",
    "Silverton",
    "Trelawney",
    "Wainwright",
    "Yellowhammer",
    "Alderidge",
    "Brightwater",
    "Copperfield",
    "Dovecote",
    "Emberly",
    "Fernsby",
    "Goldthorpe",
    "Hartwell",
    "Ivesdale",
    "Kettleby",
    "Lindenwood",
    "Marchbanks",
    "Nightingale",
    "Orchardson",
    "Penhaligon",
    "Quillfeather",
    "Rosewarne",
    "Summerfield",
    "Tennyfield",
    "Upwood",
    "Valentyne",
    "Westbrook",
    "Wolfenden",
    "Ashworth",
    "Birchall",
    "Cranbourne",
    "Dellacroix",
    "Farthing",
    "Gladwell",
    "Hollingsworth",
    "Kirkbride",
    "Longstaff",
    "Mallory",
    "Netherby",
)


@dataclass(slots=True)
class Player:
    player_id: int
    first: str
    last: str
    position: str
    pro_team: int
    quality: float
    jersey: str
    injury_status: str = "ACTIVE"
    slot: str = "BE"
    projection_stats: dict[int, float] = field(default_factory=dict)
    actual_stats: dict[int, float] | None = None

    @property
    def full_name(self) -> str:
        return f"{self.first} {self.last}"


class PlayerFactory:
    """Unique fictional players with plausible ESPN ids (mostly 7-digit, a few veterans)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names: set[tuple[str, str]] = set()
        self.ids: set[int] = set()
        self.surnames: list[str] = []

    def _surname(self) -> str:
        """Deal surnames from a shuffled deck, so repeats are rare and far apart."""
        if not self.surnames:
            self.surnames = list(LAST_NAMES)
            self.rng.shuffle(self.surnames)
        return self.surnames.pop()

    def _id(self) -> int:
        while True:
            roll = self.rng.random()
            if roll < 0.6:
                candidate = self.rng.randrange(4_029_000, 4_690_000)
            elif roll < 0.85:
                candidate = self.rng.randrange(3_040_000, 3_930_000)
            elif roll < 0.95:
                candidate = self.rng.randrange(2_560_000, 2_990_000)
            else:
                candidate = self.rng.randrange(12_400, 17_900)
            if candidate not in self.ids:
                self.ids.add(candidate)
                return candidate

    def make(self, position: str, pro_team: int, quality: float) -> Player:
        if position == "D/ST":
            _location, nickname = NFL_TEAMS[pro_team]
            # ESPN's D/ST "players" have negative ids: -16000 - proTeamId.
            return Player(-16000 - pro_team, nickname, "D/ST", position, pro_team, quality, "")
        while True:
            name = (self.rng.choice(FIRST_NAMES), self._surname())
            if name not in self.names:
                self.names.add(name)
                break
        low, high = JERSEYS[position]
        return Player(
            self._id(),
            name[0],
            name[1],
            position,
            pro_team,
            round(quality, 3),
            str(self.rng.randint(low, high)),
        )


# ------------------------------------------------------------------------------ building


@dataclass(slots=True)
class Demo:
    """Everything generated, before it is written out as ESPN responses."""

    rng: random.Random
    games: list[Game]
    rosters: dict[int, list[Player]]  # fantasy team id -> players (starters first)
    member_ids: list[str]
    schedule: list[tuple[int, int, int]]  # (matchup period, home team id, away team id)
    past_scores: dict[tuple[int, int], float]  # (matchup period, team id) -> points


def build_games(rng: random.Random) -> list[Game]:
    east = eastern()
    games = []
    for index, (away, home, (month, day, hour, minute)) in enumerate(SLATE):
        kickoff = datetime(DEMO_SEASON, month, day, hour, minute, tzinfo=east).astimezone(UTC)
        home_score = max(0, round(rng.gauss(24, 9)))
        away_score = max(0, round(rng.gauss(21, 9)))
        if home_score == away_score:
            home_score += 3
        games.append(
            Game(
                FIRST_EVENT_ID + index,
                ABBREV_TO_ID[away],
                ABBREV_TO_ID[home],
                kickoff,
                home_score,
                away_score,
            )
        )
    return games


def build_rosters(rng: random.Random) -> dict[int, list[Player]]:
    factory = PlayerFactory(rng)
    playing = sorted({team for game in SLATE for team in (ABBREV_TO_ID[game[0]], ABBREV_TO_ID[game[1]])})
    byes = [ABBREV_TO_ID[a] for a in BYE_TEAMS]
    qb_teams = rng.sample(playing, 20)
    dst_teams = rng.sample(playing, 10)
    k_teams = rng.sample(playing, 10)
    rosters: dict[int, list[Player]] = {}
    for index in range(10):
        team_id = index + 1

        def starter(position: str, low: float, high: float, pro: int | None = None) -> Player:
            return factory.make(position, pro or rng.choice(playing), rng.uniform(low, high))

        def bench(position: str, pro: int | None = None) -> Player:
            return factory.make(position, pro or rng.choice(playing + byes), rng.uniform(0.45, 0.8))

        flex_position = ("RB", "WR", "RB", "WR", "TE")[index % 5]
        starters = [
            (starter("QB", 0.85, 1.25, qb_teams[index]), "QB"),
            (starter("RB", 0.9, 1.3), "RB"),
            (starter("RB", 0.7, 1.05), "RB"),
            (starter("WR", 0.9, 1.3), "WR"),
            (starter("WR", 0.75, 1.05), "WR"),
            (starter("TE", 0.7, 1.2), "TE"),
            (starter(flex_position, 0.65, 0.95), "FLEX"),
            (starter("D/ST", 0.8, 1.2, dst_teams[index]), "D/ST"),
            (starter("K", 0.85, 1.15, k_teams[index]), "K"),
        ]
        benches = [
            bench("QB", qb_teams[10 + index] if index != 0 else byes[0]),
            bench("RB", byes[1] if index == 4 else None),
            bench("RB"),
            bench("WR"),
            bench("WR"),
            bench("TE"),
        ]
        roster: list[Player] = []
        for player, slot in starters:
            player.slot = slot
            if slot not in ("D/ST", "K") and rng.random() < 0.12:
                player.injury_status = "QUESTIONABLE"
                player.quality = round(player.quality * 0.9, 3)
            roster.append(player)
        for player in benches:
            roll = rng.random()
            if roll < 0.1:
                player.injury_status = "OUT"
            elif roll < 0.16:
                player.injury_status = "DOUBTFUL"
            roster.append(player)
        if team_id in (3, 7):
            injured = bench("WR" if team_id == 3 else "RB")
            injured.slot, injured.injury_status = "IR", "INJURY_RESERVE"
            roster.append(injured)
        rosters[team_id] = roster
    return rosters


def round_robin(teams: Sequence[int], weeks: int) -> list[tuple[int, int, int]]:
    """The circle method; rounds repeat (home and away swapped) after everyone met once."""
    ring = list(teams)
    rounds: list[list[tuple[int, int]]] = []
    for _ in range(len(ring) - 1):
        rounds.append([(ring[i], ring[-1 - i]) for i in range(len(ring) // 2)])
        ring = [ring[0], ring[-1], *ring[1:-1]]
    schedule = []
    for week in range(1, weeks + 1):
        pairs = rounds[(week - 1) % len(rounds)]
        swap = ((week - 1) // len(rounds) + week) % 2 == 1
        for home, away in pairs:
            schedule.append((week, away, home) if swap else (week, home, away))
    return schedule


def project_and_play(rng: random.Random, rosters: dict[int, list[Player]], games: list[Game]) -> None:
    by_team = {team: game for game in games for team in (game.home, game.away)}
    for roster in rosters.values():
        for player in roster:
            game = by_team.get(player.pro_team)
            if game is None:  # on bye: no projection, no stats
                continue
            if player.injury_status in ("OUT", "INJURY_RESERVE"):
                player.projection_stats = {}
                continue
            player.projection_stats = {
                k: round(v, 4) for k, v in expected_stats(player.position, player.quality).items()
            }
            if player.injury_status == "DOUBTFUL" and rng.random() < 0.7:
                continue  # sat out: ESPN has no stat line for him
            player.actual_stats = sampled_stats(
                rng, player.position, player.quality, game.points_allowed_by(player.pro_team)
            )


def build_demo() -> Demo:
    rng = random.Random(SEED)
    games = build_games(rng)
    rosters = build_rosters(rng)
    project_and_play(rng, rosters, games)
    member_ids = ["{" + str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper() + "}" for _ in OWNERS]
    schedule = round_robin(list(range(1, 11)), REGULAR_SEASON_WEEKS)
    past_scores = {
        (week, team): round(min(185.0, max(55.0, rng.gauss(112, 22))), 2)
        for week in range(1, DEMO_SCORING_PERIOD)
        for team in range(1, 11)
    }
    return Demo(rng, games, rosters, member_ids, schedule, past_scores)


# ----------------------------------------------------------------------- ESPN's responses


def status_block() -> Json:
    """The league `status` as the mSettings/mTeam views return it."""
    east = eastern()
    return {
        "activatedDate": epoch_ms(datetime(2026, 7, 14, 19, 2, 11, tzinfo=east)),
        "createdAsLeagueType": 0,
        "currentLeagueType": 0,
        "currentMatchupPeriod": DEMO_SCORING_PERIOD,
        "finalScoringPeriod": FINAL_SCORING_PERIOD,
        "firstScoringPeriod": 1,
        "isActive": True,
        "isExpired": False,
        "isFull": True,
        "isPlayoffMatchupEdited": False,
        "isToBeDeleted": False,
        "isViewable": False,
        "isWaiverOrderEdited": False,
        "latestScoringPeriod": DEMO_SCORING_PERIOD,
        "previousSeasons": [2024, 2025],
        "standingsUpdateDate": epoch_ms(datetime(2026, 11, 24, 4, 30, tzinfo=east)),
        "teamsJoined": 10,
        "transactionScoringPeriod": DEMO_SCORING_PERIOD,
        "waiverLastExecutionDate": epoch_ms(datetime(2026, 11, 25, 3, 0, tzinfo=east)),
        "waiverProcessStatus": {},
    }


def envelope(scoring_period: int = DEMO_SCORING_PERIOD) -> Json:
    return {
        "draftDetail": {"drafted": True, "inProgress": False},
        "gameId": 1,
        "id": DEMO_LEAGUE_ID,
        "scoringPeriodId": scoring_period,
        "seasonId": DEMO_SEASON,
        "segmentId": 0,
    }


def base_view(demo: Demo) -> Json:
    return {
        "gameId": 1,
        "id": DEMO_LEAGUE_ID,
        "members": [
            {"displayName": handle, "id": member_id, "isLeagueManager": index == 0}
            for index, ((handle, _, _), member_id) in enumerate(zip(OWNERS, demo.member_ids, strict=True))
        ],
        "scoringPeriodId": DEMO_SCORING_PERIOD,
        "seasonId": DEMO_SEASON,
        "segmentId": 0,
        "settings": {"name": DEMO_LEAGUE_NAME},
        "status": {
            "currentMatchupPeriod": DEMO_SCORING_PERIOD,
            "isActive": True,
            "latestScoringPeriod": DEMO_SCORING_PERIOD,
        },
        "teams": [
            {"abbrev": abbrev, "id": index + 1, "name": name, "owners": [demo.member_ids[index]]}
            for index, (name, abbrev) in enumerate(TEAM_NAMES)
        ],
    }


def scoring_items() -> list[Json]:
    items = []
    for stat_id, points in sorted(SCORING.items()):
        items.append(
            {
                "isReverseItem": False,
                "leagueRanking": 0.0,
                "leagueTotal": 0.0,
                "points": points,
                "statId": stat_id,
            }
        )
    for _, _, stat_id, points in POINTS_ALLOWED_TIERS:
        items.append(
            {
                "isReverseItem": False,
                "leagueRanking": 0.0,
                "leagueTotal": 0.0,
                "points": 0.0,
                "pointsOverrides": {"16": points},
                "statId": stat_id,
            }
        )
    return items


def schedule_settings() -> Json:
    periods = {str(week): [week] for week in range(1, REGULAR_SEASON_WEEKS + 1)}
    periods.update({str(k): v for k, v in PLAYOFF_MATCHUP_PERIODS.items()})
    return {
        "divisions": [{"id": 0, "name": "Division 1", "size": 10}],
        "matchupPeriodCount": REGULAR_SEASON_WEEKS,
        "matchupPeriodLength": 1,
        "matchupPeriods": periods,
        "periodTypeId": 1,
        "playoffMatchupPeriodLength": 2,
        "playoffSeedingRule": "TOTAL_POINTS_SCORED",
        "playoffSeedingRuleBy": 0,
        "playoffTeamCount": 4,
    }


def scoring_settings() -> Json:
    return {
        "allowOutOfPositionScoring": False,
        "homeTeamBonus": 0,
        "matchupTieRule": "NONE",
        "matchupTieRuleBy": 0,
        "playerRankType": "PPR",
        "playoffHomeTeamBonus": 0,
        "playoffMatchupTieRule": "NONE",
        "playoffMatchupTieRuleBy": 0,
        "scoringItems": scoring_items(),
        "scoringType": "H2H_POINTS",
    }


def settings_view() -> Json:
    east = eastern()
    slot_counts = {str(slot): 0 for slot in range(25)}
    slot_counts.update({"0": 1, "2": 2, "4": 2, "6": 1, "16": 1, "17": 1, "20": 6, "21": 1, "23": 1})
    return {
        **envelope(),
        "settings": {
            "acquisitionSettings": {
                "acquisitionBudget": 100,
                "acquisitionLimit": -1,
                "acquisitionType": "WAIVERS_TRADITIONAL",
                "isUsingAcquisitionBudget": True,
                "matchupAcquisitionLimit": -1,
                "matchupLimitPerScoringPeriod": False,
                "minimumBid": 0,
                "waiverHours": 24,
                "waiverOrderReset": False,
                "waiverProcessDays": ["WEDNESDAY"],
                "waiverProcessHour": 3,
            },
            "draftSettings": {
                "auctionBudget": 200,
                "date": epoch_ms(datetime(2026, 9, 2, 20, 0, tzinfo=east)),
                "isTradingEnabled": False,
                "keeperCount": 0,
                "keeperCountFuture": 0,
                "keeperOrderType": "TRADITIONAL",
                "leagueSubType": "NONE",
                "orderType": "MANUAL",
                "pickOrder": [4, 9, 1, 7, 3, 10, 6, 2, 8, 5],
                "timePerSelection": 90,
                "type": "SNAKE",
            },
            "financeSettings": {
                "entryFee": 0,
                "miscFee": 0,
                "perLoss": 0,
                "perTrade": 0,
                "playerAcquisition": 0,
                "playerDrop": 0,
                "playerMoveToActive": 0,
                "playerMoveToIR": 0,
            },
            "isCustomizable": True,
            "isPublic": False,
            "name": DEMO_LEAGUE_NAME,
            "restrictionType": "NONE",
            "rosterSettings": {
                "isBenchUnlimited": False,
                "isUsingUndroppableList": True,
                "lineupLocktimeType": "INDIVIDUAL_GAME",
                "lineupSlotCounts": slot_counts,
                "moveLimit": -1,
                "positionLimits": {str(p): 0 for p in range(18)},
                "rosterLocktimeType": "INDIVIDUAL_GAME",
                "universeIds": [1],
            },
            "scheduleSettings": schedule_settings(),
            "scoringSettings": scoring_settings(),
            "size": 10,
            "tradeSettings": {
                "allowOutOfUniverse": False,
                "deadlineDate": epoch_ms(datetime(2026, 11, 25, 12, 0, tzinfo=east)),
                "max": -1,
                "revisionHours": 24,
                "vetoVotesRequired": 4,
            },
        },
        "status": status_block(),
    }


def week_totals(demo: Demo) -> dict[int, float]:
    """Each fantasy team's final week-12 score: the sum of its starters' actual points."""
    totals = {}
    for team_id, roster in demo.rosters.items():
        total = 0.0
        for player in roster:
            if player.slot not in ("BE", "IR") and player.actual_stats is not None:
                total += applied_total(applied(player.actual_stats))
        totals[team_id] = round(total, 2)
    return totals


def _record() -> Json:
    return {
        "gamesBack": 0.0,
        "losses": 0,
        "percentage": 0.0,
        "pointsAgainst": 0.0,
        "pointsFor": 0.0,
        "streakLength": 0,
        "streakType": "NONE",
        "ties": 0,
        "wins": 0,
    }


def espn_records(
    team_ids: Iterable[int], games: Iterable[tuple[int, int, float, float]]
) -> dict[int, dict[str, Json]]:
    """mTeam's `record` blocks (overall, home, away, division) from finished games.

    `games` are (home team, away team, home points, away points) in the order played, so
    streaks come out right. The fake ESPN of the tests builds its records with this too.
    """
    out = {
        team: {"away": _record(), "division": _record(), "home": _record(), "overall": _record()}
        for team in team_ids
    }
    for home, away, home_points, away_points in games:
        for team, mine, theirs, where in (
            (home, home_points, away_points, "home"),
            (away, away_points, home_points, "away"),
        ):
            result = "wins" if mine > theirs else "losses" if mine < theirs else "ties"
            for block in ("overall", "division", where):
                rec = out[team][block]
                rec[result] += 1
                rec["pointsFor"] = round(rec["pointsFor"] + mine, 2)
                rec["pointsAgainst"] = round(rec["pointsAgainst"] + theirs, 2)
            overall = out[team]["overall"]
            streak = {"wins": "WIN", "losses": "LOSS", "ties": "TIE"}[result]
            if overall["streakType"] == streak:
                overall["streakLength"] += 1
            else:
                overall["streakType"], overall["streakLength"] = streak, 1
    for team_records in out.values():
        for rec in team_records.values():
            played = rec["wins"] + rec["losses"] + rec["ties"]
            rec["percentage"] = (rec["wins"] + rec["ties"] / 2) / played if played else 0.0
    leader = max(r["overall"]["wins"] for r in out.values())
    for team_records in out.values():
        team_records["overall"]["gamesBack"] = float(leader - team_records["overall"]["wins"])
    return out


def records(demo: Demo) -> dict[int, dict[str, Json]]:
    """Team records from the completed weeks (1-11), as mTeam's `record` blocks."""
    return espn_records(
        range(1, 11),
        (
            (home, away, demo.past_scores[(week, home)], demo.past_scores[(week, away)])
            for week, home, away in demo.schedule
            if week < DEMO_SCORING_PERIOD
        ),
    )


def team_view(demo: Demo) -> Json:
    recs = records(demo)
    order = sorted(recs, key=lambda t: (-recs[t]["overall"]["wins"], -recs[t]["overall"]["pointsFor"], t))
    seeds = {team: seed for seed, team in enumerate(order, start=1)}
    teams = []
    for index, (name, abbrev) in enumerate(TEAM_NAMES):
        team_id = index + 1
        member = demo.member_ids[index]
        acquisitions = demo.rng.randint(6, 31)
        teams.append(
            {
                "abbrev": abbrev,
                "currentProjectedRank": seeds[team_id],
                "divisionId": 0,
                "draftDayProjectedRank": demo.rng.randint(1, 10),
                "id": team_id,
                "isActive": True,
                "name": name,
                "owners": [member],
                "playoffSeed": seeds[team_id],
                "points": recs[team_id]["overall"]["pointsFor"],
                "pointsAdjusted": 0.0,
                "pointsDelta": 0.0,
                "primaryOwner": member,
                "rankCalculatedFinal": 0,
                "rankFinal": 0,
                "record": recs[team_id],
                "transactionCounter": {
                    "acquisitionBudgetSpent": demo.rng.randint(0, 100),
                    "acquisitions": acquisitions,
                    "drops": acquisitions,
                    "matchupAcquisitionTotals": {},
                    "misc": 0,
                    "moveToActive": demo.rng.randint(20, 60),
                    "moveToIR": demo.rng.randint(0, 3),
                    "paid": 0.0,
                    "teamCharges": 0.0,
                    "trades": demo.rng.randint(0, 2),
                },
                "valuesByStat": {},
                "waiverRank": 11 - seeds[team_id],
            }
        )
    members = [
        {
            "displayName": handle,
            "firstName": first,
            "id": member_id,
            "isLeagueManager": index == 0,
            "lastName": last,
        }
        for index, ((handle, first, last), member_id) in enumerate(zip(OWNERS, demo.member_ids, strict=True))
    ]
    return {**envelope(), "members": members, "status": status_block(), "teams": teams}


def _side_summary(team_id: int, points: float, period: int | None) -> Json:
    return {
        "adjustment": 0.0,
        "cumulativeScore": {"losses": 0, "statBySlot": None, "ties": 0, "wins": 0},
        "pointsByScoringPeriod": {str(period): points} if period else {},
        "teamId": team_id,
        "tiebreak": 0.0,
        "totalPoints": points,
    }


def matchup_id(week: int, index: int) -> int:
    return (week - 1) * 5 + index + 1


def matchup_score_view(demo: Demo) -> Json:
    """The whole regular season as mMatchupScore returns it (no rosters)."""
    totals = week_totals(demo)
    schedule = []
    per_week: dict[int, int] = {}
    for week, home, away in demo.schedule:
        index = per_week.get(week, 0)
        per_week[week] = index + 1
        if week < DEMO_SCORING_PERIOD:
            home_pts, away_pts = demo.past_scores[(week, home)], demo.past_scores[(week, away)]
            winner = "HOME" if home_pts > away_pts else "AWAY" if away_pts > home_pts else "TIE"
            period: int | None = week
        elif week == DEMO_SCORING_PERIOD:
            home_pts, away_pts, winner, period = totals[home], totals[away], "UNDECIDED", week
        else:
            home_pts, away_pts, winner, period = 0.0, 0.0, "UNDECIDED", None
        schedule.append(
            {
                "away": _side_summary(away, away_pts, period),
                "home": _side_summary(home, home_pts, period),
                "id": matchup_id(week, index),
                "matchupPeriodId": week,
                "playoffTierType": "NONE",
                "winner": winner,
            }
        )
    return {**envelope(), "schedule": schedule, "status": status_block()}


def stat_entry(player: Player, game: Game, source: int, stats: dict[int, float]) -> Json:
    applied_stats = applied(stats)
    return {
        "appliedStats": applied_stats,
        "appliedTotal": applied_total(applied_stats),
        "externalId": str(game.event_id),
        "id": f"{source}1{game.event_id}",
        "lastUpdateInfo": {},
        "proTeamId": player.pro_team,
        "scoringPeriodId": DEMO_SCORING_PERIOD,
        "seasonId": DEMO_SEASON,
        "statSourceId": source,
        "statSplitTypeId": 1,
        "stats": {str(k): v for k, v in sorted(stats.items())},
    }


def roster_entry(player: Player, team_id: int, game: Game | None, rng: random.Random) -> Json:
    stats = []
    if game is not None:
        if player.actual_stats is not None:
            stats.append(stat_entry(player, game, 0, player.actual_stats))
        stats.append(stat_entry(player, game, 1, player.projection_stats))
    actual = stats[0]["appliedTotal"] if stats and stats[0]["statSourceId"] == 0 else 0.0
    owned = round(min(99.9, max(0.5, 100 * player.quality - 10 + rng.gauss(0, 8))), 2)
    info: Json = {
        "active": True,
        "defaultPositionId": DEFAULT_POSITION_ID[player.position],
        "droppable": True,
        "eligibleSlots": ELIGIBLE_SLOTS[player.position],
        "firstName": player.first,
        "fullName": player.full_name,
        "id": player.player_id,
        "injured": player.injury_status not in ("ACTIVE", "QUESTIONABLE"),
        "injuryStatus": player.injury_status,
        "jersey": player.jersey,
        "lastName": player.last,
        "ownership": {"percentOwned": owned, "percentStarted": round(owned * 0.8, 2)},
        "proTeamId": player.pro_team,
        "stats": stats,
        "universeId": 1,
    }
    if player.position == "D/ST":
        info["injured"] = False
    return {
        "injuryStatus": "NORMAL",
        "lineupSlotId": SLOT_ID[player.slot],
        "pendingTransactionIds": None,
        "playerId": player.player_id,
        "playerPoolEntry": {
            "appliedStatTotal": actual,
            "id": player.player_id,
            "keeperValue": 0,
            "keeperValueFuture": 0,
            "lineupLocked": True,
            "onTeamId": team_id,
            "player": info,
            "rosterLocked": True,
            "status": "ONTEAM",
            "tradeLocked": False,
        },
        "status": "NORMAL",
    }


def box_side(demo: Demo, team_id: int, total: float, by_team: dict[int, Game]) -> Json:
    entries = [
        roster_entry(player, team_id, by_team.get(player.pro_team), demo.rng)
        for player in demo.rosters[team_id]
    ]
    return {
        **_side_summary(team_id, total, DEMO_SCORING_PERIOD),
        "rosterForCurrentScoringPeriod": {"appliedStatTotal": total, "entries": entries},
        "totalPointsLive": total,
        "totalProjectedPointsLive": total,
    }


def boxscore_view(demo: Demo, team_basics: list[Json]) -> Json:
    """mMatchupScore+mScoreboard for scoring period 12, filtered to matchup period 12."""
    totals = week_totals(demo)
    by_team = {team: game for game in demo.games for team in (game.home, game.away)}
    week = [(home, away) for w, home, away in demo.schedule if w == DEMO_SCORING_PERIOD]
    schedule = [
        {
            "away": box_side(demo, away, totals[away], by_team),
            "home": box_side(demo, home, totals[home], by_team),
            "id": matchup_id(DEMO_SCORING_PERIOD, index),
            "matchupPeriodId": DEMO_SCORING_PERIOD,
            "playoffTierType": "NONE",
            "winner": "UNDECIDED",
        }
        for index, (home, away) in enumerate(week)
    ]
    return {
        **envelope(),
        "schedule": schedule,
        "settings": {
            "isCustomizable": True,
            "isPublic": False,
            "scheduleSettings": schedule_settings(),
            "scoringSettings": scoring_settings(),
        },
        "status": status_block(),
        "teams": team_basics,
    }


def pro_schedule_view(demo: Demo) -> Json:
    """proTeamSchedules_wl, limited to scoring period 12 (the only week the demo plays)."""
    by_team = {team: game for game in demo.games for team in (game.home, game.away)}
    other_weeks = [w for w in range(5, 15) if w != DEMO_SCORING_PERIOD]
    teams: list[Json] = []
    for pro_id in sorted(NFL_TEAMS):
        location, name = NFL_TEAMS[pro_id]
        game = by_team.get(pro_id)
        games = {}
        if game is not None:
            games[str(DEMO_SCORING_PERIOD)] = [
                {
                    "awayProTeamId": game.away,
                    "date": epoch_ms(game.kickoff),
                    "homeProTeamId": game.home,
                    "id": game.event_id,
                    "scoringPeriodId": DEMO_SCORING_PERIOD,
                    "startTimeTBD": False,
                    "statsOfficial": False,
                    "validForLocking": True,
                }
            ]
        teams.append(
            {
                "abbrev": fantasy_abbrev(pro_id),
                "byeWeek": DEMO_SCORING_PERIOD if game is None else demo.rng.choice(other_weeks),
                "id": pro_id,
                "location": location,
                "name": name,
                "proGamesByScoringPeriod": games,
                "teamPlayersByPosition": {
                    "14": -14000 - pro_id,
                    "15": -15000 - pro_id,
                    "16": -16000 - pro_id,
                },
                "universeId": 1 + pro_id % 2,
            }
        )
    teams.append(
        {
            "abbrev": "FA",
            "byeWeek": 0,
            "id": 0,
            "location": "",
            "name": "FA",
            "proGamesByScoringPeriod": {},
            "universeId": 0,
        }
    )
    return {"display": True, "settings": {"proTeams": teams}}


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def scheduled_status(kickoff: datetime) -> Json:
    """The `status` block ESPN's scoreboard shows for a game that has not started."""
    local = kickoff.astimezone(eastern())
    clock = local.strftime("%I:%M %p").lstrip("0") + " EST"
    return {
        "clock": 0.0,
        "displayClock": "0:00",
        "period": 0,
        "type": {
            "id": "1",
            "name": "STATUS_SCHEDULED",
            "state": "pre",
            "completed": False,
            "description": "Scheduled",
            "detail": f"{local.strftime('%a, %B')} {_ordinal(local.day)} at {clock}",
            "shortDetail": f"{local.month}/{local.day} - {clock}",
        },
    }


def _scoreboard_team(pro_id: int) -> Json:
    location, name = NFL_TEAMS[pro_id]
    abbrev = PRO_TEAM_MAP[pro_id]
    return {
        "id": str(pro_id),
        "uid": f"s:20~l:28~t:{pro_id}",
        "location": location,
        "name": name,
        "abbreviation": abbrev,
        "displayName": f"{location} {name}",
        "shortDisplayName": name,
        "isActive": True,
        "logo": f"https://a.espncdn.com/i/teamlogos/nfl/500/scoreboard/{abbrev.lower()}.png",
    }


def scoreboard_view(demo: Demo) -> Json:
    """ESPN's NFL site scoreboard for week 12, as it reads before the first kickoff."""
    events = []
    for game in demo.games:
        home, away = _scoreboard_team(game.home), _scoreboard_team(game.away)
        status = scheduled_status(game.kickoff)
        competitors = [
            {
                "id": str(team_id),
                "uid": f"s:20~l:28~t:{team_id}",
                "type": "team",
                "order": order,
                "homeAway": side,
                "team": team,
                "score": "0",
                "statistics": [],
            }
            for order, (side, team_id, team) in enumerate(
                (("home", game.home, home), ("away", game.away, away))
            )
        ]
        events.append(
            {
                "id": str(game.event_id),
                "uid": f"s:20~l:28~e:{game.event_id}",
                "date": _iso(game.kickoff),
                "name": f"{away['displayName']} at {home['displayName']}",
                "shortName": f"{away['abbreviation']} @ {home['abbreviation']}",
                "season": {"year": DEMO_SEASON, "type": 2, "slug": "regular-season"},
                "week": {"number": DEMO_SCORING_PERIOD},
                "competitions": [
                    {
                        "id": str(game.event_id),
                        "uid": f"s:20~l:28~e:{game.event_id}~c:{game.event_id}",
                        "date": _iso(game.kickoff),
                        "attendance": 0,
                        "type": {"id": "1", "abbreviation": "STD"},
                        "timeValid": True,
                        "neutralSite": False,
                        "conferenceCompetition": False,
                        "playByPlayAvailable": False,
                        "recent": False,
                        "competitors": competitors,
                        "notes": [],
                        "status": status,
                        "broadcasts": [],
                        "format": {"regulation": {"periods": 4}},
                        "startDate": _iso(game.kickoff),
                    }
                ],
                "links": [],
                "status": status,
            }
        )
    return {
        "leagues": [
            {
                "id": "28",
                "uid": "s:20~l:28",
                "name": "National Football League",
                "abbreviation": "NFL",
                "slug": "nfl",
                "season": {
                    "year": DEMO_SEASON,
                    "type": {"id": "2", "type": 2, "name": "Regular Season", "abbreviation": "reg"},
                },
            }
        ],
        "season": {"type": 2, "year": DEMO_SEASON},
        "week": {
            "number": DEMO_SCORING_PERIOD,
            "teamsOnBye": [_scoreboard_team(ABBREV_TO_ID[a]) for a in BYE_TEAMS],
        },
        "events": events,
    }


def finals_view(demo: Demo) -> Json:
    return {
        "note": "Demo only, not an ESPN response: the final scores the demo clock plays out.",
        "games": {str(g.event_id): {"home": g.home_score, "away": g.away_score} for g in demo.games},
    }


def build_demo_payloads() -> dict[str, Json]:
    """File name -> payload, for every file in `data/`."""
    demo = build_demo()
    team = team_view(demo)
    base = base_view(demo)
    settings = settings_view()
    matchups = matchup_score_view(demo)
    team_basics = [
        {key: t[key] for key in ("abbrev", "divisionId", "id", "name", "playoffSeed", "record")}
        for t in team["teams"]
    ]
    box = boxscore_view(demo, team_basics)
    pro_schedule = pro_schedule_view(demo)
    return {
        BASE_FILE: base,
        SETTINGS_FILE: settings,
        TEAM_FILE: team,
        MATCHUP_SCORE_FILE: matchups,
        BOXSCORE_FILE: box,
        PRO_SCHEDULE_FILE: pro_schedule,
        SCOREBOARD_FILE: scoreboard_view(demo),
        NFL_FINALS_FILE: finals_view(demo),
    }


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
