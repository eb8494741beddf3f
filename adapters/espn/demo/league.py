"""The demo league: ten fictional teams in week 12 of the 2026 season, as ESPN would serve them.

Why generate rather than hand-write: ten teams of fifteen players with projections, stat
lines and a season of results are too many numbers to keep consistent by hand. This module
derives all of them from one seed, so the files are reproducible byte for byte (a test
regenerates and compares) and internally coherent: fantasy points are computed from the
stat lines with the league's own scoring settings, a D/ST's points allowed are its
opponent's final NFL score, and team records add up from the season's results.

The 2026 week-12 NFL slate is made up but shaped like a real Thanksgiving week: three
Thursday games, Sunday 1:00/4:05/4:25 pm ET windows, Sunday and Monday night, two teams on
bye. The facts (who plays, who scores what) are built first (`build_demo`); each ESPN
response is then assembled from them with `shapes`. `generate` writes the files.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from adapters.espn.demo import (
    BASE_FILE,
    BOXSCORE_FILE,
    DEMO_LEAGUE_ID,
    DEMO_LEAGUE_NAME,
    DEMO_SCORING_PERIOD,
    DEMO_SEASON,
    MATCHUP_SCORE_FILE,
    NFL_FINALS_FILE,
    PRO_SCHEDULE_FILE,
    SCOREBOARD_FILE,
    SETTINGS_FILE,
    TEAM_FILE,
    eastern,
    shapes,
)
from adapters.espn.demo.names import ABBREV_TO_ID, NFL_TEAMS, Player, PlayerFactory
from adapters.espn.demo.shapes import Game, Json, epoch_ms
from adapters.espn.demo.stats import applied, applied_total, expected_stats, sampled_stats

__all__ = [
    "OWNERS",
    "TEAM_NAMES",
    "Demo",
    "build_demo",
    "build_demo_payloads",
    "round_robin",
    "settings_view",
]

SEED = 20261129
REGULAR_SEASON_WEEKS = 14
FINAL_SCORING_PERIOD = 18
#: Two-week playoff rounds (semifinal, final), as ESPN's `matchupPeriods` records them.
PLAYOFF_MATCHUP_PERIODS: dict[int, list[int]] = {15: [15, 16], 16: [17, 18]}

#: (handle shown as ESPN displayName, first name, last name), in team order.
OWNERS: tuple[tuple[str, str, str], ...] = (
    ("alex", "Alex", "Marlowe"),
    ("blake", "Blake", "Okafor"),
    ("casey", "Casey", "Lindqvist"),
    ("drew", "Drew", "Castellano"),
    ("emery", "Emery", "Whitlock"),
    ("frankie", "Frankie", "Adeyemi"),
    ("gray", "Gray", "Sorensen"),
    ("harper", "Harper", "Nakamura"),
    ("jules", "Jules", "Beaumont"),
    ("kai", "Kai", "Rosales"),
)

#: (team name, abbreviation), in team-id order 1..10.
TEAM_NAMES: tuple[tuple[str, str], ...] = (
    ("Gridiron Gurus", "GG"),
    ("Blitz Brigade", "BLTZ"),
    ("Couch Coaches", "CCH"),
    ("Dropped Passes", "DROP"),
    ("End Zone Envy", "EZE"),
    ("Fourth and Forever", "FOUR"),
    ("Gravy Bowl", "GRVY"),
    ("Hail Mary Heroes", "HMH"),
    ("Juke Box Heroes", "JUKE"),
    ("Kickoff Kings", "KICK"),
)

BYE_TEAMS = ("ARI", "MIA")
#: (away, home, (month, day, hour, minute) Eastern) for week 12 of the 2026 season.
SLATE: tuple[tuple[str, str, tuple[int, int, int, int]], ...] = (
    ("CHI", "DET", (11, 26, 12, 30)),  # Thanksgiving
    ("NYG", "DAL", (11, 26, 16, 30)),
    ("KC", "BAL", (11, 26, 20, 20)),
    ("TEN", "HOU", (11, 29, 13, 0)),  # Sunday early window
    ("PIT", "CLE", (11, 29, 13, 0)),
    ("NO", "ATL", (11, 29, 13, 0)),
    ("TB", "CAR", (11, 29, 13, 0)),
    ("NE", "NYJ", (11, 29, 13, 0)),
    ("IND", "JAX", (11, 29, 13, 0)),
    ("MIN", "WSH", (11, 29, 13, 0)),
    ("LV", "LAC", (11, 29, 16, 5)),  # late window
    ("CIN", "DEN", (11, 29, 16, 5)),
    ("SEA", "SF", (11, 29, 16, 25)),
    ("PHI", "GB", (11, 29, 20, 20)),  # Sunday night
    ("BUF", "LAR", (11, 30, 20, 15)),  # Monday night
)
FIRST_EVENT_ID = 401859101


# ------------------------------------------------------------------------------ building


@dataclass(slots=True)
class Demo:
    """Everything generated, before it is written out as ESPN responses."""

    rng: random.Random
    games: list[Game]
    rosters: dict[int, list[Player]]  # fantasy team id -> players (starters first)
    member_ids: list[str]
    schedule: list[tuple[int, int, int]]  # (matchup period, home team id, away team id)
    past_scores: dict[tuple[int, int], float]  # (matchup period, team id) -> points


def build_games(rng: random.Random) -> list[Game]:
    east = eastern()
    games = []
    for index, (away, home, (month, day, hour, minute)) in enumerate(SLATE):
        kickoff = datetime(DEMO_SEASON, month, day, hour, minute, tzinfo=east).astimezone(UTC)
        home_score = max(0, round(rng.gauss(24, 9)))
        away_score = max(0, round(rng.gauss(21, 9)))
        if home_score == away_score:
            home_score += 3
        games.append(
            Game(
                FIRST_EVENT_ID + index,
                ABBREV_TO_ID[away],
                ABBREV_TO_ID[home],
                kickoff,
                home_score,
                away_score,
            )
        )
    return games


def build_rosters(rng: random.Random) -> dict[int, list[Player]]:
    factory = PlayerFactory(rng)
    playing = sorted({team for game in SLATE for team in (ABBREV_TO_ID[game[0]], ABBREV_TO_ID[game[1]])})
    byes = [ABBREV_TO_ID[a] for a in BYE_TEAMS]
    qb_teams = rng.sample(playing, 20)
    dst_teams = rng.sample(playing, 10)
    k_teams = rng.sample(playing, 10)
    rosters: dict[int, list[Player]] = {}
    for index in range(10):
        team_id = index + 1

        def starter(position: str, low: float, high: float, pro: int | None = None) -> Player:
            return factory.make(position, pro or rng.choice(playing), rng.uniform(low, high))

        def bench(position: str, pro: int | None = None) -> Player:
            return factory.make(position, pro or rng.choice(playing + byes), rng.uniform(0.45, 0.8))

        flex_position = ("RB", "WR", "RB", "WR", "TE")[index % 5]
        starters = [
            (starter("QB", 0.85, 1.25, qb_teams[index]), "QB"),
            (starter("RB", 0.9, 1.3), "RB"),
            (starter("RB", 0.7, 1.05), "RB"),
            (starter("WR", 0.9, 1.3), "WR"),
            (starter("WR", 0.75, 1.05), "WR"),
            (starter("TE", 0.7, 1.2), "TE"),
            (starter(flex_position, 0.65, 0.95), "FLEX"),
            (starter("D/ST", 0.8, 1.2, dst_teams[index]), "D/ST"),
            (starter("K", 0.85, 1.15, k_teams[index]), "K"),
        ]
        benches = [
            bench("QB", qb_teams[10 + index] if index != 0 else byes[0]),
            bench("RB", byes[1] if index == 4 else None),
            bench("RB"),
            bench("WR"),
            bench("WR"),
            bench("TE"),
        ]
        roster: list[Player] = []
        for player, slot in starters:
            player.slot = slot
            if slot not in ("D/ST", "K") and rng.random() < 0.12:
                player.injury_status = "QUESTIONABLE"
                player.quality = round(player.quality * 0.9, 3)
            roster.append(player)
        for player in benches:
            roll = rng.random()
            if roll < 0.1:
                player.injury_status = "OUT"
            elif roll < 0.16:
                player.injury_status = "DOUBTFUL"
            roster.append(player)
        if team_id in (3, 7):
            injured = bench("WR" if team_id == 3 else "RB")
            injured.slot, injured.injury_status = "IR", "INJURY_RESERVE"
            roster.append(injured)
        rosters[team_id] = roster
    return rosters


def round_robin(teams: Sequence[int], weeks: int) -> list[tuple[int, int, int]]:
    """The circle method; rounds repeat (home and away swapped) after everyone met once."""
    ring = list(teams)
    rounds: list[list[tuple[int, int]]] = []
    for _ in range(len(ring) - 1):
        rounds.append([(ring[i], ring[-1 - i]) for i in range(len(ring) // 2)])
        ring = [ring[0], ring[-1], *ring[1:-1]]
    schedule = []
    for week in range(1, weeks + 1):
        pairs = rounds[(week - 1) % len(rounds)]
        swap = ((week - 1) // len(rounds) + week) % 2 == 1
        for home, away in pairs:
            schedule.append((week, away, home) if swap else (week, home, away))
    return schedule


def project_and_play(rng: random.Random, rosters: dict[int, list[Player]], games: list[Game]) -> None:
    by_team = {team: game for game in games for team in (game.home, game.away)}
    for roster in rosters.values():
        for player in roster:
            game = by_team.get(player.pro_team)
            if game is None:  # on bye: no projection, no stats
                continue
            if player.injury_status in ("OUT", "INJURY_RESERVE"):
                player.projection_stats = {}
                continue
            player.projection_stats = {
                k: round(v, 4) for k, v in expected_stats(player.position, player.quality).items()
            }
            if player.injury_status == "DOUBTFUL" and rng.random() < 0.7:
                continue  # sat out: ESPN has no stat line for him
            player.actual_stats = sampled_stats(
                rng, player.position, player.quality, game.points_allowed_by(player.pro_team)
            )


def build_demo() -> Demo:
    rng = random.Random(SEED)
    games = build_games(rng)
    rosters = build_rosters(rng)
    project_and_play(rng, rosters, games)
    member_ids = ["{" + str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper() + "}" for _ in OWNERS]
    schedule = round_robin(list(range(1, 11)), REGULAR_SEASON_WEEKS)
    past_scores = {
        (week, team): round(min(185.0, max(55.0, rng.gauss(112, 22))), 2)
        for week in range(1, DEMO_SCORING_PERIOD)
        for team in range(1, 11)
    }
    return Demo(rng, games, rosters, member_ids, schedule, past_scores)


# ----------------------------------------------------------------------- ESPN's responses


def status_block() -> Json:
    """The league `status` as the mSettings/mTeam views return it."""
    east = eastern()
    return shapes.status_block(
        current_matchup_period=DEMO_SCORING_PERIOD,
        scoring_period=DEMO_SCORING_PERIOD,
        final_scoring_period=FINAL_SCORING_PERIOD,
        activated=datetime(2026, 7, 14, 19, 2, 11, tzinfo=east),
        standings_updated=datetime(2026, 11, 24, 4, 30, tzinfo=east),
        waivers_run=datetime(2026, 11, 25, 3, 0, tzinfo=east),
        teams_joined=10,
        previous_seasons=(2024, 2025),
    )


def envelope(scoring_period: int = DEMO_SCORING_PERIOD) -> Json:
    """What every demo response starts with (ESPN puts draftDetail first in these views)."""
    return {
        "draftDetail": {"drafted": True, "inProgress": False},
        **shapes.envelope(DEMO_LEAGUE_ID, DEMO_SEASON, scoring_period),
    }


def base_view(demo: Demo) -> Json:
    """The league endpoint without a view: members, teams and where the season stands."""
    return {
        "gameId": 1,
        "id": DEMO_LEAGUE_ID,
        "members": [
            {"displayName": handle, "id": member_id, "isLeagueManager": index == 0}
            for index, ((handle, _, _), member_id) in enumerate(zip(OWNERS, demo.member_ids, strict=True))
        ],
        "scoringPeriodId": DEMO_SCORING_PERIOD,
        "seasonId": DEMO_SEASON,
        "segmentId": 0,
        "settings": {"name": DEMO_LEAGUE_NAME},
        "status": {
            "currentMatchupPeriod": DEMO_SCORING_PERIOD,
            "isActive": True,
            "latestScoringPeriod": DEMO_SCORING_PERIOD,
        },
        "teams": [
            {"abbrev": abbrev, "id": index + 1, "name": name, "owners": [demo.member_ids[index]]}
            for index, (name, abbrev) in enumerate(TEAM_NAMES)
        ],
    }


def schedule_settings() -> Json:
    periods = {str(week): [week] for week in range(1, REGULAR_SEASON_WEEKS + 1)}
    periods.update({str(k): v for k, v in PLAYOFF_MATCHUP_PERIODS.items()})
    return {
        "divisions": [{"id": 0, "name": "Division 1", "size": 10}],
        "matchupPeriodCount": REGULAR_SEASON_WEEKS,
        "matchupPeriodLength": 1,
        "matchupPeriods": periods,
        "periodTypeId": 1,
        "playoffMatchupPeriodLength": 2,
        "playoffSeedingRule": "TOTAL_POINTS_SCORED",
        "playoffSeedingRuleBy": 0,
        "playoffTeamCount": 4,
    }


def settings_view() -> Json:
    east = eastern()
    slot_counts = {str(slot): 0 for slot in range(25)}
    slot_counts.update({"0": 1, "2": 2, "4": 2, "6": 1, "16": 1, "17": 1, "20": 6, "21": 1, "23": 1})
    return {
        **envelope(),
        "settings": {
            "acquisitionSettings": {
                "acquisitionBudget": 100,
                "acquisitionLimit": -1,
                "acquisitionType": "WAIVERS_TRADITIONAL",
                "isUsingAcquisitionBudget": True,
                "matchupAcquisitionLimit": -1,
                "matchupLimitPerScoringPeriod": False,
                "minimumBid": 0,
                "waiverHours": 24,
                "waiverOrderReset": False,
                "waiverProcessDays": ["WEDNESDAY"],
                "waiverProcessHour": 3,
            },
            "draftSettings": {
                "auctionBudget": 200,
                "date": epoch_ms(datetime(2026, 9, 2, 20, 0, tzinfo=east)),
                "isTradingEnabled": False,
                "keeperCount": 0,
                "keeperCountFuture": 0,
                "keeperOrderType": "TRADITIONAL",
                "leagueSubType": "NONE",
                "orderType": "MANUAL",
                "pickOrder": [4, 9, 1, 7, 3, 10, 6, 2, 8, 5],
                "timePerSelection": 90,
                "type": "SNAKE",
            },
            "financeSettings": {
                "entryFee": 0,
                "miscFee": 0,
                "perLoss": 0,
                "perTrade": 0,
                "playerAcquisition": 0,
                "playerDrop": 0,
                "playerMoveToActive": 0,
                "playerMoveToIR": 0,
            },
            "isCustomizable": True,
            "isPublic": False,
            "name": DEMO_LEAGUE_NAME,
            "restrictionType": "NONE",
            "rosterSettings": {
                "isBenchUnlimited": False,
                "isUsingUndroppableList": True,
                "lineupLocktimeType": "INDIVIDUAL_GAME",
                "lineupSlotCounts": slot_counts,
                "moveLimit": -1,
                "positionLimits": {str(p): 0 for p in range(18)},
                "rosterLocktimeType": "INDIVIDUAL_GAME",
                "universeIds": [1],
            },
            "scheduleSettings": schedule_settings(),
            "scoringSettings": shapes.scoring_settings(),
            "size": 10,
            "tradeSettings": {
                "allowOutOfUniverse": False,
                "deadlineDate": epoch_ms(datetime(2026, 11, 25, 12, 0, tzinfo=east)),
                "max": -1,
                "revisionHours": 24,
                "vetoVotesRequired": 4,
            },
        },
        "status": status_block(),
    }


def week_totals(demo: Demo) -> dict[int, float]:
    """Each fantasy team's final week-12 score: the sum of its starters' actual points."""
    totals = {}
    for team_id, roster in demo.rosters.items():
        total = 0.0
        for player in roster:
            if player.slot not in ("BE", "IR") and player.actual_stats is not None:
                total += applied_total(applied(player.actual_stats))
        totals[team_id] = round(total, 2)
    return totals


def records(demo: Demo) -> dict[int, dict[str, Json]]:
    """Team records from the completed weeks (1-11), as mTeam's `record` blocks."""
    return shapes.espn_records(
        range(1, 11),
        (
            (home, away, demo.past_scores[(week, home)], demo.past_scores[(week, away)])
            for week, home, away in demo.schedule
            if week < DEMO_SCORING_PERIOD
        ),
    )


