"""A playoff matchup period spanning two scoring periods (mSettings matchupPeriods)."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from adapters.espn.parse import parse_week, scoring_periods_for

WEEK_MS = int(timedelta(days=7).total_seconds() * 1000)


def _shift_box(box, period):
    """The same rosters one scoring period later (what ESPN returns for scoringPeriodId=13)."""
    later = copy.deepcopy(box)
    later["scoringPeriodId"] = period
    for matchup in later["schedule"]:
        for side in ("home", "away"):
            for entry in matchup[side]["rosterForCurrentScoringPeriod"]["entries"]:
                for stat in entry["playerPoolEntry"]["player"]["stats"]:
                    stat["scoringPeriodId"] = period
    return later


@pytest.fixture
def two_week_final(demo_league, demo_box, demo_pro_schedule):
    league = copy.deepcopy(demo_league)
    periods = league["settings"]["scheduleSettings"]["matchupPeriods"]
    periods["12"] = [12, 13]
    del periods["13"]
    first = copy.deepcopy(demo_box)
    second = _shift_box(demo_box, 13)
    for box in (first, second):
        for matchup in box["schedule"]:
            matchup["playoffTierType"] = "WINNERS_BRACKET"
    # ESPN's matchup totals are cumulative over the matchup period
    for matchup in second["schedule"]:
        for side in ("home", "away"):
            matchup[side]["totalPoints"] = round(2 * matchup[side]["totalPoints"], 2)
            matchup[side]["totalPointsLive"] = matchup[side]["totalPoints"]
    # week 13: team on the home side of matchup 0 starts a bench WR instead of its WR2
    entries = second["schedule"][0]["home"]["rosterForCurrentScoringPeriod"]["entries"]
    wr2 = [e for e in entries if e["lineupSlotId"] == 4][1]
    bench_wr = next(
        e
        for e in entries
        if e["lineupSlotId"] == 20
        and e["playerPoolEntry"]["player"]["defaultPositionId"] == 3
        and e["playerPoolEntry"]["player"]["stats"]
    )
    wr2["lineupSlotId"], bench_wr["lineupSlotId"] = 20, 4
    schedule = copy.deepcopy(demo_pro_schedule)
    for team in schedule["settings"]["proTeams"]:
        games = team["proGamesByScoringPeriod"]
        if "12" in games:
            games["13"] = [
                {**g, "id": g["id"] + 100, "date": g["date"] + WEEK_MS, "scoringPeriodId": 13}
                for g in games["12"]
            ]
    return league, {12: first, 13: second}, schedule, wr2, bench_wr


def test_two_week_matchup(two_week_final, demo_league, demo_box, demo_pro_schedule):
    league, boxes, schedule, benched, promoted = two_week_final
    assert scoring_periods_for(league, 12) == (12, 13)
    single = parse_week(demo_league, {12: demo_box}, demo_pro_schedule, 12)
    week = parse_week(league, boxes, schedule, 12)

    assert week.scoring_periods == (12, 13)
    assert len(week.pro_games) == 30
    assert len(week.matchups) == 5 and all(m.is_playoff for m in week.matchups)

    one = {p.player_id: p for m in single.matchups for p in (*m.home_lineup, *m.away_lineup)}
    matchup = week.matchups[0]
    benched_id = str(benched["playerId"])
    promoted_id = str(promoted["playerId"])
    for line in (*matchup.home_lineup, *matchup.away_lineup, *week.matchups[1].home_lineup):
        if line.player_id == promoted_id:
            continue
        base = one[line.player_id]
        if line.player_id == benched_id:  # started week 12 only
            assert line.projection == base.projection and line.points == base.points
        else:  # started both weeks: summed
            assert line.projection == pytest.approx(2 * base.projection, abs=0.01)
            assert line.points == pytest.approx(2 * base.points, abs=0.01)
    # the union of both weeks' starters: ten on the side that changed its lineup
    assert len(matchup.home_lineup) == 10 and len(matchup.away_lineup) == 9
    promoted_line = next(p for p in matchup.home_lineup if p.player_id == promoted_id)
    assert promoted_line.slot == "WR" and promoted_line.projection > 0
    # the score is ESPN's cumulative total from the last scoring period
    assert matchup.away_score == pytest.approx(2 * single.matchups[0].away_score, abs=0.01)


def test_second_week_not_yet_played(two_week_final, demo_scoreboard):
    league, boxes, schedule, *_ = two_week_final
    # week 12 is over; week 13 has the same pairings (new event ids) and is not yet told
    for event in demo_scoreboard["events"]:
        event["status"]["type"].update(state="post", completed=True, name="STATUS_FINAL")
    week = parse_week(league, boxes, schedule, 12, [demo_scoreboard])
    states = [g.state for g in week.pro_games]
    assert states == ["post"] * 15 + ["pre"] * 15
    assert not week.is_final
    # every starter played in week 12, so points are known although week 13 is pending
    matchup = week.matchups[0]
    assert all(p.points is not None for p in matchup.away_lineup)
    assert matchup.away_score is not None
