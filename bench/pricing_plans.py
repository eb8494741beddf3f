"""A fingerprint of every market plan the pricing bench's week produces, to compare code versions.

Run: `python -m bench.pricing_plans [--leagues 2000] [--dump FILE]`.

Speeding up pricing must not move a single price, line or label. Run this on the commit
before a change and on the one after (e.g. against a `git archive` of the old commit with
PYTHONPATH pointing at it): the digests must match. Two inputs are fingerprinted:

- the bench's own week (`bench.pricing.week`) with default settings, exactly what is timed;
- the same generator with the cases the bench never meets mixed in (players OUT,
  DOUBTFUL_OUT or questionable, on bye, without a kickoff, projected 0 or negative, at a
  position the CV table does not know), priced under other margins, lock modes,
  calibration factors and with props off, and once with the model passed in as the
  weekly job does.

A plan's repr holds every field, floats in round-trip form (so -0.0 and 0.0 differ, as do
10 and 10.0): equal digests mean equal plans, byte for byte. `--dump` writes the reprs,
one plan a line, for diffing when they do not match.
"""

from __future__ import annotations

import argparse
import hashlib
import random
from collections.abc import Iterator
from datetime import timedelta

from bench.pricing import KICKOFF, Matchup, week
from commands.league_settings import LeagueSettings
from commands.services.pricing import MarketPlan, PricedRow, matchup_model, plan_markets, priced_columns
from storage.models import Team

STATUSES = (None, None, None, "ACTIVE", "QUESTIONABLE", "OUT", "DOUBTFUL_OUT", "INJURY_RESERVE", "IR")
SETTINGS = (
    LeagueSettings(margin_pct=0.0),
    LeagueSettings(margin_pct=10.0, lock_mode="week"),
    LeagueSettings(margin_pct=2.5, props=False),
    LeagueSettings(margin_pct=7.3),
)
CALIBRATIONS = (1.0, 0.5, 1.37, 2.0)


def edge_week(leagues: int) -> list[Matchup]:
    """The bench's week with rare lineups mixed in, from a fixed seed."""
    rng = random.Random(7)
    matchups = week(leagues)
    for _, _, home, away in matchups:
        for row in (*home, *away):
            roll = rng.random()
            row.injury_status = rng.choice(STATUSES)
            if roll < 0.05:
                row.game_id = None  # bye
            elif roll < 0.08:
                row.kickoff = None
            elif roll < 0.10:
                row.projection = rng.choice((0.0, -1.5, 0.04, 0.3, 250.0))
            elif roll < 0.12:
                row.position = rng.choice(("FLEX", "P", "DL"))
            elif roll < 0.15:
                row.kickoff = KICKOFF + timedelta(hours=rng.choice((-72, 3, 27)))
    return matchups


def priced(matchups: list[Matchup]) -> Iterator[tuple[Team, Team, list[PricedRow], list[PricedRow]]]:
    """Each matchup with its lineups as pricing takes them."""
    for home, away, home_starters, away_starters in matchups:
        yield (
            home,
            away,
            [priced_columns(s) for s in home_starters],
            [priced_columns(s) for s in away_starters],
        )


def plans(leagues: int) -> Iterator[tuple[str, list[MarketPlan]]]:
    """Every plan of both inputs, tagged with what priced it."""
    default = LeagueSettings()
    for home, away, home_rows, away_rows in priced(week(leagues)):
        yield "bench", plan_markets(home, away, home_rows, away_rows, default, KICKOFF)
    for n, (home, away, home_rows, away_rows) in enumerate(priced(edge_week(max(leagues // 10, 1)))):
        settings = SETTINGS[n % len(SETTINGS)]
        k = CALIBRATIONS[n % 3]
        lock = KICKOFF + timedelta(minutes=n % 90)
        if n % 2:
            model = matchup_model(home_rows, away_rows, k)
            yield "edge+model", plan_markets(home, away, home_rows, away_rows, settings, lock, k, model)
        else:
            yield "edge", plan_markets(home, away, home_rows, away_rows, settings, lock, calibration=k)
        yield "edge-swapped", plan_markets(away, home, away_rows, home_rows, settings, lock, k)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leagues", type=int, default=2_000)
    parser.add_argument("--dump", help="write one repr per plan to this file")
    args = parser.parse_args(argv)
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    dump = open(args.dump, "w") if args.dump else None  # noqa: SIM115
    for tag, matchup_plans in plans(args.leagues):
        counts[tag] = counts.get(tag, 0) + len(matchup_plans)
        for plan in matchup_plans:
            line = f"{tag} {plan!r}\n"
            digest.update(line.encode())
            if dump:
                dump.write(line)
    if dump:
        dump.close()
    print(", ".join(f"{tag}: {count:,} plans" for tag, count in counts.items()))
    print(f"sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