def team_view(demo: Demo) -> Json:
    recs = records(demo)
    order = sorted(recs, key=lambda t: (-recs[t]["overall"]["wins"], -recs[t]["overall"]["pointsFor"], t))
    seeds = {team: seed for seed, team in enumerate(order, start=1)}
    teams = []
    rng = demo.rng
    for index, (name, abbrev) in enumerate(TEAM_NAMES):
        team_id = index + 1
        # Drawn in the order the shipped files were first generated with.
        acquisitions = rng.randint(6, 31)
        draft_rank = rng.randint(1, 10)
        transactions = shapes.transaction_counter(
            budget_spent=rng.randint(0, 100),
            acquisitions=acquisitions,
            drops=acquisitions,
            to_active=rng.randint(20, 60),
            to_ir=rng.randint(0, 3),
            trades=rng.randint(0, 2),
        )
        teams.append(
            shapes.team_entry(
                team_id=team_id,
                name=name,
                abbrev=abbrev,
                owner=demo.member_ids[index],
                seed=seeds[team_id],
                draft_rank=draft_rank,
                record=recs[team_id],
                transactions=transactions,
                waiver_rank=11 - seeds[team_id],
            )
        )
    members = [
        shapes.member_entry(handle, first, last, member_id, manager=index == 0)
        for index, ((handle, first, last), member_id) in enumerate(zip(OWNERS, demo.member_ids, strict=True))
    ]
    return {**envelope(), "members": members, "status": status_block(), "teams": teams}


