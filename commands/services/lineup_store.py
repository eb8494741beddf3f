"""Storing a week's matchups, starters and benches as the provider shows them, set-based.

Every sync of every league stores its current week: ten or twelve teams, nine or more
starters and six or more reserves each. Written one row at a time through the ORM's
flushes, that was the largest cost of a tick after the markets (commands/services/
market_store.py, the same approach). Here the week's rows are read in one query per table,
compared with the provider's snapshot in Python, and only what changed is written: one
statement per kind of write (insert, update, delete) and table, whatever the number of
matchups and players. A snapshot that changes nothing writes nothing.

The rules are those a real lineup follows during a week:
- a matchup's lock is its first starter's kickoff (or the week's first, in `lock_mode
  week`), and moves with the lineup only until it is reached;
- before his game a starter's lineup facts (slot, projection, team, kickoff) follow the
  provider; from his kickoff on only his points and game state do, and a starter whose
  game has begun stays a starter even if his owner benches him afterwards (ESPN keeps him
  in the box score; props on him stand);
- a starter benched before his kickoff leaves the lineup (his prop is pulled by pricing);
- the bench is kept as the provider has it now, except players locked in as starters.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from commands.league_settings import LeagueSettings
from commands.provider import PlayerLine, ProGame, WeekData
from commands.services.priced_inputs import PricedLineup, PricedMatchup
from commands.services.team_store import StoredTeam
from storage import row_sets
from storage.models import BenchPlayer, Matchup, Starter, Week

_NEW_MATCHUPS = """
INSERT INTO matchups (week_id, home_team_id, away_team_id, home_score, away_score,
                      home_adjustment, away_adjustment, lock_at)
SELECT :week_id, r.home_team_id, r.away_team_id, r.home_score, r.away_score,
       r.home_adjustment, r.away_adjustment, r.lock_at
FROM {rows}
RETURNING id, home_team_id
"""
_NEW_MATCHUP_COLUMNS: row_sets.Columns = (
    ("home_team_id", "bigint"),
    ("away_team_id", "bigint"),
    ("home_score", "double"),
    ("away_score", "double"),
    ("home_adjustment", "double"),
    ("away_adjustment", "double"),
    ("lock_at", "timestamp"),
)
_MOVE_MATCHUPS = """
UPDATE matchups SET home_score = r.home_score, away_score = r.away_score,
       home_adjustment = r.home_adjustment, away_adjustment = r.away_adjustment, lock_at = r.lock_at
