"""Hot-path statements: many rows as one parameter, one driver call per statement.

Settling a league writes one row per bet, and a scheduler pass settles 10,000 leagues in
turn. Two costs dominated, neither of them SQLite's own work:

- An executemany costs SQLAlchemy a parameter set's worth of Python per row before the
  database does anything. Here the rows travel as one JSON document that the database
  unpacks (`json_each` on SQLite, `jsonb_array_elements` on PostgreSQL), so a league's
  hundreds of row writes are one statement with one parameter, as in the set-based
  baseline of bench/settlement.py, while grading stays in Python.
- Through SQLAlchemy's aiosqlite adapter every statement is three or four driver calls
  (cursor, execute, fetch, close) and a result wrapped by SQLAlchemy. `driver_executor`
  sends a statement to the driver in one (`execute_fetchall`; storage/inline_sqlite.py),
  on the session's own connection and so inside its transaction. On PostgreSQL it is
  plain SQLAlchemy `text()`.

Statements are SQL text with `:name` parameters, which both sqlite3 and SQLAlchemy accept.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import Any, Literal

import orjson
from sqlalchemy import text
from sqlalchemy.engine import CursorResult, Dialect, Result
from sqlalchemy.ext.asyncio import AsyncSession

from storage.types import UTCDateTime

ColumnType = Literal["bigint", "text", "double", "timestamp", "json"]
# PostgreSQL's names for them; on SQLite json_extract's own types serve (a timestamp is
# the naive UTC text the UTCDateTime columns store there).
_PG_TYPES: dict[str, str] = {
    "bigint": "bigint",
    "text": "text",
    "double": "double precision",
    "timestamp": "timestamp",
}
Columns = tuple[tuple[str, ColumnType], ...]
Execute = Callable[[str, Mapping[str, object]], Awaitable[Sequence[Sequence[Any]]]]


def json_rows(dialect: str, columns: Columns, *, alias: str = "r") -> str:
    """A FROM item yielding `columns` from the JSON array of arrays bound as `:rows`.

    Each element of the array is one row, its values in the order of `columns`.
    """
    if dialect == "postgresql":
        fields = ", ".join(f"{_pg_field(i, kind)} AS {name}" for i, (name, kind) in enumerate(columns))
        return f"(SELECT {fields} FROM jsonb_array_elements(CAST(:rows AS jsonb))) AS {alias}"
    fields = ", ".join(f"json_extract(value, '$[{i}]') AS {name}" for i, (name, _) in enumerate(columns))
    return f"(SELECT {fields} FROM json_each(:rows)) AS {alias}"


def _pg_field(index: int, kind: ColumnType) -> str:
    if kind == "json":  # a JSON value stays JSON; a JSON null is SQL NULL, as the ORM writes it
        return f"CAST(NULLIF(value -> {index}, CAST('null' AS jsonb)) AS json)"
    return f"CAST(value ->> {index} AS {_PG_TYPES[kind]})"


@cache
def with_rows(template: str, dialect: str, columns: Columns) -> str:
    """`template` with `{rows}` replaced by the dialect's row source (built once per dialect)."""
    return template.format(rows=json_rows(dialect, columns))


@lru_cache(maxsize=4096)
def time_text(instant: datetime) -> str:
    """An instant as the UTCDateTime columns store it (naive UTC text), for a JSON row.

    Remembered: a week's rows repeat a few instants (a game's kickoff on each of its
    starters, a matchup's lock on each of its markets), and formatting one costs 2 µs.
    Equal aware instants are one instant, so they share one text.
    (A "json" column's value goes into the row as itself, a list say: SQLite's
    json_extract hands it on as JSON text, PostgreSQL's `->` as JSON.)
    """
    return instant.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def rows_param(rows: Iterable[Sequence[object]]) -> str:
    """The value to bind as `:rows`: compact JSON, integers kept exact, floats in their
    shortest exact form (either back end reads back the very same double).

    orjson, not the json module: a week's markets, selections and lineups are thousands of
    floats, which json writes ten times slower. An instant must come as `time_text` (the
    text the columns compare as): a datetime raises rather than being written another way.
    """
    values = rows if isinstance(rows, list | tuple) else list(rows)
    return orjson.dumps(values, option=orjson.OPT_PASSTHROUGH_DATETIME).decode()


@cache
def _text(sql: str) -> Any:
    return text(sql)


@cache
def _time_processor(dialect: Dialect) -> Callable[[datetime], Any]:
    processor = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    if processor is None:  # pragma: no cover - both back ends convert
        return lambda value: value
    return processor


def column_params(params: Mapping[str, object], dialect: Dialect) -> dict[str, object]:
    """`params` with each instant as the UTCDateTime columns store it on `dialect`, so a
    statement sent past SQLAlchemy compares instants as the ORM's own statements do."""
    to_column = _time_processor(dialect)
    return {k: to_column(v) if isinstance(v, datetime) else v for k, v in params.items()}


async def driver_executor(session: AsyncSession) -> Execute:
    """An `execute(sql, params) -> rows` on the session's connection, in its transaction.

    Datetime parameters are stored exactly as the UTCDateTime columns store them, so
    what is written here compares and reads back like everything the ORM writes.
    """
    connection = await session.connection()  # begins the session's transaction if needed
    dialect = connection.dialect

    def bind(params: Mapping[str, object]) -> dict[str, object]:
        return column_params(params, dialect)

    if dialect.name == "sqlite":
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection  # the aiosqlite connection itself

        async def execute_sqlite(sql: str, params: Mapping[str, object]) -> Sequence[Sequence[Any]]:
            return list(await driver.execute_fetchall(sql, bind(params)))  # type: ignore[union-attr]

        return execute_sqlite

    async def execute(sql: str, params: Mapping[str, object]) -> Sequence[Sequence[Any]]:
        result = await connection.execute(_text(sql), bind(params))
        return result.all() if result.returns_rows else []

    return execute


_UTC_COLUMN = UTCDateTime()


def read_time(value: Any) -> datetime | None:
    """A UTCDateTime column's value as the driver returns it (SQLite: text), as an aware datetime."""
    return _UTC_COLUMN.process_result_value(value, None)  # type: ignore[arg-type]


@lru_cache(maxsize=4096)
def read_instant(value: Any) -> datetime | None:
    """`read_time`, remembered: for columns whose rows repeat a few instants (a game's
    kickoff on each of its starters), read by the hundred on every sync. Datetimes are
    immutable, so the rows holding one may share it."""
    return read_time(value)


def rows_changed(result: Result[Any]) -> int:
    """How many rows an INSERT, UPDATE or DELETE touched.

    `session.execute` is typed to return a Result; for a DML statement (text() included) it
    is a CursorResult, the kind that carries the row count.
    """
    if not isinstance(result, CursorResult):
        raise TypeError(f"{type(result).__name__} carries no row count")
    return result.rowcount
