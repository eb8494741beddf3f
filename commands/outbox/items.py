"""What the outbox holds and the one way in: an item queued once, in the caller's transaction.

Everything the bot says outside a command's own reply waits in the `outbox` table: channel
posts (lines up, tickets, reminders, settlement, recaps), direct messages to members who
opted in, and the weekly winner role's hand-over on Discord. An item is queued inside the
transaction that decided it (a crash keeps both or neither) under a dedupe key unique per
league, so queueing it again (a retried job, a second process) changes nothing. The
payload shapes are defined here, beside the queueing, and read back by the delivery loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from commands.replies import Reply
from commands.serialize import reply_to_dict
from storage.models import OutboxMessage
from storage.row_sets import rows_changed
from storage.statuses import OutboxStatus

DM_KIND = "dm"
ROLE_KIND = "winner_role"
# Items addressed to one person rather than a league's channel; every other kind is a post.
DIRECT_KINDS = (DM_KIND, ROLE_KIND)
BOARD_WEEK = "board_week"


# The one way in, built once per back end (posts are queued by every tick that opens,
# reminds, locks or settles): the row's values are bound per call.
_QUEUE_ONCE = {
    name: dialect.insert(OutboxMessage).on_conflict_do_nothing(index_elements=["league_id", "dedupe_key"])
    for name, dialect in (("postgresql", postgresql), ("sqlite", sqlite))
}


async def enqueue(
    session: AsyncSession,
    *,
    league_id: int,
    kind: str,
    dedupe_key: str,
    payload: dict[str, Any],
    now: datetime,
) -> bool:
    """Queue one item once: True if queued, False if the dedupe key already had one."""
    row = {
        "league_id": league_id,
        "kind": kind,
        "dedupe_key": dedupe_key,
        "payload": payload,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "created_at": now,
    }
    statements = await session.connection()  # Core: one row, no ORM bulk-insert machinery
    result = await statements.execute(_QUEUE_ONCE[statements.dialect.name], row)
    return rows_changed(result) == 1


async def enqueue_post(
    session: AsyncSession,
    *,
    league_id: int,
    kind: str,
    dedupe_key: str,
    reply: Reply,
    now: datetime,
) -> bool:
    """Queue a channel post once (see `enqueue`)."""
    return await enqueue(
        session, league_id=league_id, kind=kind, dedupe_key=dedupe_key, payload=reply_to_dict(reply), now=now
    )


async def revise_post(session: AsyncSession, *, league_id: int, dedupe_key: str) -> bool:
    """Mark a queued or already posted board due again: its content is its week
    (`board_payload`), so the loop words it anew from the book and edits it in place."""
    result = await (await session.connection()).execute(
        update(OutboxMessage)
        .where(OutboxMessage.league_id == league_id, OutboxMessage.dedupe_key == dedupe_key)
        .values(revision=OutboxMessage.revision + 1, status=OutboxStatus.PENDING)
    )
    return bool(rows_changed(result))


def board_payload(week_id: int) -> dict[str, Any]:
    """A week's markets board as stored in the outbox: the week alone, worded when the post is
    delivered (commands/services/board_post.py), so every delivery shows the book as it is."""
    return {BOARD_WEEK: week_id}


def board_week(payload: dict[str, Any]) -> int | None:
    """The week whose board a stored post shows, or None for a post stored as its words."""
    week = payload.get(BOARD_WEEK)
    return int(week) if week is not None else None


def dm_payload(user_id: str, reply: Reply) -> dict[str, Any]:
    """A DM as stored in the outbox: the reply plus whom it is for."""
    return reply_to_dict(reply) | {"to": user_id}


@dataclass(frozen=True, slots=True)
class RoleChange:
    """Give (`add`) or take away one role from one member of one Discord guild."""

    guild_id: str
    role_id: str
    user_id: str
    add: bool


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
