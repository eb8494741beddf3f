"""Storing a week's priced plans: every market of every matchup in a handful of statements.

A scheduler tick reprices every open league, and storing the result one market (and one
selection) at a time through the ORM's flushes cost more than everything else in the
tick: a week has hundreds of markets a league. So the week's markets and selections are
read in one query, compared with the plans in Python, and written set-based, each kind of
write one statement whatever the number of markets (rows travel as one JSON parameter,
storage/row_sets.py): pull, reserve the new markets' numbers in the league, insert markets,
insert their selections, update what moved, and record the price history. A tick that
changes nothing writes nothing. Any market stored here gets its league number here, so a
new kind of market needs nothing more to be numbered.

The rules are those of a sportsbook's board: markets that are locked, settled or void
keep their last price (the closing line bets are measured against). An open market
without a plan is no longer offered (its player left the starting lineup, or its result
became certain), so it is pulled: closed to new bets and off the board before its lock
time, the bets already on it standing. A pulled market offered again before its lock time
reopens at the new price. Every price a selection takes is kept in `price_history`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from commands.services.pricing import MarketPlan
from storage import numbering, row_sets
from storage.models import Market, Selection
from storage.statuses import MarketStatus

_NEW_MARKETS = """
INSERT INTO markets (league_id, number, week_id, matchup_id, game_id, kind, subject, label, line, status,
                     lock_at)
SELECT :league_id, r.number, :week_id, r.matchup_id, r.game_id, r.kind, r.subject, r.label, r.line, 'open',
       r.lock_at
FROM {rows}
RETURNING id, COALESCE(matchup_id, game_id, week_id), kind, subject
"""
_NEW_MARKET_COLUMNS: row_sets.Columns = (
    ("number", "bigint"),
    ("matchup_id", "bigint"),
    ("game_id", "bigint"),
    ("kind", "text"),
    ("subject", "text"),
    ("label", "text"),
    ("line", "double"),
    ("lock_at", "timestamp"),
)
_NEW_SELECTIONS = """
INSERT INTO selections (market_id, side, label, fair_p, odds, liability)
SELECT r.market_id, r.side, r.label, r.fair_p, r.odds, 0 FROM {rows}
RETURNING id, market_id, side
"""
_NEW_SELECTION_COLUMNS: row_sets.Columns = (
    ("market_id", "bigint"),
    ("side", "text"),
    ("label", "text"),
    ("fair_p", "double"),
    ("odds", "bigint"),
)
# Only a market still open is repriced: a lock, settlement or void that committed since the
# read keeps its closing price. `reopen` also requires the market to be pulled (locked
# before its lock time), the only way a locked market may take bets again.
_MOVE_MARKETS = """
UPDATE markets SET line = r.line, label = r.label, lock_at = r.lock_at,
       status = CASE WHEN r.reopen = 1 THEN 'open' ELSE markets.status END
