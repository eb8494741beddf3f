"""Sportsbook odds for the demo's NFL scoreboards, in ESPN's by-market shape.

The demo season's games have no real lines, so each gets a plausible one, the same every
run: a spread of up to a touchdown either way and a total from 38 to 52.5, drawn from the
game's event id, with a moneyline derived from the spread (engine/game_lines.py) and the
usual -110 on both sides of the spread and total. The line opens at that and moves half a
point (or not) a day before kickoff, so a bet placed early has a closing line to be
measured against. Served the way ESPN serves it (adapters/espn/odds.py reads it back).
"""

from __future__ import annotations

import copy
import zlib
from datetime import datetime, timedelta
from typing import Any

from engine.game_lines import moneyline_from_spread
from engine.margin import quote_two_way

Json = dict[str, Any]

LINE_MOVES_BEFORE_KICKOFF = timedelta(days=1)
"""When the demo's lines move from their opening numbers to their closing ones."""

_BOOK_MARGIN = 0.045
"""The demo sportsbook's own margin on its moneylines."""


def with_odds(board: Json, now: datetime) -> Json:
    """A copy of an NFL scoreboard whose events carry the demo sportsbook's odds at `now`."""
    board = copy.deepcopy(board)
    for event in board.get("events", []):
        competition = event["competitions"][0]
        sides = {c["homeAway"]: c["team"]["abbreviation"] for c in competition["competitors"]}
        kickoff = datetime.fromisoformat(event["date"].replace("Z", "+00:00"))
        competition["odds"] = [
            _odds(event["id"], sides["home"], sides["away"], now >= kickoff - LINE_MOVES_BEFORE_KICKOFF)
        ]
    return board


def _odds(event_id: str, home: str, away: str, moved: bool) -> Json:
    seed = zlib.crc32(event_id.encode())
    open_spread = (seed % 29 - 14) / 2  # the home team's expected margin, -7 .. +7
    open_total = 38.0 + (seed // 29 % 30) / 2
    move = (seed // 870 % 3 - 1) / 2 if moved else 0.0
    close_spread, close_total = open_spread + move, open_total - move
    phases = {"open": (open_spread, open_total), "close": (close_spread, close_total)}

    def moneyline(spread: float) -> tuple[str, str]:
        home_odds, away_odds = quote_two_way(*_pair(moneyline_from_spread(spread, 0.5)), _BOOK_MARGIN)
        return _american(home_odds), _american(away_odds)

    favourite = home if close_spread > 0 else away
    return {
        "provider": {"id": "58", "name": "ESPN BET", "priority": 1},
        "details": "EVEN" if close_spread == 0 else f"{favourite} -{abs(close_spread):g}",
        "overUnder": close_total,
        "spread": -close_spread,
        "moneyline": {
            side: {phase: {"odds": moneyline(spread)[i]} for phase, (spread, _) in phases.items()}
            for i, side in enumerate(("home", "away"))
        },
        "pointSpread": {
            "home": {
                phase: {"line": _handicap(-spread), "odds": "-110"} for phase, (spread, _) in phases.items()
            },
            "away": {
                phase: {"line": _handicap(spread), "odds": "-110"} for phase, (spread, _) in phases.items()
            },
        },
        "total": {
            "over": {phase: {"line": f"o{total:g}", "odds": "-110"} for phase, (_, total) in phases.items()},
            "under": {phase: {"line": f"u{total:g}", "odds": "-110"} for phase, (_, total) in phases.items()},
        },
    }


def _pair(p: float) -> tuple[float, float]:
    return p, 1.0 - p


def _american(odds: int | None) -> str:
    return "OFF" if odds is None else f"{odds:+d}"


def _handicap(value: float) -> str:
    return "PK" if value == 0 else f"{value:+g}"
