"""Record, ROI, average odds and closing-line value on hand-built bets with known numbers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.bettor_stats import BetLine, summarize
from engine.odds import american_to_decimal, decimal_to_american

BETS = [
    # +150 on a side that closed at 44% fair: 0.44 * 2.5 - 1 = +10%
    BetLine("moneyline", "won", 100, 250, 150, closing_p=0.44),
    # -110 on a side that closed at 55%: 0.55 * (1 + 100/110) - 1 = +5%
    BetLine("moneyline", "lost", 50, 0, -110, closing_p=0.55),
    # a push at -110 on a coin flip: 0.5 * 1.90909 - 1 = -4.545%
    BetLine("spread", "push", 20, 20, -110, closing_p=0.5),
    # void and cancelled bets count nowhere, whatever their prices
    BetLine("total", "void", 30, 30, 200, closing_p=0.9),
    BetLine("prop", "cancelled", 40, 40, 200, closing_p=0.9),
    # locked but not yet settled: in CLV, not in the record
    BetLine("total", "open", 10, None, 100, closing_p=0.6),
    # still open before its lock: nowhere yet
    BetLine("prop", "open", 10, None, 100, closing_p=None),
]


def test_record_roi_and_average_odds():
    stats = summarize(BETS)
    assert (stats.won, stats.lost, stats.pushed, stats.settled) == (1, 1, 1, 3)
    assert stats.staked == 170
    assert stats.net == 150 - 50 + 0
    assert stats.roi == pytest.approx(100 / 170)
    # mean decimal (2.5 + 1.90909 + 1.90909) / 3 = 2.10606 -> +111
    assert stats.average_odds == 111


def test_closing_line_value_by_market_and_overall():
    stats = summarize(BETS)
    moneyline = stats.clv_by_kind["moneyline"]
    assert (moneyline.bets, moneyline.staked) == (2, 150)
    assert moneyline.value == pytest.approx((100 * 0.10 + 50 * 0.05) / 150)
    assert stats.clv_by_kind["spread"].value == pytest.approx(0.5 * (1 + 100 / 110) - 1)
    assert stats.clv_by_kind["total"].value == pytest.approx(0.6 * 2 - 1)
    assert set(stats.clv_by_kind) == {"moneyline", "spread", "total"}
    overall = stats.clv_overall
    assert overall is not None and (overall.bets, overall.staked) == (4, 180)
    expected = (100 * 0.10 + 50 * 0.05 + 20 * (0.5 * (1 + 100 / 110) - 1) + 10 * 0.2) / 180
    assert overall.value == pytest.approx(expected)


def test_no_bets_no_figures():
    stats = summarize([])
    assert stats.roi is None and stats.average_odds is None and stats.clv_overall is None


def test_decimal_to_american_by_hand():
    assert decimal_to_american(2.5) == 150
    assert decimal_to_american(2.0) == 100
    assert decimal_to_american(1 + 100 / 110) == -110
    with pytest.raises(ValueError):
        decimal_to_american(1.0)


@given(st.integers(100, 5000) | st.integers(-5000, -100))
def test_decimal_to_american_inverts_american_to_decimal(american):
    back = decimal_to_american(float(american_to_decimal(american)))
    assert back == american or (abs(american) == 100 and abs(back) == 100)


@given(st.integers(100, 2000) | st.integers(-2000, -100))
def test_a_bet_at_exactly_the_fair_price_has_zero_clv(american):
    fair = float(american_to_decimal(american))
    line = BetLine("moneyline", "won", 10, 10, american, closing_p=1 / fair)
    assert line.clv == pytest.approx(0.0, abs=1e-12)
    assert summarize([line]).clv_overall.value == pytest.approx(0.0, abs=1e-12)
