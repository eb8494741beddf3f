"""SQLite's write-ahead log copied back into the database file on a thread of its own.

Why: under WAL every commit appends the pages it changed to the log, and by default the
commit that takes the log past 1,000 pages also copies them back into the file and syncs
it (a checkpoint), on whichever thread committed: for Sidebet mostly the event loop's
(storage/inline_sqlite.py), in the middle of a tick and of every command queued behind
it. Measured on the tick bench's cold tick (1,000 leagues, a file on disk): 17.9-18.5 ms a
league with no checkpoint at all, 19.8-20.6 ms with SQLite's own, so about 2 ms a league
of copying and waiting on the disk. Checkpointing less often only made the stalls rarer
and longer: at 10,000 pages the bets' open-loop p99 went from 6.8 to 28-31 ms.

Here a thread with a connection of its own runs a PASSIVE checkpoint after writers commit
(`nudge`). PASSIVE waits on no lock a reader or writer holds: it copies what no reader
still needs and leaves the rest for the next pass, and the next writer starts the log
over once all of it is copied. sqlite3 lets go of the GIL while SQLite works, so the copy
and the sync run on another core while the loop goes on. Nudges that come during a pass
make one more pass, so a busy process checkpoints as often as it can and an idle one not
at all. Every connection keeps SQLite's automatic checkpoint as a backstop at
BACKSTOP_PAGES (storage/inline_sqlite.py), for a log this thread could not keep short.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import threading
from pathlib import Path

from storage.inline_sqlite import open_sqlite

log = logging.getLogger(__name__)

# (busy, pages in the log, pages of it copied into the file): SQLite's answer to a checkpoint.
Checkpointed = tuple[int, int, int]


class WalCheckpointer:
    """Checkpoints one SQLite file on a thread of its own, started by the first nudge."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._passes = 0  # checkpoints finished, under _done
        self._in_pass = False  # under _done
        self._last: Checkpointed = (0, 0, 0)
        self._stopping = False
        self._thread: threading.Thread | None = None

    def nudge(self) -> None:
        """A writer committed: checkpoint soon (at once if the thread is idle)."""
        if self._stopping:
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
            self._thread.start()
        self._wake.set()

    async def settle(self) -> Checkpointed:
        """Nudge, then wait for a pass that started after this call; its result."""
        with self._done:  # a pass in progress may have started before this call
            target = self._passes + (2 if self._in_pass else 1)
        self.nudge()

        def wait() -> Checkpointed:
            with self._done:
                self._done.wait_for(lambda: self._passes >= target or self._stopping)
                return self._last

        return await asyncio.to_thread(wait)

    async def close(self) -> None:
        """Stop the thread after its pass in progress, if any."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            await asyncio.to_thread(self._thread.join)
            self._thread = None

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            conn = open_sqlite(self._path, busy_timeout_ms=0)
            while True:
                self._wake.wait()
                self._wake.clear()
                if self._stopping:
                    return
                self._checkpoint(conn)
        except sqlite3.Error:
            # Opening failed (the file is gone, say): the backstop checkpoints from now on.
            log.exception("the SQLite checkpoint thread stopped; commits checkpoint the log themselves")
        finally:
            if conn is not None:
                conn.close()
            with self._done:
                self._stopping = True
                self._done.notify_all()

    def _checkpoint(self, conn: sqlite3.Connection) -> None:
        with self._done:
            self._in_pass = True
        try:
            row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            # A checkpoint that failed copied nothing it should not have; the next nudge retries.
            log.warning("a SQLite checkpoint failed; the next commit retries it", exc_info=True)
            row = self._last
        with self._done:
            self._last = (int(row[0]), int(row[1]), int(row[2]))
            self._passes += 1
            self._in_pass = False
            self._done.notify_all()
