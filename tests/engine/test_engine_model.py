"""The scoring model: means, spreads, same-game correlations and the calibration factor."""

from __future__ import annotations

import itertools
import math
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import (
    DEFAULT_CORRELATIONS,
    MIN_PLAYER_SD,
    POSITION_CV,
    CorrelationTable,
    MatchupModel,
    Normal,
    Starter,
    build_matchup_model,
)
from engine.model import DEFAULT_CV, starter_sd


def starter(
    position: str,
    projection: float,
    pro_team: str = "KC",
    game_id: str | None = "g1",
    active: bool = True,
    player_id: int = 1,  # shown as the id's text, as a provider gives it
) -> Starter:
    return Starter(str(player_id), f"{position} {player_id}", position, pro_team, game_id, projection, active)


def test_position_cvs_match_the_design() -> None:
    assert dict(POSITION_CV) == {
        "QB": 0.41,
        "K": 0.49,
        "WR": 0.61,
        "RB": 0.63,
        "TE": 0.70,
        "D/ST": 0.71,
    }
    assert DEFAULT_CV == 0.65
    assert MIN_PLAYER_SD == 2.0


def test_a_starter_scores_his_projection_only_when_he_plays() -> None:
    assert starter("WR", 14.2).mean == 14.2
    assert starter("WR", 14.2, active=False).mean == 0.0  # OUT
    assert starter("WR", 14.2, game_id=None).mean == 0.0  # bye


def test_starter_sd() -> None:
    assert starter_sd(starter("QB", 20.0)) == pytest.approx(8.2)
    assert starter_sd(starter("K", 1.5)) == MIN_PLAYER_SD  # floor
    assert starter_sd(starter("P", 10.0)) == pytest.approx(6.5)  # unknown position
    assert starter_sd(starter("WR", 14.0, active=False)) == 0.0
    assert starter_sd(starter("WR", 14.0, game_id=None)) == 0.0
    assert starter_sd(starter("WR", 0.0)) == 0.0  # empty slot
    assert starter_sd(starter("WR", 10.0), {"WR": 0.5}) == pytest.approx(5.0)


def test_normal() -> None:
    n = Normal(100.0, 400.0)
    assert n.sd == 20.0
    assert n.cdf(100.0) == pytest.approx(0.5)
    assert n.sf(120.0) == pytest.approx(1 - 0.841344746, abs=1e-9)
    assert n.cdf(80.0) == pytest.approx(n.sf(120.0))
    assert n.sf(137.5) == n.cdf(62.5)  # mirrored exactly


def test_a_normal_with_no_variance_is_a_point() -> None:
    n = Normal(10.0, 0.0)
    assert (n.cdf(9.9), n.cdf(10.0), n.sf(10.0), n.sf(9.9)) == (0.0, 1.0, 0.0, 1.0)


def test_a_negative_variance_is_refused() -> None:
    with pytest.raises(ValueError):
        Normal(0.0, -1.0)


def test_margin_and_total_follow_from_both_teams() -> None:
    model = MatchupModel(Normal(115.0, 529.0), Normal(105.0, 400.0), 50.0)
    assert model.margin == Normal(10.0, 529.0 + 400.0 - 100.0)
    assert model.total == Normal(220.0, 529.0 + 400.0 + 100.0)


def test_an_impossible_covariance_cannot_make_a_negative_variance() -> None:
    assert MatchupModel(Normal(0.0, 1.0), Normal(0.0, 1.0), 2.0).margin.variance == 0.0


def test_independent_starters_add_their_variances() -> None:
    qb = starter("QB", 20.0, "KC", "g1", player_id=1)
    wr = starter("WR", 15.0, "PHI", "g2", player_id=2)
    model = build_matchup_model([qb, wr], [])
    assert model.home.mean == 35.0
    assert model.home.variance == pytest.approx(8.2**2 + 9.15**2)
    assert model.away == Normal(0.0, 0.0)
    assert model.covariance == 0.0


@pytest.mark.parametrize(("position", "rho"), [("WR", 0.5), ("TE", 0.38), ("RB", 0.13), ("K", 0.0)])
def test_a_qb_moves_with_his_own_receivers(position: str, rho: float) -> None:
    qb = starter("QB", 20.0, "KC", "g1", player_id=1)
    mate = starter(position, 10.0, "KC", "g1", player_id=2)
    sd_qb, sd_mate = starter_sd(qb), starter_sd(mate)
    model = build_matchup_model([qb, mate], [])
    assert model.home.variance == pytest.approx(sd_qb**2 + sd_mate**2 + 2 * rho * sd_qb * sd_mate)


def test_a_qb_moves_against_the_defence_he_faces() -> None:
    qb = starter("QB", 20.0, "KC", "g1", player_id=1)
    opposing = starter("D/ST", 8.0, "BUF", "g1", player_id=2)
    own = starter("D/ST", 8.0, "KC", "g1", player_id=3)
    sd_qb, sd_dst = starter_sd(qb), starter_sd(opposing)
    assert build_matchup_model([qb, opposing], []).home.variance == pytest.approx(
        sd_qb**2 + sd_dst**2 - 2 * 0.35 * sd_qb * sd_dst
    )
    assert build_matchup_model([qb, own], []).home.variance == pytest.approx(sd_qb**2 + sd_dst**2)


