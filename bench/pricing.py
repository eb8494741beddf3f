"""Pricing a full week for 10,000 leagues: every market of every matchup, no database.

Run: `python -m bench.pricing [--leagues 10000]`.

What is timed is what the bot computes for each matchup when it (re)prices a week:
`commands.services.pricing.plan_markets`, i.e. the engine's matchup model from both
lineups (correlated player variances), moneyline, spread, total and both team totals from
that model, the arbitrage check across them, a prop for every starter (gamma median line,
gamma tail probabilities), the margin and American odds for each side, and the labels.
Not included: reading lineups from and writing markets to the database (apply_plans),
which the settlement and throughput benches cover for the storage side.

Leagues are synthetic: 10 teams, 5 matchups, 9 starters a team (QB, 2 RB, 2 WR, TE,
FLEX, K, D/ST) with projections drawn from a fixed seed, so every run prices the same
50,000 matchups and 900,000 props at 10,000 leagues.

Baseline, same run, same inputs: only the distribution functions those prices rest on
(10 normal tail evaluations per matchup with math.erfc, and two regularized incomplete
gamma evaluations per prop with scipy) in a plain loop, with no model building,
margins, odds, arbitrage check or labels.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from datetime import UTC, datetime

from scipy.special import gammainc, gammaincc

from bench.report import Row, emit
from commands.league_settings import LeagueSettings
from commands.services.pricing import plan_markets, priced_columns
from engine.model import POSITION_CV
from storage.models import Starter, Team

TARGET_SECONDS = 10.0
LINEUP = (("QB", 18.0), ("RB", 13.0), ("RB", 11.0), ("WR", 13.0), ("WR", 11.0), ("TE", 8.0), ("RB", 9.0),
          ("K", 8.0), ("D/ST", 7.0))  # fmt: skip
PRO_TEAMS = [f"P{i:02d}" for i in range(32)]
KICKOFF = datetime(2026, 10, 11, 17, 0, tzinfo=UTC)
Matchup = tuple[Team, Team, list[Starter], list[Starter]]


def week(leagues: int) -> list[Matchup]:
    """Every matchup of one week across `leagues` synthetic 10-team leagues."""
    rng = random.Random(2026)
    player = 0

    def lineup(team: Team) -> list[Starter]:
        nonlocal player
        rows = []
        for position, mean in LINEUP:
            player += 1
            pro = rng.choice(PRO_TEAMS)
            rows.append(
                Starter(
                    player_id=player,
                    name=f"Player {player}",
                    position=position,
                    slot=position,
                    pro_team=pro,
                    projection=round(max(0.5, rng.gauss(mean, mean / 3)), 1),
                    game_id=f"g{PRO_TEAMS.index(pro) // 2}",
                    kickoff=KICKOFF,
                    injury_status=None,
                )
            )
        return rows

    matchups = []
    for league in range(leagues):
        for k in range(5):
            home = Team(id=league * 10 + 2 * k, name=f"Home {k}", abbrev=f"H{k}")
            away = Team(id=league * 10 + 2 * k + 1, name=f"Away {k}", abbrev=f"A{k}")
            matchups.append((home, away, lineup(home), lineup(away)))
    return matchups


def product(matchups: list[Matchup]) -> tuple[float, int]:
    settings = LeagueSettings()
    markets = 0
    started = time.perf_counter()
    for home, away, home_starters, away_starters in matchups:
        home_rows = [priced_columns(s) for s in home_starters]  # timed: pricing used to read the rows
        away_rows = [priced_columns(s) for s in away_starters]
        markets += len(plan_markets(home, away, home_rows, away_rows, settings, KICKOFF))
    return time.perf_counter() - started, markets


def baseline(matchups: list[Matchup]) -> float:
    """The distribution evaluations alone: 10 normal tails per matchup, 2 gamma tails per prop."""
    root2 = math.sqrt(2.0)
    started = time.perf_counter()
    for _, _, home_starters, away_starters in matchups:
        starters = (*home_starters, *away_starters)
        mean = sum(s.projection for s in home_starters) - sum(s.projection for s in away_starters)
        for i in range(10):
            0.5 * math.erfc(-(mean + i) / (20.0 * root2))
        for s in starters:
            cv = POSITION_CV.get(s.position, 0.6)
            shape, scale = 1.0 / (cv * cv), s.projection * cv * cv
            gammainc(shape, s.projection / scale)
            gammaincc(shape, s.projection / scale)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leagues", type=int, default=10_000)
    args = parser.parse_args(argv)
    matchups = week(args.leagues)
    product(matchups[:50])  # warm caches and imports so neither side pays them alone
    base = baseline(matchups)
    elapsed, markets = product(matchups)
    print(f"{args.leagues:,} leagues, {len(matchups):,} matchups, {markets:,} markets priced")
    print(f"plan_markets (engine + labels):   {elapsed:7.2f} s  {len(matchups) / elapsed:9,.0f} matchups/s")
    print(f"distribution functions alone:     {base:7.2f} s  {len(matchups) / base:9,.0f} matchups/s")
    emit(
        Row(
            f"pricing a full week, {args.leagues:,} leagues ({len(matchups):,} matchups, "
            f"{markets:,} markets), "
            "engine + market plans, no I/O",
            f"{elapsed:.1f} s ({len(matchups) / elapsed:,.0f} matchups/s)",
            f"normal/gamma tail functions alone: {base:.1f} s",
            f"<= {TARGET_SECONDS:.0f} s at 10,000 leagues",
            elapsed <= TARGET_SECONDS if args.leagues >= 10_000 else None,
        )
    )


if __name__ == "__main__":
    main()
