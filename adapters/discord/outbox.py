"""The outbox on Discord: posts in a league's channel, DMs and the weekly winner role.

`commands.outbox.OutboxLoop` decides what is due and records what went out; this adapter
only says things on Discord. A post may need several Discord messages (limits); their ids
are kept, comma-separated, as the post's ref, so a later revision (the board moving or
locking) edits those messages in place.

A DM opens (or reuses) the bot's DM channel with the member. Roles use the REST endpoints
directly (PUT/DELETE /guilds/{g}/members/{u}/roles/{r}), which need no member cache and no
privileged intent; both calls are idempotent on Discord's side. Discord answers 403 or 404
with a code when retrying cannot help (50007: the member does not accept DMs from the
bot; 50013: the bot lacks Manage Roles ...): those DMs and role changes are undeliverable.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import discord

from adapters.discord.permissions import PLATFORM
from adapters.discord.render import Outgoing, render
from commands.outbox import Delivery, PartialDelivery, RoleChange
from commands.replies import Reply
from storage.models import League

log = logging.getLogger("sidebet.discord.outbox")

NO_MENTIONS = discord.AllowedMentions.none()
MAX_REF = 120  # OutboxMessage.message_ref's length

UNKNOWN_ROLE = 10011
UNKNOWN_MEMBER = 10007
UNKNOWN_USER = 10013
CANNOT_DM = 50007
MISSING_PERMISSIONS = 50013
MISSING_ACCESS = 50001
_WHY = {
    CANNOT_DM: "the member does not accept direct messages from the bot",
    MISSING_PERMISSIONS: "Sidebet needs Manage Roles, and its own role above the winner role",
    MISSING_ACCESS: "Sidebet has no access",
    UNKNOWN_ROLE: "the winner role does not exist (check `config set winner_role`)",
    UNKNOWN_USER: "unknown user",
}


class NoChannel(LookupError):
    """The league has no Discord channel id yet (`/admin channel` sets it)."""


class NotAUserId(ValueError):
    """A DM addressed to something that is not a Discord user id."""


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


class DiscordOutbox:
    """`commands.outbox.OutboxAdapter` (with roles) for Discord."""

    platform = PLATFORM

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    def _channel(self, league: League) -> discord.PartialMessageable:
        channel_id = (league.channel_id or "").strip()
        if not channel_id.isdigit():
            raise NoChannel(f"league {league.id} has no Discord channel")
        return self._client.get_partial_messageable(int(channel_id))

    async def send_post(self, league: League, reply: Reply) -> str | None:
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

    async def update_post(self, league: League, ref: str, reply: Reply) -> None:
        """Edit the post's messages in place; extra parts are posted, surplus messages deleted."""
        channel = self._channel(league)
        ids = [int(i) for i in ref.split(",") if i.isdigit()]
        messages = render(reply)
        try:
            for message_id, out in zip(ids, messages, strict=False):
                await channel.get_partial_message(message_id).edit(**_kwargs(out, editing=True))
        except discord.NotFound:
            # The message was deleted (or the channel changed): post the revision afresh.
            await self.send_post(league, reply)
            return
        for out in messages[len(ids) :]:
            await channel.send(**_kwargs(out, editing=False))
        for message_id in ids[len(messages) :]:
            with contextlib.suppress(discord.NotFound):
                await channel.get_partial_message(message_id).delete()

    async def send_dm(self, league: League, user_id: str, reply: Reply) -> None:
        if not user_id.isdigit():
            raise NotAUserId(f"not a Discord user id: {user_id[:32]!r}")
        channel = await self._client.create_dm(discord.Object(id=int(user_id)))
        for out in render(reply):
            await channel.send(**_kwargs(out, editing=False))

    async def apply_role(self, change: RoleChange) -> None:
        http = self._client.http
        reason = "Sidebet weekly winner"
        try:
            if change.add:
                await http.add_role(change.guild_id, change.user_id, change.role_id, reason=reason)
            else:
                await http.remove_role(change.guild_id, change.user_id, change.role_id, reason=reason)
        except discord.NotFound as error:
            if error.code != UNKNOWN_MEMBER:
                raise
            # Left the server: nothing to give or take; the rest of the hand-over goes on.
            log.info("winner role: member %s is no longer in guild %s", change.user_id, change.guild_id)

    def undeliverable(self, error: Exception, delivery: Delivery) -> str | None:
        if delivery == "post":
            return None  # a channel may come back (`/admin channel`, permissions fixed): retry
        if isinstance(error, NotAUserId):
            return str(error)
        if isinstance(error, discord.Forbidden | discord.NotFound):
            return f"Discord {error.code}: {_WHY.get(error.code, error.text or 'refused')}"
        return None
