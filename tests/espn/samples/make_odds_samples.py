"""Build the odds-variant scoreboards from ESPN's recorded 2023 week 5 scoreboard.

Run from the repository root: `python tests/espn/samples/make_odds_samples.py`. Every event
keeps the recorded event's shape byte for byte; only `competitions[0].odds` (and, for the
final scoreboard, the status and scores) is replaced, with each odds shape ESPN has served:
the summary alone (the recorded one), per-team prices with open/current/close blocks, the
by-market shape with open/close, several providers, pick'em, missing and unreadable fields,
and no odds at all.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RECORDED = HERE / "nfl_scoreboard_2023_w5.json"

Json = dict[str, Any]


def _provider(pid: str, name: str, priority: int) -> Json:
    return {"id": pid, "name": name, "priority": priority}


def _team_odds(favorite: bool, **extra: Any) -> Json:
    return {"favorite": favorite, "underdog": not favorite, **extra}


def _by_market(
    home_ml: tuple[str, str],
    away_ml: tuple[str, str],
    home_line: tuple[str, str],
    home_price: tuple[str, str],
    away_price: tuple[str, str],
    total: tuple[str, str],
    over: tuple[str, str],
    under: tuple[str, str],
) -> Json:
    """ESPN's by-market blocks: each side's (open, close)."""

    def phases(pairs: dict[str, tuple[str, str]]) -> Json:
        return {
            phase: {key: value[i] for key, value in pairs.items()}
            for i, phase in enumerate(("open", "close"))
        }

    away_line = tuple(
        ("+" + v[1:]) if v.startswith("-") else ("-" + v.lstrip("+")) if v not in ("0", "PK") else v
        for v in home_line
    )
    return {
        "moneyline": {
            "displayName": "Moneyline",
            "shortDisplayName": "ML",
            "home": phases({"odds": home_ml}),
            "away": phases({"odds": away_ml}),
        },
        "pointSpread": {
            "displayName": "Spread",
            "shortDisplayName": "Spread",
            "home": phases({"line": home_line, "odds": home_price}),
            "away": phases({"line": away_line, "odds": away_price}),
        },
        "total": {
            "displayName": "Total",
            "shortDisplayName": "Total",
            "over": phases({"line": tuple("o" + t for t in total), "odds": over}),
            "under": phases({"line": tuple("u" + t for t in total), "odds": under}),
        },
    }


ODDS: dict[str, list[Json] | None] = {
    # CHI @ WSH: two providers in the by-market shape, the line moving from open to close
    "401547457": [
        {
            "provider": _provider("58", "ESPN BET", 1),
            "details": "WSH -6.5",
            "overUnder": 44.5,
            "spread": -6.5,
            "awayTeamOdds": _team_odds(False),
            "homeTeamOdds": _team_odds(True),
            **_by_market(
                ("-230", "-270"),
                ("+190", "+220"),
                ("-5.5", "-6.5"),
                ("-110", "-110"),
                ("-110", "-110"),
                ("45.5", "44.5"),
                ("-110", "-105"),
                ("-110", "-115"),
            ),
        },
        {
            "provider": _provider("40", "DraftKings", 2),
            "details": "WSH -6.5",
            "overUnder": 44.0,
            **_by_market(
                ("-240", "-280"),
                ("+200", "+230"),
                ("-6", "-6.5"),
                ("-110", "-105"),
                ("-110", "-115"),
                ("45", "44"),
                ("-110", "-110"),
                ("-110", "-110"),
            ),
        },
    ],
    # JAX vs BUF: per-team prices with open and current blocks, decimals as ESPN prints them
    "401547228": [
        {
            "provider": _provider("45", "Caesars Sportsbook (New Jersey)", 1),
            "details": "BUF -5.5",
            "overUnder": 49.0,
            "spread": -5.5,
            "overOdds": -110.0,
            "underOdds": -110.0,
            "awayTeamOdds": {
                "favorite": False,
                "underdog": True,
                "moneyLine": 180,
                "spreadOdds": -110.0,
                "open": {
                    "moneyLine": {"american": "+170"},
                    "pointSpread": {"american": "+5"},
                    "spread": {"american": "-110"},
                },
                "current": {
                    "moneyLine": {"american": "+180"},
                    "pointSpread": {"american": "+5.5"},
                    "spread": {"american": "-110"},
                },
            },
            "homeTeamOdds": {
                "favorite": True,
                "underdog": False,
                "moneyLine": -218,
                "spreadOdds": -110.0,
                "open": {
                    "moneyLine": {"american": "-205"},
                    "pointSpread": {"american": "-5"},
                    "spread": {"american": "-110"},
                },
                "current": {
                    "moneyLine": {"american": "-218"},
                    "pointSpread": {"american": "-5.5"},
                    "spread": {"american": "-110"},
                },
            },
            "open": {
                "over": {"american": "-110"},
                "under": {"american": "-110"},
                "total": {"american": "48.5"},
            },
            "current": {
                "over": {"american": "-110"},
                "under": {"american": "-110"},
                "total": {"american": "49"},
            },
        }
    ],
    # HOU @ ATL: a pick'em, the summary alone
    "401547463": [
        {
            "provider": _provider("45", "Caesars Sportsbook (New Jersey)", 1),
            "details": "EVEN",
            "overUnder": 41.5,
        }
    ],
    # CAR @ DET: a spread and nothing else (no total, no prices)
    "401547464": [{"provider": _provider("45", "Caesars Sportsbook (New Jersey)", 1), "details": "DET -9.5"}],
    # TEN @ IND: no odds at all
    "401547458": None,
    # NYG @ MIA: an empty odds list
    "401547465": [],
    # NO @ NE: "PK" with prices ESPN could not fill ("OFF", an impossible +50, a word)
    "401547459": [
        {
            "provider": _provider("45", "Caesars Sportsbook (New Jersey)", 1),
            "details": "PK",
            "overUnder": "OFF",
            "overOdds": "n/a",
            "awayTeamOdds": {"favorite": False, "moneyLine": "OFF", "spreadOdds": 50},
            "homeTeamOdds": {"favorite": False, "moneyLine": -105, "spreadOdds": -110},
        }
    ],
    # KC @ MIN: the away team favoured, "EVEN" prices in the by-market shape, a provider without priority
    "401547462": [
        {
            "provider": {"id": "1004", "name": "consensus"},
            "details": "KC -4",
            "overUnder": 53.0,
            **_by_market(
                ("+165", "+170"),
                ("-190", "-200"),
                ("+4", "+4"),
                ("EVEN", "-105"),
                ("-120", "-115"),
                ("52.5", "53"),
                ("EVEN", "-110"),
                ("-120", "-110"),
            ),
        }
    ],
}


def odds_variants() -> Json:
    board = json.loads(RECORDED.read_text())
    events = []
    for event in board["events"]:
        if event["id"] not in ODDS:
            continue
        event = copy.deepcopy(event)
        competition = event["competitions"][0]
        odds = ODDS[event["id"]]
        if odds is None:
            competition.pop("odds", None)
        else:
            competition["odds"] = odds
        events.append(event)
    return {**board, "events": events}


def _status(type_id: str, name: str, state: str, completed: bool, description: str) -> Json:
    return {
        "clock": 0.0,
        "displayClock": "0:00",
        "period": 4 if completed else 0,
        "type": {
            "id": type_id,
            "name": name,
            "state": state,
            "completed": completed,
            "description": description,
            "detail": description,
            "shortDetail": description,
        },
    }


# event id -> (status, home score, away score), as ESPN showed the week's games afterwards
FINALS: dict[str, tuple[Json, int, int]] = {
    "401547457": (_status("3", "STATUS_FINAL", "post", True, "Final"), 20, 40),  # CHI won at WSH
    "401547228": (_status("3", "STATUS_FINAL", "post", True, "Final"), 20, 25),
    "401547463": (_status("3", "STATUS_FINAL", "post", True, "Final"), 21, 19),
    "401547464": (_status("3", "STATUS_FINAL", "post", True, "Final"), 42, 24),
    "401547458": (_status("3", "STATUS_FINAL", "post", True, "Final"), 23, 16),
    "401547465": (_status("6", "STATUS_POSTPONED", "post", False, "Postponed"), 0, 0),
    "401547459": (_status("5", "STATUS_CANCELED", "post", False, "Canceled"), 0, 0),
    "401547462": (_status("8", "STATUS_SUSPENDED", "in", False, "Suspended"), 20, 17),
}


def finals() -> Json:
    """The same games after the weekend: finals, a postponement, a cancellation, a suspension."""
    board = odds_variants()
    for event in board["events"]:
        status, home, away = FINALS[event["id"]]
        event["status"] = status
        competition = event["competitions"][0]
        competition["status"] = status
        for competitor in competition["competitors"]:
            competitor["score"] = str(home if competitor["homeAway"] == "home" else away)
    return board


if __name__ == "__main__":
    (HERE / "nfl_scoreboard_2023_w5_odds.json").write_text(json.dumps(odds_variants(), indent=1) + "\n")
    (HERE / "nfl_scoreboard_2023_w5_finals.json").write_text(json.dumps(finals(), indent=1) + "\n")
