"""Parlay pricing and grading (engine/parlay.py).

Tolerance of the simulation checks: N = 200,000 seeded draws of the joint model, so the
simulated frequency has a standard error sqrt(p (1 - p) / N) <= 0.0011; the engine's
probability must be within 5 standard errors plus 1e-4 (its own integration error is
below 1e-6). Hypothesis example counts are kept small: each example simulates.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.special import gammaincinv, ndtr

from engine import (
    MarketKind,
    MatchupModel,
    Normal,
    Outcome,
    Starter,
    build_matchup_model,
    price_matchup,
    price_prop,
)
from engine.markets import PricedMarket
from engine.odds import american_to_decimal
from engine.parlay import (
    LegRequest,
    ParlayError,
    _quadrature_2d,
    grade_parlay,
    matchup_latents,
    price_parlay,
    reprice,
)

N_SIM = 200_000


def legs_of(
    markets: list[PricedMarket], event: str, base: int = 0
) -> dict[tuple[str, str | None, str], LegRequest]:
    """Every side of every market as a leg request, keyed by (kind, subject, side)."""
    out = {}
    for i, market in enumerate(markets):
        for selection in market.selections:
            out[(market.kind.value, market.subject, selection.side)] = LegRequest(
                event,
                base + i,
                market.kind,
                market.subject,
                market.line,
                selection.side,
                selection.fair_p,
                selection.odds,
                f"{market.kind} {market.subject or ''} {selection.side}",
            )
    return out


def wins(leg: LegRequest, home: np.ndarray, away: np.ndarray) -> np.ndarray:
    line = leg.line or 0.0
    value = {
        "moneyline": home - away,
        "spread": home - away,
        "total": home + away,
        "team_total": home if leg.subject == "home" else away,
    }[leg.kind.value]
    above: np.ndarray = value > line
    return above if leg.side in ("home", "over") else ~above


def tolerance(p: float) -> float:
    return float(5.0 * (max(p * (1 - p), 1e-6) / N_SIM) ** 0.5 + 1e-4)


models = st.builds(
    lambda mh, ma, sh, sa, rho: MatchupModel(Normal(mh, sh * sh), Normal(ma, sa * sa), rho * sh * sa),
    st.floats(70, 150),
    st.floats(70, 150),
    st.floats(12, 35),
    st.floats(12, 35),
    st.floats(-0.3, 0.5),
)

QUANTITIES: dict[str, list[tuple[str, str | None]]] = {
    "margin": [("moneyline", None), ("spread", None)],
    "total": [("total", None)],
    "home": [("team_total", "home")],
    "away": [("team_total", "away")],
}


@settings(max_examples=12, deadline=None)
@given(models, st.data())
def test_same_matchup_parlay_matches_a_simulation_of_the_joint_model(
    model: MatchupModel, data: st.DataObject
) -> None:
    markets = price_matchup(model)
    sides = legs_of(markets, "m1")
    names = data.draw(st.lists(st.sampled_from(sorted(QUANTITIES)), min_size=2, max_size=4, unique=True))
    legs = []
    for name in names:
        kind, subject = data.draw(st.sampled_from(QUANTITIES[name]))
        options = [
            leg for (k, s, _), leg in sides.items() if k == kind and s == subject and leg.odds is not None
        ]
        if not options:
            return
        legs.append(data.draw(st.sampled_from(options)))
    try:
        price = price_parlay(legs, {"m1": matchup_latents(model)})
    except ParlayError:
        return  # refused (near-certain or near-impossible together): nothing to compare
    rng = np.random.default_rng(7)
    cov = [[model.home.variance, model.covariance], [model.covariance, model.away.variance]]
    draws = rng.multivariate_normal([model.home.mean, model.away.mean], cov, size=N_SIM)
    hit = np.ones(N_SIM, dtype=bool)
    for leg in legs:
        hit &= wins(leg, draws[:, 0], draws[:, 1])
    simulated = float(hit.mean())
    assert abs(price.fair_p - simulated) <= tolerance(simulated)


def test_props_with_their_matchup_match_a_simulation_through_the_players_correlations() -> None:
    """QB and his WR on one team (rho .5), the QB against the D/ST he faces (-.35)."""
    home = [
        Starter("1", "QB A", "QB", "KC", "g1", 22.0),
        Starter("2", "WR A", "WR", "KC", "g1", 14.0),
        Starter("3", "RB A", "RB", "SF", "g2", 12.0),
    ]
    away = [
        Starter("4", "DST B", "D/ST", "LV", "g1", 8.0),
        Starter("5", "QB B", "QB", "BUF", "g3", 20.0),
        Starter("6", "TE B", "TE", "BUF", "g3", 9.0),
    ]
    model = build_matchup_model(home, away)
    markets = price_matchup(model)
    props = {s.player_id: price_prop(s) for s in home + away}
    legs = legs_of(markets, "m1")
    qb = props["1"]
    wr = props["2"]
    assert qb is not None and wr is not None
    prop_legs = legs_of([qb], "m1", 100) | {}
    qb_over = next(iter(v for k, v in prop_legs.items() if k[2] == "over"))
    wr_over = next(v for k, v in legs_of([wr], "m1", 200).items() if k[2] == "over")
    chosen = [legs[("moneyline", None, "home")], qb_over, wr_over]
    latents = matchup_latents(model, home, away, ["1", "2"])
    price = price_parlay(chosen, {"m1": latents})

    # Brute force: each player normal (the model's sds, correlations), the team scores their
    # sums; a prop wins when the gamma quantile of the player's normal rank beats the line.
    starters = home + away
    sds = np.array(
        [
            max(0.41 * 22, 2),
            max(0.61 * 14, 2),
            max(0.63 * 12, 2),
            max(0.71 * 8, 2),
            max(0.41 * 20, 2),
            max(0.70 * 9, 2),
        ]
    )
    corr = np.eye(6)
    corr[0, 1] = corr[1, 0] = 0.5
    corr[0, 3] = corr[3, 0] = -0.35
    corr[4, 5] = corr[5, 4] = 0.38
    rng = np.random.default_rng(11)
    z = rng.multivariate_normal(np.zeros(6), corr, size=N_SIM)
    points = np.array([s.projection for s in starters]) + z * sds
    home_score, away_score = points[:, :3].sum(axis=1), points[:, 3:].sum(axis=1)
    hit = home_score > away_score
    from statistics import NormalDist

    for index, prop, cv in ((0, qb, 0.41), (1, wr, 0.61)):
        shape = 1 / cv**2
        scale = starters[index].projection * cv**2
        rank = ndtr(z[:, index])
        gamma_points = gammaincinv(shape, rank) * scale
        assert prop.line is not None
        assert np.all(
            (gamma_points > prop.line)
            == (z[:, index] > NormalDist().inv_cdf(1 - prop.selections[0].fair_p) - 1e-9)
        )
        hit &= z[:, index] > NormalDist().inv_cdf(1 - prop.selections[0].fair_p)
    simulated = float(hit.mean())
    assert abs(price.fair_p - simulated) <= tolerance(simulated)


@settings(max_examples=30, deadline=None)
@given(st.lists(models, min_size=2, max_size=6), st.data())
def test_independent_legs_multiply_exactly(games: list[MatchupModel], data: st.DataObject) -> None:
    legs = []
    for i, model in enumerate(games):
        offered = [
            leg for leg in legs_of(price_matchup(model), f"m{i}", 10 * i).values() if leg.odds is not None
        ]
        if not offered:
            return
        legs.append(data.draw(st.sampled_from(offered)))
    price = price_parlay(legs, {})
    product = Fraction(1)
    fair = 1.0
    for leg in legs:
        assert leg.odds is not None
        product *= american_to_decimal(leg.odds)
        fair *= leg.fair_p
    assert price.decimal == product
    assert price.fair_p == pytest.approx(fair, rel=1e-12)
    assert price.edge >= 0.0


@settings(max_examples=5, deadline=None)
@given(models, models)
def test_no_set_of_singles_and_parlays_is_an_arbitrage(first: MatchupModel, second: MatchupModel) -> None:
    """A linear program looks for stakes (summing to 1) whose worst simulated profit is > 0."""
    events = {"m1": first, "m2": second}
    offers: list[list[LegRequest]] = []
    singles = []
    for event, model in events.items():
        for leg in legs_of(price_matchup(model), event, 100 if event == "m2" else 0).values():
            if leg.odds is not None:
                singles.append(leg)
                offers.append([leg])
    latents = {event: matchup_latents(model) for event, model in events.items()}
    prices: list[Fraction] = [american_to_decimal(leg.odds or 100) for leg in singles]
    combos: list[tuple[LegRequest, ...]] = [*itertools.combinations(singles, 2)]
    combos += [*itertools.combinations(singles, 3)][::17]
    for combo in combos:
        try:
            price = price_parlay(list(combo), latents)
        except ParlayError:
            continue
        assert price.quoted_p >= price.fair_p - 1e-12
        offers.append(list(combo))
        prices.append(price.decimal)
    rng = np.random.default_rng(3)
    n = 600
    scores = {}
    for event, model in events.items():
        cov = [[model.home.variance, model.covariance], [model.covariance, model.away.variance]]
        scores[event] = rng.multivariate_normal([model.home.mean, model.away.mean], cov, size=n)
    profit = np.empty((n, len(offers)))
    for j, (offer, decimal) in enumerate(zip(offers, prices, strict=True)):
        hit = np.ones(n, dtype=bool)
        for leg in offer:
            hit &= wins(leg, scores[leg.event][:, 0], scores[leg.event][:, 1])
        profit[:, j] = np.where(hit, float(decimal) - 1.0, -1.0)
    # maximise t subject to profit @ x >= t for every outcome, sum x = 1, x >= 0
    k = len(offers)
    result = linprog(
        c=np.r_[np.zeros(k), -1.0],
        A_ub=np.c_[-profit, np.ones(n)],
        b_ub=np.zeros(n),
        A_eq=np.r_[np.ones(k), 0.0].reshape(1, -1),
        b_eq=[1.0],
        bounds=[(0, None)] * k + [(None, None)],
        method="highs",
    )
    assert result.status == 0
    assert result.fun is not None
    assert -float(result.fun) <= 1e-9, "some stakes profit in every simulated outcome"


# --- refusals ---------------------------------------------------------------------

EXAMPLE = MatchupModel(Normal(115.0, 23.0**2), Normal(105.0, 23.0**2), 0.0)


def example_legs() -> dict[tuple[str, str | None, str], LegRequest]:
    return legs_of(price_matchup(EXAMPLE), "m1")


def test_refuses_same_quantity_and_same_market_and_leg_counts() -> None:
    legs = example_legs()
    latents = {"m1": matchup_latents(EXAMPLE)}
    with pytest.raises(ParlayError, match="margin"):
        price_parlay([legs[("moneyline", None, "home")], legs[("spread", None, "away")]], latents)
    with pytest.raises(ParlayError, match="same market"):
        price_parlay([legs[("total", None, "over")], legs[("total", None, "under")]], latents)
    with pytest.raises(ParlayError, match="at least 2"):
        price_parlay([legs[("total", None, "over")]], latents)
    many = [legs[("total", None, "over")]] + [
        LegRequest(f"x{i}", 1000 + i, MarketKind.TOTAL, None, 200.5, "over", 0.5, -110) for i in range(3)
    ]
    with pytest.raises(ParlayError, match="at most 3"):
        price_parlay(many, latents, max_legs=3)


def test_worked_example_moneyline_with_the_over() -> None:
    """115 v 105, sd 23 each, independent: home -185 (fair .62074) with over 220 -110 (fair .5).

    With equal variances the margin and the total are uncorrelated, so the joint fair p is
    .62074 * .5 = .31037. The margin factors are (185/285)/.62074 = 1.04570 and
    (110/210)/.5 = 1.04762, so the quoted probability is .31037 * 1.04570 * 1.04762 = .34000
    and the decimal odds floor(100/.34000)/100 = 2.94: 100 credits return 294. (Two
    independent singles would multiply to 1.5405 * 1.9091 = 2.9410.)
    """
    legs = example_legs()
    price = price_parlay(
        [legs[("moneyline", None, "home")], legs[("total", None, "over")]], {"m1": matchup_latents(EXAMPLE)}
    )
    assert price.fair_p == pytest.approx(0.62074 * 0.5, abs=1e-5)
    assert price.decimal == Fraction(294, 100)
    assert 0.08 < price.edge < 0.10


# --- grading ----------------------------------------------------------------------


def three_leg() -> tuple[list[LegRequest], Fraction]:
    legs = [LegRequest(f"e{i}", i, MarketKind.SPREAD, None, 3.0, "home", 0.5, -110) for i in range(3)]
    return legs, american_to_decimal(-110) ** 3


def test_grading_wins_loses_pushes_and_voids() -> None:
    legs, decimal = three_leg()
    priced = price_parlay(legs, {})
    assert priced.decimal == decimal
    stake = 100
    assert (
        grade_parlay(stake, decimal, priced.legs, [Outcome.WON] * 3).payout == 695
    )  # 100 * (21/11)^3 = 695.79
    lost = grade_parlay(stake, decimal, priced.legs, [Outcome.LOST, None, None])
    assert lost.outcome is Outcome.LOST and lost.payout == 0  # settles at once
    assert grade_parlay(stake, decimal, priced.legs, [Outcome.WON, None, Outcome.WON]).outcome is None
    pushed = grade_parlay(stake, decimal, priced.legs, [Outcome.WON, Outcome.PUSH, Outcome.WON])
    assert pushed.outcome is Outcome.WON and pushed.payout == 364  # 100 * (21/11)^2 = 364.46
    voided = grade_parlay(stake, decimal, priced.legs, [Outcome.VOID, Outcome.PUSH, Outcome.WON])
    assert voided.payout == 190  # the lone leg left pays its single's -110
    assert (
        grade_parlay(stake, decimal, priced.legs, [Outcome.PUSH, Outcome.VOID, Outcome.PUSH]).outcome
        is Outcome.PUSH
    )
    assert grade_parlay(stake, decimal, priced.legs, [Outcome.VOID] * 3).outcome is Outcome.VOID


def test_a_dropped_leg_of_a_correlated_group_reprices_the_rest_jointly() -> None:
    legs = example_legs()
    chosen = [
        legs[("moneyline", None, "home")],
        legs[("total", None, "over")],
        legs[("team_total", "home", "over")],
    ]
    price = price_parlay(chosen, {"m1": matchup_latents(EXAMPLE)})
    two = reprice([price.legs[0], price.legs[1]])
    graded = grade_parlay(1000, price.decimal, price.legs, [Outcome.WON, Outcome.WON, Outcome.PUSH])
    # The three legs were quoted at 2.87 (the third, nearly implied by the other two, still
    # carries its margin); the two left reprice to 2.94, but a push never pays more than the
    # odds the member took.
    assert price.decimal == Fraction(287, 100)
    assert two.decimal == Fraction(294, 100)
    assert graded.decimal == Fraction(287, 100)
    assert graded.payout == 2870
    dropped_two = grade_parlay(1000, price.decimal, price.legs, [Outcome.WON, Outcome.VOID, Outcome.PUSH])
    assert dropped_two.payout == 1000 * 285 // 185  # the moneyline alone, at its single's -185


def test_quadrature_agrees_with_closed_forms() -> None:
    assert _quadrature_2d([(1.0, 0.0, 0.0), (0.0, 1.0, 0.0)]) == pytest.approx(0.25, abs=1e-12)
    assert _quadrature_2d([(0.0, 1.0, 0.0)]) == pytest.approx(0.5, abs=1e-12)
    # three constraints on two dimensions (singular for a general MVN routine)
    assert 0.0 < _quadrature_2d([(1.0, 0.0, 0.0), (0.0, 1.0, 0.0), (0.7071, 0.7071, 0.0)]) <= 0.25
