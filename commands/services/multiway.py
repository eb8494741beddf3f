"""The multi-way markets in the book: the week's high score and each matchup's MVP.

Kept apart from the two-way pricing and settlement paths, which call in here at one point
each: planning (commands/services/pricing.py for MVPs and alternate lines, weeks.py for the
high score), what a multi-way market is graded from (settlement.py), and which side a
member's pick names (betting.py). A side is an entrant: a team's id (as text) on the high
score, a player's id on an MVP, with the team's or player's name as its label.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.errors import InvalidInput
from commands.league_settings import LeagueSettings
from engine.markets import MULTIWAY_KINDS, MarketKind
from engine.model import DEFAULT_CV, POSITION_CV
from engine.multiway import MultiwayPrice
from storage.models import BenchPlayer, Market, Matchup, Selection, Starter

HIGH_SCORE = MarketKind.HIGH_SCORE.value
MVP = MarketKind.MVP.value
MULTIWAY = frozenset(kind.value for kind in MULTIWAY_KINDS)


class Entry(NamedTuple):
    """One entrant as planned: side, label, and its mean and spread (sd for a team, CV for a
    player)."""

    side: str
    label: str
    mean: float
    spread: float


def priced_selections(
    entries: Sequence[Entry], quotes: Sequence[MultiwayPrice]
) -> list[tuple[str, str, float, int | None]]:
    """(side, label, fair p, odds) for each entrant, as a MarketPlan's selections hold them."""
    return [(e.side, e.label, q.fair_p, q.odds) for e, q in zip(entries, quotes, strict=True)]


def mvp_entries(starters: Sequence[engine.Starter]) -> list[Entry]:
    """A matchup's starters who can score (a game, a positive projection): the MVP's field.

    A player out or on bye is left off, as his prop is; the same gamma (mean and position
    CV) that prices his prop prices his chance to top the matchup.
    """
    return [
        Entry(
            s.player_id,
            f"{s.name} ({s.position}, {s.pro_team})",
            s.mean,
            POSITION_CV.get(s.position, DEFAULT_CV),
        )
        for s in starters
        if s.mean > 0.0
    ]


def quote_field(
    entries: Sequence[Entry], settings: LeagueSettings, *, gamma: bool
) -> list[MultiwayPrice] | None:
    """The field's quotes, or None when fewer than two entrants can win."""
    (quotes,) = engine.price_fields(
        [[(e.side, e.mean, e.spread) for e in entries]], settings.margin, gamma=gamma
    )
    return None if quotes is None else list(quotes)


def high_score_entries(teams: Iterable[tuple[int, str, engine.Normal]]) -> list[Entry]:
    """Every team of the week (id, name, projected score as priced) as a high-score entrant."""
    return [Entry(str(team_id), name, score.mean, score.sd) for team_id, name, score in teams]


def high_score_label(period: int) -> str:
    return f"Week {period} high score"


# --- settling: each multi-way market's entrants and their final scores ---------------------


async def multiway_scores(
    session: AsyncSession, market_ids: Sequence[int]
) -> dict[int, dict[str, float | None]]:
    """Per market, each side's final score (None: no score, or the player did not play).

    The high score reads every matchup of its week (a team's score is its side of its
    matchup); an MVP reads its players' points from the matchup's starters and bench (a
    starter benched after the bet still scored what he scored), as props do.
    """
    if not market_ids:
        return {}
    rows = (
        await session.execute(
            select(Market.id, Market.kind, Market.week_id, Market.matchup_id, Selection.side)
            .join(Selection, Selection.market_id == Market.id)
            .where(Market.id.in_(list(market_ids)))
        )
    ).all()
    sides: dict[int, list[str]] = {}
    weeks: set[int] = set()
    matchups: set[int] = set()
    for market_id, kind, week_id, matchup_id, side in rows:
        sides.setdefault(market_id, []).append(side)
        if kind == HIGH_SCORE:
            weeks.add(week_id)
        elif matchup_id is not None:
            matchups.add(matchup_id)
    team_scores = await _team_scores(session, weeks)
    points = await _player_points(session, matchups)
    scores: dict[int, dict[str, float | None]] = {}
    for market_id, kind, week_id, matchup_id, _ in rows:
        if market_id in scores:
            continue
        source: Mapping[str, float | None] = (
            team_scores.get(week_id, {}) if kind == HIGH_SCORE else points.get(matchup_id or 0, {})
        )
        scores[market_id] = {side: source.get(side) for side in sides[market_id]}
    return scores


