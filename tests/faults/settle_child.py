"""The settlement job in a process of its own, for the SIGKILL trials (not a test module).

usage: python -m tests.faults.settle_child <db file> <league id> <iso time> <kill at statement>

It runs the product's `settle_due` for the league at the given time. With a kill point
N > 0 the process sends itself SIGKILL just before SQLite starts its Nth SQL statement,
which is as abrupt as an outside kill (no cleanup, no rollback, no flush) but lands on a
chosen point, so a seeded list of points reproduces exactly. With N = 0 it settles and
prints how many statements it ran: settling, and in all.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.util import await_

from commands.services.lifecycle import recap_due, settle_due
from storage.database import Database
from storage.models import League


async def main(path: str, league_id: int, now: datetime, kill_at: int) -> None:
    db = Database(f"sqlite+aiosqlite:///{path}")
    statements = 0

    def _count(_statement: str) -> None:
        nonlocal statements
        statements += 1
        if statements == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    # SQLite's own trace callback sees every statement the connection starts, whichever
    # layer sent it (settlement sends its writes straight to the driver).
    @event.listens_for(db.engine.sync_engine, "connect")
    def _trace(_dbapi_connection: object, record: Any) -> None:
        await_(record.driver_connection.set_trace_callback(_count))

    async with db.read() as session:
        league = await session.scalar(select(League).where(League.id == league_id))
    assert league is not None
    statements = 0  # count the settlement's statements only
    done = await settle_due(db, league, now)
    settling = statements
    await recap_due(db, league, now)  # the same scheduler pass queues the week's recap next
    await db.dispose()
    print(f"settled={len(done)} settle_statements={settling} statements={statements}", flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3]), int(sys.argv[4])))