def test_players_in_different_games_are_independent() -> None:
    qb = starter("QB", 20.0, "KC", "g1", player_id=1)
    wr = starter("WR", 12.0, "BUF", "g2", player_id=2)
    assert DEFAULT_CORRELATIONS.rho(qb, wr) == 0.0
    assert DEFAULT_CORRELATIONS.rho(qb, starter("WR", 12.0, "KC", None, player_id=3)) == 0.0


def test_a_stack_split_across_the_matchup_links_the_two_teams() -> None:
    qb = starter("QB", 20.0, "KC", "g1", player_id=1)
    wr = starter("WR", 15.0, "KC", "g1", player_id=2)
    model = build_matchup_model([qb], [wr])
    cov = 0.5 * starter_sd(qb) * starter_sd(wr)
    assert model.covariance == pytest.approx(cov)
    assert model.home.variance == pytest.approx(starter_sd(qb) ** 2)
    assert model.margin.variance == pytest.approx(starter_sd(qb) ** 2 + starter_sd(wr) ** 2 - 2 * cov)
    assert model.total.variance == pytest.approx(starter_sd(qb) ** 2 + starter_sd(wr) ** 2 + 2 * cov)


def test_players_who_do_not_play_add_nothing() -> None:
    qb = starter("QB", 20.0, "KC", "g1", player_id=1)
    out = starter("WR", 15.0, "KC", "g1", active=False, player_id=2)
    model = build_matchup_model([qb, out], [])
    assert model.home == Normal(20.0, starter_sd(qb) ** 2)


def test_k_scales_every_standard_deviation() -> None:
    home = [starter("QB", 20.0, "KC", "g1", player_id=1), starter("WR", 15.0, "KC", "g1", player_id=2)]
    away = [starter("WR", 12.0, "BUF", "g1", player_id=3)]
    base = build_matchup_model(home, away)
    wide = build_matchup_model(home, away, k=1.2)
    assert wide.home.mean == base.home.mean
    assert wide.home.variance == pytest.approx(1.44 * base.home.variance)
    assert wide.away.variance == pytest.approx(1.44 * base.away.variance)
    assert wide.covariance == pytest.approx(1.44 * base.covariance)


@pytest.mark.parametrize("k", [0.0, -1.0, math.nan])
def test_k_must_be_positive(k: float) -> None:
    with pytest.raises(ValueError):
        build_matchup_model([], [], k=k)


def test_custom_cvs_and_correlations() -> None:
    table = CorrelationTable(
        teammates=MappingProxyType({frozenset(("WR",)): 0.2}),
        opponents=MappingProxyType({}),
    )
    a = starter("WR", 10.0, "KC", "g1", player_id=1)
    b = starter("WR", 10.0, "KC", "g1", player_id=2)
    model = build_matchup_model([a, b], [], cv={"WR": 0.5}, correlations=table)
    assert model.home.variance == pytest.approx(25 + 25 + 2 * 0.2 * 25)


def test_a_correlation_outside_minus_one_to_one_is_refused() -> None:
    with pytest.raises(ValueError):
        CorrelationTable(teammates={frozenset(("QB", "WR")): 1.5}, opponents={})


# --- only same-game pairs are visited, and the sums stay bit for bit the same ----------


def every_pair_model(home: list[Starter], away: list[Starter]) -> MatchupModel:
    """build_matchup_model as a plain double loop over every pair, the definition it must match."""
    home_sd = [starter_sd(s) for s in home]
    away_sd = [starter_sd(s) for s in away]

    def team(lineup: list[Starter], sds: list[float]) -> float:
        own = sum(sd * sd for sd in sds)
        shared = sum(
            DEFAULT_CORRELATIONS.rho(lineup[i], lineup[j]) * sds[i] * sds[j]
            for i, j in itertools.combinations(range(len(lineup)), 2)
        )
        return own + 2.0 * shared

    cross = sum(
        DEFAULT_CORRELATIONS.rho(h, a) * h_sd * a_sd
        for h, h_sd in zip(home, home_sd, strict=True)
        for a, a_sd in zip(away, away_sd, strict=True)
    )
    return MatchupModel(
        Normal(sum(s.mean for s in home), team(home, home_sd)),
        Normal(sum(s.mean for s in away), team(away, away_sd)),
        cross,
    )


STARTERS = st.builds(
    Starter,
    player_id=st.integers(1, 99),
    name=st.just("x"),
    position=st.sampled_from(["QB", "RB", "WR", "TE", "K", "D/ST", "LB"]),
    pro_team=st.sampled_from(["KC", "BUF", "SF"]),
    game_id=st.sampled_from([None, "g1", "g2", "g3"]),
    projection=st.floats(0.0, 60.0, allow_nan=False),
    active=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(STARTERS, max_size=10), st.lists(STARTERS, max_size=10))
def test_visiting_only_same_game_pairs_changes_no_bit(home: list[Starter], away: list[Starter]) -> None:
    assert build_matchup_model(home, away) == every_pair_model(home, away)


def test_an_infinite_projection_is_still_refused() -> None:
    """A non-finite sd takes the every-pair path, where 0 * inf still makes the variance NaN."""
    with pytest.raises(ValueError, match="variance"):
        build_matchup_model([starter("QB", math.inf), starter("K", 5.0, game_id="g2")], [])
