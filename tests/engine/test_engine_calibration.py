"""The calibration factor's fit, the Brier score and the totals calibration, by hand and by simulation."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import build_matchup_model
from engine.calibration import (
    COIN_FLIP_BRIER,
    K_BOUNDS,
    MIN_SAMPLE,
    Forecast,
    TeamWeek,
    against_line,
    brier,
    fit_k,
    interval_coverage,
)
from engine.model import Starter


def simulated_season(rng: random.Random, n: int, true_scale: float, priced_k: float = 1.0) -> list[TeamWeek]:
    """Team-weeks whose scores really spread `true_scale` times the model's base sd."""
    out = []
    for _ in range(n):
        mean, base_sd = rng.uniform(85, 135), rng.uniform(18, 30)
        actual = rng.gauss(mean, true_scale * base_sd)
        out.append(TeamWeek(actual=actual, mean=mean, sd=priced_k * base_sd, k=priced_k))
    return out


def test_a_season_spread_wider_than_the_model_fits_k_near_the_true_scale():
    fit = fit_k(simulated_season(random.Random(6), 800, true_scale=1.3))
    assert fit.sample == 800
    # k's standard error is about 1.3 / sqrt(1600) = 0.033: 0.1 is three of them
    assert fit.k == pytest.approx(1.3, abs=0.1)
    assert fit.k == fit.raw_k


def test_the_k_a_projection_was_priced_with_is_divided_out_before_fitting():
    """Same scores, once priced at k=1 and once at k=1.25: the evidence about k is the same."""
    plain = simulated_season(random.Random(7), 300, true_scale=1.3)
    widened = [TeamWeek(t.actual, t.mean, t.sd * 1.25, k=1.25) for t in plain]
    assert fit_k(widened).k == pytest.approx(fit_k(plain).k)
    naive = [TeamWeek(t.actual, t.mean, t.sd) for t in widened]  # forgetting k would shrink it
    assert fit_k(naive).k == pytest.approx(fit_k(plain).k / 1.25)


def test_nothing_is_fitted_below_the_minimum_sample_and_unusable_rows_are_skipped():
    few = simulated_season(random.Random(8), MIN_SAMPLE - 1, true_scale=1.0)
    empty_lineup = TeamWeek(actual=0.0, mean=0.0, sd=0.0)
    fit = fit_k([*few, empty_lineup])
    assert (fit.sample, fit.k) == (MIN_SAMPLE - 1, None)
    assert fit.raw_k is not None
    assert fit_k([]).raw_k is None
    assert fit_k([*few, TeamWeek(100.0, 100.0, 20.0)]).k is not None


def test_a_wild_season_is_clamped_to_the_sane_range():
    low, high = K_BOUNDS
    assert fit_k(simulated_season(random.Random(9), 200, true_scale=5.0)).k == high
    assert fit_k(simulated_season(random.Random(9), 200, true_scale=0.1)).k == low


@settings(max_examples=40)
@given(
    st.lists(st.floats(min_value=-3, max_value=3), min_size=MIN_SAMPLE, max_size=3 * MIN_SAMPLE),
    st.floats(min_value=0.5, max_value=2.0),
)
def test_k_is_the_root_mean_square_of_z_in_units_of_the_base_sd(zs, priced_k):
    weeks = [TeamWeek(actual=100 + z * 20, mean=100, sd=20 * priced_k, k=priced_k) for z in zs]
    rms = math.sqrt(sum(z * z for z in zs) / len(zs))
    fit = fit_k(weeks)
    assert fit.raw_k == pytest.approx(rms, rel=1e-6)
    assert fit.k == pytest.approx(min(max(rms, K_BOUNDS[0]), K_BOUNDS[1]), rel=1e-6)


def test_fitted_k_widens_a_favourites_moneyline_towards_even():
    home = [Starter(1, "QB", "QB", "KC", "g1", 24.0), Starter(2, "WR", "WR", "KC", "g1", 16.0)]
    away = [Starter(3, "QB", "QB", "BUF", "g2", 18.0)]
    k = fit_k(simulated_season(random.Random(10), 400, true_scale=1.3)).k
    assert k is not None and k > 1.0
    base, wide = build_matchup_model(home, away), build_matchup_model(home, away, k=k)
    p_base = 1 - base.margin.cdf(0.0)
    p_wide = 1 - wide.margin.cdf(0.0)
    assert 0.5 < p_wide < p_base


def test_brier_score_by_hand():
    score = brier([Forecast(0.7, True), Forecast(0.6, False), Forecast(0.5, None)])
    # ((0.7 - 1)^2 + (0.6 - 0)^2) / 2, the tie counted but not scored
    assert (score.games, score.ties) == (2, 1)
    assert score.score == pytest.approx(0.225)
    assert score.skill == pytest.approx(1 - 0.225 / 0.25)
    assert brier([]).score is None and brier([]).skill is None


@given(st.lists(st.tuples(st.floats(0, 1), st.booleans()), min_size=1))
def test_brier_is_between_0_and_1_and_a_coin_flip_scores_a_quarter(pairs):
    assert 0.0 <= brier(Forecast(p, won) for p, won in pairs).score <= 1.0
    assert brier(Forecast(0.5, won) for _, won in pairs).score == pytest.approx(COIN_FLIP_BRIER)


def test_interval_coverage_by_hand():
    weeks = [TeamWeek(actual=100 + z * 10, mean=100, sd=10) for z in (0.5, -1.0, 1.5, -2.5)]
    # half-widths: 50% 0.674 sd, 80% 1.282 sd, 95% 1.960 sd
    shares = [(c.level, c.inside, c.total) for c in interval_coverage(weeks)]
    assert shares == [(0.5, 1, 4), (0.8, 2, 4), (0.95, 3, 4)]
    assert interval_coverage([])[0].share is None


def test_interval_coverage_uses_the_sd_as_priced_and_is_right_for_a_calibrated_model():
    weeks = simulated_season(random.Random(11), 2000, true_scale=1.2, priced_k=1.2)
    for c in interval_coverage(weeks):
        assert c.share == pytest.approx(c.level, abs=0.03)
    too_sure = interval_coverage(simulated_season(random.Random(11), 2000, true_scale=1.3))
    assert all(c.share < c.level - 0.03 for c in too_sure)


def test_totals_against_the_line_by_hand():
    results = against_line([(220.5, 200.0), (220.5, 230.0), (220.0, 220.0), (199.5, 180.0)])
    assert (results.under, results.over, results.pushes) == (2, 1, 1)
    assert results.share_under == pytest.approx(2 / 3)
    assert against_line([]).share_under is None
