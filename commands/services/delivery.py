"""Delivering queued channel posts and edits, and recording what was delivered.

A post is marked sent only after the platform accepted it, with the platform's message id
so a later revision (the lines board moving or locking) edits that message in place. A
failure records the error and leaves the post pending for the next pass. Each adapter
supplies `send` (returns the new message's id, or None if it has none) and optionally
`edit`; without `edit` a revision is posted as a new message.

Any process may deliver any post of its platform (posting is a REST call that needs no
gateway connection), so with several replicas each post is claimed by one of them first.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import update

from commands.clock import Clock
from commands.replies import Reply
from commands.serialize import reply_from_dict
from commands.services.outbox_claims import PROCESS_OWNER, claim_pending, record_failed_attempt
from storage.database import Database
from storage.models import League, OutboxMessage

log = logging.getLogger(__name__)

# A ref of this form means "the first N messages of this post are out": the next pass calls
# `edit` to post the rest (for platforms whose messages have no ids to edit).
PARTS_DONE = "parts:"


class PartialDelivery(Exception):
    """A post split into several messages failed part-way; `ref` names the parts already out.

    Without it a retry would post the whole split post again and repeat its first parts.
    """

    def __init__(self, ref: str) -> None:
        super().__init__(ref)
        self.ref = ref


Send = Callable[[League, Reply], Awaitable[str | None]]
Edit = Callable[[League, str, Reply], Awaitable[None]]
MAX_ATTEMPTS = 20


async def deliver_pending(
    db: Database,
    clock: Clock,
    send: Send,
    *,
    edit: Edit | None = None,
    platform: str | None = None,
    limit: int = 50,
    owner: str = PROCESS_OWNER,
) -> int:
    """Deliver up to `limit` pending posts in the order they were queued; returns how many went.

    With `platform`, only posts of leagues on that platform: each adapter delivers its own.
    The posts are first claimed for `owner` (see `claim_pending`), so replicas sharing the
    database never send the same post at once.
    """
    rows = await claim_pending(db, clock.now(), owner, platform=platform, limit=limit)
    delivered = 0
    for message, league in rows:
        reply = reply_from_dict(message.payload)
        ref = message.message_ref
        try:
            if ref is not None and edit is not None:
                await edit(league, ref, reply)
            else:
                ref = await send(league, reply) or ref
        except Exception as exc:
            cause = exc.__cause__ if isinstance(exc, PartialDelivery) and exc.__cause__ else exc
            log.warning("outbox post %s failed: %s", message.id, type(cause).__name__)
            progress = {"message_ref": exc.ref} if isinstance(exc, PartialDelivery) else {}
            final = message.attempts + 1 >= MAX_ATTEMPTS
            await record_failed_attempt(db, message.id, type(cause).__name__, final=final, **progress)
            continue
        if ref is not None and ref.startswith(PARTS_DONE):
            ref = None  # the post is complete; a later revision starts from its first part
        async with db.write() as session:
            # Only the revision we delivered is marked sent; a newer one stays pending.
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id, OutboxMessage.revision == message.revision)
                .values(
                    status="sent", sent_at=clock.now(), message_ref=ref, attempts=OutboxMessage.attempts + 1
                )
            )
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == owner)
                .values(claimed_by=None, claimed_until=None)
            )
        delivered += 1
    return delivered