FROM {rows}
WHERE markets.id = r.id AND (markets.status = 'open' OR (r.reopen = 1 AND markets.status = 'locked'))
"""
_MOVE_MARKET_COLUMNS: row_sets.Columns = (
    ("id", "bigint"),
    ("line", "double"),
    ("label", "text"),
    ("lock_at", "timestamp"),
    ("reopen", "bigint"),
)
_MOVE_SELECTIONS = """
UPDATE selections SET fair_p = r.fair_p, odds = r.odds, label = r.label
FROM {rows} WHERE selections.id = r.id
"""
_MOVE_SELECTION_COLUMNS: row_sets.Columns = (
    ("id", "bigint"),
    ("fair_p", "double"),
    ("odds", "bigint"),
    ("label", "text"),
)
_HISTORY = """
INSERT INTO price_history (selection_id, line, fair_p, odds, recorded_at)
SELECT r.selection_id, r.line, r.fair_p, r.odds, :now FROM {rows}
"""
_HISTORY_COLUMNS: row_sets.Columns = (
    ("selection_id", "bigint"),
    ("line", "double"),
    ("fair_p", "double"),
    ("odds", "bigint"),
)


Parent = Literal["matchup", "game", "week"]
"""What a market belongs to: a fantasy matchup, a real NFL game of the games board, or the
week itself (the week's high score, which is about every team: keyed by the week's id)."""


@dataclass(slots=True)
class _Stored:
    """A market as the database holds it, with its selections by side."""

    id: int
    line: float | None
    label: str
    status: str
    lock_at: datetime
    selections: dict[str, tuple[int, float, int | None, str]] = field(default_factory=dict)


@dataclass(slots=True)
class _Writes:
    pull: list[int] = field(default_factory=list)
    new: list[tuple[int, MarketPlan]] = field(default_factory=list)
    markets: list[tuple[Any, ...]] = field(default_factory=list)
    selections: list[tuple[Any, ...]] = field(default_factory=list)
    history: list[tuple[Any, ...]] = field(default_factory=list)
    changed: int = 0


async def store_plans(
    session: AsyncSession,
    *,
    league_id: int,
    week_id: int,
    plans: Mapping[int, Sequence[MarketPlan]],
    now: datetime,
    parent: Parent = "matchup",
) -> int:
    """Create or reprice the markets of the matchups (or NFL games) in `plans`; returns how
    many changed.

    `plans` maps a matchup id (a game id, for `parent="game"`: the games board) to
    everything it offers now; one left out of it is not touched at all (its markets are
    locked and nothing of it is priced any more).
    """
    if not plans:
        return 0
    stored = await _stored_markets(session, week_id, plans.keys(), parent)
    writes = _Writes()
    for parent_id, offered in plans.items():
        _compare(stored.get(parent_id, {}), parent_id, offered, now, writes)
    await _write(session, league_id, week_id, writes, now, parent)
    return writes.changed


def _stored_query(column: Any, *, week_level: bool = False) -> Select[Any]:
    """A week's markets of one kind of parent, each with its sides (built once, see _STORED)."""
    query = (
        select(
            Market.id,
            column,
            Market.kind,
            Market.subject,
            Market.line,
            Market.label,
            Market.status,
            Market.lock_at,
            Selection.id,
            Selection.side,
            Selection.fair_p,
            Selection.odds,
            Selection.label,
        )
        .outerjoin(Selection, Selection.market_id == Market.id)
        .where(Market.week_id == bindparam("week_id"))
    )
    return query.where(Market.matchup_id.is_(None), Market.game_id.is_(None)) if week_level else query


# Built once: every reprice of every league reads its week's markets, and building the
# statement cost a third of running it.
_STORED: dict[Parent, Select[Any]] = {
    "game": _stored_query(Market.game_id),
    "matchup": _stored_query(Market.matchup_id),
    "week": _stored_query(Market.week_id, week_level=True),
}


async def _stored_markets(
    session: AsyncSession, week_id: int, parent_ids: Any, parent: Parent
) -> dict[int, dict[tuple[str, str], _Stored]]:
    wanted = set(parent_ids)
    rows = await session.execute(_STORED[parent], {"week_id": week_id})
    by_parent: dict[int, dict[tuple[str, str], _Stored]] = {}
    for (
        m_id,
        parent_id,
        kind,
        subject,
        line,
        label,
        status,
        lock_at,
        s_id,
        side,
        fair_p,
        odds,
        s_label,
    ) in rows:
        if parent_id is None or parent_id not in wanted:
            continue
        markets = by_parent.setdefault(parent_id, {})
        market = markets.get((kind, subject))
        if market is None:
            market = markets[(kind, subject)] = _Stored(m_id, line, label, status, lock_at)
        if s_id is not None:
            market.selections[side] = (s_id, fair_p, odds, s_label)
    return by_parent


