"""Bench players, eligible slots and lineup slot counts: read for the awards, never priced."""

from __future__ import annotations

from adapters.espn.demo.provider import DemoLeagueProvider
from adapters.espn.parse import parse_league
from tests.espn.test_espn_demo_provider import AFTER_MONDAY_NIGHT


def test_lineup_slot_counts_come_from_espn_settings_by_slot_id(sample_league):
    slots = dict(parse_league(sample_league).lineup_slots)
    # 2018 sample: lineupSlotCounts {0: 1, 2: 2, 4: 2, 6: 1, 16: 1, 17: 1, 20: 6 (bench), 23: 1}
    assert slots == {"QB": 1, "RB": 2, "WR": 2, "TE": 1, "D/ST": 1, "K": 1, "FLEX": 1}


def test_slot_counts_survive_espn_leaving_out_or_reordering_keys(sample_league):
    counts = sample_league["settings"]["rosterSettings"]["lineupSlotCounts"]
    reordered = {k: counts[k] for k in sorted(counts, key=int, reverse=True) if counts[k]}
    sample_league["settings"]["rosterSettings"]["lineupSlotCounts"] = reordered
    assert dict(parse_league(sample_league).lineup_slots)["FLEX"] == 1
    del sample_league["settings"]["rosterSettings"]["lineupSlotCounts"]
    assert parse_league(sample_league).lineup_slots == ()


async def test_demo_week_lists_each_sides_bench_apart_from_its_starters():
    week = await DemoLeagueProvider(lambda: AFTER_MONDAY_NIGHT).fetch_week(12)
    for matchup in week.matchups:
        for starters, bench in (
            (matchup.home_lineup, matchup.home_bench),
            (matchup.away_lineup, matchup.away_bench),
        ):
            assert bench and {p.slot for p in bench} <= {"BE", "IR"}
            assert "BE" not in {p.slot for p in starters}
            assert not {p.player_id for p in starters} & {p.player_id for p in bench}
            assert all(p.slot in p.eligible_slots for p in starters)
            assert all(
                "BE" not in p.eligible_slots and "IR" not in p.eligible_slots for p in (*starters, *bench)
            )
            flexible = [p for p in (*starters, *bench) if p.position in ("RB", "WR", "TE")]
            assert all("FLEX" in p.eligible_slots for p in flexible)
            assert any(p.points is not None for p in bench)  # the bench scored too, for "best lineup"
