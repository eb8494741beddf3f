"""An NFL game's moneyline, spread and total, priced from sportsbooks' consensus lines.

The source's prices are de-vigged (engine/devig.py) into fair probabilities, and the
league's margin is then applied exactly as for fantasy markets (engine/margin.py's
quote_two_way: q = p + m/2, the cap, rounding to 5 in the house's favour), so a game's
prices differ from the consensus by the league's margin and one price step at most.

Conventions are the fantasy book's (engine/markets.py): a spread line is the home team's
expected margin (home covers when home - away > line, so "KC -3" with KC at home is 3.0);
a whole-number line can push. Several providers may quote a game: for each market the
line is the one most providers quote (ties go to the provider ESPN lists first), and its
fair probability is the mean of what each provider quoting that line de-vigs to.

A missing price is handled by a documented rule:
- a spread or total line without prices is taken at -110 / -110 (the standard price, and
  what ESPN's scoreboard shows when it prints a line alone): fair 1/2 each;
- a moneyline without both prices is derived from the spread. NFL final margins are
  roughly normal around the market's spread with a standard deviation of about 13.5
  points (Stern, 1991, measured 13.86 on closing lines): the spread's fair cover
  probability c gives the expected margin mu = line + 13.5 * Phi^-1(c), and the home
  team wins with p = Phi(mu / 13.5). Without a spread either, no moneyline is offered.

Every game's quote set then passes the arbitrage check the fantasy book uses
(engine/arbitrage.py), on a model of the game's two scores built from the same normal
margin and a total with a standard deviation of 10 points. A source whose moneyline
contradicts its own spread (a stale side) would fail it; the moneyline is then derived
from the spread instead, and if the set still fails nothing of the game is offered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean

from engine.arbitrage import find_arbitrage
from engine.devig import DevigMethod, fair_from_american
from engine.margin import check_margin
from engine.markets import MarketKind, PricedMarket, two_way_market
from engine.model import MatchupModel, Normal

NFL_MARGIN_SD = 13.5
"""Standard deviation of an NFL game's final margin around the closing spread, in points."""

NFL_TOTAL_SD = 10.0
"""Standard deviation of an NFL game's total points around the closing total."""

STANDARD_PRICE = -110
"""The price assumed for a spread or total line printed without its prices."""

_TYPICAL_TOTAL = 44.0
"""A total to centre the arbitrage check's score box on when a game has no total line."""

_STANDARD_NORMAL = NormalDist()


@dataclass(frozen=True, slots=True)
class ProviderLines:
    """One sportsbook's current prices for a game (American odds; None where not given).

    `spread` is the home team's expected margin (engine/markets.py's convention).
    """

    home_moneyline: int | None = None
    away_moneyline: int | None = None
    spread: float | None = None
    home_spread_odds: int | None = None
    away_spread_odds: int | None = None
    total: float | None = None
    over_odds: int | None = None
    under_odds: int | None = None


@dataclass(frozen=True, slots=True)
class FairGame:
    """The consensus of a game's providers, de-vigged: each market's line and fair home/over p.

    `moneyline_derived` says the moneyline came from the spread (no provider priced it).
    """

    moneyline: float | None
    spread: tuple[float, float] | None
    total: tuple[float, float] | None
    moneyline_derived: bool = False


def consensus(providers: Sequence[ProviderLines], method: DevigMethod) -> FairGame:
    """Each market's consensus line and fair probability across providers (in ESPN's order)."""
    spread = _line_consensus([(p.spread, p.home_spread_odds, p.away_spread_odds) for p in providers], method)
    total = _line_consensus([(p.total, p.over_odds, p.under_odds) for p in providers], method)
    priced = [
        fair_from_american(p.home_moneyline, p.away_moneyline, method)[0]
        for p in providers
        if p.home_moneyline is not None and p.away_moneyline is not None
    ]
    if priced:
        return FairGame(fmean(priced), spread, total)
    if spread is None:
        return FairGame(None, None, total)
    return FairGame(moneyline_from_spread(*spread), spread, total, moneyline_derived=True)


def _line_consensus(
    quotes: Sequence[tuple[float | None, int | None, int | None]], method: DevigMethod
) -> tuple[float, float] | None:
    lines = [line for line, _, _ in quotes if line is not None]
    if not lines:
        return None
    counts = Counter(lines)
    most = max(counts.values())
    line = next(line for line in lines if counts[line] == most)  # first listed among the most quoted
    fair = [
        fair_from_american(
            first if first is not None and second is not None else STANDARD_PRICE,
            second if first is not None and second is not None else STANDARD_PRICE,
            method,
        )[0]
        for quoted, first, second in quotes
        if quoted == line
    ]
    return line, fmean(fair)


def moneyline_from_spread(line: float, home_covers: float) -> float:
    """P(home wins) from the spread's line and fair cover probability, by the normal margin.

    mu = line + sd * Phi^-1(c), p = Phi(mu / sd), sd = NFL_MARGIN_SD (see the module doc).
    """
    mu = line + NFL_MARGIN_SD * _STANDARD_NORMAL.inv_cdf(home_covers)
    return _STANDARD_NORMAL.cdf(mu / NFL_MARGIN_SD)


def game_model(fair: FairGame) -> MatchupModel:
    """Both teams' scores as normals matching the game's spread and total lines.

    Only the arbitrage check reads it (for the box of plausible scores); prices come from
    the providers, not from this model.
    """
    mu_margin = fair.spread[0] if fair.spread is not None else 0.0
    mu_total = fair.total[0] if fair.total is not None else _TYPICAL_TOTAL
    var_margin, var_total = NFL_MARGIN_SD**2, NFL_TOTAL_SD**2
    each = (var_margin + var_total) / 4.0
    return MatchupModel(
        home=Normal((mu_total + mu_margin) / 2.0, each),
        away=Normal((mu_total - mu_margin) / 2.0, each),
        covariance=(var_total - var_margin) / 4.0,
    )


def price_game(providers: Sequence[ProviderLines], method: DevigMethod, margin: float) -> list[PricedMarket]:
    """The game's markets as the league quotes them; empty when nothing can be offered."""
    check_margin(margin)
    fair = consensus(providers, method)
    markets = _quote(fair, margin)
    model = game_model(fair)
    if not find_arbitrage(markets, model):
        return markets
    if fair.spread is not None and not fair.moneyline_derived:
        rederived = FairGame(
            moneyline_from_spread(*fair.spread), fair.spread, fair.total, moneyline_derived=True
        )
        markets = _quote(rederived, margin)
        if not find_arbitrage(markets, model):
            return markets
    return []


def _quote(fair: FairGame, margin: float) -> list[PricedMarket]:
    markets = []
    if fair.moneyline is not None:
        markets.append(_two_way(MarketKind.MONEYLINE, None, fair.moneyline, margin))
    if fair.spread is not None:
        markets.append(_two_way(MarketKind.SPREAD, fair.spread[0], fair.spread[1], margin))
    if fair.total is not None:
        markets.append(_two_way(MarketKind.TOTAL, fair.total[0], fair.total[1], margin))
    return [market for market in markets if market is not None]


def _two_way(kind: MarketKind, line: float | None, p_first: float, margin: float) -> PricedMarket | None:
    """A market at fair p_first / 1 - p_first; None when its result is as good as certain."""
    if not 0.0 < p_first < 1.0:
        return None
    return two_way_market(kind, None, line, p_first, 1.0 - p_first, margin)
