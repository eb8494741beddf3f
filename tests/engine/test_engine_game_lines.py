"""NFL game lines: consensus, de-vig, the league's margin, coherence across a game's markets."""

from __future__ import annotations

from statistics import NormalDist

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine import DEFAULT_MARGIN, implied_probability
from engine.arbitrage import find_arbitrage
from engine.devig import DevigMethod, fair_from_american
from engine.game_lines import (
    NFL_MARGIN_SD,
    ProviderLines,
    consensus,
    game_model,
    moneyline_from_spread,
    price_game,
)
from engine.markets import MarketKind, PricedMarket

KC_MINUS_3 = ProviderLines(-165, 140, 3.0, -110, -110, 46.5, -105, -115)


def by_kind(markets: list[PricedMarket]) -> dict[MarketKind, PricedMarket]:
    return {market.kind: market for market in markets}


def test_a_full_line_is_de_vigged_then_quoted_at_the_league_margin() -> None:
    markets = by_kind(price_game([KC_MINUS_3], DevigMethod.MULTIPLICATIVE, DEFAULT_MARGIN))
    ml = markets[MarketKind.MONEYLINE]
    # -165 / +140: implied 165/265 and 100/240; normalised home = 0.622642 / 1.039308 = 0.599093
    home = (165 / 265) / (165 / 265 + 100 / 240)
    assert ml.selections[0].fair_p == pytest.approx(home, abs=1e-12)
    # quoted at p + 2.38%: home .622893 is -165.18, away .424707 is +135.46; floored to 5
    assert (ml.selections[0].odds, ml.selections[1].odds) == (-170, 135)
    spread = markets[MarketKind.SPREAD]
    assert spread.line == 3.0 and spread.selections[0].fair_p == 0.5
    assert (spread.selections[0].odds, spread.selections[1].odds) == (-110, -110)
    total = markets[MarketKind.TOTAL]
    over = (105 / 205) / (105 / 205 + 115 / 215)
    assert total.line == 46.5 and total.selections[0].fair_p == pytest.approx(over, abs=1e-12)


def test_the_overround_is_removed_to_within_rounding_and_the_league_margin_put_back() -> None:
    for method in DevigMethod:
        for market in price_game([KC_MINUS_3], method, DEFAULT_MARGIN):
            first, second = market.selections
            assert first.fair_p + second.fair_p == pytest.approx(1.0, abs=1e-12)
            assert first.odds is not None and second.odds is not None
            booksum = implied_probability(first.odds) + implied_probability(second.odds)
            assert booksum >= 1.0 + DEFAULT_MARGIN - 1e-9
            assert booksum <= 1.0 + DEFAULT_MARGIN + 0.03  # the margin plus at most a step per side


def test_a_missing_moneyline_is_derived_from_the_spread_by_the_normal_margin() -> None:
    fair = consensus([ProviderLines(spread=3.0)], DevigMethod.SHIN)
    assert fair.moneyline_derived
    # c = 1/2 at the line: mu = 3, p = Phi(3 / 13.5) = 0.58793
    assert fair.moneyline == pytest.approx(NormalDist().cdf(3 / NFL_MARGIN_SD), abs=1e-12)
    assert fair.moneyline == pytest.approx(0.587929, abs=1e-6)


def test_a_spread_price_moves_the_derived_moneyline() -> None:
    # home -3 at -130: the home side covers more often than not, so it wins more often too
    cover = fair_from_american(-130, 110, DevigMethod.SHIN)[0]
    assert moneyline_from_spread(3.0, cover) > moneyline_from_spread(3.0, 0.5)


def test_a_pick_em_with_no_moneyline_is_a_coin_flip() -> None:
    markets = by_kind(price_game([ProviderLines(spread=0.0, total=41.0)], DevigMethod.POWER, DEFAULT_MARGIN))
    assert markets[MarketKind.MONEYLINE].selections[0].fair_p == pytest.approx(0.5)
    assert markets[MarketKind.SPREAD].line == 0.0


def test_a_game_without_any_line_offers_nothing() -> None:
    assert price_game([], DevigMethod.SHIN, DEFAULT_MARGIN) == []
    assert price_game([ProviderLines()], DevigMethod.SHIN, DEFAULT_MARGIN) == []


def test_a_total_alone_offers_only_the_total() -> None:
    markets = price_game([ProviderLines(total=44.0)], DevigMethod.SHIN, DEFAULT_MARGIN)
    assert [m.kind for m in markets] == [MarketKind.TOTAL]


def test_the_most_quoted_line_wins_and_its_providers_are_averaged() -> None:
    providers = [
        ProviderLines(spread=2.5, home_spread_odds=-120, away_spread_odds=100),
        ProviderLines(spread=3.0, home_spread_odds=-110, away_spread_odds=-110),
        ProviderLines(spread=3.0, home_spread_odds=-120, away_spread_odds=100),
    ]
    fair = consensus(providers, DevigMethod.MULTIPLICATIVE)
    assert fair.spread is not None and fair.spread[0] == 3.0
    second = fair_from_american(-120, 100, DevigMethod.MULTIPLICATIVE)[0]
    assert fair.spread[1] == pytest.approx((0.5 + second) / 2, abs=1e-12)


def test_a_tie_between_lines_goes_to_the_provider_espn_lists_first() -> None:
    fair = consensus([ProviderLines(total=47.5), ProviderLines(total=47.0)], DevigMethod.SHIN)
    assert fair.total == (47.5, 0.5)


def test_a_moneyline_contradicting_its_own_spread_is_rederived_from_the_spread() -> None:
    # a stale moneyline makes the home side the underdog while the spread has it -7
    stale = ProviderLines(200, -240, 7.0, -110, -110)
    markets = by_kind(price_game([stale], DevigMethod.SHIN, DEFAULT_MARGIN))
    assert markets[MarketKind.MONEYLINE].selections[0].fair_p == pytest.approx(
        moneyline_from_spread(7.0, 0.5)
    )


lines = st.builds(
    ProviderLines,
    home_moneyline=st.one_of(st.none(), st.integers(-1000, -100), st.integers(100, 1000)),
    away_moneyline=st.one_of(st.none(), st.integers(-1000, -100), st.integers(100, 1000)),
    spread=st.one_of(st.none(), st.integers(-30, 30).map(lambda h: h / 2)),
    home_spread_odds=st.one_of(st.none(), st.integers(-130, -100)),
    away_spread_odds=st.one_of(st.none(), st.integers(-130, -100)),
    total=st.one_of(st.none(), st.integers(60, 120).map(lambda h: h / 2)),
    over_odds=st.one_of(st.none(), st.integers(-130, -100)),
    under_odds=st.one_of(st.none(), st.integers(-130, -100)),
)


@given(
    providers=st.lists(lines, max_size=3),
    method=st.sampled_from(list(DevigMethod)),
    margin=st.floats(min_value=0.0, max_value=0.1),
)
def test_whatever_the_source_says_a_published_game_is_free_of_arbitrage(
    providers: list[ProviderLines], method: DevigMethod, margin: float
) -> None:
    markets = price_game(providers, method, margin)
    if markets:
        assert find_arbitrage(markets, game_model(consensus(providers, method))) == []
    for market in markets:
        offered = [s for s in market.selections if s.odds is not None]
        for selection in offered:
            assert selection.odds is not None
            assert implied_probability(selection.odds) >= selection.fair_p + margin / 2 - 1e-9