FROM {rows} WHERE matchups.id = r.id
"""
_MOVE_MATCHUP_COLUMNS: row_sets.Columns = (
    ("id", "bigint"),
    ("home_score", "double"),
    ("away_score", "double"),
    ("home_adjustment", "double"),
    ("away_adjustment", "double"),
    ("lock_at", "timestamp"),
)

# A starter's columns after its ids, in the order `_Starter` keeps them.
_STARTER_FIELDS: row_sets.Columns = (
    ("team_id", "bigint"),
    ("name", "text"),
    ("position", "text"),
    ("slot", "text"),
    ("pro_team", "text"),
    ("injury_status", "text"),
    ("projection", "double"),
    ("points", "double"),
    ("game_id", "text"),
    ("kickoff", "timestamp"),
    ("game_state", "text"),
    ("eligible_slots", "json"),
)
_STARTER_NAMES = ", ".join(name for name, _ in _STARTER_FIELDS)
_NEW_STARTERS = f"""
INSERT INTO starters (matchup_id, player_id, {_STARTER_NAMES})
SELECT r.matchup_id, r.player_id, {", ".join(f"r.{name}" for name, _ in _STARTER_FIELDS)} FROM {{rows}}
"""
_NEW_STARTER_COLUMNS: row_sets.Columns = (("matchup_id", "bigint"), ("player_id", "text"), *_STARTER_FIELDS)
_MOVE_STARTERS = f"""
UPDATE starters SET {", ".join(f"{name} = r.{name}" for name, _ in _STARTER_FIELDS)}
FROM {{rows}} WHERE starters.id = r.id
"""
_MOVE_STARTER_COLUMNS: row_sets.Columns = (("id", "bigint"), *_STARTER_FIELDS)

_BENCH_FIELDS: row_sets.Columns = (
    ("team_id", "bigint"),
    ("name", "text"),
    ("position", "text"),
    ("slot", "text"),
    ("eligible_slots", "json"),
    ("projection", "double"),
    ("points", "double"),
)
_NEW_BENCH = f"""
INSERT INTO bench_players (matchup_id, player_id, {", ".join(name for name, _ in _BENCH_FIELDS)})
SELECT r.matchup_id, r.player_id, {", ".join(f"r.{name}" for name, _ in _BENCH_FIELDS)} FROM {{rows}}
"""
_NEW_BENCH_COLUMNS: row_sets.Columns = (("matchup_id", "bigint"), ("player_id", "text"), *_BENCH_FIELDS)
_MOVE_BENCH = f"""
UPDATE bench_players SET {", ".join(f"{name} = r.{name}" for name, _ in _BENCH_FIELDS)}
FROM {{rows}} WHERE bench_players.id = r.id
"""
_MOVE_BENCH_COLUMNS: row_sets.Columns = (("id", "bigint"), *_BENCH_FIELDS)

# A game-day sync's usual change: new points (and game states) and nothing else. Those rows
# are written by their few columns alone, not every column of the row: less to encode, to
# unpack and to write, for most of a Sunday's rows.
_SCORE_STARTERS = """
UPDATE starters SET points = r.points, game_state = r.game_state FROM {rows} WHERE starters.id = r.id
"""
_SCORE_STARTER_COLUMNS: row_sets.Columns = (("id", "bigint"), ("points", "double"), ("game_state", "text"))
_SCORE_BENCH = "UPDATE bench_players SET points = r.points FROM {rows} WHERE bench_players.id = r.id"
_SCORE_BENCH_COLUMNS: row_sets.Columns = (("id", "bigint"), ("points", "double"))


@dataclass(frozen=True, slots=True)
class _TableSql:
    """A lineup table's set-based insert and update, with their row sources' columns."""

    insert: str
    insert_columns: row_sets.Columns
    update: str
    update_columns: row_sets.Columns
    score: str
    score_columns: row_sets.Columns


_STARTER_SQL = _TableSql(
    _NEW_STARTERS,
    _NEW_STARTER_COLUMNS,
    _MOVE_STARTERS,
    _MOVE_STARTER_COLUMNS,
    _SCORE_STARTERS,
    _SCORE_STARTER_COLUMNS,
)
_BENCH_SQL = _TableSql(
    _NEW_BENCH, _NEW_BENCH_COLUMNS, _MOVE_BENCH, _MOVE_BENCH_COLUMNS, _SCORE_BENCH, _SCORE_BENCH_COLUMNS
)


@dataclass(slots=True)
class _Writes:
    inserts: list[list[Any]]
    updates: list[list[Any]]
    deletes: list[int]
    scores: list[tuple[Any, ...]]  # rows whose points (and game state) alone moved

    @classmethod
    def empty(cls) -> _Writes:
        return cls([], [], [], [])


def game_states(games: tuple[ProGame, ...]) -> dict[str, str]:
    """Each game's state over the matchup period: in a two-week matchup a starter is done
    only when his last game is over, and live while any of his games is on."""
    states: dict[str, set[str]] = {}
    for game in games:
        states.setdefault(game.game_id, set()).add(game.state)
    return {game_id: next(iter(s)) if len(s) == 1 else "in" for game_id, s in states.items()}


def first_game_by_team(games: tuple[ProGame, ...]) -> dict[str, ProGame]:
    """Each pro team's first game of the period (a two-week playoff matchup has two)."""
    by_team: dict[str, ProGame] = {}
    for game in sorted(games, key=lambda g: g.kickoff):
        by_team.setdefault(game.home, game)
        by_team.setdefault(game.away, game)
    return by_team


