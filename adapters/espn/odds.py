"""Every odds field of ESPN's NFL scoreboard (`competitions[0].odds[]`) as typed snapshots.

ESPN has printed a game's odds in three shapes over the years, sometimes mixed in one
entry, and any field may be missing:

- the summary: `details` ("KC -3", "EVEN" or "PK" for a pick'em), `overUnder`, `spread`;
- per team: `homeTeamOdds` / `awayTeamOdds` with `favorite`, `moneyLine`, `spreadOdds`, and
  top-level `overOdds` / `underOdds`; older entries add `open` / `current` / `close` blocks
  (`{"over": {"american": "-110"}, "total": {"american": "44.5"}}`, and per team
  `{"moneyLine": {"american": "-150"}, "pointSpread": {"american": "-3"}, "spread": {...}}`);
- by market: `moneyline.home.close.odds`, `pointSpread.home.open.line` / `.odds`,
  `total.over.close.line` ("o44.5") / `.odds`.

The summary and per-team fields are the "current" line; the blocks keep their own phase
("open", "current", "close"). Odds are an extra on a scoreboard the week's state depends
on, so a value that cannot be read (a price inside -100..+100, "OFF", a stray string)
is left out rather than failing the sync: the game is then priced from what remains, or
not offered. Prices read "EVEN" are +100.

A spread is the home team's expected margin (engine/markets.py): "KC -3" with KC at home
is 3.0. `details` says who is favoured; without it, ESPN's `spread` number is read as the
home team's handicap (so home margin = -spread), unless the `favorite` flags say the
away team is favoured.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from commands.provider import OddsPhase, OddsPrices, ProviderOdds
from engine.game_lines import ProviderLines

__all__ = ["parse_odds", "read_american", "read_line"]

_PICK_EM = frozenset({"EVEN", "PK", "PICK", "PICK'EM", "PICKEM"})
_DETAILS = re.compile(r"^\s*([A-Za-z]{2,4})\s+([+-]?\d+(?:\.\d+)?)\s*$")
_PHASES: tuple[OddsPhase, ...] = ("open", "current", "close")
_NO_PRIORITY = 1_000_000


def read_american(value: Any) -> int | None:
    """American odds from ESPN's int, float or string ("-110", "+140", "EVEN"); None if unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        text = value.strip().upper()
        if text == "EVEN":
            return 100
        try:
            number = float(text)
        except ValueError:
            return None
    elif isinstance(value, int | float):
        number = float(value)
    else:
        return None
    if not math.isfinite(number) or number != round(number) or -100 < number < 100:
        return None
    return int(number)


def read_line(value: Any) -> float | None:
    """A line from ESPN ("-3", "+3.5", "o44.5", "u44.5", 44.5, "PK"); None if unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().upper()
        if text in _PICK_EM:
            return 0.0
        if text[:1] in ("O", "U"):
            text = text[1:]
        try:
            number = float(text)
        except ValueError:
            return None
    else:
        return None
    return number + 0.0 if math.isfinite(number) and number * 2 == round(number * 2) else None


def parse_odds(competition: Mapping[str, Any], home: str, away: str) -> tuple[ProviderOdds, ...]:
    """Each provider's odds of a competition, in ESPN's priority order (first listed first)."""
    entries = competition.get("odds")
    if not isinstance(entries, list):
        return ()
    found = [_provider_odds(entry, home, away) for entry in entries if isinstance(entry, Mapping)]
    ranked = sorted(enumerate(found), key=lambda pair: (pair[1].priority, pair[0]))
    return tuple(odds for _, odds in ranked)


def _provider_odds(entry: Mapping[str, Any], home: str, away: str) -> ProviderOdds:
    provider = _mapping(entry.get("provider"))
    priority = provider.get("priority")
    details = entry.get("details")
    prices = []
    for phase in _PHASES:
        lines = _phase_lines(entry, phase, home, away)
        if lines != ProviderLines():
            prices.append(OddsPrices(phase, lines))
    return ProviderOdds(
        provider_id=str(provider.get("id") or ""),
        provider_name=str(provider.get("name") or "unknown provider"),
        priority=priority if isinstance(priority, int) and not isinstance(priority, bool) else _NO_PRIORITY,
        details=details if isinstance(details, str) else None,
        prices=tuple(prices),
    )


def _phase_lines(entry: Mapping[str, Any], phase: OddsPhase, home: str, away: str) -> ProviderLines:
    """Everything the entry says about one phase, from whichever of ESPN's shapes carry it."""
    home_team, away_team = _mapping(entry.get("homeTeamOdds")), _mapping(entry.get("awayTeamOdds"))
    block = _mapping(entry.get(phase))
    home_block, away_block = _mapping(home_team.get(phase)), _mapping(away_team.get(phase))
    by_market = _by_market(entry, phase)
    summary = phase == "current"
    spread = _first(
        by_market["spread"],
        _home_margin_from_handicaps(
            _american_line(home_block, "pointSpread"), _american_line(away_block, "pointSpread")
        ),
        _summary_spread(entry, home_team, away_team, home, away) if summary else None,
    )
    total = _first(
        by_market["total"],
        _american_line(block, "total"),
        read_line(entry.get("overUnder")) if summary else None,
    )
    return ProviderLines(
        home_moneyline=_first(
            by_market["home_moneyline"],
            read_american(_mapping(home_block.get("moneyLine")).get("american")),
            read_american(home_team.get("moneyLine")) if summary else None,
        ),
        away_moneyline=_first(
            by_market["away_moneyline"],
            read_american(_mapping(away_block.get("moneyLine")).get("american")),
            read_american(away_team.get("moneyLine")) if summary else None,
        ),
        spread=spread,
        home_spread_odds=_first(
            by_market["home_spread_odds"],
            read_american(_mapping(home_block.get("spread")).get("american")),
            read_american(home_team.get("spreadOdds")) if summary else None,
        ),
        away_spread_odds=_first(
            by_market["away_spread_odds"],
            read_american(_mapping(away_block.get("spread")).get("american")),
            read_american(away_team.get("spreadOdds")) if summary else None,
        ),
        total=total,
        over_odds=_first(
            by_market["over_odds"],
            read_american(_mapping(block.get("over")).get("american")),
            read_american(entry.get("overOdds")) if summary else None,
        ),
        under_odds=_first(
            by_market["under_odds"],
            read_american(_mapping(block.get("under")).get("american")),
            read_american(entry.get("underOdds")) if summary else None,
        ),
    )


