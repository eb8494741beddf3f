"""Grading and payouts: who won, exactly, and how many whole credits come back."""

from __future__ import annotations

from fractions import Fraction

import pytest

from engine import (
    HalfPlane,
    MarketKind,
    MatchupResult,
    Outcome,
    PlayerResult,
    grade,
    payout,
    potential_payout,
    winning_region,
)

ML, SPREAD, TOTAL, TT, PROP = (
    MarketKind.MONEYLINE,
    MarketKind.SPREAD,
    MarketKind.TOTAL,
    MarketKind.TEAM_TOTAL,
    MarketKind.PROP,
)


def score(home: float, away: float) -> MatchupResult:
    return MatchupResult(home_score=home, away_score=away)


@pytest.mark.parametrize(
    ("home", "away", "home_outcome", "away_outcome"),
    [
        (120.4, 110.0, Outcome.WON, Outcome.LOST),
        (99.9, 100.0, Outcome.LOST, Outcome.WON),
        (101.5, 101.5, Outcome.PUSH, Outcome.PUSH),  # a tie is refunded
    ],
)
def test_moneyline(home: float, away: float, home_outcome: Outcome, away_outcome: Outcome) -> None:
    assert grade(ML, "home", None, None, score(home, away)) is home_outcome
    assert grade(ML, "away", None, None, score(home, away)) is away_outcome


@pytest.mark.parametrize(
    ("home", "away", "line", "home_outcome"),
    [
        (121.0, 110.0, 10.0, Outcome.WON),
        (120.0, 110.0, 10.0, Outcome.PUSH),
        (119.5, 110.0, 10.0, Outcome.LOST),
        (120.0, 110.0, 10.5, Outcome.LOST),
        (120.6, 110.0, 10.5, Outcome.WON),
        (100.0, 103.0, -3.5, Outcome.WON),  # the home underdog +3.5 loses by 3
        (100.0, 104.0, -3.5, Outcome.LOST),
    ],
)
def test_spread(home: float, away: float, line: float, home_outcome: Outcome) -> None:
    assert grade(SPREAD, "home", line, None, score(home, away)) is home_outcome
    away_outcome = {Outcome.WON: Outcome.LOST, Outcome.LOST: Outcome.WON}.get(home_outcome, Outcome.PUSH)
    assert grade(SPREAD, "away", line, None, score(home, away)) is away_outcome


def test_float_noise_does_not_turn_a_push_into_a_win() -> None:
    home = 10.6 + 39.7  # 50.300000000000004
    assert home - 40.3 > 10.0  # what a float comparison would say
    assert grade(SPREAD, "home", 10.0, None, score(home, 40.3)) is Outcome.PUSH
    assert grade(TOTAL, "over", 90.6, None, score(home, 40.3)) is Outcome.PUSH
    assert grade(PROP, "over", 50.3, "7", PlayerResult(home, played=True)) is Outcome.PUSH


@pytest.mark.parametrize(
    ("side", "line", "outcome"),
    [("over", 219.5, Outcome.WON), ("under", 219.5, Outcome.LOST), ("over", 220.0, Outcome.PUSH)],
)
def test_total(side: str, line: float, outcome: Outcome) -> None:
    assert grade(TOTAL, side, line, None, score(115.0, 105.0)) is outcome


def test_team_totals_read_their_own_team() -> None:
    result = score(115.0, 105.0)
    assert grade(TT, "over", 110.5, "home", result) is Outcome.WON
    assert grade(TT, "over", 110.5, "away", result) is Outcome.LOST
    assert grade(TT, "under", 105.0, "away", result) is Outcome.PUSH


@pytest.mark.parametrize(
    ("side", "points", "outcome"),
    [
        ("over", 18.0, Outcome.WON),
        ("under", 18.0, Outcome.LOST),
        ("over", 17.5, Outcome.PUSH),
        ("under", 3.2, Outcome.WON),
        ("under", -2.0, Outcome.WON),
    ],
)
def test_prop(side: str, points: float, outcome: Outcome) -> None:
    assert grade(PROP, side, 17.5, "7", PlayerResult(points, played=True)) is outcome


