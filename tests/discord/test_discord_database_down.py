"""The database down while Discord asks who a member is: the plain busy reply, not an apology.

The router reads the league (commissioner rights) before the command layer runs, so the
adapter's own failure path must word database trouble as the dispatcher does.
"""

from __future__ import annotations

import logging

from storage.database import Database
from tests.faults.test_database_down import BUSY, closed_port


async def test_a_slash_command_while_the_database_refuses_connections_says_busy(harness, caplog):
    down = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test")
    up, harness.services.db = harness.services.db, down
    try:
        with caplog.at_level(logging.WARNING):
            cb = await harness.slash("balance", harness.member("alex"))
    finally:
        harness.services.db = up
        await down.dispose()
    content = cb.data.get("content", "")
    assert BUSY in content and "went wrong" not in content, cb.data
    assert cb.ephemeral
    assert any("kind=unavailable" in r.getMessage() for r in caplog.records)
