"""From synced lineups to stored markets, through the pure engine.

Pricing a matchup is a pure step (`plan_markets`); storing it (commands/services/
market_store.py) keeps every price a selection has had, so line movement and closing-line
value can be shown later.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

import engine
from commands.format import half_points, handicap
from commands.league_settings import LeagueSettings
from commands.services import multiway
from commands.services.team_store import NamedTeam
from storage import row_sets
from storage.models import Market, Starter
from storage.statuses import MarketStatus

INACTIVE_STATUSES = frozenset({"OUT", "INJURY_RESERVE", "SUSPENSION", "IR", "DOUBTFUL_OUT"})


class SelectionPlan(NamedTuple):
    """One side of a planned market.

    The plans are immutable values like the engine's, but named tuples rather than
    frozen dataclasses: a week plans over three million of them, and a frozen dataclass
    pays an object.__setattr__ call per field to be built (twice the time, measured).
    """

    side: str
    label: str
    fair_p: float
    odds: int | None


class MarketPlan(NamedTuple):
    """A market as plan_markets priced it, for market_store to store (see SelectionPlan).

    Built with positional arguments in the hot path, in this field order.
    """

    kind: str
    subject: str
    label: str
    line: float | None
    lock_at: datetime
    selections: tuple[SelectionPlan, ...]


PRICED_COLUMNS = (
    "player_id",
    "name",
    "position",
    "pro_team",
    "game_id",
    "projection",
    "injury_status",
    "kickoff",
)
"""The columns of a starter row that pricing reads."""

PricedRow = tuple[Any, ...]
"""A starter as pricing reads him: his PRICED_COLUMNS values, in that order. Plain values,
so the sync prices from the rows it has just written without reading them back
(lineup_store.StoredLineups) and callers holding ORM rows pass `priced_columns(row)`."""

kickoff_of: Callable[[PricedRow], datetime | None] = operator.itemgetter(PRICED_COLUMNS.index("kickoff"))
"""A PricedRow's kickoff: his game's, None without one."""

_loaded_columns = operator.itemgetter(*PRICED_COLUMNS)
_column_attributes = operator.attrgetter(*PRICED_COLUMNS)


def priced_columns(row: Starter) -> PricedRow:
    """A starter row's PRICED_COLUMNS values, in that order.

    Taken from the dict in which SQLAlchemy keeps an instance's loaded column values
    (`inspect(row).dict`, public API). Reading them as attributes does that same lookup
    behind a Python-level descriptor call per column, about 0.3 µs each, and a week's
    pricing reads eight columns of every starter of every league. Should any of them
    not be loaded (expired, deferred), the attributes are read instead, which load it
    as they always do.
    """
    try:
        return _loaded_columns(inspect(row).dict)
    except KeyError:
        return _column_attributes(row)


def to_engine_starter(row: Starter) -> engine.Starter:
    """The engine's view of a synced row."""
    return _engine_starter(priced_columns(row))


def _engine_starter(columns: PricedRow) -> engine.Starter:
    player_id, name, position, pro_team, game_id, projection, injury_status, _ = columns
    plays = game_id is not None and (injury_status or "ACTIVE") not in INACTIVE_STATUSES
    # Positional, in engine.Starter's field order: (player_id, name, position, pro_team,
    # game_id, projection, active); keywords cost a little more on every starter of a week.
    return engine.Starter(player_id, name, position, pro_team, game_id, projection, plays)


class _Names(NamedTuple):
    """The teams' names as labels use them, read from the ORM rows once per matchup."""

    home: str
    away: str
    home_abbrev: str
    away_abbrev: str

    @classmethod
    def of(cls, home: NamedTeam, away: NamedTeam) -> _Names:
        return cls(home.name, away.name, home.abbrev, away.abbrev)


def _labels(market: engine.PricedMarket, names: _Names) -> tuple[str, dict[str, str]]:
    """A matchup market's label and its sides' labels, by side (props: see _prop_plan)."""
    kind, line = market.kind, market.line
    matchup = f"{names.home_abbrev} vs {names.away_abbrev}"
    if kind in engine.ALTERNATE_OF:  # a rung of the ladder reads as its main market, at its line
        label, sides = _labels(
            engine.PricedMarket(engine.ALTERNATE_OF[kind], None, line, market.selections), names
        )
        return f"{label} (alternate {half_points(line or 0.0)})", sides
    if kind is engine.MarketKind.MONEYLINE:
        return f"{matchup} moneyline", {"home": names.home, "away": names.away}
    assert line is not None
    if kind is engine.MarketKind.SPREAD:
        home, away = f"{names.home_abbrev} {handicap(-line)}", f"{names.away_abbrev} {handicap(line)}"
        return f"{matchup} spread", {"home": home, "away": away}
    points = half_points(line)
    if kind is engine.MarketKind.TEAM_TOTAL:
        of_home = market.subject == "home"
        team = names.home if of_home else names.away
        abbrev = names.home_abbrev if of_home else names.away_abbrev
        return f"{team} team total", {"over": f"{abbrev} over {points}", "under": f"{abbrev} under {points}"}
    return f"{matchup} total points", {"over": f"Over {points}", "under": f"Under {points}"}


