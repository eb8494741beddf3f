"""Who is who: the NFL's 32 teams (ESPN's real ids) and the fictional players on rosters.

Everything here is made up except the NFL teams, whose ids and abbreviations are ESPN's
(espn_api's PRO_TEAM_MAP), since the rest of the system keys on them. `PlayerFactory`
deals unique names and plausible ESPN player ids from a seeded random source, so a seed
always gives the same players.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from espn_api.football.constant import PRO_TEAM_MAP

__all__ = [
    "ABBREV_TO_ID",
    "FIRST_NAMES",
    "JERSEYS",
    "LAST_NAMES",
    "NFL_TEAMS",
    "Player",
    "PlayerFactory",
    "fantasy_abbrev",
]

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


def fantasy_abbrev(pro_team_id: int) -> str:
    """A pro team's abbreviation as the fantasy API writes it ("Wsh", but "KC")."""
    abbrev = PRO_TEAM_MAP[pro_team_id]
    return abbrev if abbrev in _UPPER_ABBREVS else abbrev.title()


#: Jersey numbers by position, for the players' cards.
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