@dataclass(frozen=True, slots=True)
class StoredLineups:
    """The week's matchups and lineups as the sync left them, as the priced digest reads them
    (commands/services/priced_inputs.py): every matchup of the week, and each one's
    starters in player order."""

    matchups: list[PricedMatchup]
    lineups: dict[int, PricedLineup]


def _priced(player_id: str, values: Sequence[Any]) -> tuple[int, tuple[Any, ...]]:
    """A starter's team and PRICED_COLUMNS from his stored values (in `_Starter` order)."""
    team_id, name, position, _, pro_team, injury_status, projection, _, game_id, kickoff = values[:10]
    return team_id, (
        player_id,
        name,
        position,
        pro_team,
        game_id,
        float(projection),
        injury_status,
        kickoff.astimezone(UTC) if kickoff is not None else None,
    )


def _in_player_order(starters: list[tuple[str, tuple[int, tuple[Any, ...]]]]) -> PricedLineup:
    # One fixed order whatever order the snapshot and the stored rows came in: numeric ids in
    # number order, the order in which pricing reads a lineup (weeks._open_or_reprice).
    return [priced for _, priced in sorted(starters, key=lambda s: (len(s[0]), s[0]))]


def _slots(eligible: Sequence[str] | None) -> list[str] | None:
    return list(eligible) if eligible else None


def _row_values(values: Sequence[Any]) -> list[Any]:
    """A row's values as the JSON row source takes them (instants as stored text)."""
    return [row_sets.time_text(v) if isinstance(v, datetime) else v for v in values]


async def store_lineups(
    session: AsyncSession,
    settings: LeagueSettings,
    week: Week,
    teams: Mapping[int, StoredTeam],
    data: WeekData,
    now: datetime,
) -> StoredLineups:
    """Store every matchup of `data` (a bye has nothing to bet on), with lineups and benches.

    `teams` maps the provider's team ids (as `data` names them) to the league's teams.
    Returns the week's matchups and lineups as stored now, for the priced digest.
    """
    games = first_game_by_team(data.pro_games)
    played = [m for m in data.matchups if m.away_team_id is not None]
    execute = await row_sets.driver_executor(session)
    dialect = session.get_bind().dialect.name

    # Matchups: one read, then at most one insert and one update.
    statements = await session.connection()
    stored = {row.home_team_id: row for row in await statements.execute(_HELD_MATCHUPS, {"week_id": week.id})}
    lineups: dict[int, list[tuple[StoredTeam, PlayerLine]]] = {}
    new_matchups: list[list[Any]] = []
    moved_matchups: list[list[Any]] = []
    # Each shown matchup's priced values by its home team, and the week's other matchups as stored.
    shown: dict[int, tuple[datetime, float, float, int]] = {}
    for m in played:
        assert m.away_team_id is not None
        home, away = teams[m.home_team_id], teams[m.away_team_id]
        lineup = [(home, p) for p in m.home_lineup] + [(away, p) for p in m.away_lineup]
        lineups[home.id] = lineup
        kickoffs = [games[p.pro_team].kickoff for _, p in lineup if p.pro_team in games]
        lock_at = week.first_kickoff or now if settings.lock_mode == "week" or not kickoffs else min(kickoffs)
        scores = (m.home_score, m.away_score, m.home_adjustment, m.away_adjustment)
        held = stored.get(home.id)
        if held is None:
            new_matchups.append(_row_values((home.id, away.id, *scores, lock_at)))
            shown[home.id] = (lock_at, m.home_adjustment, m.away_adjustment, away.id)
            continue
        lock = lock_at if now < held.lock_at else held.lock_at
        shown[home.id] = (lock, m.home_adjustment, m.away_adjustment, away.id)
        if (held.home_score, held.away_score, held.home_adjustment, held.away_adjustment, held.lock_at) != (
            *scores,
            lock,
        ):
            moved_matchups.append(_row_values((held.id, *scores, lock)))
    matchup_ids = {home_team_id: row.id for home_team_id, row in stored.items()}
    if new_matchups:
        created = await execute(
            row_sets.with_rows(_NEW_MATCHUPS, dialect, _NEW_MATCHUP_COLUMNS),
            {"rows": row_sets.rows_param(new_matchups), "week_id": week.id},
        )
        matchup_ids.update({home_team_id: matchup_id for matchup_id, home_team_id in created})
    if moved_matchups:
        await execute(
            row_sets.with_rows(_MOVE_MATCHUPS, dialect, _MOVE_MATCHUP_COLUMNS),
            {"rows": row_sets.rows_param(moved_matchups)},
        )

    starters, priced = await _store_starters(
        session, execute, dialect, week, matchup_ids, lineups, games, data, now
    )
    await _store_benches(session, execute, dialect, week, matchup_ids, data, teams, starters)
    matchups = [
        PricedMatchup(
            matchup_ids[home_id], lock.astimezone(UTC), float(home_adj), float(away_adj), home_id, away_id
        )
        for home_id, (lock, home_adj, away_adj, away_id) in shown.items()
    ] + [
        PricedMatchup(
            row.id,
            row.lock_at.astimezone(UTC),
            row.home_adjustment,
            row.away_adjustment,
            row.home_team_id,
            row.away_team_id,
        )
        for home_id, row in stored.items()
        if home_id not in shown
    ]
    return StoredLineups(matchups, {m.id: _in_player_order(priced.get(m.id, [])) for m in matchups})


