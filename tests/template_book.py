"""A demo league opened once per process and copied per test: the cheap fixture for many examples.

Opening the demo league (seeding, first sync, pricing every market) costs seconds on a busy
machine; a property test that runs a thousand examples copies the finished SQLite file
instead, which takes milliseconds and starts every example from the same state.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from storage.database import Database
from storage.migrate import upgrade_to_head
from tests.book import Book

_template: tuple[Path, int] | None = None


async def _build(folder: Path) -> tuple[Path, int]:
    path = folder / "template.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    await upgrade_to_head(db)
    book = await Book(db).open()
    await db.dispose()  # closes every connection, so the WAL is folded into the file
    return path, book.league_id


async def template() -> tuple[Path, int]:
    global _template
    if _template is None:
        _template = await _build(Path(tempfile.mkdtemp(prefix="sidebet-template-")))
    return _template


async def fresh_book(folder: Path, **database: object) -> Book:
    """A Book on its own copy of the opened demo league, at the demo week's start."""
    path, league_id = await template()
    target = folder / "book.db"
    shutil.copyfile(path, target)
    db = Database(f"sqlite+aiosqlite:///{target}", **database)  # type: ignore[arg-type]
    book = Book(db)
    book.league_id = league_id
    return book


def run(coro):  # noqa: ANN001, ANN201 - a tiny bridge for synchronous hypothesis machines
    return asyncio.get_event_loop().run_until_complete(coro)
