"""Properties of the whole pricing family on random, realistic matchups.

A lineup is nine starters (QB, RB, RB, WR, WR, TE, FLEX, D/ST, K) drawn from six NFL
teams in three games plus a team on bye, so stacks, opposing defences and byes all
turn up; some players are OUT.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace
from fractions import Fraction
from statistics import NormalDist

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from engine import (
    MAX_MARGIN,
    PROBABILITY_CAP,
    MarketKind,
    MatchupModel,
    PricedMarket,
    Starter,
    american_to_decimal,
    build_matchup_model,
    find_arbitrage,
    grade,
    implied_probability,
    payout,
    price_matchup,
    price_prop,
    probability_to_american,
    round_half,
)
from engine.grading import MatchupResult, Outcome
from engine.model import starter_sd

SLOTS = ("QB", "RB", "RB", "WR", "WR", "TE", "FLEX", "D/ST", "K")
GAMES = {"KC": "g1", "BUF": "g1", "PHI": "g2", "DAL": "g2", "SF": "g3", "DET": "g3", "MIA": None}
PROJECTION = {"QB": (8, 32), "RB": (0, 24), "WR": (0, 24), "TE": (0, 16), "D/ST": (0, 14), "K": (0, 12)}
EXAMPLES = settings(max_examples=80, deadline=None)


@st.composite
def lineups(draw: st.DrawFn, first_id: int) -> list[Starter]:
    starters = []
    for offset, slot in enumerate(SLOTS):
        position = draw(st.sampled_from(("RB", "WR", "TE"))) if slot == "FLEX" else slot
        team = draw(st.sampled_from(sorted(GAMES)))
        low, high = PROJECTION[position]
        projection = draw(st.integers(low * 10, high * 10)) / 10
        active = draw(st.sampled_from((True,) * 9 + (False,)))
        player_id = first_id + offset
        starters.append(
            Starter(str(player_id), f"P{player_id}", position, team, GAMES[team], projection, active)
        )
    return starters


matchups = st.tuples(lineups(1), lineups(101))
margins = st.sampled_from((0.0, 0.02, 0.0476, 0.07, MAX_MARGIN)) | st.floats(0.0, MAX_MARGIN)


# An independent reading of DESIGN section 3, as a full covariance matrix.
def _rho(a: Starter, b: Starter) -> float:
    if a.game_id is None or a.game_id != b.game_id:
        return 0.0
    pair = {a.position, b.position}
    if a.pro_team == b.pro_team:
        return (
            {"WR": 0.5, "TE": 0.38, "RB": 0.13}.get((pair - {"QB"}).pop(), 0.0)
            if "QB" in pair and len(pair) == 2
            else 0.0
        )
    return -0.35 if pair == {"QB", "D/ST"} else 0.0


def _variance(weighted: list[tuple[float, Starter]]) -> float:
    return sum(
        wa * wb * (1.0 if i == j else _rho(a, b)) * starter_sd(a) * starter_sd(b)
        for i, (wa, a) in enumerate(weighted)
        for j, (wb, b) in enumerate(weighted)
    )


def _by_kind(markets: list[PricedMarket]) -> dict[tuple[MarketKind, str | None], PricedMarket]:
    return {(m.kind, m.subject): m for m in markets}


@EXAMPLES
@given(matchups, margins)
def test_the_markets_of_a_matchup_agree_with_each_other(lineup_pair, margin: float) -> None:
    home, away = lineup_pair
    model = build_matchup_model(home, away)
    markets = _by_kind(price_matchup(model, margin))

    # the model is the design's formula, whichever way it is computed
    both = [(1.0, s) for s in home] + [(-1.0, s) for s in away]
    assert math.isclose(model.margin.variance, _variance(both), rel_tol=1e-9, abs_tol=1e-9)
    assert math.isclose(
        model.total.variance, _variance([(1.0, s) for _, s in both]), rel_tol=1e-9, abs_tol=1e-9
    )
    assert math.isclose(
        model.total.variance + model.margin.variance,
        2 * (model.home.variance + model.away.variance),
        rel_tol=1e-9,
    )

    for market in markets.values():
        first, second = market.selections
        assert math.isclose(first.fair_p + second.fair_p, 1.0, abs_tol=1e-9)

    # A market is offered exactly when its result is still open: two lineups that cannot
    # score (or a team that cannot) leave nothing to bet on.
    scores = {
        (MarketKind.MONEYLINE, None): (model.margin, 0.0),
        (MarketKind.SPREAD, None): (model.margin, round_half(model.margin.mean)),
        (MarketKind.TOTAL, None): (model.total, round_half(model.total.mean)),
        (MarketKind.TEAM_TOTAL, "home"): (model.home, round_half(model.home.mean)),
        (MarketKind.TEAM_TOTAL, "away"): (model.away, round_half(model.away.mean)),
    }
    for key, (score, line) in scores.items():
        above, below = score.tails(line)
        assert (key in markets) == (0.0 < above < 1.0 and 0.0 < below < 1.0), key
    if len(markets) < len(scores):
        return

    diff = NormalDist(model.home.mean - model.away.mean, model.margin.sd)
    p_home = markets[MarketKind.MONEYLINE, None].selection("home").fair_p
    assert math.isclose(p_home, 1.0 - diff.cdf(0.0), abs_tol=1e-9)
    assert (p_home > 0.5) == (diff.mean > 0) or abs(diff.mean) < 1e-9

    spread = markets[MarketKind.SPREAD, None]
    assert spread.line is not None and abs(spread.line - diff.mean) <= 0.25
    assert math.isclose(spread.selection("home").fair_p, 1.0 - diff.cdf(spread.line), abs_tol=1e-9)
    # covering a positive line is harder than winning, and easier for a negative one
    if spread.line >= 0:
        assert spread.selection("home").fair_p <= p_home + 1e-12
    else:
        assert spread.selection("home").fair_p >= p_home - 1e-12

    total = markets[MarketKind.TOTAL, None]
    home_total = markets[MarketKind.TEAM_TOTAL, "home"]
    away_total = markets[MarketKind.TEAM_TOTAL, "away"]
    assert total.line is not None and home_total.line is not None and away_total.line is not None
    assert abs(total.line - (model.home.mean + model.away.mean)) <= 0.25
    assert abs(home_total.line - model.home.mean) <= 0.25
    assert abs(away_total.line - model.away.mean) <= 0.25
    assert abs(home_total.line + away_total.line - total.line) <= 0.75
    assert abs(home_total.line - away_total.line - spread.line) <= 0.75


def _all_markets(
    home: list[Starter], away: list[Starter], margin: float
) -> tuple[MatchupModel, list[PricedMarket]]:
    model = build_matchup_model(home, away)
    props = [p for s in (*home, *away) if (p := price_prop(s, margin)) is not None]
    return model, price_matchup(model, margin) + props


@EXAMPLES
@given(matchups, margins)
def test_every_offered_side_carries_the_margin(lineup_pair, margin: float) -> None:
    _, markets = _all_markets(*lineup_pair, margin)
    for market in markets:
        for selection in market.selections:
            if selection.odds is None:
                assert selection.fair_p + margin / 2 > PROBABILITY_CAP
            else:
                assert implied_probability(selection.odds) >= selection.fair_p + margin / 2 - 1e-9


def _net(bets: list[tuple[PricedMarket, str, int, int]], home: float, away: float) -> int:
    result = MatchupResult(home, away)
    return sum(
        payout(stake, odds, grade(m.kind, side, m.line, m.subject, result)) - stake
        for m, side, odds, stake in bets
    )


@EXAMPLES
@given(matchups, margins, st.data())
def test_no_combination_of_our_quotes_is_a_sure_profit(lineup_pair, margin: float, data) -> None:
    model, markets = _all_markets(*lineup_pair, margin)
    assert find_arbitrage(markets, model, min_margin=margin) == []

    offered = [
        (m, s.side, s.odds)
        for m in markets
        if m.kind is not MarketKind.PROP
        for s in m.selections
        if s.odds is not None
    ]
    picks = data.draw(st.lists(st.sampled_from(offered), min_size=1, max_size=4, unique=True))
    stakes = data.draw(st.lists(st.integers(1, 500), min_size=len(picks), max_size=len(picks)))
    bets = [(m, side, odds, stake) for (m, side, odds), stake in zip(picks, stakes, strict=True)]

    # every half point within 4 sd of each team's mean; a random sample of them first,
    # since the losing outcomes of a cross-market combination can lie on the far side
    home_scores = _half_points_around(model.home.mean, model.home.sd)
    away_scores = _half_points_around(model.away.mean, model.away.sd)
    rng = random.Random(len(home_scores) * len(away_scores))
    sample = ((rng.choice(home_scores), rng.choice(away_scores)) for _ in range(3000))
    if any(_net(bets, h, a) <= 0 for h, a in sample):
        return
    grid = itertools.product(home_scores, away_scores)
    assert any(_net(bets, h, a) <= 0 for h, a in grid), "this combination always profits"


@EXAMPLES
@given(matchups, margins)
def test_a_tampered_quote_set_is_caught(lineup_pair, margin: float) -> None:
    """Make the spread side that complements a moneyline side too generous."""
    home, away = lineup_pair
    model = build_matchup_model(home, away)
    priced = price_matchup(model, margin)
    assume([m.kind for m in priced[:2]] == [MarketKind.MONEYLINE, MarketKind.SPREAD])
    moneyline, spread, *rest = priced
    assert spread.line is not None
    ml_side, spread_side = ("home", "away") if spread.line >= 0 else ("away", "home")
    ml_odds = moneyline.selection(ml_side).odds
    assume(ml_odds is not None and implied_probability(ml_odds) < 0.95)
    generous = probability_to_american(1.0 - implied_probability(ml_odds) - 0.03)
    tampered = PricedMarket(
        spread.kind,
        spread.subject,
        spread.line,
        tuple(replace(s, odds=generous) if s.side == spread_side else s for s in spread.selections),
    )
    problems = find_arbitrage([moneyline, tampered, *rest], model)
    assert any(f"moneyline {ml_side}" in p and f"spread {spread_side}" in p for p in problems)


def _half_points_around(mean: float, sd: float) -> list[float]:
    centre = round(mean * 2) / 2
    reach = int(8 * sd) + 2
    return [centre + k * 0.5 for k in range(-reach, reach + 1)]


@settings(max_examples=300)
@given(
    st.integers(0, 10**9),
    st.floats(0.01, 0.99) | st.integers(100, 100_000).map(lambda a: -a),
    st.sampled_from(list(Outcome)),
)
def test_a_payout_is_whole_credits_and_never_more_than_the_odds(stake: int, price, outcome: Outcome) -> None:
    american = price if isinstance(price, int) else probability_to_american(price)
    amount = payout(stake, american, outcome)
    assert type(amount) is int
    assert 0 <= amount <= stake * american_to_decimal(american)
    if outcome is Outcome.WON:
        assert stake * american_to_decimal(american) - amount < 1
    elif outcome is Outcome.LOST:
        assert amount == 0
    else:
        assert amount == stake
    assert Fraction(amount) == amount