async def _store_starters(
    session: AsyncSession,
    execute: row_sets.Execute,
    dialect: str,
    week: Week,
    matchup_ids: Mapping[int, int],
    lineups: Mapping[int, list[tuple[StoredTeam, PlayerLine]]],
    games: Mapping[str, ProGame],
    data: WeekData,
    now: datetime,
) -> tuple[dict[int, set[str]], dict[int, list[tuple[str, tuple[int, tuple[Any, ...]]]]]]:
    """Write the week's starters; returns each matchup's starters as stored afterwards: their
    ids by matchup, and every starter of the week (shown or not) as the priced digest reads him."""
    held = await _held_starters(execute, week)
    states = game_states(data.pro_games)
    writes = _Writes.empty()
    kept: dict[int, set[str]] = {matchup_id: set() for matchup_id in matchup_ids.values()}
    priced: dict[int, list[tuple[str, tuple[int, tuple[Any, ...]]]]] = {}
    seen: set[tuple[int, str]] = set()
    for home_team_id, lineup in lineups.items():
        matchup_id = matchup_ids[home_team_id]
        for team, player in lineup:
            key = (matchup_id, player.player_id)
            seen.add(key)
            kept[matchup_id].add(player.player_id)
            row = held.get(key)
            if row is None or row.kickoff is None or now < row.kickoff:
                # Before his game the lineup and projection may still change; after it, only points.
                game = games.get(player.pro_team)
                facts: tuple[Any, ...] = (
                    team.id,
                    player.name,
                    player.position,
                    player.slot,
                    player.pro_team,
                    player.injury_status,
                    player.projection,
                )
                game_id, kickoff = (game.game_id, game.kickoff) if game else (None, None)
                slots = _slots(player.eligible_slots)
            else:
                facts = tuple(row[3:10])
                game_id, kickoff, slots = row.game_id, row.kickoff, row.eligible_slots
            state = states.get(game_id) if game_id else None
            values = (*facts, player.points, game_id, kickoff, state, slots)
            priced.setdefault(matchup_id, []).append((player.player_id, _priced(player.player_id, values)))
            if row is None:
                writes.inserts.append(_row_values((matchup_id, player.player_id, *values)))
                continue
            stored = tuple(row[3:])
            if stored == values:
                continue
            # Facts (to the player's points) the same, and his game and slots: a score update.
            if stored[:7] == values[:7] and stored[8:10] == values[8:10] and stored[11] == values[11]:
                writes.scores.append((row.id, player.points, state))
            else:
                writes.updates.append(_row_values((row.id, *values)))
    for key, row in held.items():
        if key in seen:
            continue  # still in the lineup
        if key[0] in kept and (row.kickoff is None or now < row.kickoff):
            writes.deletes.append(row.id)  # benched before his game: he leaves the lineup
            continue
        if key[0] in kept:
            kept[key[0]].add(key[1])  # locked in at his kickoff
        # Locked in, or of a matchup this snapshot does not show: he stays as stored.
        priced.setdefault(key[0], []).append((key[1], _priced(key[1], tuple(row[3:]))))
    await _write(session, execute, dialect, Starter, writes, _STARTER_SQL)
    return kept, priced


