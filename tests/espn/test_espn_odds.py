"""Every odds shape of ESPN's NFL scoreboard, parsed into typed snapshots.

The recorded 2023 week 5 scoreboard (summary odds only) and the variants built from it in
the same shape (tests/espn/samples/make_odds_samples.py): several providers, open/current/
close, per-team and by-market prices, pick'em, missing and unreadable fields, no odds.
"""

from __future__ import annotations

import pytest

from adapters.espn.odds import read_american, read_line
from adapters.espn.parse import parse_game_lines, parse_scoreboard
from commands.provider import GameLines
from engine.game_lines import ProviderLines


def games(board: dict) -> dict[str, GameLines]:
    return {f"{g.away}@{g.home}": g for g in parse_game_lines(board)}


def test_the_recorded_scoreboard_gives_every_game_its_summary_line(sample):
    board = games(sample("nfl_scoreboard_2023_w5.json"))
    assert len(board) == 14
    chi_wsh = board["CHI@WSH"]
    assert (chi_wsh.home_name, chi_wsh.away_name) == ("Washington Commanders", "Chicago Bears")
    (caesars,) = chi_wsh.odds
    assert (caesars.provider_id, caesars.provider_name, caesars.priority) == (
        "45",
        "Caesars Sportsbook (New Jersey)",
        1,
    )
    assert caesars.details == "WSH -5.5"
    assert caesars.latest == ProviderLines(spread=5.5, total=44.5)
    # "TEN -1.0" with TEN away: the home team's expected margin is -1
    assert board["TEN@IND"].odds[0].latest == ProviderLines(spread=-1.0, total=42.5)


def test_several_providers_keep_their_own_open_and_close(sample):
    chi_wsh = games(sample("nfl_scoreboard_2023_w5_odds.json"))["CHI@WSH"]
    espn_bet, draftkings = chi_wsh.odds
    assert (espn_bet.provider_name, draftkings.provider_name) == ("ESPN BET", "DraftKings")
    assert espn_bet.phase("open") == ProviderLines(-230, 190, 5.5, -110, -110, 45.5, -110, -110)
    assert espn_bet.phase("close") == ProviderLines(-270, 220, 6.5, -110, -110, 44.5, -105, -115)
    assert draftkings.latest == ProviderLines(-280, 230, 6.5, -105, -115, 44.0, -110, -110)


def test_per_team_prices_with_open_and_current_blocks(sample):
    jax_buf = games(sample("nfl_scoreboard_2023_w5_odds.json"))["JAX@BUF"]
    (caesars,) = jax_buf.odds
    assert caesars.phase("open") == ProviderLines(-205, 170, 5.0, -110, -110, 48.5, -110, -110)
    assert caesars.phase("current") == ProviderLines(-218, 180, 5.5, -110, -110, 49.0, -110, -110)
    assert caesars.phase("close") is None
    assert caesars.latest == caesars.phase("current")


def test_even_and_pk_are_pick_em(sample):
    board = games(sample("nfl_scoreboard_2023_w5_odds.json"))
    assert board["HOU@ATL"].odds[0].latest == ProviderLines(spread=0.0, total=41.5)
    assert board["NO@NE"].odds[0].latest.spread == 0.0


def test_missing_and_unreadable_fields_are_left_out_not_guessed(sample):
    board = games(sample("nfl_scoreboard_2023_w5_odds.json"))
    assert board["CAR@DET"].odds[0].latest == ProviderLines(spread=9.5)
    # "OFF", an impossible +50 and "n/a" are dropped; what is readable stays
    assert board["NO@NE"].odds[0].latest == ProviderLines(
        home_moneyline=-105, spread=0.0, home_spread_odds=-110
    )


def test_no_odds_and_an_empty_odds_list_give_no_providers(sample):
    board = games(sample("nfl_scoreboard_2023_w5_odds.json"))
    assert board["TEN@IND"].odds == ()
    assert board["NYG@MIA"].odds == ()


def test_the_away_favourite_and_even_prices_in_the_by_market_shape(sample):
    kc_min = games(sample("nfl_scoreboard_2023_w5_odds.json"))["KC@MIN"]
    (consensus,) = kc_min.odds
    assert consensus.priority > 1000  # no priority given: after every ranked provider
    assert consensus.phase("open") == ProviderLines(165, -190, -4.0, 100, -120, 52.5, 100, -120)
    assert consensus.latest == ProviderLines(170, -200, -4.0, -105, -115, 53.0, -110, -110)


def test_finals_postponements_cancellations_and_suspensions(sample):
    board = games(sample("nfl_scoreboard_2023_w5_finals.json"))
    chi_wsh = board["CHI@WSH"]
    assert (chi_wsh.state, chi_wsh.completed, chi_wsh.home_score, chi_wsh.away_score) == (
        "post",
        True,
        20,
        40,
    )
    assert (board["NYG@MIA"].state, board["NYG@MIA"].completed) == ("pre", False)  # postponed
    assert (board["NO@NE"].state, board["NO@NE"].completed) == ("post", False)  # cancelled
    assert (board["KC@MIN"].state, board["KC@MIN"].completed) == ("in", False)  # suspended


def test_the_odds_do_not_change_what_the_week_reads_from_the_scoreboard(sample):
    plain = [
        (g.event_id, g.state, g.home_score) for g in parse_scoreboard(sample("nfl_scoreboard_2023_w5.json"))
    ]
    with_odds = sample("nfl_scoreboard_2023_w5.json")
    for event in with_odds["events"]:
        event["competitions"][0]["odds"] = [{"details": 7, "provider": "nonsense", "spread": {"x": 1}}]
    assert [(g.event_id, g.state, g.home_score) for g in parse_scoreboard(with_odds)] == plain


@pytest.mark.parametrize(
    ("raw", "american"),
    [
        (-110, -110),
        (-110.0, -110),
        ("+140", 140),
        ("140", 140),
        ("EVEN", 100),
        ("even", 100),
        ("OFF", None),
        (50, None),
        ("-99", None),
        (-110.5, None),
        (True, None),
        (None, None),
        ("", None),
        ({"a": 1}, None),
    ],
)
def test_american_prices_are_read_strictly(raw, american):
    assert read_american(raw) == american


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ("-3", -3.0),
        ("+3.5", 3.5),
        ("o44.5", 44.5),
        ("u44.5", 44.5),
        (44.5, 44.5),
        ("PK", 0.0),
        ("EVEN", 0.0),
        ("-3.25", None),
        ("OFF", None),
        (float("nan"), None),
        (None, None),
        (False, None),
    ],
)
def test_lines_are_read_on_half_points_only(raw, line):
    assert read_line(raw) == line