def _compare(
    existing: dict[tuple[str, str], _Stored],
    parent_id: int,
    offered: Sequence[MarketPlan],
    now: datetime,
    writes: _Writes,
) -> None:
    planned = {(plan.kind, plan.subject) for plan in offered}
    for key, held in existing.items():
        if key not in planned and held.status == MarketStatus.OPEN and now < held.lock_at:
            writes.pull.append(held.id)
            writes.changed += 1
    for plan in offered:
        market = existing.get((plan.kind, plan.subject))
        if market is None:
            writes.new.append((parent_id, plan))
            writes.changed += 1
            continue
        reopened = market.status == MarketStatus.LOCKED and now < market.lock_at and now < plan.lock_at
        if not reopened and (market.status != MarketStatus.OPEN or now >= market.lock_at):
            continue
        moved = (
            reopened
            or market.line != plan.line
            or any(
                sp.side not in market.selections
                or market.selections[sp.side][2] != sp.odds
                or abs(market.selections[sp.side][1] - sp.fair_p) > 1e-9
                for sp in plan.selections
            )
        )
        lock_at = row_sets.time_text(plan.lock_at)
        if not moved:
            if market.lock_at != plan.lock_at:  # a kickoff moved: the lock follows it
                writes.markets.append((market.id, market.line, market.label, lock_at, 0))
            continue
        writes.markets.append((market.id, plan.line, plan.label, lock_at, int(reopened)))
        for sp in plan.selections:
            selection_id = market.selections[sp.side][0]
            writes.selections.append((selection_id, sp.fair_p, sp.odds, sp.label))
            writes.history.append((selection_id, plan.line, sp.fair_p, sp.odds))
        writes.changed += 1


async def _write(
    session: AsyncSession, league_id: int, week_id: int, writes: _Writes, now: datetime, parent: Parent
) -> None:
    execute = await row_sets.driver_executor(session)
    dialect = session.get_bind().dialect.name
    if writes.pull:
        await session.execute(
            update(Market)
            .where(Market.id.in_(writes.pull), Market.status == MarketStatus.OPEN)
            .values(status=MarketStatus.LOCKED)
        )
    if writes.new:
        # The league's next numbers, one block for all of them (storage/numbering.py), given
        # in the order the plans came: matchup by matchup, each matchup's markets as priced.
        first = await numbering.reserve(session, league_id, numbering.Counter.MARKETS, len(writes.new))
        new_rows = [
            (
                first + i,
                parent_id if parent == "matchup" else None,
                parent_id if parent == "game" else None,
                plan.kind,
                plan.subject,
                plan.label,
                plan.line,
                row_sets.time_text(plan.lock_at),
            )
            for i, (parent_id, plan) in enumerate(writes.new)
        ]
        created = await execute(
            row_sets.with_rows(_NEW_MARKETS, dialect, _NEW_MARKET_COLUMNS),
            {"rows": row_sets.rows_param(new_rows), "league_id": league_id, "week_id": week_id},
        )
        ids = {(parent_id, kind, subject): market_id for market_id, parent_id, kind, subject in created}
        sides = [
            (ids[(parent_id, plan.kind, plan.subject)], sp.side, sp.label, sp.fair_p, sp.odds)
            for parent_id, plan in writes.new
            for sp in plan.selections
        ]
        lines = {ids[(parent_id, plan.kind, plan.subject)]: plan.line for parent_id, plan in writes.new}
        fair = {(market_id, side): (fair_p, odds) for market_id, side, _, fair_p, odds in sides}
        if sides:
            inserted = await execute(
                row_sets.with_rows(_NEW_SELECTIONS, dialect, _NEW_SELECTION_COLUMNS),
                {"rows": row_sets.rows_param(sides)},
            )
            for selection_id, market_id, side in inserted:
                fair_p, odds = fair[(market_id, side)]
                writes.history.append((selection_id, lines[market_id], fair_p, odds))
    if writes.markets:
        await execute(
            row_sets.with_rows(_MOVE_MARKETS, dialect, _MOVE_MARKET_COLUMNS),
            {"rows": row_sets.rows_param(writes.markets)},
        )
    if writes.selections:
        await execute(
            row_sets.with_rows(_MOVE_SELECTIONS, dialect, _MOVE_SELECTION_COLUMNS),
            {"rows": row_sets.rows_param(writes.selections)},
        )
    if writes.history:
        history = sorted(writes.history)  # in selection order, as one insert per selection wrote them
        await execute(
            row_sets.with_rows(_HISTORY, dialect, _HISTORY_COLUMNS),
            {"rows": row_sets.rows_param(history), "now": now},
        )
