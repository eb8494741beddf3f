"""Pricing a week's multi-way markets for 10,000 leagues: every high score and every MVP.

Run: `python -m bench.multiway [--leagues 10000] [--baseline-leagues 200]`.

What is timed is the engine's batch pricing, `engine.price_fields`, as the book would call
it for a whole week at once: one high-score market per league (10 teams, normal scores from
each matchup's model) and one MVP per matchup (18 starters, the gammas their props use),
fair probabilities by quadrature (engine/multiway.py), the N-way margin and American odds.
The leagues are bench/pricing.py's synthetic ones (10 teams, 9 starters each, a fixed seed);
building their matchup models is setup, not timed.

Baseline, same run, same inputs: a naive per-market seeded Monte Carlo (numpy, 20,000 draws
per market, in a loop over markets), the obvious way to price "who scores the most". Its
error bound at 4 standard errors is about +/-0.014 on a 50% chance, against the quadrature's
1e-7. The baseline runs on the first `--baseline-leagues` leagues and its rate is scaled to
the full week (it is linear in the number of markets); the largest difference between the
two on those markets is reported too, and must sit inside the simulation's bound.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import engine
from bench.pricing import week
from bench.report import Row, emit
from commands.services.multiway import mvp_entries
from commands.services.pricing import matchup_model, priced_columns, to_engine_starter
from engine.multiway import Entrant, simulate_max_probabilities

SAMPLES = 20_000
TARGET_SECONDS = 10.0


def fields(leagues: int) -> tuple[list[list[Entrant]], list[list[Entrant]]]:
    """The week's high-score fields (one per league) and MVP fields (one per matchup)."""
    high_scores: list[list[Entrant]] = []
    mvps: list[list[Entrant]] = []
    matchups = week(leagues)
    for start in range(0, len(matchups), 5):
        league: list[Entrant] = []
        for home, away, home_starters, away_starters in matchups[start : start + 5]:
            model = matchup_model(
                [priced_columns(s) for s in home_starters], [priced_columns(s) for s in away_starters]
            )
            league += [
                (str(home.id), model.home.mean, model.home.sd),
                (str(away.id), model.away.mean, model.away.sd),
            ]
            starters = [to_engine_starter(s) for s in (*home_starters, *away_starters)]
            mvps.append([(e.side, e.mean, e.spread) for e in mvp_entries(starters)])
        high_scores.append(league)
    return high_scores, mvps


def product(high_scores: list[list[Entrant]], mvps: list[list[Entrant]]) -> float:
    started = time.perf_counter()
    engine.price_fields(high_scores, engine.DEFAULT_MARGIN, gamma=False)
    engine.price_fields(mvps, engine.DEFAULT_MARGIN, gamma=True)
    return time.perf_counter() - started


def baseline(high_scores: list[list[Entrant]], mvps: list[list[Entrant]]) -> tuple[float, list[np.ndarray]]:
    """Naive Monte Carlo, market by market: the chance each entrant tops its field."""
    shares = []
    started = time.perf_counter()
    for seed, field in enumerate(high_scores):
        means, sds = np.array([[e[1] for e in field]]), np.array([[e[2] for e in field]])
        shares.append(simulate_max_probabilities(means, seed=seed, samples=SAMPLES, sds=sds)[0][0])
    for seed, field in enumerate(mvps):
        means, cvs = np.array([[e[1] for e in field]]), np.array([[e[2] for e in field]])
        shares.append(simulate_max_probabilities(means, seed=seed, samples=SAMPLES, cvs=cvs)[0][0])
    return time.perf_counter() - started, shares


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leagues", type=int, default=10_000)
    parser.add_argument("--baseline-leagues", type=int, default=200)
    args = parser.parse_args(argv)
    high_scores, mvps = fields(args.leagues)
    product(high_scores[:2], mvps[:10])  # imports and first calls, paid by neither side
    elapsed = product(high_scores, mvps)
    markets = len(high_scores) + len(mvps)

    sample = min(args.baseline_leagues, args.leagues)
    few_high, few_mvp = high_scores[:sample], mvps[: 5 * sample]
    base, simulated = baseline(few_high, few_mvp)
    base_full = base * markets / (len(few_high) + len(few_mvp))
    priced = engine.price_fields(few_high, 0.0, gamma=False) + engine.price_fields(few_mvp, 0.0, gamma=True)
    worst = max(
        float(np.max(np.abs(np.array([q.fair_p for q in quotes]) - shares)))
        for quotes, shares in zip(priced, simulated, strict=True)
        if quotes is not None
    )
    bound = 4.0 * np.sqrt(0.25 / SAMPLES)
    print(f"{args.leagues:,} leagues: {len(high_scores):,} high scores and {len(mvps):,} MVPs priced")
    print(f"price_fields (quadrature, margin, odds): {elapsed:7.2f} s  {markets / elapsed:9,.0f} markets/s")
    print(f"naive Monte Carlo, {SAMPLES:,} draws:     {base_full:7.2f} s  (measured on {sample} leagues)")
    print(f"largest |quadrature - Monte Carlo|: {worst:.4f} (simulation bound {bound:.4f})")
    emit(
        Row(
            f"pricing a week's multi-way markets, {args.leagues:,} leagues ({len(high_scores):,} high scores "
            f"of 10 teams, {len(mvps):,} MVPs of up to 18 starters), quadrature to 1e-7, no I/O",
            f"{elapsed:.1f} s ({markets / elapsed:,.0f} markets/s)",
            f"naive per-market Monte Carlo ({SAMPLES:,} draws, +/-{bound:.3f}): {base_full:.0f} s "
            f"(scaled from {sample} leagues; largest difference {worst:.4f})",
            f"<= {TARGET_SECONDS:.0f} s at 10,000 leagues",
            elapsed <= TARGET_SECONDS if args.leagues >= 10_000 else None,
        )
    )


if __name__ == "__main__":
    main()