@pytest.mark.parametrize(
    "result", [PlayerResult(None, played=False), PlayerResult(0.0, played=False), PlayerResult(None, True)]
)
def test_a_prop_on_a_player_who_did_not_play_is_void(result: PlayerResult) -> None:
    assert grade(PROP, "over", 17.5, "7", result) is Outcome.VOID
    assert grade(PROP, "under", 17.5, "7", result) is Outcome.VOID


def test_kinds_may_arrive_as_stored_strings() -> None:
    assert grade("spread", "home", 10.0, None, score(121.0, 110.0)) is Outcome.WON  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "side", "line", "subject", "result", "error"),
    [
        (ML, "home", None, None, PlayerResult(1.0, True), TypeError),
        (PROP, "over", 1.5, "7", score(1.0, 2.0), TypeError),
        (ML, "over", None, None, score(1.0, 2.0), ValueError),
        (ML, "home", 0.0, None, score(1.0, 2.0), ValueError),
        (SPREAD, "home", None, None, score(1.0, 2.0), ValueError),
        (TT, "over", 100.5, None, score(1.0, 2.0), ValueError),
        (TT, "over", 100.5, "visitors", score(1.0, 2.0), ValueError),
        (TOTAL, "over", 100.5, "home", score(1.0, 2.0), ValueError),
        (PROP, "home", 1.5, "7", PlayerResult(1.0, True), ValueError),
        (PROP, "over", None, "7", PlayerResult(1.0, True), ValueError),
        ("parlay", "home", None, None, score(1.0, 2.0), ValueError),
    ],
)
def test_malformed_selections_are_refused(kind, side, line, subject, result, error) -> None:
    with pytest.raises(error):
        grade(kind, side, line, subject, result)


def test_winning_regions() -> None:
    assert winning_region(SPREAD, "home", 10.0, None) == HalfPlane(1, -1, 10.0)
    assert winning_region(SPREAD, "away", 10.0, None) == HalfPlane(-1, 1, -10.0)
    assert winning_region(ML, "away", None, None) == HalfPlane(-1, 1, 0.0)
    assert winning_region(TOTAL, "under", 220.5, None) == HalfPlane(-1, -1, -220.5)
    assert winning_region(TT, "over", 115.0, "away") == HalfPlane(0, 1, 115.0)
    with pytest.raises(ValueError):
        winning_region(PROP, "over", 17.5, "7")


@pytest.mark.parametrize(
    ("stake", "american", "expected"),
    [
        (100, -110, 190),  # 100 * 21/11 = 190.9...
        (110, -110, 210),
        (100, 150, 250),
        (7, -110, 13),  # 13.36 -> 13
        (1, -9900, 1),  # 1.0101 -> 1: the fraction stays with the house
        (99, -9900, 100),
        (1, 9900, 100),
        (250, -185, 385),  # 250 * 57/37 = 385.1
        (3, 145, 7),  # 7.35
        (0, -110, 0),
    ],
)
def test_a_winning_payout_is_floored_exactly(stake: int, american: int, expected: int) -> None:
    amount = payout(stake, american, Outcome.WON)
    assert type(amount) is int
    assert amount == expected
    assert potential_payout(stake, american) == expected
    assert amount <= stake * (1 + (Fraction(american, 100) if american > 0 else Fraction(100, -american)))


def test_push_and_void_refund_the_stake_and_a_loss_pays_nothing() -> None:
    assert payout(100, -110, Outcome.PUSH) == 100
    assert payout(100, -110, Outcome.VOID) == 100
    assert payout(100, -110, Outcome.LOST) == 0
    assert payout(100, -110, "won") == 190  # type: ignore[arg-type]


def test_a_huge_stake_is_still_exact() -> None:
    stake = 10**18 + 7
    assert payout(stake, -110, Outcome.WON) == stake * 21 // 11


@pytest.mark.parametrize(("stake", "error"), [(-1, ValueError), (10.0, TypeError), (True, TypeError)])
def test_a_bad_stake_is_refused(stake: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        payout(stake, -110, Outcome.WON)  # type: ignore[arg-type]


def test_impossible_odds_are_refused() -> None:
    with pytest.raises(ValueError):
        payout(10, 50, Outcome.WON)
