"""The database down while Slack asks who a member is: the plain busy reply, not an apology.

The listener reads the league's admin list before the command layer runs, so the adapter's
own failure path must word database trouble as the dispatcher does.
"""

from __future__ import annotations

import logging

from storage.database import Database
from tests.faults.test_database_down import BUSY, closed_port


async def test_a_slash_command_while_the_database_refuses_connections_says_busy(slack, services, caplog):
    down = Database(f"postgresql+asyncpg://postgres@127.0.0.1:{closed_port()}/test")
    up, services.db = services.db, down
    try:
        with caplog.at_level(logging.WARNING):
            answer = await slack.command("balance", user="U1")
    finally:
        services.db = up
        await down.dispose()
    assert BUSY in answer.text and "went wrong" not in answer.text, answer.text
    assert any("kind=unavailable" in r.getMessage() for r in caplog.records)
