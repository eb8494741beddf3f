"""The week's awards on a hand-made week whose answers are known before running."""

from __future__ import annotations

import pytest

from engine.awards import (
    Game,
    LineupEfficiency,
    RosterPlayer,
    SettledBet,
    TeamScore,
    best_manager,
    bet_awards,
    biggest_blowout,
    closest_win,
    fantasy_awards,
    high_score,
    lineup_efficiency,
    low_score,
    optimal_points,
)

SLOTS = {"QB": 1, "RB": 2, "WR": 2, "TE": 1, "FLEX": 1}

# Margins: 40.0, 0.5, 12.0 and a 100-100 tie.
WEEK = [
    Game(TeamScore("Alpha", 140.0), TeamScore("Bravo", 100.0)),
    Game(TeamScore("Charlie", 95.5), TeamScore("Delta", 96.0)),
    Game(TeamScore("Echo", 88.0), TeamScore("Foxtrot", 76.0)),
    Game(TeamScore("Golf", 100.0), TeamScore("Hotel", 100.0)),
]


def test_fantasy_awards_of_a_known_week() -> None:
    awards = fantasy_awards(WEEK, [])
    assert awards.high_score == TeamScore("Alpha", 140.0)
    assert awards.low_score == TeamScore("Foxtrot", 76.0)
    assert awards.biggest_blowout is WEEK[0] and awards.biggest_blowout.margin == 40.0
    assert awards.closest_win is WEEK[1]
    assert awards.closest_win.winner == TeamScore("Delta", 96.0)
    assert awards.closest_win.loser == TeamScore("Charlie", 95.5)
    assert awards.best_manager is None


def test_a_tied_game_is_no_ones_win() -> None:
    tie = [Game(TeamScore("Golf", 100.0), TeamScore("Hotel", 100.0))]
    assert closest_win(tie) is None and biggest_blowout(tie) is None
    assert high_score(tie) == TeamScore("Golf", 100.0)  # tie on points: the name decides


def test_ties_are_broken_by_name_whatever_the_order() -> None:
    games = [
        Game(TeamScore("Zulu", 120.0), TeamScore("Yankee", 90.0)),
        Game(TeamScore("Mike", 120.0), TeamScore("Lima", 90.0)),
    ]
    for order in (games, games[::-1]):
        assert high_score(order) == TeamScore("Mike", 120.0)
        assert low_score(order) == TeamScore("Lima", 90.0)
        assert biggest_blowout(order).winner.team == "Mike"  # type: ignore[union-attr]
        assert closest_win(order).winner.team == "Mike"  # type: ignore[union-attr]


def test_nothing_to_award_in_an_empty_week() -> None:
    awards = fantasy_awards([], [])
    assert awards == type(awards)(None, None, None, None, None)
    assert bet_awards([]) == type(bet_awards([]))(None, None, None)


def _player(name: str, points: float, *slots: str, started: bool) -> RosterPlayer:
    return RosterPlayer(name, points, slots, started)


def test_optimal_lineup_moves_a_benched_star_into_flex() -> None:
    roster = [
        _player("QB1", 20.0, "QB", started=True),
        _player("RB1", 15.0, "RB", "FLEX", started=True),
        _player("RB2", 5.0, "RB", "FLEX", started=True),
        _player("WR1", 12.0, "WR", "FLEX", started=True),
        _player("WR2", 8.0, "WR", "FLEX", started=True),
        _player("TE1", 6.0, "TE", "FLEX", started=True),
        _player("WR3", 2.0, "WR", "FLEX", started=True),  # in the FLEX
        _player("RB3", 25.0, "RB", "FLEX", started=False),  # on the bench
        _player("QB2", 30.0, "QB", started=False),  # on the bench
    ]
    # Best: QB2 30, RB3 25 + RB1 15, WR1 12 + WR2 8, TE 6, FLEX RB2 5 = 101.
    assert optimal_points(roster, SLOTS) == 101.0
    efficiency = lineup_efficiency("Alpha", roster, SLOTS)
    assert efficiency.actual == 68.0 and efficiency.optimal == 101.0
    assert efficiency.share == pytest.approx(68 / 101)


def test_a_player_only_fills_slots_he_is_eligible_for() -> None:
    roster = [_player("K", 30.0, "K", started=False), _player("QB", 10.0, "QB", started=True)]
    assert optimal_points(roster, {"QB": 1}) == 10.0


def test_negative_points_are_never_forced_in_and_actual_never_beats_optimal() -> None:
    roster = [_player("DST", -4.0, "D/ST", started=True), _player("QB", 10.0, "QB", started=True)]
    efficiency = lineup_efficiency("Team", roster, {"QB": 1, "D/ST": 1})
    assert efficiency.optimal == 10.0 and efficiency.actual == 6.0
    assert efficiency.share <= 1.0


def test_best_manager_by_share_then_points_then_name() -> None:
    perfect_small = LineupEfficiency("Zed", 80.0, 80.0)
    perfect_big = LineupEfficiency("Amy", 120.0, 120.0)
    perfect_big_twin = LineupEfficiency("Bob", 120.0, 120.0)
    sloppy = LineupEfficiency("Cal", 130.0, 160.0)
    empty = LineupEfficiency("Dee", 0.0, 0.0)
    pool = [sloppy, perfect_small, perfect_big_twin, perfect_big, empty]
    assert best_manager(pool) is perfect_big
    assert best_manager(pool[::-1]) is perfect_big
    assert best_manager([empty]) is None


def bet(bet_id: int, status: str, stake: int, odds: int, fair_p: float, payout: int = 0) -> SettledBet:
    return SettledBet(bet_id, f"m{bet_id}", f"pick {bet_id}", stake, odds, fair_p, status, payout)


BETS = [
    bet(1, "won", 100, -110, 0.55, 190),  # profit 90
    bet(2, "won", 50, 250, 0.25, 175),  # profit 125, the longest odds
    bet(3, "lost", 200, -300, 0.74),
    bet(4, "lost", 10, -400, 0.79),  # likeliest loser
    bet(5, "push", 80, -110, 0.5, 80),
    bet(6, "void", 500, 900, 0.09, 500),  # a void never wins an award, at any odds
]


def test_bets_of_the_week() -> None:
    awards = bet_awards(BETS)
    assert awards.biggest_win is BETS[1]
    assert awards.worst_beat is BETS[3]
    assert awards.longest_shot is BETS[1]


def test_bet_award_ties_break_on_stake_then_the_earlier_bet() -> None:
    same_profit = [bet(9, "won", 100, 100, 0.5, 200), bet(7, "won", 100, 100, 0.5, 200)]
    assert bet_awards(same_profit).biggest_win.bet_id == 7  # type: ignore[union-attr]
    same_odds = [bet(3, "won", 10, 300, 0.2, 40), bet(4, "won", 20, 300, 0.2, 80)]
    assert bet_awards(same_odds).longest_shot.bet_id == 4  # type: ignore[union-attr]
    same_p = [bet(5, "lost", 10, -150, 0.6), bet(2, "lost", 10, -150, 0.6), bet(8, "lost", 30, -150, 0.6)]
    assert bet_awards(same_p).worst_beat.bet_id == 8  # type: ignore[union-attr]
    assert bet_awards(same_p[:2]).worst_beat.bet_id == 2  # type: ignore[union-attr]


def test_longest_shot_compares_odds_across_signs() -> None:
    favourites = [bet(1, "won", 100, -105, 0.5, 195), bet(2, "won", 100, -200, 0.66, 150)]
    assert bet_awards(favourites).longest_shot.bet_id == 1  # type: ignore[union-attr]