async def _store_benches(
    session: AsyncSession,
    execute: row_sets.Execute,
    dialect: str,
    week: Week,
    matchup_ids: Mapping[int, int],
    data: WeekData,
    teams: Mapping[int, StoredTeam],
    starters: Mapping[int, set[str]],
) -> None:
    """Keep each matchup's bench as the provider has it now; pricing never reads it, awards do."""
    held = await _held_bench(execute, week)
    writes = _Writes.empty()
    seen: set[tuple[int, str]] = set()
    for m in data.matchups:
        if m.away_team_id is None:
            continue
        home, away = teams[m.home_team_id], teams[m.away_team_id]
        matchup_id = matchup_ids[home.id]
        locked_in = starters.get(matchup_id, set())
        for team, player in [(home, p) for p in m.home_bench] + [(away, p) for p in m.away_bench]:
            key = (matchup_id, player.player_id)
            if player.player_id in locked_in or key in seen:
                continue  # a starter locked in at his kickoff stays a starter
            seen.add(key)
            values = (
                team.id,
                player.name,
                player.position,
                player.slot,
                _slots(player.eligible_slots),
                player.projection,
                player.points,
            )
            row = held.get(key)
            if row is None:
                writes.inserts.append(_row_values((matchup_id, player.player_id, *values)))
                continue
            stored = tuple(row[3:])
            if stored[:6] != values[:6]:
                writes.updates.append(_row_values((row.id, *values)))
            elif stored[6] != values[6]:
                writes.scores.append((row.id, player.points))
    shown = {matchup_ids[teams[m.home_team_id].id] for m in data.matchups if m.away_team_id is not None}
    writes.deletes = [row.id for key, row in held.items() if key not in seen and key[0] in shown]
    await _write(session, execute, dialect, BenchPlayer, writes, _BENCH_SQL)


class _HeldStarter(NamedTuple):
    """A stored starter as a sync compares it: its ids, then _STARTER_FIELDS, in their order
    (a test checks the two agree: the sync compares a row's values by position)."""

    id: int
    matchup_id: int
    player_id: str
    team_id: int
    name: str
    position: str
    slot: str
    pro_team: str | None
    injury_status: str | None
    projection: float
    points: float
    game_id: str | None
    kickoff: datetime | None
    game_state: str | None
    eligible_slots: list[str] | None


class _HeldBench(NamedTuple):
    """A stored reserve as a sync compares him: his ids, then _BENCH_FIELDS, in their order."""

    id: int
    matchup_id: int
    player_id: str
    team_id: int
    name: str
    position: str
    slot: str
    eligible_slots: list[str] | None
    projection: float
    points: float


def _held_sql(table: str, fields: row_sets.Columns) -> str:
    """The week's rows of `table`: ids, then `fields`, the columns its writes use, in their order."""
    columns = ", ".join(f"t.{name}" for name, _ in fields)
    return f"""
SELECT t.id, t.matchup_id, t.player_id, {columns} FROM {table} t JOIN matchups ON matchups.id = t.matchup_id
WHERE matchups.week_id = :week_id
"""


