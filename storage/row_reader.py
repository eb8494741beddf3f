"""The caller's league and member rows, read around SQLAlchemy's session machinery.

Every command reads who is calling fresh (commands/callers.py keeps ids only). Through a
SQLAlchemy session that read cost more CPU than the rest of a bet confirmation (about a
millisecond: a pool checkout, three or four hand-offs to the driver's thread, the ORM's
loading), which capped confirmations at a few hundred a second. Here it is one call on a
long-lived connection in autocommit mode (storage/inline_sqlite.py): each SELECT sees what was
committed when it ran (WAL), exactly as a read session would. The rows are converted by
the columns' own types and handed back as detached ORM objects, as if a query had
loaded them in a session since closed.

On PostgreSQL the same read is one statement sent to asyncpg directly, on a connection of
the pool the bet statement also runs on (PostgresRowReader, storage/hot_pool.py), prepared
once per connection: through a session it was a pool checkout, SQLAlchemy's compile
cache lookup, execution context and ORM loading around one round trip, about half of
what a whole bet confirmation cost there.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Float, inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.types import TypeEngine

from storage.hot_pool import HotPool
from storage.inline_sqlite import InlineSqlite
from storage.models import Base
from storage.row_sets import column_params

M = TypeVar("M", bound=Base)


class ModelRows:
    """Builds detached instances of `model` from its columns' raw driver values."""

    def __init__(self, model: type[Base], dialect: Dialect) -> None:
        self.model = model
        mapper = inspect(model)
        self._new_instance = mapper.class_manager.new_instance
        attributes = mapper.column_attrs
        self.keys = [attr.key for attr in attributes]
        self.columns = [attr.columns[0].name for attr in attributes]
        self.processors: list[Callable[[Any], Any] | None] = [
            _result_processor(attr.columns[0].type, dialect) for attr in attributes
        ]

    def select_list(self, table: str) -> str:
        return ", ".join(f"{table}.{column}" for column in self.columns)

    def build(self, values: Sequence[Any]) -> Any:
        fields = {
            key: processor(value) if processor is not None else value
            for key, processor, value in zip(self.keys, self.processors, values, strict=True)
        }
        # As a query's loading does: the instance's state made without running its
        # constructor, then every column set at once. The constructor set each through the
        # attribute's change events, which cost more than the rest of the read.
        instance = self._new_instance()
        instance.__dict__.update(fields)
        make_transient_to_detached(instance)
        return instance


def _result_processor(column_type: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """How a raw driver value of this column becomes the model's value, as a query would do it.

    asyncpg's numeric types choose by the column's type code, which a query's cursor would
    tell and a row read here does not; Sidebet's floats are double precision (OID 701).
    """
    coltype = _FLOAT8 if isinstance(column_type, Float) else None
    return column_type.dialect_impl(dialect).result_processor(dialect, coltype)


_FLOAT8 = 701


class SqliteRowReader:
    """One connection for hot reads, opened on first use.

    Parameters are `:name`; an instant among them is bound as its column stores it
    (row_sets.column_params), so it compares with stored instants exactly as the ORM's do.
    """

    def __init__(self, path: Path, busy_timeout_ms: int, dialect: Dialect) -> None:
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._dialect = dialect
        self._conn: InlineSqlite | None = None
        self._opening = asyncio.Lock()

    async def fetchone(self, sql: str, params: dict[str, Any]) -> Sequence[Any] | None:
        return next(iter(await self.fetchall(sql, params)), None)

    async def fetchall(self, sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        conn = self._conn or await self._open()
        return list(await conn.execute_fetchall(sql, column_params(params, self._dialect)))

    async def _open(self) -> InlineSqlite:
        async with self._opening:
            if self._conn is None:
                self._conn = await InlineSqlite(self._path, self._busy_timeout_ms)
            return self._conn

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None


_NAMED = re.compile(r":([a-z_]+)")


class PostgresRowReader:
    """Hot single-row reads on PostgreSQL: each statement prepared once per pooled connection.

    Takes the same SQL as SqliteRowReader (`:name` parameters), numbered for asyncpg once.
    Outside any transaction, as a read session is on PostgreSQL (READ COMMITTED: the row as
    committed when the statement ran).
    """

    def __init__(self, hot: HotPool) -> None:
        self._hot = hot
        self._numbered: dict[str, tuple[str, tuple[str, ...]]] = {}

    def _numbering(self, sql: str) -> tuple[str, tuple[str, ...]]:
        if sql not in self._numbered:
            names: list[str] = []

            def number(match: re.Match[str]) -> str:
                if match.group(1) not in names:
                    names.append(match.group(1))
                return f"${names.index(match.group(1)) + 1}"

            self._numbered[sql] = (_NAMED.sub(number, sql), tuple(names))
        return self._numbered[sql]

    async def fetchone(self, sql: str, params: dict[str, Any]) -> Sequence[Any] | None:
        numbered, names = self._numbering(sql)
        row = await self._hot.fetchrow(numbered, *self._args(params, names))
        return None if row is None else tuple(row)

    async def fetchall(self, sql: str, params: dict[str, Any]) -> Sequence[Sequence[Any]]:
        numbered, names = self._numbering(sql)
        return [tuple(row) for row in await self._hot.fetch(numbered, *self._args(params, names))]

    def _args(self, params: dict[str, Any], names: tuple[str, ...]) -> list[Any]:
        bound = column_params(params, self._hot.dialect)
        return [bound[name] for name in names]

    async def close(self) -> None:
        """Nothing of its own to close: the hot pool is the database's (Database.dispose)."""
