"""Pricing a matchup and a player prop, including the design's worked example."""

from __future__ import annotations

import math

import pytest

from engine import (
    DEFAULT_MARGIN,
    MarketKind,
    MatchupModel,
    Normal,
    PricedMarket,
    Starter,
    gamma_median,
    price_matchup,
    price_prop,
    round_half,
)

EXAMPLE = MatchupModel(Normal(115.0, 23.0**2), Normal(105.0, 23.0**2), 0.0)


def by_kind(markets: list[PricedMarket]) -> dict[tuple[MarketKind, str | None], PricedMarket]:
    return {(m.kind, m.subject): m for m in markets}


def fair_american(p: float) -> float:
    """Unrounded no-margin odds, the way the design quotes "fair" prices."""
    return -100 * p / (1 - p) if p >= 0.5 else 100 * (1 - p) / p


def test_the_design_worked_example() -> None:
    markets = by_kind(price_matchup(EXAMPLE))
    moneyline = markets[MarketKind.MONEYLINE, None]
    home, away = moneyline.selections
    assert moneyline.line is None
    assert round(home.fair_p, 3) == 0.621
    assert home.fair_p + away.fair_p == pytest.approx(1.0, abs=1e-12)
    assert round(fair_american(home.fair_p)) == -164
    assert round(fair_american(away.fair_p)) == 164
    assert (home.odds, away.odds) == (-185, 145)  # q = .6445 / .4031, floored to 5

    spread = markets[MarketKind.SPREAD, None]
    assert spread.line == 10.0  # home -10
    assert [s.odds for s in spread.selections] == [-110, -110]
    assert [s.fair_p for s in spread.selections] == [pytest.approx(0.5), pytest.approx(0.5)]

    total = markets[MarketKind.TOTAL, None]
    assert total.line == 220.0
    assert [s.odds for s in total.selections] == [-110, -110]

    assert markets[MarketKind.TEAM_TOTAL, "home"].line == 115.0
    assert markets[MarketKind.TEAM_TOTAL, "away"].line == 105.0


def test_without_margin_the_example_is_priced_at_fair_odds_rounded_for_the_house() -> None:
    moneyline = price_matchup(EXAMPLE, margin=0.0)[0]
    assert [s.odds for s in moneyline.selections] == [-165, 160]


def test_markets_come_in_a_fixed_order_with_named_sides() -> None:
    markets = price_matchup(EXAMPLE)
    assert [(m.kind, m.subject) for m in markets] == [
        (MarketKind.MONEYLINE, None),
        (MarketKind.SPREAD, None),
        (MarketKind.TOTAL, None),
        (MarketKind.TEAM_TOTAL, "home"),
        (MarketKind.TEAM_TOTAL, "away"),
    ]
    assert [tuple(s.side for s in m.selections) for m in markets] == [
        ("home", "away"),
        ("home", "away"),
        ("over", "under"),
        ("over", "under"),
        ("over", "under"),
    ]
    assert markets[0].selection("away").side == "away"
    with pytest.raises(KeyError):
        markets[0].selection("over")


def test_a_big_favourite_is_not_offered() -> None:
    lopsided = MatchupModel(Normal(150.0, 100.0), Normal(80.0, 100.0), 0.0)
    home, away = price_matchup(lopsided)[0].selections
    assert home.odds is None
    assert away.odds is not None and away.odds > 0
    assert home.fair_p > 0.99


def test_a_matchup_whose_result_is_certain_offers_nothing() -> None:
    """Two empty or all-zero lineups end 0-0, a sure push: no moneyline at fair 0 and 1, no
    spread or total that cannot move."""
    assert price_matchup(MatchupModel(Normal(0.0, 0.0), Normal(0.0, 0.0), 0.0)) == []
    # 0 against a fixed 12: the home team can only lose
    assert price_matchup(MatchupModel(Normal(0.0, 0.0), Normal(12.0, 0.0), 0.0)) == []


def test_a_lineup_that_cannot_score_loses_only_its_own_team_total() -> None:
    markets = price_matchup(MatchupModel(Normal(0.0, 0.0), Normal(104.0, 400.0), 0.0))
    kinds = [(m.kind, m.subject) for m in markets]
    assert kinds == [
        (MarketKind.MONEYLINE, None),
        (MarketKind.SPREAD, None),
        (MarketKind.TOTAL, None),
        (MarketKind.TEAM_TOTAL, "away"),
    ]
    for market in markets:
        assert all(0.0 < s.fair_p < 1.0 for s in market.selections)


def test_the_margin_is_validated() -> None:
    with pytest.raises(ValueError):
        price_matchup(EXAMPLE, margin=0.2)


@pytest.mark.parametrize(
    ("x", "line"),
    [
        (10.0, 10.0),
        (10.24, 10.0),
        (10.25, 10.5),
        (10.74, 10.5),
        (10.75, 11.0),
        (-10.25, -10.5),
        (-10.24, -10.0),
        (0.2, 0.0),
        (219.9, 220.0),
    ],
)
def test_round_half(x: float, line: float) -> None:
    assert round_half(x) == line


def test_round_half_mirrors_and_never_gives_negative_zero() -> None:
    assert math.copysign(1.0, round_half(-0.2)) == 1.0
    for x in (0.25, 3.75, 12.3, 99.99):
        assert round_half(-x) == -round_half(x)
    with pytest.raises(ValueError):
        round_half(math.inf)


def wr(projection: float, active: bool = True, game_id: str | None = "g1") -> Starter:
    return Starter("7", "A Receiver", "WR", "KC", game_id, projection, active)


def test_the_gamma_median_sits_below_the_mean() -> None:
    # the design: "about 0.87 mu at CV .6" (exactly 0.883)
    assert gamma_median(20.0, 0.6) / 20.0 == pytest.approx(0.87, abs=0.015)
    assert gamma_median(1.0, 0.6) == pytest.approx(0.8829, abs=1e-4)
    for cv in (0.2, 0.41, 0.71, 1.0):
        assert gamma_median(10.0, cv) < 10.0


def test_a_prop_line_is_the_median_not_the_projection() -> None:
    prop = price_prop(wr(20.0), cv={"WR": 0.6})
    assert prop is not None
    assert prop.kind is MarketKind.PROP
    assert prop.subject == "7"
    assert prop.line == 17.5  # median 17.66
    over, under = prop.selections
    assert (over.side, under.side) == ("over", "under")
    assert over.fair_p + under.fair_p == pytest.approx(1.0, abs=1e-12)
    assert over.fair_p == pytest.approx(0.5, abs=0.02)
    assert over.odds is not None and under.odds is not None


def test_a_prop_uses_the_position_cv() -> None:
    prop = price_prop(wr(14.0))
    assert prop is not None
    assert prop.line == round_half(gamma_median(14.0, 0.61))


@pytest.mark.parametrize(
    "player",
    [wr(15.0, active=False), wr(15.0, game_id=None), wr(0.0), wr(-1.0), wr(0.2)],
    ids=["out", "bye", "zero", "negative", "line-rounds-to-zero"],
)
def test_no_prop_on_a_player_with_nothing_to_bet_on(player: Starter) -> None:
    assert price_prop(player, DEFAULT_MARGIN) is None
