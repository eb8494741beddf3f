"""One bot process of the race suite (not a test module): commands and jobs on request.

usage: python -m tests.races.race_child <schema> <label>

It opens its own Database (engine, pool) on the PostgreSQL schema, its connections named
`label` (application_name), so the suite can see in pg_stat_activity when it is waiting for
a lock. Then it reads one JSON request a line from stdin and answers each with one JSON line
on stdout, running the requests one at a time, as a bot replica runs what reaches it:

  {"op": "command", "now": iso, "user": ..., "name": ..., "admin": bool, "args": {...}}
      a catalogue command through commands.dispatch (a fresh caller cache per request);
  {"op": "tick", "now": iso}
      one scheduler tick (bot.scheduler.BookScheduler: the league's lease, then run_due);
  {"op": "settle_job", "now": iso, "league": id}
      the scheduler's settlement alone, as a pass runs it: under the league's lease,
      settle_due then recap_due.

Each answer carries what the suite checks: the reply's text and tone, and for a job the
weeks it settled, the corrections it made and whether it ran at all (lease).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import traceback
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.app import provider_factory
from bot.scheduler import BookScheduler
from commands.clock import ManualClock
from commands.context import Invocation, Services
from commands.dispatch import dispatch
from commands.services.lifecycle import recap_due, settle_due
from storage import leases
from storage.database import Database
from storage.models import League


async def _command(db: Database, clock: ManualClock, request: dict[str, Any], label: str) -> dict[str, Any]:
    services = Services(db, clock, provider_factory(clock))
    invocation = Invocation(
        platform="console",
        workspace_id=request.get("workspace", "demo"),
        user_id=request["user"],
        display_name=request["user"],
        interaction_id=f"{label}-{request['id']}",
        is_admin=bool(request.get("admin")),
    )
    reply = await dispatch(services, invocation, request["name"], request.get("args", {}))
    return {"text": reply.text, "tone": reply.tone.value}


async def _tick(db: Database, clock: ManualClock, label: str) -> dict[str, Any]:
    scheduler = BookScheduler(Services(db, clock, provider_factory(clock)), ["console"], owner=label)
    reports = await scheduler.tick()
    [report] = reports.values() or [None]
    if report is None:
        return {"ran": False, "settled": [], "corrections": 0}
    return {
        "ran": True,
        "settled": [s.week_id for s in report.settled],
        "corrections": len(report.corrections),
    }


async def _settle_job(db: Database, now: datetime, league_id: int, label: str) -> dict[str, Any]:
    name = leases.league_lease(league_id)
    if not await leases.claim(db, name, label, now, leases.LEAGUE_LEASE_TTL):
        return {"ran": False, "settled": []}
    try:
        async with db.read() as session:
            league = await session.scalar(select(League).where(League.id == league_id))
        assert league is not None
        done = await settle_due(db, league, now)
        await recap_due(db, league, now)
        return {"ran": True, "settled": [s.week_id for s in done]}
    finally:
        await leases.release(db, name, label, now)


async def _handle(db: Database, request: dict[str, Any], label: str) -> dict[str, Any]:
    now = datetime.fromisoformat(request["now"])
    clock = ManualClock(now)
    if request["op"] == "command":
        return await _command(db, clock, request, label)
    if request["op"] == "tick":
        return await _tick(db, clock, label)
    if request["op"] == "settle_job":
        return await _settle_job(db, now, int(request["league"]), label)
    raise ValueError(f"no op {request['op']!r}")


async def main(schema: str, label: str) -> None:
    db = Database(
        os.environ["SIDEBET_TEST_DATABASE_URL"],
        connect_args={"server_settings": {"search_path": schema, "application_name": label}},
    )
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    print(json.dumps({"ready": label}), flush=True)
    try:
        while line := await reader.readline():
            request = json.loads(line)
            try:
                answer = await _handle(db, request, label)
            except Exception:
                answer = {"error": traceback.format_exc()}
            print(json.dumps({"id": request["id"], **answer}), flush=True)
    finally:
        await db.dispose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
    sys.stdout.flush()
    os._exit(0)  # nothing left to clean up: skip tearing down the interpreter's modules