def matchup_model(
    home_rows: Sequence[PricedRow], away_rows: Sequence[PricedRow], calibration: float = 1.0
) -> engine.MatchupModel:
    return engine.build_matchup_model(
        [_engine_starter(row) for row in home_rows],
        [_engine_starter(row) for row in away_rows],
        k=calibration,
    )


def plan_markets(
    home: NamedTeam,
    away: NamedTeam,
    home_rows: Sequence[PricedRow],
    away_rows: Sequence[PricedRow],
    settings: LeagueSettings,
    matchup_lock: datetime,
    calibration: float = 1.0,
    model: engine.MatchupModel | None = None,
    adjustments: tuple[float, float] = (0.0, 0.0),
) -> list[MarketPlan]:
    """Every market of one matchup, priced together so they agree with each other.

    Pass `model` when the caller already built it (to record the teams' projections too).
    `adjustments` are ESPN's commissioner points already given to (home, away): the final
    score includes them, so the matchup's markets are priced on the model moved by them
    (props are about players and do not move). A market whose result is already certain
    is not offered (engine.price_matchup).
    The lineups are plain values (PricedRow), in lineup order: a team's mean and variance
    are float sums, and their order decides the last bits of every price.
    """
    rows = [*home_rows, *away_rows]
    starters = [_engine_starter(columns) for columns in rows]
    margin = settings.margin
    if model is None:
        split = len(home_rows)
        model = engine.build_matchup_model(starters[:split], starters[split:], k=calibration)
    if adjustments != (0.0, 0.0):
        model = model.shifted(*adjustments)
    priced = engine.price_matchup(model, margin=margin)
    if settings.alternate_lines:  # checked for arbitrage together with the main lines
        priced += engine.alternate_lines(model, margin)
    problems = engine.find_arbitrage(priced, model)
    if problems:
        raise RuntimeError(f"refusing to publish prices with arbitrage: {problems}")
    names = _Names.of(home, away)
    plans = [_plan(m, names, matchup_lock) for m in priced]
    if settings.mvp:
        plans += _mvp_plans(starters, names, settings, matchup_lock)
    if settings.props:
        plans += _prop_plans(rows, starters, settings, matchup_lock)
    return plans


def _mvp_plans(
    starters: Sequence[engine.Starter], names: _Names, settings: LeagueSettings, lock_at: datetime
) -> list[MarketPlan]:
    """The matchup's MVP (which starter scores the most), locked with the matchup's markets."""
    entries = multiway.mvp_entries(starters)
    quotes = multiway.quote_field(entries, settings, gamma=True)
    if quotes is None:
        return []
    label = f"{names.home_abbrev} vs {names.away_abbrev} MVP (most fantasy points)"
    sides = tuple(SelectionPlan(*row) for row in multiway.priced_selections(entries, quotes))
    return [MarketPlan(multiway.MVP, "", label, None, lock_at, sides)]


def plan_high_score(
    teams: Sequence[tuple[int, str, engine.Normal]], settings: LeagueSettings, period: int, lock_at: datetime
) -> list[MarketPlan]:
    """The week's high score over every team (id, name, projected score as priced)."""
    entries = multiway.high_score_entries(teams)
    quotes = multiway.quote_field(entries, settings, gamma=False)
    if quotes is None:
        return []
    sides = tuple(SelectionPlan(*row) for row in multiway.priced_selections(entries, quotes))
    return [MarketPlan(multiway.HIGH_SCORE, "", multiway.high_score_label(period), None, lock_at, sides)]


def plan_props(
    home_rows: Sequence[PricedRow],
    away_rows: Sequence[PricedRow],
    settings: LeagueSettings,
    matchup_lock: datetime,
) -> list[MarketPlan]:
    """The matchup's player props alone, as plan_markets prices them: what is still offered
    once the matchup's own markets have locked and later games' props have not."""
    if not settings.props:
        return []
    rows = [*home_rows, *away_rows]
    return _prop_plans(rows, [_engine_starter(columns) for columns in rows], settings, matchup_lock)


def _prop_plans(
    rows: Sequence[PricedRow],
    starters: Sequence[engine.Starter],
    settings: LeagueSettings,
    matchup_lock: datetime,
) -> list[MarketPlan]:
    """A prop for each starter who has one to offer (a game, a positive projection)."""
    lock_each_game = settings.lock_mode == "matchup"
    plans = []
    for row, starter, quote in zip(
        rows, starters, engine.prop_quotes(starters, settings.margin), strict=True
    ):
        if quote is None:
            continue
        kickoff = kickoff_of(row)
        if kickoff is not None:
            plans.append(_prop_plan(quote, starter, kickoff if lock_each_game else matchup_lock))
    return plans