def _side_summary(team_id: int, points: float, period: int | None) -> Json:
    return shapes.side_summary(team_id, {period: points} if period else {}, points)


def matchup_id(week: int, index: int) -> int:
    return (week - 1) * 5 + index + 1


def matchup_score_view(demo: Demo) -> Json:
    """The whole regular season as mMatchupScore returns it (no rosters)."""
    totals = week_totals(demo)
    schedule = []
    per_week: dict[int, int] = {}
    for week, home, away in demo.schedule:
        index = per_week.get(week, 0)
        per_week[week] = index + 1
        if week < DEMO_SCORING_PERIOD:
            home_pts, away_pts = demo.past_scores[(week, home)], demo.past_scores[(week, away)]
            winner = "HOME" if home_pts > away_pts else "AWAY" if away_pts > home_pts else "TIE"
            period: int | None = week
        elif week == DEMO_SCORING_PERIOD:
            home_pts, away_pts, winner, period = totals[home], totals[away], "UNDECIDED", week
        else:
            home_pts, away_pts, winner, period = 0.0, 0.0, "UNDECIDED", None
        schedule.append(
            {
                "away": _side_summary(away, away_pts, period),
                "home": _side_summary(home, home_pts, period),
                "id": matchup_id(week, index),
                "matchupPeriodId": week,
                "playoffTierType": "NONE",
                "winner": winner,
            }
        )
    return {**envelope(), "schedule": schedule, "status": status_block()}


