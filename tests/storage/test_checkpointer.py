"""The write-ahead log is copied back into the file by the checkpoint thread, not by commits.

Commits leave the log to the thread (their own automatic checkpoint waits for
BACKSTOP_PAGES), the thread copies all of it once nudged, writers nudge it through
`Database.write` and through the bet writer alike, and it stops with the database.
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.database import Database
from storage.inline_sqlite import BACKSTOP_PAGES

# 300 rows of 3,000 bytes: about 230 pages of log per commit.
_FILL = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)"
    " INSERT INTO t (v) SELECT printf('%.3000c', 'x') FROM n"
)


def _log(path: Path) -> tuple[int, int]:
    """(pages in the log, pages of it copied into the file), read from the WAL index itself
    (mxFrame and nBackfill, https://sqlite.org/walformat.html), which a checkpoint to ask
    would change."""
    shm = Path(f"{path}-shm").read_bytes()
    return struct.unpack_from("=I", shm, 16)[0], struct.unpack_from("=I", shm, 96)[0]


async def test_commits_leave_the_log_to_the_thread_which_copies_all_of_it(
    tmp_path: Path, monkeypatch
) -> None:
    path = tmp_path / "book.db"
    db = Database(f"sqlite+aiosqlite:///{path}")
    checkpointer = db.checkpointer
    assert checkpointer is not None
    nudge = checkpointer.nudge
    try:
        async with db.write() as session:
            await session.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
            assert (await session.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one() == BACKSTOP_PAGES
        await checkpointer.settle()
        monkeypatch.setattr(checkpointer, "nudge", lambda: None)  # the thread stays asleep
        for _ in range(6):
            async with db.write() as session:
                await session.execute(text(_FILL))
        pages, copied = _log(path)
        assert pages > 1_000  # past SQLite's own threshold, yet no commit checkpointed
        assert copied == 0
        monkeypatch.setattr(checkpointer, "nudge", nudge)
        busy, pages, copied = await checkpointer.settle()
        assert (busy, copied) == (0, pages)  # the thread copied every page
        assert _log(path) == (pages, pages)
    finally:
        await db.dispose()
    assert checkpointer._thread is None  # stopped with the database


async def test_the_bet_writer_nudges_the_thread_after_each_batch(tmp_path: Path, monkeypatch) -> None:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'book.db'}")
    nudges: list[None] = []
    assert db.checkpointer is not None
    monkeypatch.setattr(db.checkpointer, "nudge", lambda: nudges.append(None))
    try:
        # A batch that fails to commit (here: no request at all) is a batch all the same.
        with pytest.raises(AttributeError):
            await db.placer.place(None)  # type: ignore[arg-type]
        assert nudges == [None]
    finally:
        await db.dispose()
