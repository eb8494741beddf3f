"""Pricing a full week's parlay-able board for 10,000 leagues, no database.

Run: `python -m bench.parlays [--leagues 10000]`.

Timed: for every matchup of the synthetic week (bench.pricing's: 10-team leagues, 5
matchups, 9 starters a side), the matchup's joint model and its latents
(engine.parlay.matchup_latents), then every two-leg parlay of its main markets whose legs
are on different quantities (moneyline or spread sides with total, team-total sides, 36
per matchup), each priced by engine.parlay.price_parlay: the copula joint probability,
the margin rule and the exact decimal odds. Legs on different matchups need no model
(their decimals multiply), so the same-matchup combinations are the board's real cost.

Baseline, same run, same matchups: pricing the singles those parlays are built from
(engine.build_matchup_model and engine.price_matchup, what a sync does for each matchup).
"""

from __future__ import annotations

import argparse
import itertools
import time

from bench.pricing import Matchup, week
from bench.report import Row, emit
from commands.services.pricing import to_engine_starter
from engine import build_matchup_model, price_matchup
from engine.parlay import LegRequest, ParlayError, matchup_latents, price_parlay, quantity


def parlays(matchups: list[Matchup]) -> tuple[float, int, int]:
    priced = refused = 0
    started = time.perf_counter()
    for index, (_, _, home_rows, away_rows) in enumerate(matchups):
        home = [to_engine_starter(s) for s in home_rows]
        away = [to_engine_starter(s) for s in away_rows]
        model = build_matchup_model(home, away)
        latents = {"m": matchup_latents(model)}
        legs = [
            LegRequest(
                "m", index * 10 + i, market.kind, market.subject, market.line, s.side, s.fair_p, s.odds
            )
            for i, market in enumerate(price_matchup(model))
            for s in market.selections
            if s.odds is not None
        ]
        for first, second in itertools.combinations(legs, 2):
            if first.market == second.market or quantity(first)[0] == quantity(second)[0]:
                continue
            try:
                price_parlay([first, second], latents)
                priced += 1
            except ParlayError:
                refused += 1
    return time.perf_counter() - started, priced, refused


def singles(matchups: list[Matchup]) -> float:
    started = time.perf_counter()
    for _, _, home_rows, away_rows in matchups:
        home = [to_engine_starter(s) for s in home_rows]
        away = [to_engine_starter(s) for s in away_rows]
        price_matchup(build_matchup_model(home, away))
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leagues", type=int, default=10_000)
    args = parser.parse_args(argv)
    matchups = week(args.leagues)
    parlays(matchups[:20])  # warm caches and imports so neither side pays them alone
    base = singles(matchups)
    elapsed, priced, refused = parlays(matchups)
    print(f"{args.leagues:,} leagues, {len(matchups):,} matchups, {priced:,} same-matchup parlays priced")
    print(f"parlays (model, latents, joint p): {elapsed:7.2f} s  {priced / elapsed:9,.0f} parlays/s")
    print(f"singles of the same matchups:      {base:7.2f} s")
    emit(
        Row(
            f"parlay board, {args.leagues:,} leagues: every two-leg same-matchup parlay of the main "
            f"markets ({priced:,} priced, {refused:,} refused), engine only",
            f"{elapsed:.1f} s ({priced / elapsed:,.0f} parlays/s)",
            f"the same matchups' singles (model + markets): {base:.1f} s",
        )
    )


if __name__ == "__main__":
    main()