def _by_market(entry: Mapping[str, Any], phase: OddsPhase) -> dict[str, Any]:
    """The by-market shape (`moneyline`, `pointSpread`, `total`) for one phase."""
    moneyline, point_spread = _mapping(entry.get("moneyline")), _mapping(entry.get("pointSpread"))
    total = _mapping(entry.get("total"))

    def at(market: Mapping[str, Any], side: str) -> Mapping[str, Any]:
        return _mapping(_mapping(market.get(side)).get(phase))

    home_spread, away_spread = at(point_spread, "home"), at(point_spread, "away")
    over, under = at(total, "over"), at(total, "under")
    return {
        "home_moneyline": read_american(at(moneyline, "home").get("odds")),
        "away_moneyline": read_american(at(moneyline, "away").get("odds")),
        "spread": _home_margin_from_handicaps(
            read_line(home_spread.get("line")), read_line(away_spread.get("line"))
        ),
        "home_spread_odds": read_american(home_spread.get("odds")),
        "away_spread_odds": read_american(away_spread.get("odds")),
        "total": _first(read_line(over.get("line")), read_line(under.get("line"))),
        "over_odds": read_american(over.get("odds")),
        "under_odds": read_american(under.get("odds")),
    }


def _summary_spread(
    entry: Mapping[str, Any], home_team: Mapping[str, Any], away_team: Mapping[str, Any], home: str, away: str
) -> float | None:
    details = entry.get("details")
    if isinstance(details, str):
        text = details.strip().upper()
        if text in _PICK_EM:
            return 0.0
        match = _DETAILS.match(text)
        if match:
            team, handicap = match.group(1), read_line(match.group(2))
            if handicap is not None and team == home.upper():
                return -handicap + 0.0
            if handicap is not None and team == away.upper():
                return handicap + 0.0
    spread = read_line(entry.get("spread"))
    if spread is None:
        return None
    if away_team.get("favorite") is True and home_team.get("favorite") is not True:
        return -abs(spread) + 0.0
    if home_team.get("favorite") is True:
        return abs(spread)
    return -spread + 0.0


def _american_line(block: Mapping[str, Any], key: str) -> float | None:
    """A line inside an old-style phase block: {"total": {"american": "44.5"}}."""
    value = _mapping(block.get(key))
    return _first(read_line(value.get("american")), read_line(value.get("alternateDisplayValue")))


def _home_margin_from_handicaps(home_handicap: float | None, away_handicap: float | None) -> float | None:
    if home_handicap is not None:
        return -home_handicap + 0.0
    if away_handicap is not None:
        return away_handicap + 0.0
    return None


def _first(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}
