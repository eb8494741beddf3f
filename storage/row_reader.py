"""The caller's league and member rows on SQLite, read on a connection of their own.

Every command reads who is calling fresh (commands/callers.py keeps ids only). Through a
SQLAlchemy session that read cost more CPU than the rest of a bet confirmation (about a
millisecond: a pool checkout, three or four hand-offs to the driver's thread, the ORM's
loading), which capped confirmations at a few hundred a second. Here it is one call on a
long-lived connection in autocommit mode (storage/inline_sqlite.py): each SELECT sees what was
committed when it ran (WAL), exactly as a read session would. The rows are converted by
the columns' own types and handed back as detached ORM objects, as if a query had
loaded them in a session since closed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import make_transient_to_detached

from storage.inline_sqlite import InlineSqlite
from storage.models import Base

M = TypeVar("M", bound=Base)


class ModelRows:
    """Builds detached instances of `model` from its columns' raw driver values."""

    def __init__(self, model: type[Base], dialect: Dialect) -> None:
        self.model = model
        attributes = inspect(model).column_attrs
        self.keys = [attr.key for attr in attributes]
        self.columns = [attr.columns[0].name for attr in attributes]
        self.processors: list[Callable[[Any], Any] | None] = [
            attr.columns[0].type.dialect_impl(dialect).result_processor(dialect, None) for attr in attributes
        ]

    def select_list(self, table: str) -> str:
        return ", ".join(f"{table}.{column}" for column in self.columns)

    def build(self, values: Sequence[Any]) -> Any:
        fields = {
            key: processor(value) if processor is not None else value
            for key, processor, value in zip(self.keys, self.processors, values, strict=True)
        }
        instance = self.model(**fields)
        make_transient_to_detached(instance)
        return instance


class SqliteRowReader:
    """One connection for hot single-row reads, opened on first use."""

    def __init__(self, path: Path, busy_timeout_ms: int) -> None:
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._conn: InlineSqlite | None = None
        self._opening = asyncio.Lock()

    async def fetchone(self, sql: str, params: dict[str, Any]) -> Sequence[Any] | None:
        conn = self._conn or await self._open()
        rows = await conn.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def _open(self) -> InlineSqlite:
        async with self._opening:
            if self._conn is None:
                self._conn = await InlineSqlite(self._path, self._busy_timeout_ms)
            return self._conn

    async def close(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None