def _plan(market: engine.PricedMarket, names: _Names, lock_at: datetime) -> MarketPlan:
    label, labels = _labels(market, names)
    first, second = market.selections
    return MarketPlan(
        market.kind.value,
        market.subject or "",
        label,
        market.line,
        lock_at,
        (
            SelectionPlan(first.side, labels[first.side], first.fair_p, first.odds),
            SelectionPlan(second.side, labels[second.side], second.fair_p, second.odds),
        ),
    )


def plan_priced(
    priced: Sequence[engine.PricedMarket],
    home_name: str,
    away_name: str,
    home_abbrev: str,
    away_abbrev: str,
    lock_at: datetime,
) -> list[MarketPlan]:
    """Markets priced elsewhere (an NFL game's, engine.price_game) labelled as a matchup's are."""
    names = _Names(home_name, away_name, home_abbrev, away_abbrev)
    return [_plan(market, names, lock_at) for market in priced]


def _prop_plan(quote: engine.PropQuote, starter: engine.Starter, lock_at: datetime) -> MarketPlan:
    """A player's over/under (the market engine.price_prop would give); most of a week's markets."""
    line, over, under = quote
    over_line, under_line = _over_under_labels(line)
    name = starter.name
    return MarketPlan(
        "prop",
        starter.player_id,
        f"{name} ({starter.position}, {starter.pro_team}) fantasy points",
        line,
        lock_at,
        (
            SelectionPlan(over.side, name + over_line, over.fair_p, over.odds),
            SelectionPlan(under.side, name + under_line, under.fair_p, under.odds),
        ),
    )


@lru_cache(maxsize=1024)
def _over_under_labels(line: float) -> tuple[str, str]:
    """What follows the player's name in a prop's side labels: " over 7.5", " under 7.5".

    Prop lines are half points, a few hundred of them shared by every player priced at
    one, so each is formatted once rather than for every prop of every league.
    """
    points = half_points(line)
    return f" over {points}", f" under {points}"


def pulled(market: Market, now: datetime) -> bool:
    """Whether a market was taken off the board before its lock time (see market_store).

    Only pulling closes a market early (the lock job closes markets at their lock time), so
    a locked market whose lock time is still to come is a pulled one.
    """
    return market.status == MarketStatus.LOCKED and now < market.lock_at


class ProjectedTeam(NamedTuple):
    """A team's projected score as priced, and whether its matchup is still before its lock."""

    team_id: int
    score: engine.Normal
    before_lock: bool


# Before the lock a row follows every new price; after it an existing row is kept. A row
# whose values did not move is not rewritten, so `recorded_at` is when they were priced.
# (`WHERE true` lets SQLite tell the upsert's ON CONFLICT from a join's ON.)
_PROJECTIONS = """
INSERT INTO team_projections (week_id, team_id, mean, sd, k, recorded_at)
SELECT :week_id, r.team_id, r.mean, r.sd, :k, :now FROM {rows} WHERE true
ON CONFLICT (week_id, team_id) DO UPDATE
SET mean = excluded.mean, sd = excluded.sd, k = excluded.k, recorded_at = excluded.recorded_at
WHERE team_projections.mean != excluded.mean OR team_projections.sd != excluded.sd
   OR team_projections.k != excluded.k
"""
_CLOSED_PROJECTIONS = """
INSERT INTO team_projections (week_id, team_id, mean, sd, k, recorded_at)
SELECT :week_id, r.team_id, r.mean, r.sd, :k, :now FROM {rows} WHERE true
ON CONFLICT (week_id, team_id) DO NOTHING
"""
_PROJECTION_COLUMNS: row_sets.Columns = (("team_id", "bigint"), ("mean", "double"), ("sd", "double"))


async def record_projections(
    session: AsyncSession,
    *,
    week_id: int,
    teams: Sequence[ProjectedTeam],
    calibration: float,
    now: datetime,
) -> None:
    """Keep each team's projected score distribution as priced, k included.

    Written on every pricing before the lock, so the row left at lock holds the closing
    values the calibration factor is later fitted on. After the lock an existing row is
    never touched (late lineup news must not rewrite the closing line); a week first
    priced after its lock (the bot was down) records its first price instead. A sync that
    changes nothing writes nothing. The week's teams go in two statements at most.
    """
    execute = await row_sets.driver_executor(session)
    dialect = session.get_bind().dialect.name
    for before_lock, template in ((True, _PROJECTIONS), (False, _CLOSED_PROJECTIONS)):
        rows = [(t.team_id, t.score.mean, t.score.sd) for t in teams if t.before_lock is before_lock]
        if rows:
            await execute(
                row_sets.with_rows(template, dialect, _PROJECTION_COLUMNS),
                {"rows": row_sets.rows_param(rows), "week_id": week_id, "k": calibration, "now": now},
            )
