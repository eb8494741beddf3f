"""Delivering what is addressed to one person rather than a channel: DMs and role changes.

These wait in the same outbox as channel posts (so they are queued in the transaction
that settles the week, and their dedupe keys make them happen once), but they are kept
apart from channel delivery: they need no league channel, and a member who blocks DMs or
a role the bot may not manage must never hold up the league's posts. A refusal that will
not change by retrying (`Undeliverable`) is recorded at once and the item is never tried
again; any other failure is retried on later passes, up to `MAX_DIRECT_ATTEMPTS`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update

from commands.clock import Clock
from commands.replies import Reply
from commands.serialize import reply_from_dict, reply_to_dict
from commands.services.outbox_claims import (
    DIRECT_KINDS,
    DM_KIND,
    PROCESS_OWNER,
    claim_pending,
    record_failed_attempt,
)
from storage.database import Database
from storage.models import League, OutboxMessage

log = logging.getLogger(__name__)


MAX_DIRECT_ATTEMPTS = 10


class Undeliverable(Exception):
    """The platform refused for good (DMs closed, unknown user, missing permission).

    The message must be safe to store and log: adapters put the platform's error code and
    reason here, never a token.
    """


@dataclass(frozen=True, slots=True)
class RoleChange:
    """Give (`add`) or take away one role from one member of one Discord guild."""

    guild_id: str
    role_id: str
    user_id: str
    add: bool


SendDirect = Callable[[League, str, Reply], Awaitable[None]]
ApplyRole = Callable[[RoleChange], Awaitable[None]]


def dm_payload(user_id: str, reply: Reply) -> dict[str, Any]:
    """A DM as stored in the outbox: the reply plus whom it is for."""
    return reply_to_dict(reply) | {"to": user_id}


def role_payload(
    guild_id: str, role_id: str, winners: list[str], revoke: list[tuple[str, str]]
) -> dict[str, Any]:
    """A weekly winner role hand-over: give `role_id` to `winners`, take each (role, user) in `revoke`."""
    return {"guild": guild_id, "role": role_id, "grant": winners, "revoke": [list(pair) for pair in revoke]}


def role_changes(payload: dict[str, Any]) -> list[RoleChange]:
    """Removals first, so a member who wins again under a new role id ends up holding it."""
    guild = str(payload["guild"])
    changes = [RoleChange(guild, str(role), str(user), add=False) for role, user in payload.get("revoke", ())]
    role = str(payload.get("role") or "")
    if role:
        changes += [RoleChange(guild, role, str(user), add=True) for user in payload.get("grant", ())]
    return changes


async def deliver_direct(
    db: Database,
    clock: Clock,
    send_dm: SendDirect,
    *,
    apply_role: ApplyRole | None = None,
    platform: str | None = None,
    limit: int = 50,
    owner: str = PROCESS_OWNER,
) -> int:
    """Deliver up to `limit` pending DMs (and role changes, if `apply_role`); returns how many went.

    Claimed first like channel posts, so replicas never send the same DM at once.
    """
    kinds = DIRECT_KINDS if apply_role is not None else (DM_KIND,)
    rows = await claim_pending(db, clock.now(), owner, platform=platform, limit=limit, kinds=kinds)
    delivered = 0
    for message, league in rows:
        try:
            if message.kind == DM_KIND:
                await send_dm(league, str(message.payload["to"]), reply_from_dict(message.payload))
            else:
                assert apply_role is not None
                for change in role_changes(message.payload):
                    await apply_role(change)
        except Undeliverable as refused:
            log.warning("outbox %s %s refused for good: %s", message.kind, message.id, refused)
            await record_failed_attempt(db, message.id, str(refused), final=True)
            continue
        except Exception as exc:
            log.warning("outbox %s %s failed: %s", message.kind, message.id, type(exc).__name__)
            final = message.attempts + 1 >= MAX_DIRECT_ATTEMPTS
            await record_failed_attempt(db, message.id, type(exc).__name__, final=final)
            continue
        async with db.write() as session:
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id, OutboxMessage.status == "pending")
                .values(
                    status="sent",
                    sent_at=clock.now(),
                    attempts=OutboxMessage.attempts + 1,
                    claimed_by=None,
                    claimed_until=None,
                )
            )
        delivered += 1
    return delivered