async def _team_scores(session: AsyncSession, weeks: set[int]) -> dict[int, dict[str, float | None]]:
    scores: dict[int, dict[str, float | None]] = {}
    if weeks:
        for week_id, home, away, home_score, away_score in await session.execute(
            select(
                Matchup.week_id,
                Matchup.home_team_id,
                Matchup.away_team_id,
                Matchup.home_score,
                Matchup.away_score,
            ).where(Matchup.week_id.in_(sorted(weeks)))
        ):
            week = scores.setdefault(week_id, {})
            week[str(home)], week[str(away)] = home_score, away_score
    return scores


async def _player_points(session: AsyncSession, matchups: set[int]) -> dict[int, dict[str, float | None]]:
    points: dict[int, dict[str, float | None]] = {}
    if matchups:
        rosters = union_all(
            *(
                select(table.c.matchup_id, table.c.player_id, table.c.points).where(
                    table.c.matchup_id.in_(sorted(matchups))
                )
                for table in (Starter.__table__, BenchPlayer.__table__)
            )
        )
        for matchup_id, player_id, scored in await session.execute(rosters):
            points.setdefault(matchup_id, {})[player_id] = scored
    return points


def settle_multiway(
    kind: str, side: str, stake: int, odds: int, scores: Mapping[str, float | None]
) -> tuple[engine.Outcome, int]:
    """A multi-way bet's outcome and the credits it returns (the dead-heat rule on ties).

    The high score cannot be decided while any team lacks a score (void); an MVP bet on a
    player who did not play is void, the others graded among those who did.
    """
    graded = engine.grade_multiway(side, scores, absent_void_market=kind == HIGH_SCORE)
    return graded.outcome, engine.dead_heat_payout(stake, odds, graded)


# --- betting: which entrant a pick names ---------------------------------------------------


def pick_word(selection: Selection) -> str:
    """The one word that picks an entrant: a team's abbreviation, a player's last name."""
    name, _, rest = selection.label.partition(" (")
    if rest and "," not in rest:  # "Team Name (ABBR)"
        return rest.rstrip(")").lower()
    return name.split()[-1].lower() if name.split() else selection.side


def multiway_side(selections: Mapping[str, Selection], market_number: int, pick: str) -> str:
    """The side a member's pick (one word) names: the side itself (a team's or player's id),
    a team's abbreviation, or a word of a player's name (or the name run together, for two
    players sharing a last name), when exactly one entrant has it."""
    wanted = pick.strip().lower()
    if wanted in selections:
        return wanted
    exact: list[str] = []
    words: list[str] = []
    for side, selection in selections.items():
        name = selection.label.partition(" (")[0].lower()
        if wanted in (pick_word(selection), name.replace(" ", ""), name):
            exact.append(side)
        elif wanted in name.split():
            words.append(side)
    for found in (exact, words):
        if len(found) == 1:
            return found[0]
    ranked = sorted(selections.values(), key=lambda s: (-s.fair_p, s.label))
    names = ", ".join(f"`{pick_word(s)}`" for s in ranked[:12]) + (", ..." if len(ranked) > 12 else "")
    if len(exact) + len(words) > 1:
        raise InvalidInput(
            f"'{pick}' matches more than one side of market #{market_number}. Pick one of {names}."
        )
    raise InvalidInput(f"'{pick}' isn't a side of market #{market_number}. Pick one of {names}.")


def lock_of(locks: Iterable[datetime]) -> datetime | None:
    """The high score locks with the week's earliest matchup lock (its first starter's kickoff)."""
    return min(locks, default=None)
