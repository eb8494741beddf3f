"""The single entry point every adapter calls: a command in, a Reply out.

The order of checks is deliberate: who may run it, then whether the options make sense,
and only then the database. A refused or malformed command therefore never writes.
Every command runs under a request reference id (commands/reference.py) that all of its
log lines carry; an unexpected failure is logged with it and the user sees only that id.
Each command's latency is observed for the metrics endpoint, labelled by its outcome.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from typing import Any

from commands.callers import CallerIds, Key
from commands.catalogue import BY_NAME, Audience, Command
from commands.context import Context, Invocation, Services
from commands.errors import CommandError, NotAllowed
from commands.failures import failure_reply
from commands.handlers import HANDLERS, LEAGUELESS_HANDLERS
from commands.league_settings import LeagueSettings
from commands.metrics import INTERACTION_SECONDS
from commands.options import parse_options
from commands.reference import request_reference
from commands.replies import Reply, Tone
from commands.services.tenancy import ensure_member, find_caller, load_caller
from engine import LimitError
from storage.models import League, Member

log = logging.getLogger("sidebet.commands")


async def dispatch(services: Services, invocation: Invocation, name: str, raw: dict[str, Any]) -> Reply:
    command = BY_NAME.get(name)
    if command is None:
        return Reply.error(f"There's no command `{name}`. `help` lists what you can do.")
    started = time.perf_counter()
    outcome = "ok"
    with request_reference() as ref:
        try:
            return await _run(services, invocation, command, raw)
        except (CommandError, LimitError) as exc:
            outcome = "refused"
            return Reply.error(str(getattr(exc, "message", exc)))
        except Exception as exc:
            outcome = "error"
            return failure_reply(exc, ref, log, f"command={command.name} platform={invocation.platform}")
        finally:
            INTERACTION_SECONDS.labels(invocation.platform, command.name, outcome).observe(
                time.perf_counter() - started
            )


async def _run(services: Services, invocation: Invocation, command: Command, raw: dict[str, Any]) -> Reply:
    if command.audience is Audience.ADMIN and not invocation.is_admin:
        raise NotAllowed(f"`{command.name}` is for commissioners only.")
    args = parse_options(command, raw)
    if not command.needs_league:
        return await LEAGUELESS_HANDLERS[command.name](services, invocation, args)
    league, member = await _caller(services, invocation)
    settings = LeagueSettings.of(league.settings)
    now = services.clock.now()
    if member is None:
        member = await ensure_member(services.db, league, invocation, settings, now)
        services.callers.put(_caller_key(invocation), CallerIds(league.id, member.id))
    ctx = Context(services, invocation, league, settings, member, now)
    reply = await HANDLERS[command.name](ctx, args)
    if not command.ephemeral and reply.tone is not Tone.ERROR:
        reply = replace(reply, ephemeral=False)
    return reply


def _caller_key(invocation: Invocation) -> Key:
    return (invocation.platform, invocation.workspace_id, invocation.user_id)


async def _caller(services: Services, invocation: Invocation) -> tuple[League, Member | None]:
    """The caller's league and membership (None on first contact), read as they are now.

    One query either way: by primary key once the caller's ids are known, else the lookup
    by workspace and user that finds them.
    """
    key = _caller_key(invocation)
    ids = services.callers.get(key)
    if ids is not None:
        found = await load_caller(services.db, ids.league_id, ids.member_id)
        if found is not None:
            return found
    async with services.db.read() as session:
        league, member = await find_caller(session, invocation)
    if league is None:
        raise CommandError("There's no Sidebet league here yet. A commissioner can set one up.")
    if member is not None:
        services.callers.put(key, CallerIds(league.id, member.id))
    return league, member
