"""The arbitrage check: our own quotes pass, hand-made sure things are caught."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import (
    DEFAULT_MARGIN,
    MarketKind,
    MatchupModel,
    Normal,
    PricedMarket,
    PricedSelection,
    find_arbitrage,
    implied_probability,
    price_matchup,
    winning_region,
)
from engine.arbitrage import (
    _POINTS_TOLERANCE,
    PROBABILITY_TOLERANCE,
    _book_problem,
    _Box,
    _covered_past_the_corners,
    _Offer,
    _region,
)
from engine.markets import MATCHUP_KINDS, SIDES
from engine.regions import HalfPlane

EXAMPLE = MatchupModel(Normal(115.0, 23.0**2), Normal(105.0, 23.0**2), 0.0)
HEAVY = -10_000  # implies 99%: never part of a sure thing with anything but a gift


def market(
    kind: MarketKind,
    line: float | None,
    first: int | None,
    second: int | None,
    subject: str | None = None,
) -> PricedMarket:
    a, b = SIDES[kind]
    return PricedMarket(
        kind, subject, line, (PricedSelection(a, 0.5, first), PricedSelection(b, 0.5, second))
    )


def test_our_own_quotes_are_clean() -> None:
    assert find_arbitrage(price_matchup(EXAMPLE), EXAMPLE) == []
    assert find_arbitrage(price_matchup(EXAMPLE), EXAMPLE, min_margin=DEFAULT_MARGIN) == []


def test_a_market_that_does_not_keep_its_own_book() -> None:
    problems = find_arbitrage([market(MarketKind.MONEYLINE, None, 105, 105)], EXAMPLE)
    assert problems == ["moneyline home +105 / moneyline away +105 imply only 97.56% (need at least 100.00%)"]


def test_the_minimum_margin_is_enforced_per_market() -> None:
    thin = [market(MarketKind.TOTAL, 220.0, -105, -105)]
    assert find_arbitrage(thin, EXAMPLE) == []
    assert len(find_arbitrage(thin, EXAMPLE, min_margin=DEFAULT_MARGIN)) == 1


def test_two_markets_that_together_cover_everything() -> None:
    # home wins (margin > 0) or away covers +10 (margin < 10): one of them always pays
    markets = [
        market(MarketKind.MONEYLINE, None, 120, HEAVY),
        market(MarketKind.SPREAD, 10.0, HEAVY, 110),
    ]
    problems = find_arbitrage(markets, EXAMPLE)
    assert len(problems) == 1
    assert "moneyline home +120 + spread away +10 +110 cover every outcome" in problems[0]


def test_two_markets_with_a_gap_between_them_are_fine() -> None:
    # away wins (margin < 0) or home covers -10 (margin > 10): both lose on 0..10
    markets = [
        market(MarketKind.MONEYLINE, None, HEAVY, 300),
        market(MarketKind.SPREAD, 10.0, 300, HEAVY),
    ]
    assert find_arbitrage(markets, EXAMPLE) == []


def test_a_free_roll_that_can_only_push_or_win() -> None:
    # pick'em spread against the moneyline: a tie refunds both, anything else pays one
    markets = [
        market(MarketKind.MONEYLINE, None, 105, HEAVY),
        market(MarketKind.SPREAD, 0.0, HEAVY, 105),
    ]
    assert len(find_arbitrage(markets, EXAMPLE)) == 1


def test_three_markets_that_cover_only_together() -> None:
    # each team over 100, or the total under 210: no score avoids all three
    markets = [
        market(MarketKind.TEAM_TOTAL, 100.0, 250, HEAVY, subject="home"),
        market(MarketKind.TEAM_TOTAL, 100.0, 250, HEAVY, subject="away"),
        market(MarketKind.TOTAL, 210.0, HEAVY, 250),
    ]
    problems = find_arbitrage(markets, EXAMPLE)
    assert len(problems) == 1
    assert problems[0].count(" + ") == 2
    priced_fairly = [
        market(MarketKind.TEAM_TOTAL, 100.0, 150, HEAVY, subject="home"),
        market(MarketKind.TEAM_TOTAL, 100.0, 150, HEAVY, subject="away"),
        market(MarketKind.TOTAL, 210.0, HEAVY, 150),
    ]
    assert find_arbitrage(priced_fairly, EXAMPLE) == []  # 3 x 40% = 120%


def test_a_selection_that_cannot_lose() -> None:
    tight = MatchupModel(Normal(115.0, 16.0), Normal(105.0, 16.0), 0.0)  # totals 180..260
    problems = find_arbitrage([market(MarketKind.TOTAL, 150.0, -9900, 9900)], tight)
    assert len(problems) == 1
    assert problems[0].startswith("total over 150 -9900 cover every outcome")


def test_sides_not_offered_are_ignored() -> None:
    markets = [market(MarketKind.MONEYLINE, None, None, 9900), market(MarketKind.SPREAD, 10.0, None, None)]
    assert find_arbitrage(markets, EXAMPLE) == []


def test_props_keep_their_own_book_too() -> None:
    prop = market(MarketKind.PROP, 17.5, 105, 105, subject="7")
    assert len(find_arbitrage([prop], EXAMPLE)) == 1
    assert find_arbitrage([market(MarketKind.PROP, 17.5, -110, -110, subject="7")], EXAMPLE) == []


# --- agreement with a brute-force search over a fine grid --------------------------

STEP = 0.25  # lines on half points meet on quarter points, so this grid sees every case


def brute_force_has_arbitrage(markets: list[PricedMarket], model: MatchupModel) -> bool:
    """Every single selection and every pair from two markets, judged on a grid."""
    for m in markets:
        prices = [s.odds for s in m.selections if s.odds is not None]
        if len(prices) == 2 and sum(implied_probability(p) for p in prices) < 1.0 - 1e-9:
            return True
    home = [model.home.mean - 5 * model.home.sd + i * STEP for i in range(int(40 * model.home.sd) + 1)]
    away = [model.away.mean - 5 * model.away.sd + i * STEP for i in range(int(40 * model.away.sd) + 1)]
    offers = []
    for index, m in enumerate(markets):
        for s in m.selections:
            if s.odds is None or m.kind not in MATCHUP_KINDS:
                continue
            region = winning_region(m.kind, s.side, m.line, m.subject)
            signs = [_sign(region.excess(h, a)) for h in home for a in away]
            offers.append((index, implied_probability(s.odds), signs))
    for size in (1, 2):
        for combo in itertools.combinations(offers, size):
            if len({index for index, _, _ in combo}) < size:
                continue
            per_point = list(zip(*(signs for _, _, signs in combo), strict=True))
            covered = all(max(p) > 0 or min(p) >= 0 for p in per_point)
            can_win = any(max(p) > 0 for p in per_point)
            if covered and can_win and sum(implied for _, implied, _ in combo) < 1.0 - 1e-9:
                return True
    return False


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


ODDS = st.sampled_from([None, HEAVY, -400, -150, -110, 100, 110, 150, 250, 500])


def _model_and_matchup_markets(
    draw: st.DrawFn, max_sd: int
) -> tuple[MatchupModel, list[tuple[MarketKind, str | None, float | None]]]:
    """A drawn matchup model and its five matchup markets as (kind, subject, centre line)."""
    home_mean, away_mean = draw(st.integers(60, 140)), draw(st.integers(60, 140))
    home_sd, away_sd = draw(st.integers(1, max_sd)), draw(st.integers(1, max_sd))
    model = MatchupModel(Normal(home_mean, home_sd**2), Normal(away_mean, away_sd**2), 0.0)
    templates: list[tuple[MarketKind, str | None, float | None]] = [
        (MarketKind.MONEYLINE, None, None),
        (MarketKind.SPREAD, None, home_mean - away_mean),
        (MarketKind.TOTAL, None, home_mean + away_mean),
        (MarketKind.TEAM_TOTAL, "home", home_mean),
        (MarketKind.TEAM_TOTAL, "away", away_mean),
    ]
    return model, templates


@st.composite
def hand_made_markets(draw: st.DrawFn) -> tuple[list[PricedMarket], MatchupModel]:
    model, templates = _model_and_matchup_markets(draw, max_sd=3)
    chosen = draw(st.lists(st.sampled_from(templates), min_size=2, max_size=2, unique=True))
    markets = []
    for kind, subject, centre in chosen:
        line = None if centre is None else centre + draw(st.integers(-40, 40)) / 2
        markets.append(market(kind, line, draw(ODDS), draw(ODDS), subject))
    return markets, model


@settings(max_examples=80, deadline=None)
@given(hand_made_markets())
def test_agrees_with_a_brute_force_grid(case: tuple[list[PricedMarket], MatchupModel]) -> None:
    markets, model = case
    assert bool(find_arbitrage(markets, model)) == brute_force_has_arbitrage(markets, model)


@pytest.mark.parametrize("case", range(3))
def test_brute_force_finds_the_hand_made_cases(case: int) -> None:
    """The reference itself must be able to say yes, or the agreement test proves nothing."""
    tight = MatchupModel(Normal(115.0, 9.0), Normal(105.0, 9.0), 0.0)
    cases = [
        [market(MarketKind.MONEYLINE, None, 120, HEAVY), market(MarketKind.SPREAD, 10.0, HEAVY, 110)],
        [market(MarketKind.MONEYLINE, None, 105, HEAVY), market(MarketKind.SPREAD, 0.0, HEAVY, 105)],
        [market(MarketKind.TOTAL, 180.0, -9900, 9900), market(MarketKind.MONEYLINE, None, None, None)],
    ]
    assert brute_force_has_arbitrage(cases[case], tight)
    assert find_arbitrage(cases[case], tight)


# --- the price filter agrees with testing every set ---------------------------------


MAX_COMBINATION = 3  # Helly's theorem in the plane: a covering set always has a cover of at most three


def _offer(market: PricedMarket, selection: PricedSelection) -> _Offer | None:
    if selection.odds is None:
        return None
    region = None
    if market.kind in MATCHUP_KINDS:
        region = _region(market.kind, selection.side, market.line, market.subject)
    return _Offer(market, selection, implied_probability(selection.odds), region)


def _always_covered(regions: list[HalfPlane], box: _Box, corners: list[tuple[float, float]]) -> bool:
    """The whole coverage test, corners first: what find_arbitrage splits into its corner
    masks and _covered_past_the_corners."""
    for home, away in corners:
        nothing_wins = all(
            r.home_coef * home + r.away_coef * away <= r.threshold + _POINTS_TOLERANCE for r in regions
        )
        if nothing_wins and any(abs(r.excess(home, away)) > _POINTS_TOLERANCE for r in regions):
            return False
    return _covered_past_the_corners(regions, box, corners)


def exhaustive_find_arbitrage(
    markets: list[PricedMarket], model: MatchupModel, min_margin: float = 0.0
) -> list[str]:
    """find_arbitrage as it was before it skipped sets by price: coverage tested for every set.

    Kept here as the reference the shortcut must reproduce word for word and in order.
    """
    required = 1.0 + min_margin
    offers = [_offer(m, s) for m in markets for s in m.selections]
    offered = [offer for offer in offers if offer is not None]
    problems = [problem for m in markets if (problem := _book_problem(m, required)) is not None]
    box = _Box.around(model)
    covering: list[frozenset[int]] = []
    on_matchup = [i for i, offer in enumerate(offered) if offer.region is not None]
    for size in range(1, MAX_COMBINATION + 1):
        for combo in itertools.combinations(on_matchup, size):
            group = [offered[i] for i in combo]
            if len({id(offer.market) for offer in group}) < size:
                continue
            if any(smaller <= frozenset(combo) for smaller in covering):
                continue
            regions = [offer.region for offer in group if offer.region is not None]
            if not _always_covered(regions, box, box.corners()):
                continue
            covering.append(frozenset(combo))
            implied = sum(offer.implied for offer in group)
            if implied < required - PROBABILITY_TOLERANCE:
                labels = " + ".join(offer.label for offer in group)
                problems.append(
                    f"{labels} cover every outcome but imply only {implied:.2%} "
                    f"(need at least {required:.2%})"
                )
    return problems


WIDE_ODDS = st.one_of(
    st.none(),
    st.integers(-2000, -100).map(lambda x: x - x % 5),
    st.integers(100, 2000).map(lambda x: x - x % 5),
)


@st.composite
def full_quote_sets(draw: st.DrawFn) -> tuple[list[PricedMarket], MatchupModel, float]:
    """All five matchup markets (plus a prop) with arbitrary lines and prices around a model."""
    model, templates = _model_and_matchup_markets(draw, max_sd=25)
    templates.append((MarketKind.PROP, "7", 15))
    chosen = draw(st.lists(st.sampled_from(templates), min_size=1, max_size=6, unique=True))
    markets = []
    for kind, subject, centre in chosen:
        line = None if centre is None else centre + draw(st.integers(-60, 60)) / 2
        markets.append(market(kind, line, draw(WIDE_ODDS), draw(WIDE_ODDS), subject))
    return markets, model, draw(st.sampled_from([0.0, DEFAULT_MARGIN, 0.1]))


@settings(max_examples=300, deadline=None)
@given(full_quote_sets())
def test_skipping_sets_by_price_reports_exactly_what_testing_every_set_does(
    case: tuple[list[PricedMarket], MatchupModel, float],
) -> None:
    markets, model, min_margin = case
    assert find_arbitrage(markets, model, min_margin) == exhaustive_find_arbitrage(markets, model, min_margin)


def test_the_exhaustive_reference_reports_sure_things_the_filter_must_match() -> None:
    """Sets the reference reports, including ones with a covering subset it must not repeat."""
    markets = [
        market(MarketKind.MONEYLINE, None, 120, HEAVY),
        market(MarketKind.SPREAD, 10.0, HEAVY, 110),
        market(MarketKind.TEAM_TOTAL, 100.0, 250, HEAVY, subject="home"),
        market(MarketKind.TEAM_TOTAL, 100.0, 250, HEAVY, subject="away"),
        market(MarketKind.TOTAL, 210.0, HEAVY, 250),
    ]
    expected = exhaustive_find_arbitrage(markets, EXAMPLE)
    assert len(expected) >= 2
    assert find_arbitrage(markets, EXAMPLE) == expected