def roster_entry(player: Player, team_id: int, game: Game | None, rng: random.Random) -> Json:
    """A demo roster entry as ESPN serves it after week 12 (every line final, every lineup locked)."""
    stats = []
    if game is not None:
        for source, line in ((0, player.actual_stats), (1, player.projection_stats)):
            if line is not None:
                stats.append(shapes.stat_entry(player, game, DEMO_SCORING_PERIOD, DEMO_SEASON, source, line))
    owned = round(min(99.9, max(0.5, 100 * player.quality - 10 + rng.gauss(0, 8))), 2)
    return shapes.roster_entry(
        player,
        player.slot,
        team_id,
        stats,
        injury_status=player.injury_status,
        owned=(owned, round(owned * 0.8, 2)),
        locked=True,
    )


def box_side(demo: Demo, team_id: int, total: float, by_team: dict[int, Game]) -> Json:
    entries = [
        roster_entry(player, team_id, by_team.get(player.pro_team), demo.rng)
        for player in demo.rosters[team_id]
    ]
    return shapes.box_side(_side_summary(team_id, total, DEMO_SCORING_PERIOD), entries, total)


def boxscore_view(demo: Demo, team_basics: list[Json]) -> Json:
    """mMatchupScore+mScoreboard for scoring period 12, filtered to matchup period 12."""
    totals = week_totals(demo)
    by_team = {team: game for game in demo.games for team in (game.home, game.away)}
    week = [(home, away) for w, home, away in demo.schedule if w == DEMO_SCORING_PERIOD]
    schedule = [
        {
            "away": box_side(demo, away, totals[away], by_team),
            "home": box_side(demo, home, totals[home], by_team),
            "id": matchup_id(DEMO_SCORING_PERIOD, index),
            "matchupPeriodId": DEMO_SCORING_PERIOD,
            "playoffTierType": "NONE",
            "winner": "UNDECIDED",
        }
        for index, (home, away) in enumerate(week)
    ]
    return {
        **envelope(),
        "schedule": schedule,
        "settings": {
            "isCustomizable": True,
            "isPublic": False,
            "scheduleSettings": schedule_settings(),
            "scoringSettings": shapes.scoring_settings(),
        },
        "status": status_block(),
        "teams": team_basics,
    }


