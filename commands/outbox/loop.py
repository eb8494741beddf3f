"""The one delivery loop: every platform's posts, DMs and role changes, exactly once across replicas.

Each pass claims a batch of channel posts and delivers them in queue order, then a batch
of direct items (DMs, role changes), which never hold up the posts: they need no channel,
and a member who blocks DMs must not delay the league's recap. Every item is claimed
first (commands/outbox/claims.py), so replicas sharing the database never send one twice.

- A post is marked sent only after the platform accepted every part, with the ref the
  adapter returned, so a later revision (the lines board moving) edits it in place. A
  split post failing part-way records how far it got (`PartialDelivery`), and the retry
  posts only the rest.
- A markets board (the lines-up post) is stored as its week and worded at each delivery
  from the book as it is then (commands/services/board_post.py).
- A failure the adapter calls undeliverable is recorded at once and never tried again;
  any other is retried on later passes, up to MAX_POST_ATTEMPTS or MAX_DIRECT_ATTEMPTS.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from commands.clock import Clock
from commands.outbox.adapter import PARTS_DONE, Delivery, OutboxAdapter, PartialDelivery, RoleAdapter
from commands.outbox.claims import PROCESS_OWNER, claim, mark_sent, record_failure
from commands.outbox.items import DIRECT_KINDS, DM_KIND, board_week, role_changes
from commands.replies import Reply
from commands.serialize import reply_from_dict
from commands.services.board_post import board_post
from storage.database import Database
from storage.models import League, OutboxMessage

log = logging.getLogger("sidebet.outbox")

MAX_POST_ATTEMPTS = 20
MAX_DIRECT_ATTEMPTS = 10


class OutboxLoop:
    """Delivers one platform's outbox: a pass on demand, or every `interval` seconds once started."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        adapter: OutboxAdapter,
        *,
        owner: str = PROCESS_OWNER,
        batch: int = 50,
    ) -> None:
        self._db = db
        self._clock = clock
        self._adapter = adapter
        self._roles = adapter if isinstance(adapter, RoleAdapter) else None
        self._owner = owner
        self._batch = batch
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def deliver_once(self) -> int:
        """One pass: channel posts, then direct items. Returns how many were delivered."""
        return await self.deliver_posts() + await self.deliver_direct()

    async def deliver_posts(self) -> int:
        rows = await claim(
            self._db, self._clock.now(), self._owner, platform=self._adapter.platform, limit=self._batch
        )
        delivered = 0
        for message, league in rows:
            ref = message.message_ref
            try:
                reply = await self._post_content(message, league)
                if ref is not None:
                    await self._adapter.update_post(league, ref, reply)
                else:
                    ref = await self._adapter.send_post(league, reply)
            except Exception as exc:
                progress = exc.ref if isinstance(exc, PartialDelivery) else None
                cause = (
                    exc.__cause__
                    if isinstance(exc, PartialDelivery) and isinstance(exc.__cause__, Exception)
                    else exc
                )
                await self._failed(message, cause, "post", MAX_POST_ATTEMPTS, message_ref=progress)
                continue
            if ref is not None and ref.startswith(PARTS_DONE):
                ref = None  # the post is complete; a later revision starts from its first part
            await mark_sent(self._db, message, self._owner, self._clock.now(), message_ref=ref)
            delivered += 1
        return delivered

    async def _post_content(self, message: OutboxMessage, league: League) -> Reply:
        """A post's words: as stored, or for a board, the book as it is now."""
        week_id = board_week(message.payload)
        if week_id is None:
            return reply_from_dict(message.payload)
        return await board_post(self._db, league, week_id, self._clock.now())

    async def deliver_direct(self) -> int:
        kinds = DIRECT_KINDS if self._roles is not None else (DM_KIND,)
        rows = await claim(
            self._db,
            self._clock.now(),
            self._owner,
            platform=self._adapter.platform,
            limit=self._batch,
            kinds=kinds,
        )
        delivered = 0
        for message, league in rows:
            delivery: Delivery = "dm" if message.kind == DM_KIND else "role"
            try:
                await self._deliver_direct(message, league)
            except Exception as exc:
                await self._failed(message, exc, delivery, MAX_DIRECT_ATTEMPTS)
                continue
            await mark_sent(self._db, message, self._owner, self._clock.now())
            delivered += 1
        return delivered

    async def _deliver_direct(self, message: OutboxMessage, league: League) -> None:
        if message.kind == DM_KIND:
            reply = reply_from_dict(message.payload)
            await self._adapter.send_dm(league, str(message.payload["to"]), reply)
            return
        assert self._roles is not None  # role items are only claimed for adapters with roles
        for change in role_changes(message.payload):
            await self._roles.apply_role(change)

    async def _failed(
        self,
        message: OutboxMessage,
        error: Exception,
        delivery: Delivery,
        max_attempts: int,
        *,
        message_ref: str | None = None,
    ) -> None:
        refusal = self._adapter.undeliverable(error, delivery)
        if refusal is not None:
            log.warning("outbox %s %s refused for good: %s", message.kind, message.id, refusal)
            await record_failure(self._db, message.id, refusal, final=True, message_ref=message_ref)
            return
        log.warning("outbox %s %s failed: %s", message.kind, message.id, type(error).__name__)
        final = message.attempts + 1 >= max_attempts
        await record_failure(self._db, message.id, type(error).__name__, final=final, message_ref=message_ref)

    # --- running in the background ---------------------------------------------------------

    def wake(self) -> None:
        """Deliver now rather than at the next interval (a command just queued a post)."""
        self._wake.set()

    def start(self, interval: float) -> None:
        """Deliver every `interval` seconds (and whenever woken) until `stop`."""
        if self._task is None:
            self._stopping = False
            name = f"sidebet-outbox-{self._adapter.platform}"
            self._task = asyncio.create_task(self._run(interval), name=name)

    async def stop(self) -> None:
        """Stop after the pass under way, so nothing sent goes unrecorded (and out again)."""
        if self._task is not None:
            self._stopping = True
            self._wake.set()
            await self._task
            self._task = None

    async def _run(self, interval: float) -> None:
        while not self._stopping:
            try:
                await self.deliver_once()
            except Exception:
                log.exception("%s outbox pass failed", self._adapter.platform)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            self._wake.clear()
