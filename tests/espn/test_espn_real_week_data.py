"""What ESPN's data means in a real NFL week: official scores, odd game statuses, players who sit.

Each case is read from ESPN's own JSON: the recorded 2018 league (whose matchup period 16
carries commissioner adjustments) or the simulated season's responses, which are built by the
same shape builders as the demo league and follow the recorded samples.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.espn.demo import shapes
from adapters.espn.demo.names import Player
from adapters.espn.parse import merge_views, parse_pro_games, parse_scoreboard, parse_week
from commands.provider import WeekData
from tests.fakes.espn_season import NflSeason, SeasonSim

# --------------------------------------------------------------------- official scores


def _box_scores_from(season: dict, period: int) -> dict:
    """The 2018 sample's matchups of one period, as a box-score response: each side gets one
    starter with a played line (the sample has no rosters), so its score counts."""
    schedule = []
    for matchup in season["schedule"]:
        if matchup["matchupPeriodId"] != period:
            continue
        for side in ("home", "away"):
            if side not in matchup:
                continue
            team = matchup[side]["teamId"]
            player = Player(900 + team, "Sample", f"Starter{team}", "QB", 12, 1.0, "9")
            game = shapes.Game(401000000 + period, 12, 1, datetime(2018, 12, 1, tzinfo=UTC), 20, 17)
            line = shapes.stat_entry(player, game, period, 2018, 0, {0: 30.0, 1: 20.0, 3: 250.0})
            entry = shapes.roster_entry(
                player, "QB", team, [line], injury_status="ACTIVE", owned=(99.0, 90.0), locked=True
            )
            matchup[side]["rosterForCurrentScoringPeriod"] = {"appliedStatTotal": 0.0, "entries": [entry]}
        schedule.append(matchup)
    return {**season, "schedule": schedule}


def test_scores_are_espns_official_ones_adjustments_included(sample_league, sample):
    """ESPN's `winner` follows totalPoints plus the commissioner's adjustment: in period 16 of
    the 2018 league, team 10 wins matchup 80 on 103.34 + 215.2 against 108.64 + 188.9."""
    season = sample("league_2018_mMatchupScore.json")
    raw = {(m["matchupPeriodId"], m["home"]["teamId"]): m for m in season["schedule"] if "away" in m}
    checked = adjusted = 0
    for period in range(1, 17):
        box = _box_scores_from(sample("league_2018_mMatchupScore.json"), period)
        for matchup in parse_week(sample_league, {period: box}, None, period).matchups:
            if matchup.away_team_id is None:
                continue
            espn = raw[(period, matchup.home_team_id)]
            assert matchup.home_score is not None and matchup.away_score is not None
            winner = (
                "HOME"
                if matchup.home_score > matchup.away_score
                else "AWAY"
                if matchup.away_score > matchup.home_score
                else "TIE"
            )
            assert winner == espn["winner"], (period, matchup.home_team_id)
            for side, score in (("home", matchup.home_score), ("away", matchup.away_score)):
                assert score == round(espn[side]["totalPoints"] + espn[side]["adjustment"], 2)
            checked += 1
            adjusted += bool(espn["home"]["adjustment"] or espn["away"]["adjustment"])
    assert checked == 79 and adjusted == 2
    final = parse_week(sample_league, {16: _box_scores_from(season, 16)}, None, 16)
    by_home = {m.home_team_id: m for m in final.matchups}
    assert (by_home[10].home_score, by_home[10].away_score) == (318.54, 297.54)
    assert (by_home[10].home_adjustment, by_home[10].away_adjustment) == (215.2, 188.9)
    assert (by_home[8].home_adjustment, by_home[8].away_adjustment) == (247.6, 253.1)
    assert all(
        m.home_adjustment == m.away_adjustment == 0.0 for m in final.matchups if m.home_team_id not in (8, 10)
    )


def test_a_non_numeric_adjustment_is_a_clear_error(sample_league, sample):
    box = _box_scores_from(sample("league_2018_mMatchupScore.json"), 16)
    box["schedule"][0]["home"]["adjustment"] = "lots"
    with pytest.raises(ValueError, match="non-numeric 'adjustment'"):
        parse_week(sample_league, {16: box}, None, 16)


# ------------------------------------------------------------------ games not played as planned


def _week1(nfl: NflSeason) -> list:
    return list(nfl.games[1])


def test_postponed_delayed_and_suspended_games_keep_the_week_open_cancelled_ones_do_not():
    nfl = NflSeason(2026)
    games = [g for g in _week1(nfl) if g.kickoff.astimezone(UTC).weekday() == 6]  # Sunday
    postponed, cancelled, delayed, suspended = games[:4]
    nfl.postpone(postponed.event_id)  # no new date yet
    nfl.cancel(cancelled.event_id, cancelled.kickoff + timedelta(hours=1))
    nfl.halt(delayed.event_id, "delayed", delayed.kickoff + timedelta(hours=1))
    monday_night = nfl.last_kickoff(1) + timedelta(hours=3, minutes=31)  # the rest is over
    resume = monday_night + timedelta(days=1)
    nfl.halt(suspended.event_id, "suspended", suspended.kickoff + timedelta(hours=2), resume)

    def read(now: datetime) -> dict:
        games = parse_pro_games(nfl.pro_schedule_view(), (1,), [nfl.scoreboard_view(1, now)])
        return {g.game_id: g for g in games}

    games_now = read(monday_night)
    assert games_now[str(postponed.event_id)].state == "pre"  # ESPN's "post" is not over
    assert games_now[str(cancelled.event_id)].state == "post" and games_now[str(cancelled.event_id)].cancelled
    assert games_now[str(delayed.event_id)].state == "in"
    assert games_now[str(suspended.event_id)].state == "in"
    others = [g for key, g in games_now.items() if key not in {str(x.event_id) for x in games[:4]}]
    assert others and all(g.state == "post" and not g.cancelled for g in others)
    assert not WeekData(2026, 1, (1,), (), tuple(games_now.values())).is_final
    # ESPN's own words for them, as its scoreboard sends them
    espn = {e["id"]: e["status"]["type"] for e in nfl.scoreboard_view(1, monday_night)["events"]}
    mark = espn[str(postponed.event_id)]
    assert (mark["state"], mark["completed"], mark["name"]) == ("post", False, "STATUS_POSTPONED")
    assert [espn[str(g.event_id)]["name"] for g in (cancelled, delayed, suspended)] == [
        "STATUS_CANCELED",
        "STATUS_DELAYED",
        "STATUS_SUSPENDED",
    ]
    assert {g.status_name for g in parse_scoreboard(nfl.scoreboard_view(1, monday_night))} >= {
        "STATUS_POSTPONED",
        "STATUS_CANCELED",
        "STATUS_FINAL",
    }

    # The delay ends, the suspended game is finished, the postponed one leaves the period.
    nfl.halt(
        delayed.event_id,
        "delayed",
        delayed.kickoff + timedelta(hours=1),
        delayed.kickoff + timedelta(hours=2),
    )
    nfl.postpone(postponed.event_id, leave_period=True)
    later = resume + timedelta(hours=4)
    games_later = read(later)
    assert str(postponed.event_id) not in games_later
    assert all(g.state == "post" for g in games_later.values())
    assert WeekData(2026, 1, (1,), (), tuple(games_later.values())).is_final


def test_a_game_rescheduled_in_its_period_waits_for_its_replay():
    nfl = NflSeason(2026)
    game = next(g for g in _week1(nfl) if g.kickoff.astimezone(UTC).weekday() == 6)
    replay = nfl.end_of(1) + timedelta(hours=20)  # Tuesday night
    nfl.postpone(game.event_id, replay)
    games = {
        g.game_id: g
        for g in parse_pro_games(
            nfl.pro_schedule_view(), (1,), [nfl.scoreboard_view(1, replay - timedelta(hours=1))]
        )
    }
    moved = games[str(game.event_id)]
    assert (moved.kickoff, moved.state) == (replay, "pre")
    assert not WeekData(2026, 1, (1,), (), tuple(games.values())).is_final
    after = replay + timedelta(hours=4)
    games = {
        g.game_id: g for g in parse_pro_games(nfl.pro_schedule_view(), (1,), [nfl.scoreboard_view(1, after)])
    }
    assert WeekData(2026, 1, (1,), (), tuple(games.values())).is_final


# --------------------------------------------------------------------- players who do not play


def _week_at(sim: SeasonSim, now: datetime):
    league = merge_views(sim.league_view(("mSettings", "mTeam"), now))
    box = sim.league_view(("mMatchupScore", "mScoreboard"), now, 1, [1])
    return parse_week(league, {1: box}, sim.nfl.pro_schedule_view(), 1, [sim.nfl.scoreboard_view(1, now)])


def _actual_line(sim: SeasonSim, now: datetime, player_id: int) -> dict:
    """The player's actual (statSourceId 0) stat line in the fake ESPN's week-1 box scores."""
    box = sim.league_view(("mMatchupScore", "mScoreboard"), now, 1, [1])
    entry = next(
        e
        for m in box["schedule"]
        for side in ("home", "away")
        for e in m[side]["rosterForCurrentScoringPeriod"]["entries"]
        if e["playerId"] == player_id
    )
    return next(s for s in entry["playerPoolEntry"]["player"]["stats"] if s["statSourceId"] == 0)


def test_a_player_ruled_out_at_game_time_has_no_points_not_zero():
    """ESPN gives an inactive player an actual line with no stats and appliedTotal 0.0 (the
    2019 player card's injured weeks); he did not play, so his prop must be void."""
    sim = SeasonSim(5101, 2026, nfl=NflSeason(2026))
    starter = next(
        p
        for p in sim.starters(1, 1)
        if p.position == "WR" and sim.player_week(p, 1).injury_status == "ACTIVE"
    )
    sim.rule_out(1, starter.player_id)
    after = sim.nfl.end_of(1) + timedelta(minutes=1)
    actual = _actual_line(sim, after, starter.player_id)
    assert actual["stats"] == {} and actual["appliedTotal"] == 0.0
    lines = {p.player_id: p for m in _week_at(sim, after).matchups for p in (*m.home_lineup, *m.away_lineup)}
    assert lines[str(starter.player_id)].points is None
    assert lines[str(starter.player_id)].projection > 0
    played = next(p for p in sim.starters(1, 1) if sim.final_points(1, p) is not None)
    assert lines[str(played.player_id)].points == sim.final_points(1, played)


def test_players_of_a_cancelled_game_have_no_points_even_for_what_was_played():
    nfl = NflSeason(2026)
    sim = SeasonSim(5102, 2026, nfl=nfl)
    starters = {p.pro_team: p for t in sim.team_ids for p in sim.starters(t, 1)}
    game = next(g for g in nfl.games[1] if g.home in starters and g.kickoff.weekday() == 6)
    nfl.cancel(game.event_id, game.kickoff + timedelta(hours=2))
    after = nfl.end_of(1) + timedelta(minutes=1)
    player = starters[game.home]
    actual = _actual_line(sim, after, player.player_id)
    assert actual["stats"]  # ESPN keeps what he did before the game was called off
    week = _week_at(sim, after)
    assert week.is_final
    lines = {p.player_id: p for m in week.matchups for p in (*m.home_lineup, *m.away_lineup)}
    assert lines[str(player.player_id)].points is None


def test_a_game_moved_to_another_period_scores_nothing_in_this_one():
    """A game halted part-way and moved by ESPN's schedule to a later scoring period counts
    there, not here: even a stat line left in this period's box score gives no points."""
    nfl = NflSeason(2026)
    sim = SeasonSim(5103, 2026, nfl=nfl)
    starters = {p.pro_team: p for t in sim.team_ids for p in sim.starters(t, 1)}
    game = next(g for g in nfl.games[1] if g.home in starters and g.kickoff.weekday() == 6)
    player = starters[game.home]
    during = game.kickoff + timedelta(hours=1)
    box = sim.league_view(("mMatchupScore", "mScoreboard"), during, 1, [1])
    assert _actual_line(sim, during, player.player_id)["stats"]  # he had played a while
    league = merge_views(sim.league_view(("mSettings", "mTeam"), during))
    nfl.postpone(game.event_id, leave_period=True)
    after = nfl.end_of(1) + timedelta(minutes=1)
    week = parse_week(league, {1: box}, nfl.pro_schedule_view(), 1, [nfl.scoreboard_view(1, after)])
    assert str(game.event_id) not in {g.game_id for g in week.pro_games}
    lines = {p.player_id: p for m in week.matchups for p in (*m.home_lineup, *m.away_lineup)}
    assert lines[str(player.player_id)].points is None
    others = [p for p in lines.values() if p.points is not None]
    assert others  # the rest of the box still counts