def pro_schedule_view(demo: Demo) -> Json:
    """proTeamSchedules_wl, limited to scoring period 12 (the only week the demo plays)."""
    by_team = {team: game for game in demo.games for team in (game.home, game.away)}
    other_weeks = [w for w in range(5, 15) if w != DEMO_SCORING_PERIOD]
    teams: list[Json] = []
    for pro_id in sorted(NFL_TEAMS):
        game = by_team.get(pro_id)
        games = (
            {} if game is None else {str(DEMO_SCORING_PERIOD): [shapes.pro_game(game, DEMO_SCORING_PERIOD)]}
        )
        bye = DEMO_SCORING_PERIOD if game is None else demo.rng.choice(other_weeks)
        teams.append(shapes.pro_team(pro_id, games, bye))
    return shapes.pro_schedule_view(teams)


def scoreboard_view(demo: Demo) -> Json:
    """ESPN's NFL site scoreboard for week 12, as it reads before the first kickoff."""
    events = [
        shapes.scoreboard_event(game, DEMO_SEASON, DEMO_SCORING_PERIOD, shapes.scheduled_status(game.kickoff))
        for game in demo.games
    ]
    byes = [ABBREV_TO_ID[a] for a in BYE_TEAMS]
    return shapes.scoreboard_view(DEMO_SEASON, DEMO_SCORING_PERIOD, events, byes)


def finals_view(demo: Demo) -> Json:
    return {
        "note": "Demo only, not an ESPN response: the final scores the demo clock plays out.",
        "games": {str(g.event_id): {"home": g.home_score, "away": g.away_score} for g in demo.games},
    }


def build_demo_payloads() -> dict[str, Json]:
    """File name -> payload, for every file in `data/`."""
    demo = build_demo()
    team = team_view(demo)
    base = base_view(demo)
    settings = settings_view()
    matchups = matchup_score_view(demo)
    team_basics = [
        {key: t[key] for key in ("abbrev", "divisionId", "id", "name", "playoffSeed", "record")}
        for t in team["teams"]
    ]
    box = boxscore_view(demo, team_basics)
    pro_schedule = pro_schedule_view(demo)
    return {
        BASE_FILE: base,
        SETTINGS_FILE: settings,
        TEAM_FILE: team,
        MATCHUP_SCORE_FILE: matchups,
        BOXSCORE_FILE: box,
        PRO_SCHEDULE_FILE: pro_schedule,
        SCOREBOARD_FILE: scoreboard_view(demo),
        NFL_FINALS_FILE: finals_view(demo),
    }