def _decoders(fields: row_sets.Columns) -> tuple[tuple[int, Callable[[Any], Any]], ...]:
    """Where a held row (ids first) has a value the driver hands back undecoded, and how to decode it."""
    decode: dict[str, Callable[[Any], Any]] = {"timestamp": row_sets.read_instant, "json": _slots_read}
    return tuple((3 + i, decode[kind]) for i, (_, kind) in enumerate(fields) if kind in decode)


def _decoded(row: Sequence[Any], decoders: tuple[tuple[int, Callable[[Any], Any]], ...]) -> list[Any]:
    values = list(row)
    for index, decode in decoders:
        values[index] = decode(values[index])
    return values


def _slots_read(value: Any) -> list[str] | None:
    """A stored list of lineup slots, decoded once per distinct text (SQLite hands back the
    JSON text; asyncpg, with the codec SQLAlchemy gives its connections, the list itself)."""
    if value is None or isinstance(value, list):
        return value
    return _decoded_slots(value)


@lru_cache(maxsize=1024)
def _decoded_slots(text: str) -> list[str] | None:
    # A week's two hundred starters and reserves repeat a handful of lists (["RB", "FLEX"]),
    # shared by the rows that hold them: compared and written again, never changed in place.
    slots: list[str] | None = json.loads(text)
    return slots


# Every sync reads these, every league every five minutes on a game day, two hundred rows
# a week: sent to the driver directly (storage/row_sets.py), each row's instant and slots
# decoded by the caches above. Through SQLAlchemy's result rows and column types the two
# reads were a fifth of a game-day tick.
_HELD_STARTERS = _held_sql("starters", _STARTER_FIELDS)
_HELD_BENCH = _held_sql("bench_players", _BENCH_FIELDS)
_STARTER_DECODERS = _decoders(_STARTER_FIELDS)
_BENCH_DECODERS = _decoders(_BENCH_FIELDS)


# Built once, run on the session's connection: a handful of rows, where building the
# statement and passing it through the ORM's layer cost more than SQLite took to answer.
_HELD_MATCHUPS = select(
    Matchup.id,
    Matchup.home_team_id,
    Matchup.away_team_id,
    Matchup.lock_at,
    Matchup.home_score,
    Matchup.away_score,
    Matchup.home_adjustment,
    Matchup.away_adjustment,
).where(Matchup.week_id == bindparam("week_id"))


async def _held_starters(execute: row_sets.Execute, week: Week) -> dict[tuple[int, str], _HeldStarter]:
    """The week's stored starters, by (matchup, player)."""
    rows = await execute(_HELD_STARTERS, {"week_id": week.id})
    held = (_HeldStarter._make(_decoded(row, _STARTER_DECODERS)) for row in rows)
    return {(row.matchup_id, row.player_id): row for row in held}


async def _held_bench(execute: row_sets.Execute, week: Week) -> dict[tuple[int, str], _HeldBench]:
    """The week's stored reserves, by (matchup, player)."""
    rows = await execute(_HELD_BENCH, {"week_id": week.id})
    held = (_HeldBench._make(_decoded(row, _BENCH_DECODERS)) for row in rows)
    return {(row.matchup_id, row.player_id): row for row in held}


async def _write(
    session: AsyncSession,
    execute: row_sets.Execute,
    dialect: str,
    model: type[Starter] | type[BenchPlayer],
    writes: _Writes,
    sql: _TableSql,
) -> None:
    """Delete, insert and update what changed: one statement each, only if there is any."""
    if writes.scores:
        await execute(
            row_sets.with_rows(sql.score, dialect, sql.score_columns),
            {"rows": row_sets.rows_param(writes.scores)},
        )
    if writes.deletes:
        await session.execute(delete(model).where(model.id.in_(writes.deletes)))
    if writes.inserts:
        await execute(
            row_sets.with_rows(sql.insert, dialect, sql.insert_columns),
            {"rows": row_sets.rows_param(writes.inserts)},
        )
    if writes.updates:
        await execute(
            row_sets.with_rows(sql.update, dialect, sql.update_columns),
            {"rows": row_sets.rows_param(writes.updates)},
        )
