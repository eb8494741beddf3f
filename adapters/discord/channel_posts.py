"""Public posts (lines up, tickets, settlement, recap) to a league's Discord channel.

The command layer and the scheduler queue posts in the database outbox; a pump here hands
them to `commands.services.delivery.deliver_pending` with Discord's `send` and `edit`. A
post may need several Discord messages (limits); their ids are kept, comma-separated, as
the post's `message_ref`, so a later revision (the board moving or locking) edits those
messages in place. A post is marked sent only after Discord accepted every message, so a
failure is retried (at-least-once delivery).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import discord

from adapters.discord.render import Outgoing, render
from commands.clock import Clock
from commands.replies import Reply
from commands.services.delivery import PartialDelivery, deliver_pending
from commands.services.direct_delivery import deliver_direct
from storage.database import Database
from storage.models import League

if TYPE_CHECKING:
    from adapters.discord.direct import DirectSender

log = logging.getLogger("sidebet.discord.posts")

NO_MENTIONS = discord.AllowedMentions.none()
MAX_REF = 120  # OutboxMessage.message_ref's length


class NoChannel(LookupError):
    """The league has no Discord channel id yet (`/admin channel` sets it)."""


def _kwargs(out: Outgoing, *, editing: bool) -> dict[str, Any]:
    kwargs: dict[str, Any] = {
        "content": out.content or None,
        "embeds": out.embeds,
        "allowed_mentions": NO_MENTIONS,
        "view": out.view(),
    }
    if out.images:
        kwargs["attachments" if editing else "files"] = out.files()
    if not editing and kwargs["view"] is None:
        del kwargs["view"]
    return kwargs


def encode_ref(message_ids: list[int]) -> str:
    """As many message ids as fit the column; later ones cannot be edited in place."""
    ref = ""
    for index, message_id in enumerate(message_ids):
        longer = f"{ref},{message_id}" if ref else str(message_id)
        if len(longer) > MAX_REF:
            log.warning(
                "post has %d messages; only the first %d can be edited later", len(message_ids), index
            )
            break
        ref = longer
    return ref


class ChannelPoster:
    """`send` and `edit` for `deliver_pending`, posting into each league's channel."""

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    def _channel(self, league: League) -> discord.PartialMessageable:
        channel_id = (league.channel_id or "").strip()
        if not channel_id.isdigit():
            raise NoChannel(f"league {league.id} has no Discord channel")
        return self._client.get_partial_messageable(int(channel_id))

    async def send(self, league: League, reply: Reply) -> str | None:
        channel = self._channel(league)
        ids: list[int] = []
        for out in render(reply):
            try:
                message = await channel.send(**_kwargs(out, editing=False))
            except Exception as exc:
                if not ids:
                    raise
                # The next pass edits these in place (a no-op) and posts the rest.
                raise PartialDelivery(encode_ref(ids)) from exc
            ids.append(message.id)
        return encode_ref(ids) or None

    async def edit(self, league: League, ref: str, reply: Reply) -> None:
        """Edit the post's messages in place; extra parts are posted, surplus messages deleted."""
        channel = self._channel(league)
        ids = [int(i) for i in ref.split(",") if i.isdigit()]
        messages = render(reply)
        try:
            for message_id, out in zip(ids, messages, strict=False):
                await channel.get_partial_message(message_id).edit(**_kwargs(out, editing=True))
        except discord.NotFound:
            # The message was deleted (or the channel changed): post the revision afresh.
            await self.send(league, reply)
            return
        for out in messages[len(ids) :]:
            await channel.send(**_kwargs(out, editing=False))
        for message_id in ids[len(messages) :]:
            with contextlib.suppress(discord.NotFound):
                await channel.get_partial_message(message_id).delete()


class OutboxPump:
    """Delivers this platform's queued posts every `interval` seconds, or at once when woken."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        poster: ChannelPoster,
        *,
        interval: float = 5.0,
        direct: DirectSender | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._poster = poster
        self._direct = direct
        self._interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def wake(self) -> None:
        self._wake.set()

    async def deliver_once(self) -> int:
        posted = await deliver_pending(
            self._db, self._clock, self._poster.send, edit=self._poster.edit, platform="discord"
        )
        return posted + await self.deliver_direct_once()

    async def deliver_direct_once(self) -> int:
        """DMs and winner-role changes; after the channel posts, which they never hold up."""
        if self._direct is None:
            return 0
        return await deliver_direct(
            self._db,
            self._clock,
            self._direct.send_dm,
            apply_role=self._direct.apply_role,
            platform="discord",
        )

    def start(self) -> None:
        if self._task is None and self._interval > 0:
            self._task = asyncio.create_task(self._run(), name="sidebet-discord-outbox")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
            try:
                await self.deliver_once()
            except Exception:
                log.exception("discord outbox pass failed")
